"""A draft law or regulation, its articles, its later readings and its enacted text.

Received → open (accepts comments) → closed; it may open again for a later reading;
enacted once the final text is recorded. Every reading is a version; the enacted text
is the final version.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.articles import Article, ArticleParseError, parse_articles
from domain.base import LiaisonAggregate
from domain.errors import (
    ConsultationOverError,
    DraftClosedError,
    InvalidValueError,
    NotAskedError,
    UnknownArticleError,
    WrongStateError,
)
from domain.rules import (
    MAX_DRAFT_TEXT,
    MAX_LABEL,
    MAX_TITLE,
    checked_choice,
    checked_order,
    checked_text,
    not_before,
)

FIRST_LABEL = "征求意见稿"
FINAL_LABEL = "通过稿"


class DraftLevel(StrEnum):
    NATIONAL = "national"
    MUNICIPAL = "municipal"
    DISTRICT = "district"


class DraftStatus(StrEnum):
    RECEIVED = "received"
    OPEN = "open"
    CLOSED = "closed"
    ENACTED = "enacted"


ArticleText = Article
"""One article of a version: the parser's own record of it."""


@dataclass(frozen=True)
class DraftVersion:
    label: str
    on: date
    preamble: str
    articles: tuple[ArticleText, ...]

    def article(self, number: int) -> ArticleText:
        for article in self.articles:
            if article.number == number:
                return article
        raise UnknownArticleError(f"{self.label} has no article {number}")


def parsed_version(text: str) -> dict[str, Any]:
    """Split ``text`` into the payload of a version event: preamble and articles."""
    checked = checked_text("text", text, MAX_DRAFT_TEXT)
    try:
        parsed = parse_articles(checked)
    except ArticleParseError as error:
        raise InvalidValueError("text", str(error)) from error
    return {"preamble": parsed.preamble, "articles": [asdict(a) for a in parsed.articles]}


def _version(label: str, on: date, preamble: str, articles: list[dict[str, Any]]) -> DraftVersion:
    return DraftVersion(label, on, preamble, tuple(ArticleText(**a) for a in articles))


class Draft(LiaisonAggregate):
    class Received(LiaisonAggregate.Created):
        date_field = "received_on"
        title: str
        level: str
        issuer: str
        deadline: date
        label: str
        preamble: str
        articles: list[dict[str, Any]]
        contact_point_ids: list[UUID] | None = None
        """The contact points asked for opinions; ``None``, as in every event recorded before
        drafts were assigned, asks them all (events are stored for ever: this field keeps
        its default)."""

    @event(Received)
    def __init__(
        self,
        title: str,
        level: str,
        issuer: str,
        deadline: date,
        label: str,
        preamble: str,
        articles: list[dict[str, Any]],
        occurred_on: date,
        actor: str,
        contact_point_ids: list[UUID] | None = None,
    ) -> None:
        self.title = title
        self.level = DraftLevel(level)
        self.issuer = issuer
        self.received_on = occurred_on
        self.deadline = deadline
        self.status = DraftStatus.RECEIVED
        self.versions = [_version(label, occurred_on, preamble, articles)]
        self.enacted_on: date | None = None
        self.contact_point_ids: tuple[UUID, ...] | None = (
            None if contact_point_ids is None else tuple(contact_point_ids)
        )
        self.changes: list[tuple[date, DraftStatus]] = []  # opened, closed, enacted: by date

    @classmethod
    def receive(
        cls,
        title: str,
        level: str,
        issuer: str,
        received_on: date,
        deadline: date,
        text: str,
        actor: str,
        label: str = FIRST_LABEL,
        contact_point_ids: list[UUID] | None = None,
    ) -> Draft:
        """A draft asking the given contact points for opinions (``None``: every one)."""
        checked_order("received_on", received_on, "deadline", deadline)
        if contact_point_ids is not None:
            contact_point_ids = list(dict.fromkeys(contact_point_ids))
            if not contact_point_ids:
                raise InvalidValueError("contact_point_ids", "ask at least one contact point")
        return cls(
            title=checked_text("title", title, MAX_TITLE),
            level=checked_choice("level", level, DraftLevel).value,
            issuer=checked_text("issuer", issuer, MAX_TITLE),
            deadline=deadline,
            label=checked_text("label", label, MAX_LABEL),
            occurred_on=received_on,
            actor=actor,
            contact_point_ids=contact_point_ids,
            **parsed_version(text),
        )

    @property
    def asks_all(self) -> bool:
        return self.contact_point_ids is None

    def asks(self, contact_point_id: UUID) -> bool:
        """Whether this contact point was asked for opinions on the draft."""
        return self.contact_point_ids is None or contact_point_id in self.contact_point_ids

    def require_asked(self, contact_point_id: UUID, field: str = "contact_point_id") -> None:
        if not self.asks(contact_point_id):
            raise NotAskedError(
                field, "this contact point was not asked for opinions on this draft"
            )

    @property
    def current(self) -> DraftVersion:
        return self.versions[-1]

    @property
    def consulted(self) -> DraftVersion:
        """The version residents commented on: the last one before enactment."""
        return self.versions[-2] if self.status is DraftStatus.ENACTED else self.versions[-1]

    def require_article(self, number: int | None) -> None:
        if number is not None:
            self.current.article(number)

    def consultation_over(self, today: date) -> bool:
        """Open, but its deadline day has passed: the consultation is over though nobody has
        closed the draft yet. Derived from the deadline and today's business date, so it
        needs no event and no job that closes drafts at midnight."""
        return self.status is DraftStatus.OPEN and today > self.deadline

    def require_public_comments(self, today: date) -> None:
        """The public may comment while the draft is open, up to the end of its deadline day."""
        if self.status is not DraftStatus.OPEN:
            raise WrongStateError("the draft is not open for comments")
        if self.consultation_over(today):
            raise ConsultationOverError(f"the consultation closed at the end of {self.deadline}")

    def _require(self, *allowed: DraftStatus, doing: str) -> None:
        if self.status not in allowed:
            raise WrongStateError(f"cannot {doing} a draft that is {self.status.value}")

    def require_received_by(self, field: str, on: date) -> None:
        """Nothing is done on a draft (an opinion, a session) before the day it was received."""
        not_before(field, on, "the day the draft was received", self.received_on)

    def closed_before(self, day: date) -> bool:
        """Whether the draft stood closed (or enacted) at the end of the day before ``day``:
        its last opening, closing or enactment dated before ``day`` was not an opening."""
        earlier = [status for on, status in self.changes if on < day]
        return bool(earlier) and earlier[-1] is not DraftStatus.OPEN

    def require_open_on(self, day: date) -> None:
        """A session on ``day`` takes opinions on the draft unless it was closed before."""
        if self.closed_before(day):
            raise DraftClosedError(f"the draft was closed before {day}")

    class Opened(LiaisonAggregate.Event):
        pass

    def open(self, on: date, actor: str) -> None:
        self._require(DraftStatus.RECEIVED, DraftStatus.CLOSED, doing="open")
        self.require_received_by("on", on)
        self._opened(occurred_on=on, actor=actor)

    @event(Opened)
    def _opened(self, occurred_on: date, actor: str) -> None:
        self.status = DraftStatus.OPEN
        self.changes.append((occurred_on, DraftStatus.OPEN))

    class Closed(LiaisonAggregate.Event):
        pass

    def close(self, on: date, actor: str) -> None:
        self._require(DraftStatus.OPEN, doing="close")
        self.require_received_by("on", on)
        self._closed(occurred_on=on, actor=actor)

    @event(Closed)
    def _closed(self, occurred_on: date, actor: str) -> None:
        self.status = DraftStatus.CLOSED
        self.changes.append((occurred_on, DraftStatus.CLOSED))

    class VersionAdded(LiaisonAggregate.Event):
        label: str
        preamble: str
        articles: list[dict[str, Any]]

    def add_version(self, label: str, text: str, on: date, actor: str) -> None:
        self._require(DraftStatus.RECEIVED, DraftStatus.OPEN, DraftStatus.CLOSED, doing="revise")
        label = checked_text("label", label, MAX_LABEL)
        self.require_received_by("on", on)
        if label == FINAL_LABEL:
            raise InvalidValueError("label", f"{FINAL_LABEL!r} is kept for the enacted text")
        if any(v.label == label for v in self.versions):
            raise InvalidValueError("label", f"this draft already has a version {label!r}")
        self._version_added(label=label, occurred_on=on, actor=actor, **parsed_version(text))

    @event(VersionAdded)
    def _version_added(
        self,
        label: str,
        preamble: str,
        articles: list[dict[str, Any]],
        occurred_on: date,
        actor: str,
    ) -> None:
        self.versions.append(_version(label, occurred_on, preamble, articles))

    class Enacted(LiaisonAggregate.Event):
        preamble: str
        articles: list[dict[str, Any]]
        date_field = "enacted_on"

    def enact(self, text: str, on: date, actor: str) -> None:
        self._require(DraftStatus.RECEIVED, DraftStatus.OPEN, DraftStatus.CLOSED, doing="enact")
        self.require_received_by("enacted_on", on)
        self._enacted(occurred_on=on, actor=actor, **parsed_version(text))

    @event(Enacted)
    def _enacted(
        self, preamble: str, articles: list[dict[str, Any]], occurred_on: date, actor: str
    ) -> None:
        self.versions.append(_version(FINAL_LABEL, occurred_on, preamble, articles))
        self.status = DraftStatus.ENACTED
        self.enacted_on = occurred_on
        self.changes.append((occurred_on, DraftStatus.ENACTED))
