"""How far the read models are from the log, and whether projection has stopped.

Read from the database each time, so every worker and every projector answers the same:
``/healthz``, ``/metrics``, the staff and congress banner and ``liaison projections status``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from projections.projector import NAME, NEXT, Projector, batches, errors, newest_batch, stale
from projections.tables import tracking

BEHIND_SECONDS = 60.0
"""An event waiting longer than this means the read models are not keeping up."""


@dataclass(frozen=True)
class Trouble:
    stopped: bool
    position: int
    topic: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class Status:
    events: int
    """The log's last position."""
    projected: int
    """The read models' position."""
    waiting_since: datetime | None
    """When the oldest event not yet projected was recorded."""
    last_batch_at: datetime | None
    trouble: Trouble | None
    """Projection stopped at an event, or the latest passing error."""
    rebuilt: int | None
    """The position of read models being rebuilt beside the live ones, if any."""
    stale: bool
    """The live read models are of an older release (left alone until the swap)."""
    now: datetime

    @property
    def lag(self) -> int:
        """Positions between the log's last and the read models' (PostgreSQL's positions
        may have gaps: an upper bound of the events waiting)."""
        return max(0, self.events - self.projected)

    @property
    def lag_seconds(self) -> float:
        if self.waiting_since is None:
            return 0.0
        return max(0.0, (self.now - self.waiting_since).total_seconds())

    @property
    def stopped(self) -> bool:
        return self.trouble is not None and self.trouble.stopped

    @property
    def state(self) -> str:
        """``stopped``, ``stale`` (an older release's, and no rebuild under way),
        ``behind``, ``rebuilding`` or ``ok``."""
        if self.stopped:
            return "stopped"
        if self.rebuilt is not None:
            return "rebuilding"
        if self.stale:
            return "stale"
        if self.lag_seconds > BEHIND_SECONDS:
            return "behind"
        return "ok"

    @property
    def reason(self) -> str:
        if self.stopped and self.trouble is not None:
            return (
                f"projection stopped at position {self.trouble.position}"
                f" ({self.trouble.topic}): {self.trouble.reason}"
            )
        if self.state == "behind":
            return (
                f"the read models are {self.lag} events behind the log; the oldest has"
                f" waited {self.lag_seconds:.0f} s"
            )
        if self.state == "stale":
            return (
                "the read models are of an older release and wait for a rebuild (`liaison db init`)"
            )
        if self.state == "rebuilding":
            return f"the read models are being rebuilt ({self.rebuilt or 0} of {self.events})"
        return ""

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "ok": self.state in ("ok", "rebuilding"),
            "state": self.state,
            "events": self.events,
            "projected": self.projected,
            "lag": self.lag,
            "lag_seconds": round(self.lag_seconds, 1),
        }
        if self.reason:
            found["reason"] = self.reason
        if self.rebuilt is not None:
            found["rebuilt"] = self.rebuilt
        return found


def status(projector: Projector) -> Status:
    """The read models' status; raises when the store does not answer."""
    events = int(projector.recorder.max_notification_id() or 0)
    with projector.engine.connect() as conn:
        positions = dict(
            conn.execute(
                select(tracking.c.name, tracking.c.position).where(
                    tracking.c.name.in_((NAME, NEXT))
                )
            ).all()
        )
        row = conn.execute(select(errors).where(errors.c.name == NAME)).first()
        last_batch_at = conn.execute(newest_batch(batches.c.applied_at)).scalar_one_or_none()
    projected = int(positions.get(NAME, 0))
    waiting_since = None
    if events > projected:
        waiting = projector.recorder.select_notifications(
            start=projected, limit=1, inclusive_of_start=False
        )
        waiting_since = _recorded_at(projector, waiting[0]) if waiting else None
    trouble = None
    if row is not None:
        trouble = Trouble(bool(row.stopped), int(row.position), row.topic, row.reason, row.at)
    rebuilt = positions.get(NEXT)
    return Status(
        events=events,
        projected=projected,
        waiting_since=waiting_since,
        last_batch_at=_aware(last_batch_at),
        trouble=trouble,
        rebuilt=None if rebuilt is None else int(rebuilt),
        stale=stale(projector.engine),
        now=datetime.now(UTC),
    )


def _recorded_at(projector: Projector, notification: Any) -> datetime | None:
    """The event's timestamp; None when it cannot be decoded (then projection stops on it
    and says so)."""
    try:
        return _aware(projector.mapper.to_domain_event(notification).timestamp)
    except Exception:
        return None


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)  # SQLite gives back naive UTC
