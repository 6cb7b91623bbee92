"""Every opinion enters here, whatever the door: said at a session, written in a letter,
brought by a collector, or left online by a resident.

``admit`` is the one path. An opinion is checked where it can be without the store (the
actor's rights, the words, a name and phone), then handed to the application's writer
(``GroupCommit``), which does the opinions that arrive together at once:

1. checks each against its draft as the log has it now (a cached ``Draft``, loaded again only
   when the log holds a newer event of it: right with any number of processes), its contact
   point, and the participant and session it names;
2. admits them in one transaction: claims their Idempotency-Keys, counts them against their
   addresses' rate limits, claims their receipt codes and personal-data keys. Its durability
   is deferred to the save that follows (``liaison.database.deferred`` says why that holds);
3. saves their suggestions with one ``Application.save``: one transaction, one flush to disk.
   If the store refuses the group (``RecordConflictError``), each entry is saved alone, so one
   cannot fail the others;
4. brings the read models up to date once. The answers of keyed requests are not stored:
   a repeat answers from the suggestion its claim names, found in the log.

The opinions of one call are admitted all or nothing. A public comment whose key was claimed
before (a repeat, a retry after a crash) is answered by ``IdempotencyStore.run``, one at a
time: the first answer, or the work finished with the first attempt's suggestion id.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import ConnectionUnavailableError, RecordConflictError
from sqlalchemy import Connection, Engine

from domain.contact_point import ContactPoint
from domain.draft import Draft, DraftStatus
from domain.errors import DomainError, FutureDateError, WrongStateError
from domain.participant import Participant
from domain.session import ConsultationSession
from domain.suggestion import Channel, Suggestion
from liaison.commands.base import WRITER_WAIT, ServiceBase
from liaison.commands.group_commit import GroupCommit, Queued
from liaison.database import deferred
from liaison.errors import ConflictError, NotFoundError
from liaison.idempotency import Answer, IdempotencyStore, checked_key
from liaison.personal_data import checked_name, checked_neighbourhood, checked_phone
from liaison.rate_limits import RateLimitedError, RateLimiter
from liaison.rights import (
    KEEPERS,
    PUBLIC,
    Actor,
    ForbiddenError,
    Role,
    require_point,
    require_role,
)

AnswerOf = Callable[[Suggestion], dict[str, Any]]
WINDOW = 60
"""Seconds of a rate-limit window: ``comments_per_minute`` per address."""
CACHED_DRAFTS = 64
ONLINE = Channel.ONLINE.value
GATHERED = Channel.COLLECTOR.value
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Opinion:
    """One opinion as it comes in. ``name`` and ``phone`` (a member of the public's, given
    with the opinion) are sealed before anything is written; a registered participant is
    named by ``participant_id`` instead."""

    contact_point_id: UUID
    draft_id: UUID
    content: str
    channel: str = ONLINE
    article: int | None = None
    participant_id: UUID | None = None
    session_id: UUID | None = None
    received_on: date | None = None
    name: str | None = None
    phone: str | None = None
    collector_note: str | None = None
    """A collector's note, kept apart from the resident's own words (``content``)."""
    neighbourhood: str | None = None
    """Where the resident lives (given with their consent, as the name): sealed too."""


@dataclass(frozen=True)
class Visit:
    """How a keyed opinion came (a public comment, an item of a collector's batch): its key
    and the request's fingerprint, the address it is rate-limited by (``per_minute`` 0: not
    limited), and how its answer is made."""

    address: str
    key: str | None
    print_: str
    answer_of: AnswerOf
    per_minute: int


@dataclass(eq=False)
class Entry(Queued):
    """The opinions of one call on their way (all or nothing), and what became of them."""

    actor: Actor = PUBLIC
    opinions: list[Opinion] = field(default_factory=list)
    ids: list[UUID] = field(default_factory=list)
    visit: Visit | None = None
    sealed: list[dict[str, str | None]] = field(default_factory=list)
    personal_keys: dict[UUID, bytes] = field(default_factory=dict)
    early: list[tuple[DomainError | None, DomainError | None]] = field(default_factory=list)
    """Per opinion, what ``_check`` found wrong with its name or phone, and its words."""
    refusal: DomainError | None = None  # the first found; raised once the key is known new
    repeat: bool = False  # the key was claimed before: IdempotencyStore.run answers
    saved: list[Suggestion] = field(default_factory=list)
    answer: Answer | None = None

    @property
    def key(self) -> str | None:
        return self.visit.key if self.visit else None


class AdmissionCommands(ServiceBase):
    """The application's one way in for opinions."""

    def start_admission(
        self,
        engine: Engine,
        idempotency: IdempotencyStore,
        limiter: RateLimiter,
        leave_public_to_projector: bool = False,
    ) -> None:
        """Wire the writer: the stores it claims keys, limits, receipts and keys in. With
        ``leave_public_to_projector`` public comments are answered without the read models
        catching up here: a projector process (``liaison projections run``) does it."""
        self.leave_public_to_projector = leave_public_to_projector
        self.idempotency = idempotency
        self.limiter = limiter
        self._admitting = deferred(engine).execution_options(sqlite_begin="IMMEDIATE")
        self._drafts: dict[UUID, Draft] = {}  # touched by the leader only
        self._contact_points: set[UUID] = set()
        self.writer: GroupCommit[Entry] = GroupCommit(self._do, self.follow_up, WRITER_WAIT)
        self.new_id: Callable[[], UUID] = uuid4  # each new opinion's suggestion id

    # -- the doors -----------------------------------------------------------------------------

    def admit(
        self, actor: Actor, opinions: Sequence[Opinion], ids: Sequence[UUID] | None = None
    ) -> list[Suggestion]:
        """Record the opinions, all or nothing; every one is checked by the same rules.

        A retry passes the ``ids`` of its first attempt: the store's key on (id, version 1)
        then guarantees one suggestion each, however often it is retried."""
        if not opinions:
            return []
        entry = Entry(
            read_own_write=True,
            actor=actor,
            opinions=list(opinions),
            ids=list(ids) if ids else [self.new_id() for _ in opinions],
        )
        self._check(entry)
        if entry.refusal is not None:  # the actor may not: nothing is asked of the store
            raise entry.refusal
        self.writer.submit(entry)
        if entry.error is not None:
            raise entry.error
        return entry.saved

    def record_suggestion(
        self,
        contact_point_id: UUID,
        draft_id: UUID,
        content: str,
        channel: str,
        actor: Actor,
        article: int | None = None,
        participant_id: UUID | None = None,
        session_id: UUID | None = None,
        received_on: date | None = None,
        name: str | None = None,
        phone: str | None = None,
    ) -> Suggestion:
        """An opinion recorded by staff: said at a session, brought by a collector, by letter
        or phone (``name`` and ``phone``: of someone not registered, sealed as online)."""
        opinion = Opinion(
            contact_point_id,
            draft_id,
            content,
            channel,
            article,
            participant_id,
            session_id,
            received_on,
            name,
            phone,
        )
        return self.admit(actor, [opinion])[0]

    def record_suggestions(self, opinions: Sequence[Opinion], actor: Actor) -> list[Suggestion]:
        """Many opinions in one transaction: a session's sheet typed in afterwards, an import.
        One refusal refuses all."""
        return self.admit(actor, opinions)

    def comment_publicly(
        self,
        draft_id: UUID,
        contact_point_id: UUID,
        content: str,
        article: int | None = None,
        name: str | None = None,
        phone: str | None = None,
        suggestion_id: UUID | None = None,
    ) -> Suggestion:
        """A resident's comment online, while the draft is open; name and phone optional."""
        opinion = Opinion(
            contact_point_id, draft_id, content, ONLINE, article, name=name, phone=phone
        )
        return self.admit(PUBLIC, [opinion], [suggestion_id] if suggestion_id else None)[0]

    def comment(self, opinion: Opinion, visit: Visit) -> Answer:
        """A public comment by the API or a draft page: once per key (``None``: no key),
        within the address's rate limit; the answer is ``(201, answer_of(suggestion))``, a
        repeat's the first."""
        return self.admit_once(PUBLIC, opinion, visit)[0]

    async def comment_async(self, opinion: Opinion, visit: Visit) -> Answer:
        """``comment`` for a handler on the event loop: the request waits as a task, not as
        a thread of a pool that the writer would wake one by one. A repeat is answered in a
        thread (``IdempotencyStore.run`` may wait for the first attempt)."""
        entry = self._once(PUBLIC, opinion, visit)
        loop = asyncio.get_running_loop()
        known = loop.create_future()
        entry.done = lambda: loop.call_soon_threadsafe(_settle, known)
        self.writer.enqueue(entry)
        try:
            await asyncio.wait_for(asyncio.shield(known), WRITER_WAIT)
        except TimeoutError:
            if self.writer.withdraw(entry):  # nothing was written
                raise ConnectionUnavailableError(
                    "timed out waiting for the event store's writer"
                ) from None
            await known  # taken into a group: its outcome will come
        if entry.repeat:
            return await asyncio.to_thread(self._again, entry)
        return self._outcome(entry)[0]

    def admit_once(self, actor: Actor, opinion: Opinion, visit: Visit) -> tuple[Answer, bool]:
        """One opinion, once per key: its answer, and whether the key was claimed before
        (the answer then is the first attempt's)."""
        entry = self._once(actor, opinion, visit)
        if entry.refusal is not None and actor.role is not Role.PUBLIC:
            raise entry.refusal  # the actor may not: nothing is asked of the store
        self.writer.submit(entry)
        return self._outcome(entry)

    def _once(self, actor: Actor, opinion: Opinion, visit: Visit) -> Entry:
        entry = Entry(
            followed=not (self.leave_public_to_projector and actor.role is Role.PUBLIC),
            actor=actor,
            opinions=[opinion],
            ids=[self.new_id()],
            visit=Visit(
                visit.address,
                None if visit.key is None else checked_key(visit.key),
                visit.print_,
                visit.answer_of,
                visit.per_minute,
            ),
        )
        self._check(entry)
        return entry

    def _outcome(self, entry: Entry) -> tuple[Answer, bool]:
        if entry.repeat:
            return self._again(entry), True
        if entry.error is not None:
            raise entry.error
        assert entry.answer is not None
        return entry.answer, False

    # -- checks --------------------------------------------------------------------------------

    def _check(self, entry: Entry) -> None:
        """What can be checked without the store, and sealing too, off the leader's path.
        A refusal of the actor's rights is final; the rest wait for ``_fits``, which says
        what is wrong in the order a reader fixes it (draft, person, article, words)."""
        for opinion, suggestion_id in zip(entry.opinions, entry.ids, strict=True):
            try:
                self._may(entry.actor, opinion)
            except DomainError as refusal:
                entry.refusal = refusal
                return
            personal = content = None
            try:
                name = checked_name(opinion.name) if opinion.name and opinion.name.strip() else None
                phone = checked_phone(opinion.phone)
                where = checked_neighbourhood(opinion.neighbourhood)
                entry.sealed.append(self._seal(entry, suggestion_id, name, phone, where))
            except DomainError as refusal:
                personal = refusal
            try:
                Suggestion.check(opinion.content, opinion.channel, opinion.article)
            except DomainError as refusal:
                content = refusal
            entry.early.append((personal, content))

    @staticmethod
    def _may(actor: Actor, opinion: Opinion) -> None:
        """The public comments online; collectors record what they gathered (no session, no
        registered participant), staff anything, each for their own contact point."""
        if actor.role is Role.PUBLIC:
            if opinion.channel != ONLINE or opinion.participant_id or opinion.session_id:
                require_role(actor, KEEPERS)  # refused: only staff record other channels
            return
        if actor.role is Role.COLLECTOR:
            if opinion.channel != GATHERED or opinion.participant_id or opinion.session_id:
                raise ForbiddenError("collectors record opinions they gathered, nothing else")
            require_point(actor, opinion.contact_point_id)
            return
        require_role(actor, KEEPERS)
        require_point(actor, opinion.contact_point_id)

    def _seal(
        self,
        entry: Entry,
        suggestion_id: UUID,
        name: str | None,
        phone: str | None,
        neighbourhood: str | None = None,
    ) -> dict[str, str | None]:
        if not (name or phone or neighbourhood):
            return {"sealed_name": None, "sealed_phone": None}
        key = entry.personal_keys[suggestion_id] = AESGCM.generate_key(bit_length=256)
        sealed = {
            "sealed_name": self.vault.seal(key, suggestion_id, "name", name),
            "sealed_phone": self.vault.seal(key, suggestion_id, "phone", phone),
        }
        if neighbourhood:  # events without one stay as they were
            sealed["sealed_neighbourhood"] = self.vault.seal(
                key, suggestion_id, "neighbourhood", neighbourhood
            )
        return sealed

    def _place(self, group: list[Entry]) -> dict[UUID, Draft]:
        """Each entry's refusal, if any, against the log as it is now; raised only once its
        key is known to be new (a repeat gets the first answer)."""
        drafts: dict[UUID, Draft] = {}
        for entry in group:
            if entry.refusal is not None:
                continue
            try:
                for opinion, (personal, content) in zip(entry.opinions, entry.early, strict=True):
                    draft = drafts.get(opinion.draft_id)
                    if draft is None:
                        draft = drafts[opinion.draft_id] = self._draft(opinion.draft_id)
                    self._contact_point(opinion.contact_point_id)
                    self._fits(entry.actor, draft, opinion, personal, content)
            except DomainError as refusal:
                entry.refusal = refusal
        return drafts

    def _fits(
        self,
        actor: Actor,
        draft: Draft,
        opinion: Opinion,
        personal: DomainError | None,
        content: DomainError | None,
    ) -> None:
        """The rules of an opinion, in one place: the draft takes it, from this contact point
        (one it asked); the name and phone are well-formed; the participant and session it
        names belong to its contact point; the article exists; the words are fit to keep; it is
        dated neither before the draft was received nor after today."""
        today = self.clock.today()
        if actor.role is Role.PUBLIC:
            draft.require_public_comments(today)
        elif draft.status is DraftStatus.ENACTED:
            raise WrongStateError("the draft is already enacted")
        draft.require_asked(opinion.contact_point_id)
        if personal is not None:
            raise personal
        if opinion.participant_id is not None:
            participant = self.get(opinion.participant_id, Participant)
            participant.require_not_erased()
            if participant.contact_point_id != opinion.contact_point_id:
                raise NotFoundError(
                    f"no Participant {opinion.participant_id} at this contact point"
                )
        if opinion.session_id is not None:
            session = self.get(opinion.session_id, ConsultationSession)
            if session.contact_point_id != opinion.contact_point_id:
                raise NotFoundError(
                    f"no ConsultationSession {opinion.session_id} at this contact point"
                )
            session.require_takes_opinions_on(draft)
        draft.require_article(opinion.article)
        received_on = opinion.received_on or today
        draft.require_received_by("received_on", received_on)
        if content is not None:
            raise content
        if received_on > today:
            raise FutureDateError(
                "received_on", f"must not be after today ({today}), got {received_on}"
            )

    # -- one group -----------------------------------------------------------------------------

    def _do(self, group: list[Entry]) -> bool:
        """Check, admit, save and answer the group; whether any of it was saved."""
        drafts = self._place(group)
        held_since = datetime.now(UTC)
        try:
            with self._admitting.begin() as conn:
                admitted, codes = self._admit(conn, group, held_since)
        except Exception as error:  # rolled back: nothing of the group was claimed
            for entry in group:
                entry.repeat, entry.error, entry.settled = False, error, True
            return False
        today = self.clock.today()
        built = []
        for entry in admitted:
            suggestions = [
                Suggestion.receive(
                    opinion.contact_point_id,
                    opinion.draft_id,
                    drafts[opinion.draft_id].current.label,
                    opinion.article,
                    opinion.content,
                    opinion.channel,
                    opinion.participant_id,
                    opinion.session_id,
                    receipt=codes[suggestion_id],
                    received_on=opinion.received_on or today,
                    actor=entry.actor.username,
                    id=suggestion_id,
                    collector_note=opinion.collector_note,
                    **sealed,
                )
                for opinion, suggestion_id, sealed in zip(
                    entry.opinions, entry.ids, entry.sealed, strict=True
                )
            ]
            events = [event for s in suggestions for event in s.collect_events()]
            built.append((entry, suggestions, events))
        saved = self._write(built)
        for entry, _suggestions, _events in built:
            if entry.key is not None and entry.answer is None:
                self.idempotency.release(entry.key, held_since)  # a retry finishes it
        # The answers are not stored: a repeat finds the suggestion in the log by the id its
        # claim holds and answers from it (``_again``), which spares every group a transaction.
        return bool(saved)

    def _admit(
        self, conn: Connection, group: list[Entry], held_since: datetime
    ) -> tuple[list[Entry], dict[UUID, str]]:
        """Claims, rate limits, receipt codes and personal-data keys in one transaction.
        Rows are taken in a fixed order (keys, then buckets, each sorted), so two workers'
        groups on PostgreSQL cannot deadlock."""
        keyed = sorted((e for e in group if e.key is not None), key=_key)
        claimed = self.idempotency.claim_many(
            conn, [(_key(e), e.visit.print_, e.ids[0]) for e in keyed if e.visit], held_since
        )
        for entry in keyed:
            entry.repeat = entry.settled = entry.ids[0] not in claimed
        live: list[Entry] = []
        for entry in group:
            if entry.repeat:
                continue
            if entry.refusal is not None:
                self._refuse(conn, entry, entry.refusal, held_since)
            else:
                live.append(entry)
        buckets: dict[str, list[Entry]] = defaultdict(list)
        limits: dict[str, int] = {}
        for entry in live:
            if entry.visit is not None and entry.visit.per_minute > 0:
                bucket = f"comment:{entry.visit.address}"
                buckets[bucket].append(entry)
                limits[bucket] = min(
                    limits.get(bucket, entry.visit.per_minute), entry.visit.per_minute
                )
        wanted = {bucket: (limits[bucket], len(waiting)) for bucket, waiting in buckets.items()}
        for bucket, waits in self.limiter.take_buckets(conn, wanted, WINDOW).items():
            for entry, wait in zip(buckets[bucket], waits, strict=True):
                if wait:
                    self._refuse(conn, entry, _too_many(wait), held_since)
        admitted = [e for e in live if e.error is None]
        codes = self.receipts.claim_in(conn, [i for e in admitted for i in e.ids])
        self.vault.add_subjects(conn, {i: k for e in admitted for i, k in e.personal_keys.items()})
        return admitted, codes

    def _refuse(
        self, conn: Connection, entry: Entry, refusal: DomainError, held_since: datetime
    ) -> None:
        if entry.key is not None:  # nobody worked on this id: the key may be used afresh
            self.idempotency.forget_in(conn, entry.key, held_since)
        entry.error, entry.settled = refusal, True

    def _write(
        self, built: list[tuple[Entry, list[Suggestion], list[DomainEventProtocol[UUID]]]]
    ) -> list[Entry]:
        """Save the group in one transaction, or each entry alone if the store refuses the
        group; the entries saved, each with its suggestions (and answer, when keyed)."""
        if not built:
            return []
        try:
            self.write(*(event for _e, _s, events in built for event in events))
            outcomes: list[BaseException | None] = [None] * len(built)
        except RecordConflictError:
            outcomes = [self._write_alone(events) for _e, _s, events in built]
        except Exception as error:
            outcomes = [error] * len(built)
        saved = []
        for (entry, suggestions, _events), outcome in zip(built, outcomes, strict=True):
            if isinstance(outcome, RecordConflictError):  # saved before: answer with it
                try:
                    suggestions = [self.get(i, Suggestion) for i in entry.ids]
                    outcome = None
                except Exception:
                    outcome = ConflictError("recorded by another attempt; try again")
            entry.settled = True
            if outcome is None:
                entry.saved = suggestions
                if entry.visit is not None:
                    entry.answer = (201, entry.visit.answer_of(suggestions[0]))
                saved.append(entry)
            else:
                entry.error = outcome
        return saved

    def _write_alone(self, events: list[DomainEventProtocol[UUID]]) -> BaseException | None:
        try:
            self.write(*events)
        except Exception as error:
            return error
        return None

    # -- what the leader reads -----------------------------------------------------------------

    def _draft(self, draft_id: UUID) -> Draft:
        """The draft as the log has it now: the cached one unless a newer event exists."""
        cached = self._drafts.get(draft_id)
        if cached is not None and not self.recorder.select_events(
            draft_id, gt=cached.version, limit=1
        ):
            return cached
        draft = self.get(draft_id, Draft)
        if len(self._drafts) >= CACHED_DRAFTS:
            self._drafts.clear()
        self._drafts[draft_id] = draft
        return draft

    def _contact_point(self, contact_point_id: UUID) -> None:
        if contact_point_id not in self._contact_points:
            self.get(contact_point_id, ContactPoint)
            self._contact_points.add(contact_point_id)

    # -- a key claimed before ------------------------------------------------------------------

    def _again(self, first: Entry) -> Answer:
        """A repeat, or a retry whose first attempt may have saved: ``run`` answers it, and
        finishes the work with the first attempt's suggestion id when it must."""
        assert first.visit is not None and first.key is not None
        visit = first.visit

        def saved(suggestion_id: UUID) -> Answer | None:
            try:
                return 201, visit.answer_of(self.get(suggestion_id, Suggestion))
            except NotFoundError:
                return None

        def record(suggestion_id: UUID) -> Answer:
            found = saved(suggestion_id)
            if found is not None:
                return found
            entry = Entry(
                actor=first.actor,
                opinions=first.opinions,
                ids=[suggestion_id],
                visit=Visit(visit.address, None, visit.print_, visit.answer_of, visit.per_minute),
                sealed=[],
            )
            self._check(entry)
            self.writer.submit(entry)
            if entry.error is not None:
                raise entry.error
            assert entry.answer is not None
            return entry.answer

        return self.idempotency.run(first.key, visit.print_, record, saved)


def _settle(known: asyncio.Future[None]) -> None:
    if not known.done():  # a request cancelled meanwhile has no one to tell
        known.set_result(None)


def _too_many(wait: int) -> RateLimitedError:
    return RateLimitedError("too many comments from this address; please wait", wait)


def _key(entry: Entry) -> str:
    assert entry.key is not None
    return entry.key
