"""Public comments that arrive together are admitted and saved together.

A comment from the public API or a draft page is checked in its request's thread and queued.
One request at a time leads: it takes every comment queued so far and, for all at once,

1. checks each against its draft as the log has it now (a cached ``Draft``, loaded again
   only when the log holds a newer event of it: right with any number of processes) and its
   contact point (which, once designated, always exists);
2. admits them in one transaction: claims their Idempotency-Keys, counts them against their
   addresses' rate limits, claims their receipt codes and personal-data keys. Its durability
   is deferred to the save that follows (``liaison.database.deferred`` says why that holds);
3. saves their suggestions with one ``Application.save``: one transaction, one flush to
   disk. If the store refuses the group (``RecordConflictError``), each is saved alone, so
   one cannot fail the others;
4. stores their answers in one transaction and brings the read models up to date once, then
   wakes their requests and hands the lead to the oldest request still waiting.

A comment costs a share of three transactions instead of six of its own, and the projection
runs once per group. A request whose key was claimed before (a repeat, a retry after a
crash) is answered by ``IdempotencyStore.run`` one at a time, as before.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import ConnectionUnavailableError, RecordConflictError
from sqlalchemy import Connection, Engine

from domain.contact_point import ContactPoint
from domain.draft import Draft
from domain.errors import DomainError
from domain.suggestion import Channel, Suggestion
from liaison.commands.base import PUBLIC, WRITER_WAIT
from liaison.commands.suggestions import SuggestionCommands
from liaison.database import deferred
from liaison.errors import ConflictError, NotFoundError
from liaison.idempotency import Answer, IdempotencyStore, checked_key
from liaison.personal_data import checked_name, checked_phone
from liaison.rate_limits import RateLimitedError, RateLimiter

AnswerOf = Callable[[Suggestion], dict[str, Any]]
WINDOW = 60
"""Seconds of a rate-limit window: ``comments_per_minute`` per address."""
CACHED_DRAFTS = 64
MAX_GROUP = 200
"""Comments saved together at most: bounds a group's time and its statements' parameters."""
PROJECT_EVERY = 0.25
"""Seconds the read models may lag behind public comments while more keep arriving."""
ONLINE = Channel.ONLINE.value
log = logging.getLogger(__name__)


@dataclass(eq=False)
class Comment:
    """One public comment on its way, and what became of it."""

    address: str
    draft_id: UUID
    contact_point_id: UUID
    content: str
    article: int | None
    key: str | None
    print_: str
    answer_of: AnswerOf
    per_minute: int
    suggestion_id: UUID
    personal_key: bytes | None = None
    sealed: dict[str, str | None] = field(default_factory=dict)
    personal_refusal: DomainError | None = None  # name or phone
    content_refusal: DomainError | None = None
    refusal: DomainError | None = None  # the first, in the order comment_publicly checks
    answer: Answer | None = None
    error: BaseException | None = None
    repeat: bool = False  # the key was claimed before: IdempotencyStore.run answers
    taken: bool = False  # in a group being saved: its outcome will come
    lead: bool = False  # handed the lead
    woken: threading.Event = field(default_factory=threading.Event)


class PublicIntake:
    def __init__(
        self,
        app: SuggestionCommands,
        engine: Engine,
        idempotency: IdempotencyStore,
        limiter: RateLimiter,
    ) -> None:
        self.app = app
        self.engine = engine
        self.idempotency = idempotency
        self.limiter = limiter
        self._admitting = deferred(engine).execution_options(sqlite_begin="IMMEDIATE")
        self._mutex = threading.Lock()
        self._queue: list[Comment] = []
        self._leading = False
        self._drafts: dict[UUID, Draft] = {}  # touched by the leader only
        self._contact_points: set[UUID] = set()
        self._unprojected = False  # saved since the read models last caught up (leader only)
        self._projected_at = 0.0
        self.new_id: Callable[[], UUID] = uuid4  # each new comment's suggestion id

    @property
    def waiting(self) -> int:
        """Comments queued for the next group."""
        with self._mutex:
            return len(self._queue)

    def comment(
        self,
        address: str,
        draft_id: UUID,
        contact_point_id: UUID,
        content: str,
        article: int | None,
        name: str | None,
        phone: str | None,
        key: str | None,
        print_: str,
        answer_of: AnswerOf,
        per_minute: int,
    ) -> Answer:
        """Record a resident's comment once per key (``None``: no key), within the address's
        rate limit (``per_minute`` comments); the answer is ``(201, answer_of(suggestion))``,
        a repeat's the first."""
        comment = Comment(
            address,
            draft_id,
            contact_point_id,
            content,
            article,
            None if key is None else checked_key(key),
            print_,
            answer_of,
            per_minute,
            self.new_id(),
        )
        self._check(comment, name, phone)
        self._submit(comment)
        if comment.repeat:
            return self._again(comment, name, phone)
        if comment.error is not None:
            raise comment.error
        assert comment.answer is not None
        return comment.answer

    def _check(self, comment: Comment, name: str | None, phone: str | None) -> None:
        """What can be checked without the draft; sealing too, off the leader's path."""
        try:
            plain_name = checked_name(name) if name and name.strip() else None
            plain_phone = checked_phone(phone)
        except DomainError as refusal:
            comment.personal_refusal = refusal
            return
        try:
            Suggestion.check(comment.content, ONLINE, comment.article)
        except DomainError as refusal:
            comment.content_refusal = refusal
            return
        if plain_name or plain_phone:
            key = comment.personal_key = AESGCM.generate_key(bit_length=256)
            vault, subject = self.app.vault, comment.suggestion_id
            comment.sealed = {
                "sealed_name": vault.seal(key, subject, "name", plain_name),
                "sealed_phone": vault.seal(key, subject, "phone", plain_phone),
            }

    # -- taking turns ------------------------------------------------------------------------

    def _submit(self, comment: Comment) -> None:
        """Queue the comment and wait for its group's outcome, leading a group if it is our
        turn. Waits at most ``WRITER_WAIT`` while queued (then 503: nothing was written);
        once taken into a group, until that group is done."""
        with self._mutex:
            self._queue.append(comment)
            lead = not self._leading
            self._leading = True
        if not lead:
            if not comment.woken.wait(WRITER_WAIT):
                with self._mutex:
                    if not comment.taken and not comment.lead:
                        self._queue.remove(comment)
                        raise ConnectionUnavailableError(
                            "timed out waiting for the event store's writer"
                        )
                comment.woken.wait()
            if not comment.lead:
                return
        self._lead()

    def _lead(self) -> None:
        with self._mutex:
            group, self._queue = self._queue[:MAX_GROUP], self._queue[MAX_GROUP:]
            for comment in group:
                comment.taken = True
        try:
            if self._save_group(group):
                self._unprojected = True
        except BaseException as error:  # each request must learn its fate, whatever happens
            for comment in group:
                if comment.answer is None and comment.error is None and not comment.repeat:
                    comment.error = error
            if not isinstance(error, Exception):
                raise
        finally:
            try:
                if self._unprojected and not self.waiting:
                    self._project()  # nobody waits: answer once the read models show it
            finally:
                for comment in group:
                    comment.woken.set()
            try:
                if self._unprojected and time.monotonic() - self._projected_at >= PROJECT_EVERY:
                    self._project()  # under load: after answering, before the next group
            finally:
                self._hand_over()

    def _project(self) -> None:
        """Bring the read models up to date. When no comment waits, before the group is
        answered, so its callers read their writes as a staff command's do; under load at
        least every ``PROJECT_EVERY`` seconds, after answering. A catch-up costs much the
        same however many events it applies, so under load one covers many groups; run by
        the leader, it never competes with a group's writes for the store."""
        self._unprojected, self._projected_at = False, time.monotonic()
        self.app.follow_up()

    def _hand_over(self) -> None:
        """The lead passes to the oldest comment waiting, or lapses."""
        with self._mutex:
            if self._queue:
                successor = self._queue[0]
                successor.lead = True
                successor.woken.set()
            else:
                self._leading = False

    # -- one group ---------------------------------------------------------------------------

    def _save_group(self, group: list[Comment]) -> bool:
        """Admit, save and answer the group; whether any of it was saved."""
        drafts = self._place(group)
        held_since = datetime.now(UTC)
        try:
            with self._admitting.begin() as conn:
                admitted, codes = self._admit(conn, group, held_since)
        except Exception as error:  # rolled back: nothing of the group was claimed
            for comment in group:
                comment.repeat, comment.error = False, error
            return False
        built = []
        today = self.app.clock.today()
        for comment in admitted:
            draft = drafts[comment.draft_id]
            suggestion = Suggestion.receive(
                comment.contact_point_id,
                comment.draft_id,
                draft.current.label,
                comment.article,
                comment.content,
                ONLINE,
                None,
                None,
                receipt=codes[comment.suggestion_id],
                received_on=today,
                actor=PUBLIC,
                id=comment.suggestion_id,
                **comment.sealed,
            )
            built.append((comment, suggestion, suggestion.collect_events()))
        saved = self._write(built)
        for comment, _suggestion, _events in built:
            if comment.key is not None and comment.answer is None:
                self.idempotency.release(comment.key, held_since)  # a retry finishes it
        answers = [(c.key, c.answer) for c in saved if c.key is not None and c.answer]
        try:
            self.idempotency.answer_many(answers)
        except Exception:  # a repeat finds the suggestion in the log instead
            log.warning("answers of saved comments not stored", exc_info=True)
        return bool(saved)

    def _place(self, group: list[Comment]) -> dict[UUID, Draft]:
        """Each comment's refusal, if any, in the order ``comment_publicly`` checks; raised
        only once its key is known to be new (a repeat gets the first answer)."""
        drafts: dict[UUID, Draft] = {}
        today = self.app.clock.today()
        for comment in group:
            try:
                draft = drafts.get(comment.draft_id)
                if draft is None:
                    draft = drafts[comment.draft_id] = self._draft(comment.draft_id)
                self._contact_point(comment.contact_point_id)
                draft.require_public_comments(today)
                if comment.personal_refusal is not None:
                    raise comment.personal_refusal
                draft.require_article(comment.article)
                if comment.content_refusal is not None:
                    raise comment.content_refusal
            except DomainError as refusal:
                comment.refusal = refusal
        return drafts

    def _admit(
        self, conn: Connection, group: list[Comment], held_since: datetime
    ) -> tuple[list[Comment], dict[UUID, str]]:
        """Claims, rate limits, receipt codes and personal-data keys in one transaction.
        Rows are taken in a fixed order (keys, then buckets, each sorted), so two workers'
        groups on PostgreSQL cannot deadlock."""
        keyed = sorted((c for c in group if c.key is not None), key=_key)
        claimed = self.idempotency.claim_many(
            conn, [(_key(c), c.print_, c.suggestion_id) for c in keyed], held_since
        )
        for comment in keyed:
            comment.repeat = comment.suggestion_id not in claimed
        live: list[Comment] = []
        for comment in group:
            if comment.repeat:
                continue
            if comment.refusal is not None:
                self._refuse(conn, comment, comment.refusal, held_since)
            else:
                live.append(comment)
        buckets: dict[tuple[str, int], list[Comment]] = defaultdict(list)
        for comment in live:
            buckets[f"comment:{comment.address}", comment.per_minute].append(comment)
        for bucket, limit in sorted(buckets):
            waiting = buckets[bucket, limit]
            waits = self.limiter.take_many(conn, bucket, limit, WINDOW, len(waiting))
            for comment, wait in zip(waiting, waits, strict=True):
                if wait:
                    refusal = RateLimitedError(
                        "too many comments from this address; please wait", wait
                    )
                    self._refuse(conn, comment, refusal, held_since)
        admitted = [c for c in live if c.error is None]
        codes = self.app.receipts.claim_in(conn, [c.suggestion_id for c in admitted])
        self.app.vault.add_subjects(
            conn, {c.suggestion_id: c.personal_key for c in admitted if c.personal_key}
        )
        return admitted, codes

    def _refuse(
        self, conn: Connection, comment: Comment, refusal: DomainError, held_since: datetime
    ) -> None:
        if comment.key is not None:  # nobody worked on this id: the key may be used afresh
            self.idempotency.forget_in(conn, comment.key, held_since)
        comment.error = refusal

    def _write(
        self, built: list[tuple[Comment, Suggestion, list[DomainEventProtocol[UUID]]]]
    ) -> list[Comment]:
        """Save the group in one transaction, or each alone if the store refuses the group;
        the comments saved, each with its answer."""
        if not built:
            return []
        try:
            self.app.write(*(event for _c, _s, events in built for event in events))
            outcomes: list[BaseException | None] = [None] * len(built)
        except RecordConflictError:
            outcomes = [self._write_alone(events) for _c, _s, events in built]
        except Exception as error:
            outcomes = [error] * len(built)
        saved = []
        for (comment, suggestion, _events), outcome in zip(built, outcomes, strict=True):
            if isinstance(outcome, RecordConflictError):  # this id was saved before: answer it
                try:
                    suggestion = self.app.get(comment.suggestion_id, Suggestion)
                    outcome = None
                except Exception:
                    outcome = ConflictError("recorded by another attempt; try again")
            if outcome is None:
                comment.answer = (201, comment.answer_of(suggestion))
                saved.append(comment)
            else:
                comment.error = outcome
        return saved

    def _write_alone(self, events: list[DomainEventProtocol[UUID]]) -> BaseException | None:
        try:
            self.app.write(*events)
        except Exception as error:
            return error
        return None

    # -- what the leader reads -----------------------------------------------------------------

    def _draft(self, draft_id: UUID) -> Draft:
        """The draft as the log has it now: the cached one unless a newer event exists."""
        cached = self._drafts.get(draft_id)
        if cached is not None and not self.app.recorder.select_events(
            draft_id, gt=cached.version, limit=1
        ):
            return cached
        draft = self.app.get(draft_id, Draft)
        if len(self._drafts) >= CACHED_DRAFTS:
            self._drafts.clear()
        self._drafts[draft_id] = draft
        return draft

    def _contact_point(self, contact_point_id: UUID) -> None:
        if contact_point_id not in self._contact_points:
            self.app.get(contact_point_id, ContactPoint)
            self._contact_points.add(contact_point_id)

    # -- a key claimed before ------------------------------------------------------------------

    def _again(self, comment: Comment, name: str | None, phone: str | None) -> Answer:
        """A repeat, or a retry whose first attempt may have saved: ``run`` answers it, and
        finishes the work with the first attempt's suggestion id when it must."""
        app = self.app

        def saved(suggestion_id: UUID) -> Answer | None:
            try:
                return 201, comment.answer_of(app.get(suggestion_id, Suggestion))
            except NotFoundError:
                return None

        def record(suggestion_id: UUID) -> Answer:
            found = saved(suggestion_id)
            if found is not None:
                return found
            bucket = f"comment:{comment.address}"
            wait = self.limiter.take(bucket, comment.per_minute, WINDOW)
            if wait:
                raise _too_many(wait)
            try:
                suggestion = app.comment_publicly(
                    comment.draft_id,
                    comment.contact_point_id,
                    comment.content,
                    article=comment.article,
                    name=name,
                    phone=phone,
                    suggestion_id=suggestion_id,
                )
            except ConflictError:  # the first attempt saved it meanwhile
                suggestion = app.get(suggestion_id, Suggestion)
            return 201, comment.answer_of(suggestion)

        assert comment.key is not None
        return self.idempotency.run(comment.key, comment.print_, record, saved)


def _too_many(wait: int) -> RateLimitedError:
    return RateLimitedError("too many comments from this address; please wait", wait)


def _key(comment: Comment) -> str:
    assert comment.key is not None
    return comment.key
