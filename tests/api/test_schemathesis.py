"""Schemathesis against the app's own /openapi.json, with every check it has: no server
error, every answer's status and body as documented, invalid input refused, valid input not
refused for being malformed, authentication not ignored.

It runs as admin (a bearer token), so protected routes are exercised beyond their 401; a
seeded consultation gives real ids, which replace generated ones about half the time, so
requests reach the domain rather than stopping at 404. ``FAULTS_LONG=1`` (make faults)
tries many more inputs per operation.
"""

from __future__ import annotations

import atexit
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import schemathesis
from argon2 import PasswordHasher
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from domain.suggestion import Suggestion
from liaison.bootstrap import bootstrap
from liaison.rights import Actor, Role, operator
from liaison.settings import Settings
from tests.records import draft_received
from web.app import create_app

OPEN_UNTIL = date(2099, 12, 31)
"""A deadline the real clock has not passed: servers here run on the wall's business date."""

LONG = os.environ.get("FAULTS_LONG") == "1"
if os.environ.get("LIAISON_TEST_STORE", "sqlite") != "sqlite":  # as tests/conftest.py reads it
    pytest.skip("fuzzes the API over its own SQLite file, once per suite", allow_module_level=True)
EXAMPLES = 300 if LONG else 8
ANSWERS: Counter[int] = Counter()
TEXT = (
    "第一章　总则\n第一条　为了保护个人信息权益，制定本法。\n第二条　自然人的个人信息受法律保护。"
)

# Valid by the schema yet refused by a rule the schema cannot state (a deadline before the
# day received, a blank title after trimming, a phone that is no phone): 422, as documented.
ACCEPTABLE = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
# Invalid input is refused as documented, 413 included: a body over LIAISON_MAX_BODY_BYTES
# is refused before it is read, whatever is wrong inside it.
REFUSED = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]


def _seed(liaison: Any) -> dict[str, list[str]]:
    """A consultation at every stage, so that real ids exist for every kind of path."""
    app = liaison.app
    cp = app.designate_contact_point(
        "曹杨新村街道", "普陀区", operator("admin"), on=date(2021, 1, 1)
    )
    other = app.designate_contact_point(
        "虹桥街道", "长宁区", operator("admin"), on=date(2021, 1, 1)
    )
    draft = draft_received(app, TEXT, deadline=OPEN_UNTIL, opened_on=date(2021, 3, 2))
    person = app.register_participant(
        cp.id, "王阿姨", "resident", operator("s"), phone="13812345678"
    )
    session = app.schedule_session(
        cp.id, [draft], "symposium", "座谈会", datetime(2021, 3, 8, 14), operator("s")
    )
    app.record_attendance(session.id, [person.id], operator("s"))
    ids = [
        app.record_suggestion(
            cp.id,
            draft,
            f"意见 {n}",
            "letter",
            operator("s"),
            article=1,
            received_on=date(2021, 3, 9),
        ).id
        for n in range(4)
    ]
    for n in (1, 2):
        app.screen_suggestion(ids[n], "accept", operator("s"), on=date(2021, 3, 9))
    report = app.submit_report(cp.id, draft, ids[1:3], date(2021, 3, 12), operator("s"))
    app.record_outcome(ids[2], "adopted", operator("congress"), final_article=1)
    receipt = app.get(ids[0], Suggestion).receipt
    return {
        "contact_point_id": [str(cp.id), str(other.id)],
        "draft_id": [str(draft)],
        "participant_id": [str(person.id)],
        "session_id": [str(session.id)],
        "suggestion_id": [str(i) for i in ids],
        "into": [str(ids[0])],
        "suggestion_ids": [str(i) for i in ids],
        "draft_ids": [str(draft)],
        "participant_ids": [str(person.id)],
        "report_id": [str(report.id)],
        "receipt": [receipt],
    }


def _swappable(value: Any, key: str) -> bool:
    """A well-formed value (an id, a list of ids, any receipt): swapping a malformed one
    for a real id would turn a negative test into a positive one."""
    if key == "receipt":
        return isinstance(value, str)
    if isinstance(value, list):
        return bool(value) and all(_swappable(v, "") for v in value)
    try:
        return isinstance(value, str) and str(UUID(value)) == value.lower()
    except ValueError:
        return False


def _with_known(values: Any, known: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    """The generated values, or the same with each well-formed id swapped for a real one."""
    if not isinstance(values, dict):
        return st.just(values)
    keys = [k for k, v in values.items() if k in known and _swappable(v, k)]
    if not keys:
        return st.just(values)
    real = {
        k: st.lists(st.sampled_from(known[k]), min_size=1, max_size=3, unique=True)
        if isinstance(values[k], list)
        else st.sampled_from(known[k])
        for k in keys
    }
    swapped = st.fixed_dictionaries({k: real.get(k, st.just(v)) for k, v in values.items()})
    return st.one_of(st.just(values), swapped)


def _build() -> tuple[Any, Any]:
    """The app over a seeded Liaison in a directory of its own, and the schema it serves.

    Built when the module is imported: schemathesis 4.32.5 reads ``request.node._nodeid``
    when the schema comes from a fixture (``schemathesis.pytest.from_fixture``), which
    pytest 9.2 no longer has, so the schema must exist at collection time.
    """
    liaison = bootstrap(
        Settings(
            database_url=f"sqlite:///{Path(WORKDIR.name) / 'liaison.sqlite3'}",
            secret_key="schemathesis-" + "s" * 40,
            comments_per_minute=1_000_000,
        )
    )
    liaison.users.hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    liaison.users.add("admin", "admin", "a-long-test-password", None)
    known = _seed(liaison)
    app = create_app(liaison=liaison)
    token = app.state.signer.issue(Actor("admin", Role.ADMIN, None))
    config = SchemathesisConfig.from_dict(
        {
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": {"max-examples": EXAMPLES, "database": "none"},
            "checks": {
                "positive_data_acceptance": {"expected-statuses": ACCEPTABLE},
                "negative_data_rejection": {"expected-statuses": REFUSED},
            },
        }
    )
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)

    @loaded.hook
    def flatmap_path_parameters(_context: Any, parameters: dict[str, Any]) -> Any:
        return _with_known(parameters, known)

    @loaded.hook
    def flatmap_query(_context: Any, query: dict[str, Any]) -> Any:
        return _with_known(query, known)

    @loaded.hook
    def flatmap_body(_context: Any, body: Any) -> Any:
        return _with_known(body, known)

    @loaded.hook
    def after_call(_context: Any, _case: Any, response: Any) -> None:
        ANSWERS[response.status_code] += 1

    return liaison, loaded


def _clean_up() -> None:
    LIAISON.close()
    WORKDIR.cleanup()


WORKDIR = tempfile.TemporaryDirectory(prefix="liaison-schemathesis-")
LIAISON, schema = _build()
atexit.register(_clean_up)


@pytest.fixture(scope="module", autouse=True)
def answers_tallied(request: pytest.FixtureRequest) -> Iterator[None]:
    """How many requests were tried, by status, printed at the end of the module."""
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if ANSWERS and reporter is not None and capture is not None:
        server_errors = sum(n for code, n in ANSWERS.items() if code >= 500)
        with capture.global_and_fixture_disabled():
            reporter.write_line(
                f"\nschemathesis: {sum(ANSWERS.values())} requests, {server_errors} server "
                f"errors, by status {dict(sorted(ANSWERS.items()))}"
            )


@schema.parametrize()
def test_every_operation_keeps_its_documented_contract(case: Any) -> None:
    case.call_and_validate()
