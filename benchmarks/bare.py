"""The ceiling for HTTP intake: a bare FastAPI endpoint taking the same JSON POST as a public
comment, validating it with the same kind of model and answering 201, storing nothing.

Served by the same server (uvicorn, the same workers and settings as ``liaison serve``) and
measured with the same ``wrk`` load (benchmarks/comment.lua), it is ``http_bare_per_s``:
what the web stack alone allows on this machine, beside which Liaison's intake is judged.
"""

from __future__ import annotations

import secrets
from uuid import UUID

from fastapi import FastAPI, Header
from pydantic import BaseModel, Field


class Comment(BaseModel):
    contact_point_id: UUID
    article: int | None = None
    content: str = Field(min_length=1, max_length=5_000)


class Acknowledged(BaseModel):
    receipt: str


def create_app() -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/api/v1/public/drafts/{draft_id}/comments", status_code=201)
    def comment(
        draft_id: UUID,
        body: Comment,
        idempotency_key: str | None = Header(None),
    ) -> Acknowledged:
        """As the real endpoint is declared (a sync handler, run in the thread pool)."""
        return Acknowledged(receipt=secrets.token_hex(4).upper())

    @app.get("/api/v1/public/contact-points")
    def ready() -> list[str]:
        return []

    return app
