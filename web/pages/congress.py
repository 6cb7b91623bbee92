"""Pages for the people's congress: figures, ranking, charts, traceability, log integrity."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
