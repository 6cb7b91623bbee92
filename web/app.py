"""create_app: the site and the API over one bootstrapped Liaison."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from liaison import heap, logs
from liaison.bootstrap import Liaison, bootstrap
from liaison.settings import Settings
from projections import projector as read_models
from web import docs as api_docs
from web.api import (
    audit,
    campaigns,
    collect,
    contact_points,
    drafts,
    lineage,
    log,
    participants,
    public,
    reports,
    sessions,
    stats,
    suggestions,
    token,
    users,
)
from web.auth import TokenSigner
from web.errors import install_error_handlers
from web.limits import BodySizeLimit
from web.observe import Observe
from web.ops import Notices
from web.ops import router as ops_router
from web.pages import account, admin, congress, home, password, staff
from web.pages import collect as collect_page
from web.security import SecurityHeaders

STATIC = Path(__file__).parent / "static"
logger = logging.getLogger("liaison")
API_ROUTERS = [  # public first: its routes are matched first, the busiest of all
    public,
    token,
    contact_points,
    drafts,
    lineage,
    participants,
    sessions,
    collect,  # before suggestions: /suggestions/batch and /collected are not ids
    suggestions,
    campaigns,
    reports,
    stats,
    log,
    audit,
    users,
]


def served_app() -> FastAPI:
    """The app of a process that serves (``liaison serve``, each of its workers)."""
    return create_app(serving=True)


def create_app(
    settings: Settings | None = None, liaison: Liaison | None = None, serving: bool = False
) -> FastAPI:
    """The site over ``liaison`` (bootstrapped from ``settings`` when not given); ``serving``:
    the process serves from now on, and its start-up heap is settled (liaison/heap.py)."""
    wired = liaison or bootstrap(settings, rebuild_stale=False)
    logs.configure(wired.settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            wired.projector.catch_up()
        except Exception:  # recorded by the projector: serve what the read models have
            logger.warning("the read models could not catch up at start-up", exc_info=True)
        stop = threading.Event()
        app.state.rebuilding = None
        if wired.settings.is_sqlite and read_models.stale(wired.engine):
            app.state.rebuilding = threading.Thread(
                target=_rebuild, args=(wired, stop), name="rebuild", daemon=True
            )
            app.state.rebuilding.start()
        if serving:
            heap.settle()
        yield
        stop.set()
        if app.state.rebuilding is not None:
            app.state.rebuilding.join(timeout=60)
        if liaison is None:
            wired.close()

    app = FastAPI(
        title="Liaison",
        version="1",
        summary="基层立法联系点意见征询平台 · legislative contact points",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's own pages load assets from a CDN and start them inline:
        redoc_url=None,  # web/docs.py serves Swagger UI from this site instead
    )
    app.state.liaison = wired
    app.state.notices = Notices(wired)
    app.state.signer = TokenSigner(
        wired.signing_key, wired.settings.token_minutes, wired.users.generation
    )
    install_error_handlers(app)
    for module in API_ROUTERS:
        app.include_router(module.router)
    app.include_router(ops_router)
    app.include_router(collect_page.router)  # before home: /receipts/{code}/slip
    app.include_router(home.router)
    app.include_router(account.router)
    app.include_router(password.router)
    app.include_router(admin.router)
    app.include_router(staff.router)
    app.include_router(congress.router)
    api_docs.install(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodySizeLimit, max_bytes=wired.settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Observe)  # outermost: ids every request, times all of it
    return app


def _rebuild(liaison: Liaison, stop: threading.Event) -> None:
    """The first start after an upgrade, on SQLite: the site serves the old read models
    (with a notice) while new ones are built beside them; a stop resumes next start."""
    try:
        applied = liaison.projector.rebuild(stop=stop)
    except Exception:
        logger.exception("rebuilding the read models failed; they stay as they were")
        return
    if not stop.is_set():
        logger.info("the read models are rebuilt (%d events applied) and swapped in", applied)
