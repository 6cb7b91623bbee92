# make run: install if needed, load the demo (once), serve on 127.0.0.1:8000.
# make test: install if needed, run the whole suite on SQLite and on PostgreSQL (side by side).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test faults bench lint clean

install: $(STAMP)

$(STAMP): pyproject.toml package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	if [ -f package.json ] && command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund; fi
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/liaison demo
	$(BIN)/liaison serve --host 127.0.0.1 --port 8000

# The whole suite on SQLite and, beside it, again on a PostgreSQL server the tests start on
# loopback (Debian's postgresql package); the browser tests need to run once only. The two
# runs overlap: much of their time is waiting (fsync, servers starting, the browser), so
# together they take little more than the longer one. PostgreSQL's report follows SQLite's.
test: $(STAMP)
	@log=$$(mktemp); \
	LIAISON_TEST_STORE=postgres $(BIN)/python -m pytest -p no:cacheprovider \
		-m "not e2e and not slow" >$$log 2>&1 & postgres=$$!; \
	trap 'kill $$postgres 2>/dev/null' INT TERM; \
	LIAISON_TEST_STORE=sqlite $(BIN)/python -m pytest; on_sqlite=$$?; \
	wait $$postgres; on_postgres=$$?; \
	echo "== the suite on PostgreSQL"; cat $$log; rm -f $$log; \
	echo "== SQLite: exit $$on_sqlite; PostgreSQL: exit $$on_postgres"; \
	[ $$on_sqlite -eq 0 ] && [ $$on_postgres -eq 0 ]

# The long fault tests: the server killed with SIGKILL over and over, the projector killed
# mid-batch, the store held by another writer, races between staff, the state machine and
# the API fuzzing, each bounded in time (about 15 minutes in all; loopback only). Their
# figures are printed at the end; docs/reliability.md records them.
faults: $(STAMP)
	LIAISON_TEST_STORE=sqlite FAULTS_LONG=1 $(BIN)/python -m pytest tests/reliability tests/property tests/api/test_schemathesis.py

# Speed beside the physical limit, in one run: SIZE=100k (default), 1M or 4M suggestions;
# STORE=sqlite (default) or postgres (a durable server the bench starts on loopback).
SIZE ?= 100k
STORE ?= sqlite
bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench --size $(SIZE) --store $(STORE)

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var
