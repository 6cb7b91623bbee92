"""create_app: the site and the API over one bootstrapped Liaison."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from liaison.bootstrap import Liaison, bootstrap
from liaison.settings import Settings
from web.api import public
from web.errors import install_error_handlers
from web.pages import home

STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None, liaison: Liaison | None = None) -> FastAPI:
    wired = liaison or bootstrap(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        wired.projector.catch_up()
        yield
        if liaison is None:
            wired.close()

    app = FastAPI(title="Liaison", version="1", lifespan=lifespan)
    app.state.liaison = wired
    install_error_handlers(app)
    app.include_router(public.router)
    app.include_router(home.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
