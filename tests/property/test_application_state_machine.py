"""Any sequence of commands, valid or not, keeps every rule of DOMAIN.md.

Hypothesis drives the real application (real SQLite file, real projector) with commands on
random ids, dates and values, many of them invalid. A small model beside it predicts, for
each command, either success or the one named error the domain must raise; a refusal must
record nothing. After every step the figures of the read models must equal the figures
counted by DOMAIN.md's definitions from the model, every aggregate must agree with the
model, and at the end (and now and then during the run) the read models must equal a
rebuild from the log, whose hash chain must verify.

``FAULTS_LONG=1`` (make faults) runs many more and longer sequences.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import select

from domain.draft import FINAL_LABEL, FIRST_LABEL, Draft
from domain.errors import (
    ConsultationOverError,
    DateOrderError,
    DomainError,
    DraftClosedError,
    FutureDateError,
    InvalidValueError,
    MismatchError,
    NotReportedError,
    ParticipantErasedError,
    SessionCancelledError,
    UnknownArticleError,
    WrongStateError,
)
from domain.rules import MAX_ARTICLE, MAX_CONTENT, MAX_NAME, MAX_REASON
from domain.session import ConsultationSession
from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison, bootstrap
from liaison.clock import Clock
from liaison.errors import NotFoundError
from liaison.rights import operator
from liaison.settings import Settings
from projections.statistics import Period, figures
from projections.tables import metadata, tracking
from tests.property.tally import TALLY

LONG = os.environ.get("FAULTS_LONG") == "1"
if os.environ.get("LIAISON_TEST_STORE", "sqlite") != "sqlite":  # as tests/conftest.py reads it
    pytest.skip("runs on its own SQLite files, once per suite", allow_module_level=True)

TEXTS = {  # the text of a reading, and the numbers of its articles
    "第一条　甲。\n第二条　乙。\n第三条　丙。": {1, 2, 3},
    "第一章　总则\n第一条　甲。\n第二条　乙。": {1, 2},
    "第一条　甲。\n第三条　丙。": {1, 3},
    "没有条文标题的全文。": {1},
}
START = date(2021, 3, 18)  # today when the consultation under way has been set up
DAYS = st.dates(date(2021, 2, 25), date(2021, 4, 10))
PERIODS = [Period(), Period(date(2021, 3, 10), date(2021, 3, 20))]
VALID_CONTENT = ["建议明确个人信息的范围。", "第二款表述不清", " 同意 ", "删去第二句"]
CONTENT = st.sampled_from(VALID_CONTENT * 3 + ["", "  ", "长" * (MAX_CONTENT + 1)])
ARTICLE = st.sampled_from([None, 1, 1, 2, 2, 3, None, 0, -1, 4])

UNREPORTED = {"received", "accepted"}
DECIDED = {"adopted", "partially_adopted", "not_adopted"}
SUGGESTION_MOVES = {  # every status change the aggregate may make (DOMAIN.md, "States")
    "received": {"accepted", "rejected", "merged"},
    "accepted": {"rejected", "merged", "reported"},
    "rejected": {"accepted", "rejected"},  # screening may be changed until reported
    "reported": DECIDED,
    **{d: DECIDED | {"fed_back"} for d in DECIDED},  # a later reading may change the outcome
}
DRAFT_MOVES = {
    "received": {"open", "enacted"},
    "open": {"closed", "enacted"},
    "closed": {"open", "enacted"},
}


class Today(Clock):
    def __init__(self, day: date) -> None:
        super().__init__("Asia/Shanghai")
        self.day = day

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day, datetime.min.time())


@dataclass
class MDraft:
    level: str
    status: str
    received_on: date
    articles: set[int]
    labels: list[str]
    deadline: date
    changes: list[tuple[date, str]] = field(default_factory=list)  # opened, closed, enacted

    def closed_before(self, day: date) -> bool:
        earlier = [status for on, status in self.changes if on < day]
        return bool(earlier) and earlier[-1] != "open"


@dataclass
class MParticipant:
    cp: UUID
    erased: bool = False


@dataclass
class MSession:
    cp: UUID
    drafts: list[UUID]
    starts_on: date
    status: str = "scheduled"
    held_on: date | None = None
    attendees: set[UUID] = field(default_factory=set)

    @property
    def day(self) -> date:
        return self.held_on or self.starts_on


@dataclass
class MSuggestion:
    cp: UUID
    draft: UUID
    participant: UUID | None
    received_on: date
    original: str
    receipt: str
    content: str = ""
    status: str = "received"
    merged_into: UUID | None = None
    absorbed: list[UUID] = field(default_factory=list)
    report: UUID | None = None
    reported_on: date | None = None
    outcome: str | None = None
    accepted_on: date | None = None
    decided_on: date | None = None
    told_on: date | None = None  # its person told the outcome (a merged one's too)

    def __post_init__(self) -> None:
        self.content = self.content or self.original


def _refusal(*checks: tuple[bool, type[DomainError]]) -> type[DomainError] | None:
    """The first error whose condition holds, in the order the domain checks them."""
    return next((error for failed, error in checks if failed), None)


def _bad_text(text: str | None, limit: int) -> bool:
    return text is None or not text.strip() or len(text.strip()) > limit


class LiaisonMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # in memory when the system has a tmpfs: durability is not what is tested here
        shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
        self.directory = Path(tempfile.mkdtemp(prefix="liaison-property-", dir=shm))
        self.clock = Today(START)
        self.liaison: Liaison = bootstrap(
            Settings(
                database_url=f"sqlite:///{self.directory / 'liaison.sqlite3'}",
                secret_key="property-" + "p" * 40,
            ),
            clock=self.clock,
        )
        self.app = self.liaison.app
        self.cps: list[UUID] = []
        self.model_drafts: dict[UUID, MDraft] = {}
        self.people: dict[UUID, MParticipant] = {}
        self.model_sessions: dict[UUID, MSession] = {}
        self.opinions: dict[UUID, MSuggestion] = {}
        self.reports: dict[UUID, tuple[UUID, UUID, list[UUID], date]] = {}
        self.refusals: dict[str, int] = {}
        TALLY["sequences"] += 1

    def teardown(self) -> None:
        try:
            if hasattr(self, "liaison"):
                for cp in [None, *self.cps]:
                    for period in PERIODS:
                        self._check_figures(cp, period)
                self.rebuild_equals_the_live_read_models()
        finally:
            if hasattr(self, "liaison"):
                self.liaison.close()
            shutil.rmtree(self.directory, ignore_errors=True)

    # -- the harness -------------------------------------------------------------------

    def attempt(self, expected: type[DomainError] | None, command: Any) -> Any:
        """Run ``command``: it must succeed when ``expected`` is None, else raise exactly
        ``expected`` and record nothing. Any other exception fails the test as it is."""
        before = self.app.recorder.max_notification_id()
        TALLY["commands"] += 1
        try:
            result = command()
        except DomainError as error:
            assert expected is not None, f"refused unexpectedly: {error!r}"
            assert type(error) is expected, f"{type(error).__name__} ({error}), not {expected}"
            assert self.app.recorder.max_notification_id() == before, "a refusal recorded"
            self.refusals[expected.__name__] = self.refusals.get(expected.__name__, 0) + 1
            TALLY[expected.__name__] += 1
            return None
        assert expected is None, f"accepted, but {expected.__name__ if expected else ''} expected"
        TALLY["accepted"] += 1
        return True if result is None else result

    @staticmethod
    def pick(data: st.DataObject, every: Any, fitting: Any = ()) -> Any:
        """Mostly one the command fits, now and then any: invalid choices are tried too."""
        fitting, every = list(fitting), list(every)
        return data.draw(st.sampled_from(fitting * 3 + every if fitting else every))

    def _move(self, moves: dict[str, set[str]], old: str, new: str) -> str:
        assert new == old or new in moves.get(old, set()), f"{old} → {new} is not allowed"
        return new

    # -- contact points and drafts -----------------------------------------------------

    @initialize()
    def a_consultation_under_way(self) -> None:
        """Two contact points, an open draft, people, a session held and one scheduled, and
        opinions at every stage, so that every command has something to act on at once."""
        app = self.app
        self.cps += [
            app.designate_contact_point(f"联系点{n}", "普陀区", operator("a")).id for n in (1, 2)
        ]
        text = next(iter(TEXTS))
        received_on = date(2021, 2, 25)
        draft = app.receive_draft(
            "草案", "national", "法工委", received_on, date(2021, 4, 30), text, operator("admin")
        )
        app.open_draft(draft.id, operator("admin"))
        self.model_drafts[draft.id] = MDraft(
            "national",
            "open",
            received_on,
            TEXTS[text],
            [FIRST_LABEL],
            date(2021, 4, 30),
            [(START, "open")],
        )
        cp = self.cps[0]
        people = [
            app.register_participant(cp, f"居民{n}", "resident", operator("s")).id for n in range(3)
        ]
        self.people.update((p, MParticipant(cp)) for p in people)
        for day, held in ((date(2021, 3, 8), True), (date(2021, 3, 22), False)):
            session = app.schedule_session(
                cp, [draft.id], "symposium", "座谈会", datetime(2021, 3, day.day, 14), operator("s")
            )
            self.model_sessions[session.id] = MSession(cp, [draft.id], day)
            if held:  # the other is still ahead: its attendance cannot be recorded yet
                app.record_attendance(session.id, people[:2], operator("s"))
                self.model_sessions[session.id].attendees = set(people[:2])
                app.complete_session(session.id, operator("s"))
                self.model_sessions[session.id].status = "held"
                self.model_sessions[session.id].held_on = day
        ids = []
        for n, day in enumerate([date(2021, 3, d) for d in (5, 8, 12, 16, 17)]):
            by = people[n % 3]
            suggestion = app.record_suggestion(
                cp,
                draft.id,
                f"意见 {n}",
                "letter",
                operator("s"),
                participant_id=by,
                received_on=day,
            )
            self._received(suggestion, by)
            ids.append(suggestion.id)
        for n in (3, 4):
            app.screen_suggestion(ids[n], "accept", operator("s"), on=date(2021, 3, 17))
            self.opinions[ids[n]].accepted_on = date(2021, 3, 17)
        report = app.submit_report(cp, draft.id, ids[3:], date(2021, 3, 18), operator("s"))
        self.reports[report.id] = (cp, draft.id, ids[3:], date(2021, 3, 18))
        for n in (3, 4):
            self.opinions[ids[n]].status = "reported"
            self.opinions[ids[n]].report, self.opinions[ids[n]].reported_on = (
                report.id,
                date(2021, 3, 18),
            )
        app.record_outcome(ids[4], "adopted", operator("congress"), final_article=1)
        self.opinions[ids[4]].status = self.opinions[ids[4]].outcome = "adopted"
        self.opinions[ids[4]].decided_on = START

    @rule(name=st.sampled_from(["新联系点", "新联系点", " "]))
    def designate(self, name: str) -> None:
        expected = InvalidValueError if not name.strip() else None
        cp = self.attempt(
            expected, lambda: self.app.designate_contact_point(name, "长宁区", operator("a"))
        )
        if cp is not None:
            self.cps.append(cp.id)

    @rule(
        title=st.sampled_from(["条例（草案）", "条例（草案）", "  "]),
        level=st.sampled_from(["national", "municipal", "district", "provincial"]),
        received_on=DAYS,
        deadline=DAYS,
        text=st.sampled_from([*TEXTS, " "]),
    )
    def receive_draft(
        self, title: str, level: str, received_on: date, deadline: date, text: str
    ) -> None:
        expected = _refusal(
            (deadline < received_on, InvalidValueError),
            (not title.strip(), InvalidValueError),
            (level == "provincial", InvalidValueError),
            (not text.strip(), InvalidValueError),
            (received_on > self.clock.day, FutureDateError),
        )
        draft = self.attempt(
            expected,
            lambda: self.app.receive_draft(
                title, level, "人大", received_on, deadline, text, operator("congress")
            ),
        )
        if draft is not None:
            self.model_drafts[draft.id] = MDraft(
                level, "received", received_on, TEXTS[text], [FIRST_LABEL], deadline
            )

    @rule(data=st.data(), action=st.sampled_from(["open", "close"]))
    def open_or_close(self, data: st.DataObject, action: str) -> None:
        draft_id = self.pick(data, self.model_drafts)
        d = self.model_drafts[draft_id]
        allowed = {"open": {"received", "closed"}, "close": {"open"}}[action]
        expected = _refusal(
            (d.status not in allowed, WrongStateError),
            (self.clock.day < d.received_on, DateOrderError),
        )
        command = self.app.open_draft if action == "open" else self.app.close_draft
        if self.attempt(expected, lambda: command(draft_id, operator("congress"))):
            d.status = self._move(DRAFT_MOVES, d.status, "open" if action == "open" else "closed")
            d.changes.append((self.clock.day, d.status))

    @rule(
        data=st.data(),
        enact=st.sampled_from([False, False, False, True]),
        label=st.sampled_from(["二审稿", "三审稿", FINAL_LABEL, " "]),
        on=DAYS,
        text=st.sampled_from(list(TEXTS)),
    )
    def later_reading(
        self, data: st.DataObject, enact: bool, label: str, on: date, text: str
    ) -> None:
        """A later reading of the draft, or (less often) the law as passed."""
        draft_id = self.pick(data, self.model_drafts)
        d = self.model_drafts[draft_id]
        if enact:
            expected = _refusal(
                (d.status == "enacted", WrongStateError),
                (on < d.received_on, DateOrderError),
                (on > self.clock.day, FutureDateError),
            )
            if self.attempt(
                expected, lambda: self.app.enact_draft(draft_id, on, text, operator("congress"))
            ):
                d.status = self._move(DRAFT_MOVES, d.status, "enacted")
                d.changes.append((on, d.status))
                d.articles, d.labels = TEXTS[text], [*d.labels, FINAL_LABEL]
            return
        expected = _refusal(
            (d.status == "enacted", WrongStateError),
            (not label.strip(), InvalidValueError),
            (self.clock.day < d.received_on, DateOrderError),
            (label == FINAL_LABEL, InvalidValueError),
            (label in d.labels, InvalidValueError),
        )
        if self.attempt(
            expected,
            lambda: self.app.add_draft_version(draft_id, label, text, operator("congress")),
        ):
            d.articles, d.labels = TEXTS[text], [*d.labels, label]

    # -- participants and sessions -----------------------------------------------------

    @rule(
        data=st.data(),
        name=st.sampled_from(["王阿姨", "李师傅", " ", "名" * (MAX_NAME + 1)]),
        kind=st.sampled_from(["resident", "deputy", "collector", "alien"]),
        phone=st.sampled_from([None, "13812345678", "12ab"]),
    )
    def register(self, data: st.DataObject, name: str, kind: str, phone: str | None) -> None:
        cp = self.pick(data, self.cps)
        expected = _refusal(
            (_bad_text(name, MAX_NAME), InvalidValueError),
            (phone == "12ab", InvalidValueError),
            (kind == "alien", InvalidValueError),
        )
        person = self.attempt(
            expected,
            lambda: self.app.register_participant(cp, name, kind, operator("s"), phone=phone),
        )
        if person is not None:
            self.people[person.id] = MParticipant(cp)

    @precondition(lambda self: self.people)
    @rule(data=st.data())
    def erase(self, data: st.DataObject) -> None:
        person = self.pick(data, self.people)
        p = self.people[person]
        expected = ParticipantErasedError if p.erased else None
        self.attempt(expected, lambda: self.app.erase_participant(person, operator("s")))
        p.erased = True

    @rule(
        data=st.data(),
        kind=st.sampled_from(["symposium", "hearing", "online", "banquet"]),
        title=st.sampled_from(["座谈会", "座谈会", " "]),
        starts_on=DAYS,
    )
    def schedule(self, data: st.DataObject, kind: str, title: str, starts_on: date) -> None:
        cp = self.pick(data, self.cps)
        draft_ids = data.draw(st.lists(st.sampled_from(list(self.model_drafts)), max_size=3))
        expected = _refusal(
            *[(starts_on < self.model_drafts[d].received_on, DateOrderError) for d in draft_ids],
            (not draft_ids, InvalidValueError),
            (len(set(draft_ids)) != len(draft_ids), InvalidValueError),
            (kind == "banquet", InvalidValueError),
            (not title.strip(), InvalidValueError),
        )
        starts_at = datetime(starts_on.year, starts_on.month, starts_on.day, 14)
        session = self.attempt(
            expected,
            lambda: self.app.schedule_session(cp, draft_ids, kind, title, starts_at, operator("s")),
        )
        if session is not None:
            self.model_sessions[session.id] = MSession(cp, list(draft_ids), starts_on)

    @precondition(lambda self: self.model_sessions and self.people)
    @rule(data=st.data())
    def attend(self, data: st.DataObject) -> None:
        session_id = self.pick(data, self.model_sessions)
        s = self.model_sessions[session_id]
        theirs = [p for p, m in self.people.items() if m.cp == s.cp and not m.erased]
        people = data.draw(st.lists(st.sampled_from(theirs * 3 + list(self.people)), max_size=4))
        checks: list[tuple[bool, type[DomainError]]] = []
        for person in dict.fromkeys(people):
            checks += [
                (self.people[person].erased, ParticipantErasedError),
                (self.people[person].cp != s.cp, NotFoundError),
            ]
        expected = _refusal(
            *checks,
            (s.status == "cancelled", SessionCancelledError),
            (not people, InvalidValueError),
            (s.day > self.clock.day and not set(people) <= s.attendees, FutureDateError),
        )
        if self.attempt(
            expected, lambda: self.app.record_attendance(session_id, people, operator("s"))
        ):
            s.attendees.update(people)

    def _scheduled(self) -> list[UUID]:
        return [i for i, s in self.model_sessions.items() if s.status == "scheduled"]

    @precondition(lambda self: self.model_sessions)
    @rule(data=st.data(), held_on=st.one_of(st.none(), DAYS))
    def complete(self, data: st.DataObject, held_on: date | None) -> None:
        session_id = self.pick(data, self.model_sessions, self._scheduled())
        s = self.model_sessions[session_id]
        held = held_on or s.starts_on
        expected = _refusal(
            (s.status == "cancelled", SessionCancelledError),
            (s.status != "scheduled", WrongStateError),
            (held < s.starts_on, DateOrderError),
            (held > self.clock.day, FutureDateError),
        )
        if self.attempt(
            expected, lambda: self.app.complete_session(session_id, operator("s"), held_on=held_on)
        ):
            s.status, s.held_on = "held", held

    @precondition(lambda self: self.model_sessions)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        session_id = self.pick(data, self.model_sessions)
        s = self.model_sessions[session_id]
        expected = _refusal(
            (s.status != "scheduled", WrongStateError),
            (self.clock.day < s.starts_on, DateOrderError),  # not before the day it was for
        )
        if self.attempt(expected, lambda: self.app.cancel_session(session_id, operator("s"))):
            s.status = "cancelled"

    # -- suggestions -------------------------------------------------------------------

    def _received(self, suggestion: Suggestion, participant: UUID | None) -> None:
        receipts = {o.receipt for o in self.opinions.values()}
        assert suggestion.receipt not in receipts, "two suggestions share a receipt"
        self.opinions[suggestion.id] = MSuggestion(
            suggestion.contact_point_id,
            suggestion.draft_id,
            participant,
            suggestion.received_on,
            suggestion.original_content,
            suggestion.receipt,
        )

    def _article_refusal(
        self, d: MDraft, article: int | None, content: str, received_on: date
    ) -> list[Any]:
        return [
            (article is not None and article not in d.articles, UnknownArticleError),
            (received_on < d.received_on, DateOrderError),
            (_bad_text(content, MAX_CONTENT), InvalidValueError),
        ]

    @rule(
        data=st.data(),
        content=CONTENT,
        channel=st.sampled_from(["letter", "session", "collector", "online"] * 2 + ["fax"]),
        article=ARTICLE,
        received_on=DAYS,
    )
    def record(
        self,
        data: st.DataObject,
        content: str,
        channel: str,
        article: int | None,
        received_on: date,
    ) -> None:
        cp = self.pick(data, self.cps)
        live = [i for i, d in self.model_drafts.items() if d.status != "enacted"]
        draft_id = self.pick(data, self.model_drafts, live)
        d = self.model_drafts[draft_id]
        checks: list[Any] = [(d.status == "enacted", WrongStateError)]
        person = session_id = None
        if self.people and data.draw(st.booleans()):
            fitting = [p for p, m in self.people.items() if m.cp == cp and not m.erased]
            person = self.pick(data, self.people, fitting)
            checks += [
                (self.people[person].erased, ParticipantErasedError),
                (self.people[person].cp != cp, NotFoundError),
            ]
        if self.model_sessions and data.draw(st.booleans()):
            fitting = [
                i
                for i, s in self.model_sessions.items()
                if s.cp == cp and draft_id in s.drafts and s.status != "cancelled"
            ]
            session_id = self.pick(data, self.model_sessions, fitting)
            s = self.model_sessions[session_id]
            checks += [
                (s.status == "cancelled", SessionCancelledError),
                (s.cp != cp, NotFoundError),
                (draft_id not in s.drafts, MismatchError),
                (d.closed_before(s.day), DraftClosedError),
            ]
        checks += self._article_refusal(d, article, content, received_on)
        checks.append((channel == "fax", InvalidValueError))
        checks.append((received_on > self.clock.day, FutureDateError))
        suggestion = self.attempt(
            _refusal(*checks),
            lambda: self.app.record_suggestion(
                cp,
                draft_id,
                content,
                channel,
                operator("s"),
                article=article,
                participant_id=person,
                session_id=session_id,
                received_on=received_on,
            ),
        )
        if suggestion is not None:
            assert suggestion.received_on == received_on
            self._received(suggestion, person)

    @rule(
        data=st.data(),
        content=CONTENT,
        article=ARTICLE,
        name=st.sampled_from([None, None, "  ", "李先生", "名" * (MAX_NAME + 1)]),
        phone=st.sampled_from([None, None, "13912345678", "电话"]),
    )
    def comment(
        self,
        data: st.DataObject,
        content: str,
        article: int | None,
        name: str | None,
        phone: str | None,
    ) -> None:
        cp = self.pick(data, self.cps)
        draft_id = self.pick(
            data, self.model_drafts, [i for i, d in self.model_drafts.items() if d.status == "open"]
        )
        d = self.model_drafts[draft_id]
        expected = _refusal(
            (d.status != "open", WrongStateError),
            (self.clock.day > d.deadline, ConsultationOverError),  # past its deadline day
            (name is not None and len(name.strip()) > MAX_NAME, InvalidValueError),
            (phone == "电话", InvalidValueError),
            *self._article_refusal(d, article, content, self.clock.day),
        )
        suggestion = self.attempt(
            expected,
            lambda: self.app.comment_publicly(
                draft_id, cp, content, article=article, name=name, phone=phone
            ),
        )
        if suggestion is not None:
            assert suggestion.received_on == self.clock.day
            self._received(suggestion, None)

    def _in(self, *statuses: str) -> list[UUID]:
        return [i for i, o in self.opinions.items() if o.status in statuses]

    @precondition(lambda self: self.opinions)
    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        duplicate = self.pick(data, self.opinions, self._in(*UNREPORTED))
        a = self.opinions[duplicate]
        group = [
            i
            for i in self._in(*UNREPORTED)
            if (self.opinions[i].draft, self.opinions[i].cp) == (a.draft, a.cp) and i != duplicate
        ]
        survivor = self.pick(data, self.opinions, group)
        b = self.opinions[survivor]
        expected = _refusal(
            (duplicate == survivor, InvalidValueError),
            ((a.draft, a.cp) != (b.draft, b.cp), MismatchError),
            (a.status not in UNREPORTED, WrongStateError),
            (b.status not in UNREPORTED, WrongStateError),
            (self.clock.day < a.received_on, DateOrderError),
            (self.clock.day < b.received_on, DateOrderError),
        )
        if self.attempt(
            expected, lambda: self.app.merge_suggestion(duplicate, survivor, operator("s"))
        ):
            a.status = self._move(SUGGESTION_MOVES, a.status, "merged")
            a.merged_into = survivor
            b.absorbed.append(duplicate)

    @precondition(lambda self: self.opinions)
    @rule(data=st.data(), content=CONTENT)
    def revise(self, data: st.DataObject, content: str) -> None:
        suggestion_id = self.pick(data, self.opinions, self._in(*UNREPORTED))
        o = self.opinions[suggestion_id]
        expected = _refusal(
            (o.status not in UNREPORTED, WrongStateError),
            (self.clock.day < o.received_on, DateOrderError),
            (_bad_text(content, MAX_CONTENT), InvalidValueError),
        )
        if self.attempt(
            expected, lambda: self.app.revise_suggestion(suggestion_id, content, operator("s"))
        ):
            o.content = content.strip()

    @precondition(lambda self: self.opinions)
    @rule(
        data=st.data(),
        decision=st.sampled_from(["accept", "accept", "accept", "reject", "maybe"]),
        reason=st.sampled_from([None, " ", "与草案无关", "长" * (MAX_REASON + 1)]),
    )
    def screen(self, data: st.DataObject, decision: str, reason: str | None) -> None:
        suggestion_id = self.pick(data, self.opinions, self._in("received", "rejected"))
        o = self.opinions[suggestion_id]
        rejecting = decision == "reject"
        expected = _refusal(
            (o.status not in {"received", "accepted", "rejected"}, WrongStateError),
            (self.clock.day < o.received_on, DateOrderError),
            (decision == "maybe", InvalidValueError),
            (rejecting and _bad_text(reason, MAX_REASON), InvalidValueError),
        )
        if self.attempt(
            expected,
            lambda: self.app.screen_suggestion(
                suggestion_id, decision, operator("s"), reason=reason
            ),
        ):
            if decision == "accept" and o.status != "accepted":
                o.accepted_on = self.clock.day
            o.status = self._move(SUGGESTION_MOVES, o.status, decision + "ed")

    @precondition(lambda self: self.opinions)
    @rule(data=st.data(), fitting=st.sampled_from([True, True, True, False]), submitted_on=DAYS)
    def report(self, data: st.DataObject, fitting: bool, submitted_on: date) -> None:
        accepted = self._in("accepted")
        if fitting and accepted:  # accepted suggestions of one draft and contact point
            first = self.opinions[data.draw(st.sampled_from(accepted))]
            cp, draft_id = first.cp, first.draft
            group = [
                i
                for i in accepted
                if (self.opinions[i].cp, self.opinions[i].draft) == (cp, draft_id)
            ]
            chosen = data.draw(
                st.lists(st.sampled_from(group), min_size=1, max_size=4, unique=True)
            )
        else:
            cp, draft_id = self.pick(data, self.cps), self.pick(data, self.model_drafts)
            chosen = data.draw(st.lists(st.sampled_from(list(self.opinions)), max_size=4))
        ours = [self.opinions[i] for i in chosen]
        checks: list[Any] = [(any(o.cp != cp for o in ours), NotFoundError)]
        checks += [(not chosen, InvalidValueError)]
        checks += [(len(set(chosen)) != len(chosen), InvalidValueError)]
        for o in ours:
            checks += [
                ((o.draft, o.cp) != (draft_id, cp), MismatchError),
                (o.status != "accepted", WrongStateError),
                (submitted_on < o.received_on, DateOrderError),
                (o.accepted_on is not None and submitted_on < o.accepted_on, DateOrderError),
            ]
        checks.append((submitted_on > self.clock.day, FutureDateError))
        report = self.attempt(
            _refusal(*checks),
            lambda: self.app.submit_report(cp, draft_id, chosen, submitted_on, operator("s")),
        )
        if report is None:
            return
        self.reports[report.id] = (cp, draft_id, list(chosen), submitted_on)
        for o in ours:
            o.status = self._move(SUGGESTION_MOVES, o.status, "reported")
            o.report, o.reported_on = report.id, submitted_on

    @precondition(lambda self: self.opinions)
    @rule(
        data=st.data(),
        outcome=st.sampled_from(["adopted", "partially_adopted", "not_adopted", "vetoed"]),
        final_article=st.sampled_from([None, None, 1, 2, 0, MAX_ARTICLE + 1]),
    )
    def decide(self, data: st.DataObject, outcome: str, final_article: int | None) -> None:
        suggestion_id = self.pick(data, self.opinions, self._in("reported", *DECIDED))
        o = self.opinions[suggestion_id]
        expected = _refusal(
            (o.status == "fed_back", WrongStateError),
            (o.status not in {"reported", *DECIDED}, NotReportedError),
            (o.reported_on is not None and self.clock.day < o.reported_on, DateOrderError),
            (
                final_article is not None and not 1 <= final_article <= MAX_ARTICLE,
                InvalidValueError,
            ),
            (outcome == "vetoed", InvalidValueError),
            (
                final_article is not None
                and final_article not in self.model_drafts[o.draft].articles,
                UnknownArticleError,  # not in the latest reading nor the law as passed
            ),
        )
        if self.attempt(
            expected,
            lambda: self.app.record_outcome(
                suggestion_id, outcome, operator("congress"), final_article=final_article
            ),
        ):
            o.status = self._move(SUGGESTION_MOVES, o.status, outcome)
            o.outcome, o.decided_on = outcome, self.clock.day

    @precondition(lambda self: self.opinions)
    @rule(data=st.data(), message=st.sampled_from(["已采纳，谢谢", "已反馈", " "]))
    def feed_back(self, data: st.DataObject, message: str) -> None:
        suggestion_id = self.pick(data, self.opinions, self._in(*DECIDED))
        o = self.opinions[suggestion_id]
        expected = _refusal(
            (o.status not in DECIDED, WrongStateError),
            (o.decided_on is not None and self.clock.day < o.decided_on, DateOrderError),
            (not message.strip(), InvalidValueError),
        )
        if self.attempt(
            expected, lambda: self.app.send_feedback(suggestion_id, message, operator("s"))
        ):
            o.status = self._move(SUGGESTION_MOVES, o.status, "fed_back")
            o.told_on = self.clock.day
            self._tell_merged(o)

    def _tell_merged(self, survivor: MSuggestion) -> int:
        """Everyone merged into a fed-back suggestion is told too, once: how many now."""
        told = 0
        for merged_id in survivor.absorbed:
            merged = self.opinions[merged_id]
            if merged.told_on is None:
                merged.told_on = self.clock.day
                told += 1
                TALLY["merged told"] += 1
        return told

    @precondition(lambda self: self.reports)
    @rule(data=st.data())
    def feed_back_report(self, data: st.DataObject) -> None:
        report_id = data.draw(st.sampled_from(sorted(self.reports)))
        carried = [self.opinions[i] for i in self.reports[report_id][2]]
        expected = 0
        for o in carried:
            if o.status in DECIDED:
                o.status = self._move(SUGGESTION_MOVES, o.status, "fed_back")
                o.told_on = self.clock.day
                expected += 1
            if o.status == "fed_back":
                expected += self._tell_merged(o)
        told = self.attempt(None, lambda: self.app.feed_back_report(operator("s"), report_id))
        assert told == expected, (told, expected)
        TALLY["told by report"] += expected

    @rule(
        data=st.data(),
        command=st.sampled_from(["open_draft", "screen", "complete", "erase", "report"]),
    )
    def unknown_ids_are_not_found(self, data: st.DataObject, command: str) -> None:
        unknown = data.draw(st.one_of(st.uuids(version=4), st.sampled_from(self.cps)))
        calls = {
            "open_draft": lambda: self.app.open_draft(unknown, operator("a")),
            "screen": lambda: self.app.screen_suggestion(unknown, "accept", operator("s")),
            "complete": lambda: self.app.complete_session(unknown, operator("s")),
            "erase": lambda: self.app.erase_participant(unknown, operator("s")),
            "report": lambda: self.app.submit_report(unknown, uuid4(), [], START, operator("s")),
        }
        self.attempt(NotFoundError, calls[command])

    @rule(days=st.integers(1, 5))
    def time_passes(self, days: int) -> None:
        self.clock.day = min(self.clock.day + timedelta(days=days), date(2021, 4, 20))

    @rule()
    def rebuild_equals_the_live_read_models(self) -> None:
        live = self._read_models()
        TALLY["rebuilds"] += 1
        self.liaison.projector.rebuild()
        assert self._read_models() == live, "the read models differ from a rebuild"
        verified = self.liaison.chain.verify()
        assert verified.ok, verified.reason

    def _read_models(self) -> dict[str, list[Any]]:
        with self.liaison.engine.connect() as conn:
            return {
                t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr)
                for t in metadata.sorted_tables
                if t is not tracking
            }

    # -- invariants --------------------------------------------------------------------

    @invariant()
    def figures_are_those_domain_md_defines(self) -> None:
        self._check_figures(None, Period())

    @rule(data=st.data(), period=st.sampled_from(PERIODS))
    def figures_of_one_contact_point_and_period(self, data: st.DataObject, period: Period) -> None:
        self._check_figures(data.draw(st.sampled_from([None, *self.cps])), period)

    def _check_figures(self, cp: UUID | None, period: Period) -> None:
        TALLY["figures"] += 1
        with self.liaison.engine.connect() as conn:
            got = figures(conn, cp, period).as_dict()
        assert got == self._expected_figures(cp, period), (cp, period)

    def _expected_figures(self, cp: UUID | None, period: Period) -> dict[str, Any]:
        def within(day: date | None) -> bool:
            return day is not None and (
                (period.start is None or day >= period.start)
                and (period.end is None or day <= period.end)
            )

        def here(of: UUID) -> bool:
            return cp is None or of == cp

        held = [
            s
            for s in self.model_sessions.values()
            if s.status == "held" and within(s.held_on) and here(s.cp)
        ]
        received = [o for o in self.opinions.values() if within(o.received_on) and here(o.cp)]
        reported = [o for o in self.opinions.values() if within(o.reported_on) and here(o.cp)]
        consulted = {d for s in held for d in s.drafts} | {o.draft for o in received}
        levels = {
            level: sum(self.model_drafts[d].level == level for d in consulted)
            for level in ("national", "municipal", "district")
        }
        people = {p for s in held for p in s.attendees} | {
            o.participant for o in received if o.participant is not None
        }
        outcomes = {
            outcome: sum(o.outcome == outcome for o in reported)
            for outcome in ("adopted", "partially_adopted", "not_adopted")
        }
        adopted_total = outcomes["adopted"] + outcomes["partially_adopted"]
        behind = [  # the persons behind each decided suggestion: itself and those merged in
            person
            for o in reported
            if o.outcome is not None
            for person in [o, *(self.opinions[i] for i in o.absorbed)]
        ]
        told = sum(person.told_on is not None for person in behind)
        return {
            "drafts": {"total": len(consulted), **levels},
            "sessions": len(held),
            "attendances": sum(len(s.attendees) for s in held),
            "participants": len(people),
            "suggestions": {
                "received": len(received),
                "merged": sum(o.status == "merged" for o in received),
                "rejected": sum(o.status == "rejected" for o in received),
                "reported": len(reported),
                **outcomes,
                "awaiting_outcome": sum(o.outcome is None for o in reported),
            },
            "adopted_total": adopted_total,
            "adoption_rate": round(adopted_total / len(reported), 4) if reported else 0,
            "decided_persons": len(behind),
            "fed_back": told,
            "feedback_rate": round(told / len(behind), 4) if behind else 0,
        }

    @invariant()
    def aggregates_agree_with_the_model(self) -> None:
        for suggestion_id, o in self.opinions.items():
            s = self.app.get(suggestion_id, Suggestion)
            assert s.status.value == o.status
            assert s.original_content == o.original  # the words as first given, for ever
            assert s.content == o.content
            assert (s.merged_into, s.absorbed, s.report_id) == (o.merged_into, o.absorbed, o.report)
            assert (s.outcome.value if s.outcome else None) == o.outcome
            assert s.fed_back_on == o.told_on
            assert self.app.receipts.find(s.receipt) == suggestion_id
            if o.merged_into is not None:  # counted once, under the survivor
                assert suggestion_id in self.opinions[o.merged_into].absorbed
            if o.report is not None:
                cp, draft_id, carried, on = self.reports[o.report]
                assert suggestion_id in carried and o.reported_on == on
                assert (o.cp, o.draft) == (cp, draft_id)
        for draft_id, d in self.model_drafts.items():
            draft = self.app.get(draft_id, Draft)
            assert draft.status.value == d.status
            assert {a.number for a in draft.current.articles} == d.articles
        for session_id, m in self.model_sessions.items():
            session = self.app.get(session_id, ConsultationSession)
            assert (session.status.value, session.held_on) == (m.status, m.held_on)
            assert set(session.participant_ids) == m.attendees


LiaisonMachine.TestCase.settings = settings(
    max_examples=200 if LONG else 25,
    stateful_step_count=50 if LONG else 25,
    deadline=None,
    database=None,  # nothing written into the working tree; a failure prints its steps
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestLiaisonStateMachine = LiaisonMachine.TestCase
