"""create_app: the site and the API over one bootstrapped Liaison."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from liaison.bootstrap import Liaison, bootstrap
from liaison.settings import Settings
from web.api import (
    audit,
    contact_points,
    drafts,
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
from web.pages import account, admin, congress, home, password, staff
from web.security import SecurityHeaders

STATIC = Path(__file__).parent / "static"
API_ROUTERS = [  # public first: its routes are matched first, the busiest of all
    public,
    token,
    contact_points,
    drafts,
    participants,
    sessions,
    suggestions,
    reports,
    stats,
    log,
    audit,
    users,
]


def create_app(settings: Settings | None = None, liaison: Liaison | None = None) -> FastAPI:
    wired = liaison or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        wired.projector.catch_up()
        yield
        if liaison is None:
            wired.close()

    app = FastAPI(
        title="Liaison",
        version="1",
        summary="基层立法联系点意见征询平台 · legislative contact points",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI and ReDoc load their assets from a CDN: not on an intranet
        redoc_url=None,
    )
    app.state.liaison = wired
    app.state.signer = TokenSigner(
        wired.signing_key, wired.settings.token_minutes, wired.users.generation
    )
    install_error_handlers(app)
    for module in API_ROUTERS:
        app.include_router(module.router)
    app.include_router(home.router)
    app.include_router(account.router)
    app.include_router(password.router)
    app.include_router(admin.router)
    app.include_router(staff.router)
    app.include_router(congress.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodySizeLimit, max_bytes=wired.settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app
