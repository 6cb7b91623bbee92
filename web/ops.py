"""For the people who run Liaison: ``/healthz`` for load balancers and alerts, ``/metrics``
for Prometheus, and the read models' notice shown on staff and congress pages."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from liaison.bootstrap import Liaison
from projections.health import Status, status
from web.observe import multiprocess as counted_in_files

router = APIRouter(include_in_schema=False)
log = logging.getLogger("liaison.health")

NOTICE_SECONDS = 2.0
"""How long a worker reuses the read models' status for the pages' notice."""


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    """200 while the store answers and the read models keep up; 503 and the reason if not."""
    try:
        found = status(request.app.state.liaison.projector)
    except Exception as error:
        log.warning("health check: the store does not answer", exc_info=True)
        body = {
            "ok": False,
            "state": "unreachable",
            "reason": f"the store does not answer ({type(error).__name__})",
        }
        return JSONResponse(body, status_code=503)
    body = found.as_dict()
    return JSONResponse(body, status_code=200 if body["ok"] else 503)


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """Prometheus text format: requests and latency, comments, the log and the lag."""
    read_models = CollectorRegistry(auto_describe=False)
    read_models.register(ReadModels(request.app.state.liaison))
    if counted_in_files():
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    else:
        counted = REGISTRY
    text = generate_latest(counted) + generate_latest(read_models)
    return Response(text, media_type=CONTENT_TYPE_LATEST)


class ReadModels:
    """Gauges read from the database when scraped: the same from every worker."""

    def __init__(self, liaison: Liaison) -> None:
        self.liaison = liaison

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("liaison_store_up", "1 when the store answered this scrape")
        try:
            found = status(self.liaison.projector)
        except Exception:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        for name, documentation, value in (
            ("liaison_events", "The event log's last position", found.events),
            ("liaison_projection_position", "The read models' position", found.projected),
            ("liaison_projection_lag_events", "Positions the read models are behind", found.lag),
            (
                "liaison_projection_lag_seconds",
                "How long the oldest event not yet projected has waited",
                found.lag_seconds,
            ),
            ("liaison_projection_stopped", "1 while projection is stopped", found.stopped),
            (
                "liaison_projection_rebuilding",
                "1 while the read models are rebuilt beside the live ones",
                found.state == "rebuilding",
            ),
        ):
            yield GaugeMetricFamily(name, documentation, value=float(value))


class Notices:
    """The read models' state for the pages' notice, read at most every ``NOTICE_SECONDS``
    per worker: a page costs no extra query most of the time."""

    def __init__(self, liaison: Liaison) -> None:
        self.liaison = liaison
        self._lock = threading.Lock()
        self._read_at = float("-inf")
        self._state = "ok"

    def state(self) -> str:
        with self._lock:
            if time.monotonic() - self._read_at < NOTICE_SECONDS:
                return self._state
            self._read_at = time.monotonic()
        try:
            found: Status | str = status(self.liaison.projector)
        except Exception:
            found = "ok"  # the page itself will say that the store is away
        state = found if isinstance(found, str) else found.state
        with self._lock:
            self._state = state
        return state


def notice(request: Request) -> dict[str, Any]:
    """Template context for staff and congress pages: ``read_models`` is the state when it
    is not ``ok`` (the base template shows a notice)."""
    notices: Notices | None = getattr(request.app.state, "notices", None)
    if notices is None:
        return {}
    state = notices.state()
    return {"read_models": state} if state != "ok" else {}
