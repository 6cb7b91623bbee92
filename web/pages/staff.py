"""Pages for liaison staff of one contact point: what needs doing, sessions, screening, reports."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
