"""Read models made by an older release (another ``VERSION``) are rebuilt from the log: on
SQLite when the application starts, on PostgreSQL by ``liaison db init``."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, update

from liaison.bootstrap import Liaison, bootstrap, create_schema
from liaison.cli import main
from liaison.rights import operator
from liaison.settings import Settings
from projections import beside
from projections import projector as read_models
from projections.statistics import figures
from projections.tables import agg_received
from web.app import create_app

TEXT = "第一条　总则。\n第二条　细则。"


def _an_older_release(liaison: Liaison) -> int:
    """Some suggestions, then the store as an older release left it: its version, and none
    of the rows the figures now read. Returns how many suggestions were received."""
    app = liaison.app
    cp = app.designate_contact_point("A 街道", "普陀区", operator("admin")).id
    draft = app.receive_draft(
        "N1", "national", "法工委", date(2021, 2, 20), date(2021, 4, 30), TEXT, operator("admin")
    ).id
    for text in ("建议一", "建议二", "建议三"):
        app.record_suggestion(
            cp, draft, text, "letter", operator("staff"), received_on=date(2021, 3, 2)
        )
    with liaison.engine.begin() as conn:
        conn.execute(delete(agg_received))
        conn.execute(update(read_models.versions).values(version=read_models.VERSION - 1))
    return 3


def _received(liaison: Liaison) -> int:
    with liaison.engine.connect() as conn:
        return figures(conn).suggestions["received"]


def test_new_read_models_are_current(liaison: Liaison) -> None:
    assert not read_models.stale(liaison.engine)


def test_an_older_release_s_read_models_are_rebuilt(
    settings: Settings, liaison: Liaison, monkeypatch: pytest.MonkeyPatch
) -> None:
    received = _an_older_release(liaison)
    assert read_models.stale(liaison.engine)
    assert _received(liaison) == 0  # what the figures would show without a rebuild

    if settings.is_sqlite:
        upgraded = bootstrap(settings)  # the application starting after an upgrade
    else:
        monkeypatch.setenv("LIAISON_DATABASE_URL", settings.database_url)
        assert main(["db", "init"]) == 0
        upgraded = bootstrap(settings)
    try:
        assert not read_models.stale(upgraded.engine)
        assert _received(upgraded) == received
    finally:
        upgraded.close()


def test_a_store_never_projected_is_current_and_catches_up(settings: Settings) -> None:
    """A log written with projection off (a bulk load) by an older release: its read models
    are empty, so there is nothing to rebuild; the usual catch-up fills them."""
    loader = bootstrap(settings, project_on_save=False)
    try:
        loader.app.designate_contact_point("A 街道", "普陀区", operator("admin"))
        with loader.engine.begin() as conn:
            conn.execute(delete(read_models.versions))
    finally:
        loader.close()

    if not settings.is_sqlite:
        create_schema(settings)  # `liaison db init`, as after any upgrade
    reopened = bootstrap(settings, project_on_save=False)
    try:
        assert not read_models.stale(reopened.engine)
        assert reopened.projector.catch_up() == reopened.app.recorder.max_notification_id()
    finally:
        reopened.close()


def test_on_sqlite_the_site_serves_at_once_after_an_upgrade_and_rebuilds_beside(
    settings: Settings, liaison: Liaison, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not settings.is_sqlite:
        pytest.skip("on PostgreSQL `liaison db init` rebuilds them")
    received = _an_older_release(liaison)
    started, go_on = threading.Event(), threading.Event()
    build_last_indexes = beside.build_last_indexes

    def held(*args: Any) -> None:  # the fresh tables are filled: hold before the swap
        started.set()
        assert go_on.wait(30)
        build_last_indexes(*args)

    monkeypatch.setattr(beside, "build_last_indexes", held)

    app = create_app(settings)  # the application starting after an upgrade
    with TestClient(app) as client:
        assert started.wait(30)
        # serving at once, from the old read models, and saying so
        assert client.get("/").status_code == 200
        health = client.get("/healthz").json()
        assert health["ok"] is True and health["state"] == "rebuilding"
        go_on.set()
        app.state.rebuilding.join(30)
        assert not app.state.rebuilding.is_alive()
        assert client.get("/healthz").json()["state"] == "ok"

    assert not read_models.stale(liaison.engine)
    assert _received(liaison) == received
