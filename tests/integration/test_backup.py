"""Backups restored for real: the figures and the hash chain come back as they were.

SQLite: ``liaison backup PATH`` (sqlite3's online backup API), restored by copying the file
into place. PostgreSQL: ``pg_dump -Fc``, restored with ``pg_restore`` into a new database.
These are the procedures of docs/operations.md, step by step.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from liaison.bootstrap import Liaison, bootstrap
from liaison.chain import Verification
from liaison.cli import main
from liaison.rights import operator
from projections.statistics import figures
from tests.conftest import STORE, FixedClock, store_settings
from tests.postgres_server import PostgresServer
from tests.records import consultation

Captured = pytest.CaptureFixture[str]


def _consultation(liaison: Liaison, comments: int = 6) -> Any:
    app = liaison.app
    cp, draft = consultation(app)
    person = app.register_participant(cp, "王秀英", "resident", operator("s"), phone="13812345678")
    said = app.record_suggestion(
        cp,
        draft,
        "建议",
        "letter",
        operator("s"),
        participant_id=person.id,
        received_on=date(2021, 3, 10),
    )
    app.screen_suggestion(said.id, "accept", operator("s"), on=date(2021, 3, 10))
    app.submit_report(cp, draft, [said.id], date(2021, 3, 12), operator("s"))
    app.record_outcome(said.id, "adopted", operator("congress"), final_article=2)
    for i in range(comments):
        app.comment_publicly(draft, cp, f"意见{i}", article=1)
    return cp, draft


def _state(liaison: Liaison) -> tuple[dict[str, Any], Verification, int]:
    with liaison.engine.connect() as conn:
        shown = figures(conn).as_dict()
    return shown, liaison.chain.verify(), liaison.app.recorder.max_notification_id() or 0


def _check_restored(url: str, expected: tuple[dict[str, Any], Verification, int]) -> None:
    restored = bootstrap(store_settings(url), clock=FixedClock(date(2021, 3, 15)))
    try:
        shown, verification, last = _state(restored)
        assert shown == expected[0]
        assert verification == expected[1] and verification.ok
        assert last == expected[2]
        # the restored store goes on: a new event is chained after the old head
        cp, draft = _consultation(restored, comments=1)
        after = restored.chain.verify()
        assert after.ok and after.events > verification.events
    finally:
        restored.close()


@pytest.fixture
def console(liaison: Liaison, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI pointed at the test's store, as the operator's environment points it."""
    monkeypatch.setenv("LIAISON_DATABASE_URL", liaison.settings.database_url)


# SQLite


@pytest.fixture
def sqlite_only() -> None:
    if STORE != "sqlite":
        pytest.skip("liaison backup copies an SQLite database; PostgreSQL uses pg_dump")


def test_a_backup_restored_in_place_brings_back_the_figures_and_the_chain(
    sqlite_only: None, console: None, liaison: Liaison, tmp_path: Path, capsys: Captured
) -> None:
    # given a consultation, backed up while the site is open
    cp, draft = _consultation(liaison)
    at_backup = _state(liaison)
    backup = tmp_path / "backup.sqlite3"
    assert main(["backup", str(backup)]) == 0
    assert f"backed up to {backup}" in capsys.readouterr().out
    # and more comments after the backup, then the database lost
    liaison.app.comment_publicly(draft, cp, "备份之后的意见")
    liaison.close()
    live = Path(liaison.settings.database_url.removeprefix("sqlite:///"))

    # when it is restored as docs/operations.md says: stale WAL files removed, file copied
    for stale in (Path(f"{live}-wal"), Path(f"{live}-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(backup, live)

    # then the figures and the chain are those of the moment of the backup
    _check_restored(liaison.settings.database_url, at_backup)
    assert main(["verify"]) == 0


def test_a_backup_taken_during_writes_is_consistent(
    sqlite_only: None, liaison: Liaison, tmp_path: Path
) -> None:
    from liaison.database import backup_sqlite

    cp, draft = _consultation(liaison)
    writer = bootstrap(liaison.settings, clock=liaison.app.clock)  # the same business day
    stop = threading.Event()
    written: list[int] = []
    failed: list[BaseException] = []
    writing = threading.Event()

    def keep_writing() -> None:
        try:
            while not stop.is_set():
                writer.app.comment_publicly(draft, cp, f"并发意见{len(written)}")
                written.append(1)
                writing.set()
        except BaseException as error:  # the test below says so, not a warning
            failed.append(error)
        finally:
            writing.set()

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        assert writing.wait(30)
        copies = [tmp_path / f"copy{i}.sqlite3" for i in range(3)]
        for copy in copies:
            backup_sqlite(liaison.settings, copy)
    finally:
        stop.set()
        thread.join(timeout=30)
        writer.close()
    assert failed == []  # and comments came in while the copies were taken

    for copy in copies:
        # one self-contained file: no write-ahead log beside it, none expected (header byte 18)
        assert not Path(f"{copy}-wal").exists() and copy.read_bytes()[18] == 1
        restored = bootstrap(store_settings(f"sqlite:///{copy}"))
        try:
            restored.projector.catch_up()  # a save may have been copied before its projection
            verification = restored.chain.verify()
            assert verification.ok and verification.unchained == 0
            assert restored.projector.position() == restored.app.recorder.max_notification_id()
        finally:
            restored.close()


def test_a_backup_never_overwrites_a_file(
    sqlite_only: None, console: None, tmp_path: Path, capsys: Captured
) -> None:
    taken = tmp_path / "taken.sqlite3"
    taken.write_bytes(b"precious")

    assert main(["backup", str(taken)]) == 2
    assert "exists" in capsys.readouterr().err
    assert taken.read_bytes() == b"precious"


# PostgreSQL


@pytest.fixture
def server(request: pytest.FixtureRequest) -> PostgresServer:
    if STORE != "postgres":
        pytest.skip("pg_dump and pg_restore need the PostgreSQL store")
    return request.getfixturevalue("postgres_server")  # type: ignore[no-any-return]


@pytest.fixture
def restore_target(server: PostgresServer) -> Iterator[str]:
    name = server.create_database()
    try:
        yield name
    finally:
        server.drop_database(name)


def test_liaison_backup_on_postgresql_points_to_pg_dump(
    server: PostgresServer, console: None, tmp_path: Path, capsys: Captured
) -> None:
    assert main(["backup", str(tmp_path / "x")]) == 2
    assert "pg_dump" in capsys.readouterr().err


def test_a_pg_dump_restored_into_a_new_database_brings_back_the_figures_and_the_chain(
    server: PostgresServer, liaison: Liaison, restore_target: str, tmp_path: Path
) -> None:
    # given a consultation, dumped while the site is open
    cp, draft = _consultation(liaison)
    at_backup = _state(liaison)
    source = liaison.settings.database_url.rsplit("/", 1)[1]
    dump = tmp_path / "liaison.dump"
    connection = ["--host=127.0.0.1", f"--port={server.port}", "--username=postgres"]
    subprocess.run(
        [str(server.bin / "pg_dump"), *connection, "--format=custom", f"--file={dump}", source],
        check=True,
    )
    liaison.app.comment_publicly(draft, cp, "备份之后的意见")  # not in the dump

    # when it is restored into a new, empty database
    subprocess.run(
        [
            str(server.bin / "pg_restore"),
            *connection,
            "--no-owner",
            "--exit-on-error",
            f"--dbname={restore_target}",
            str(dump),
        ],
        check=True,
    )

    # then the figures and the chain are those of the moment of the dump
    _check_restored(server.url(restore_target), at_backup)
