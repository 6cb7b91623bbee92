"""``liaison serve`` for the short crash test: the same server, except that a claim on an
Idempotency-Key left behind by a killed process is taken over after ``STALE`` seconds
instead of 30, and a repeat waits ``WAIT`` seconds instead of 10 before answering 409.

    python -m tests.reliability.serve_briskly STALE WAIT serve --host 127.0.0.1 --port N

The long version (``make faults``) runs ``python -m liaison.cli serve`` untouched.
"""

from __future__ import annotations

import sys
from datetime import timedelta

from liaison import idempotency
from liaison.cli import main

if __name__ == "__main__":
    stale, wait, *argv = sys.argv[1:]
    idempotency.STALE_AFTER = timedelta(seconds=float(stale))
    idempotency.WAIT_SECONDS = float(wait)
    raise SystemExit(main(argv))
