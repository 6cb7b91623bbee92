"""Builds the demo city through the application's own commands.

曹杨新村街道基层立法联系点 over 2021-01-01..2021-11-30 comes out as its 2021 report reads:
26 drafts (3 national, 23 municipal), 40+ sessions, over 1,000 participants, 428 opinions,
100+ adopted, and the most reported and adopted in the city. Other contact points do less.
Then, dated from the application's clock, two drafts open for comment today and one enacted
last month whose adopted opinions fill its wall.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from sqlalchemy import select

from domain.draft import Draft
from domain.suggestion import Suggestion
from liaison.application import LiaisonApplication
from liaison.bootstrap import Liaison
from liaison.commands.feedback import DEFAULT_MESSAGES
from liaison.demo import catalog
from liaison.demo.awaiting import report_awaiting_decision
from liaison.demo.readings import read_twice
from liaison.rights import Actor, Role, operator
from projections.tables import contact_points

SEED = 2021
ADMIN = operator("admin")
CONGRESS = Actor("congress", Role.CONGRESS)
PERIOD_START, PERIOD_END = date(2021, 1, 1), date(2021, 11, 30)
DEMO_PASSWORDS = {
    "admin": ("admin", None, "demo-admin-2021"),
    "congress": ("congress", None, "demo-congress-2021"),
    "caoyang": ("staff", catalog.CAOYANG, "demo-caoyang-2021"),
    "hongqiao": ("staff", "虹桥街道基层立法联系点", "demo-hongqiao-2021"),
}


@dataclass(frozen=True)
class Plan:
    """How much one contact point does in the demo year."""

    national: int
    municipal: int
    sessions: int
    cancelled: int
    residents: int
    suggestions: int
    merged: int
    rejected: int


PLANS = {
    catalog.CAOYANG: Plan(3, 23, 45, 3, 1000, 428, 26, 18),
    "虹桥街道基层立法联系点": Plan(2, 16, 30, 2, 520, 310, 15, 12),
    "嘉定工业区基层立法联系点": Plan(1, 12, 22, 1, 360, 240, 10, 9),
    "朱泾镇基层立法联系点": Plan(1, 10, 16, 1, 260, 170, 6, 8),
    "华漕镇基层立法联系点": Plan(0, 9, 12, 0, 200, 120, 5, 6),
    "洋泾街道基层立法联系点": Plan(2, 11, 18, 1, 300, 200, 8, 7),
}


FEEDBACK = DEFAULT_MESSAGES
"""The feedback a demo resident receives, by the congress's decision: the default one."""
SESSION_NAMES = {"symposium": "座谈会", "field_research": "调研", "hearing": "听证会"}


class AlreadyLoadedError(Exception):
    pass


def load_demo(liaison: Liaison, progress: Callable[[str, int], None] | None = None) -> bool:
    """Load the demo once; returns ``False`` (and changes nothing) when it is already there."""
    with liaison.engine.connect() as conn:
        loaded = conn.execute(
            select(contact_points.c.id).where(contact_points.c.name == catalog.CAOYANG)
        ).first()
    if loaded is not None:
        if liaison.users.get(ADMIN.username) is None:
            raise AlreadyLoadedError("a demo load was interrupted: remove the database and retry")
        return False
    builder = DemoBuilder(liaison.app, random.Random(SEED), progress or (lambda _s, _n: None))
    ids = builder.build()
    # after the year is built, and with its own random sequence, so the 2021 figures stay put
    RecentDrafts(liaison.app, random.Random(SEED + 1), ids).build()
    read_twice(liaison.app, random.Random(SEED + 2), ids)
    report_awaiting_decision(liaison.app, ids)
    for username, (role, contact_point, password) in DEMO_PASSWORDS.items():
        liaison.users.add(username, role, password, ids[contact_point] if contact_point else None)
    return True


class DemoBuilder:
    def __init__(
        self, app: LiaisonApplication, rng: random.Random, progress: Callable[[str, int], None]
    ) -> None:
        self.app = app
        self.rng = rng
        self.progress = progress
        self.drafts: list[Draft] = []
        self.reported: dict[UUID, list[UUID]] = {}

    def build(self) -> dict[str, UUID]:
        first = date(2020, 12, 28)
        ids = {
            name: self.app.designate_contact_point(name, district, ADMIN, on=first).id
            for name, district in catalog.CONTACT_POINTS
        }
        self._receive_drafts()
        for name, plan in PLANS.items():
            ContactPointYear(self, ids[name], name, plan).run()
            self.progress(name, 1)
        self._decide_outcomes()
        return ids

    def _receive_drafts(self) -> None:
        titles = [(t, "national", catalog.NPC) for t in catalog.NATIONAL_DRAFTS] + [
            (t, "municipal", catalog.SHANGHAI) for t in catalog.MUNICIPAL_DRAFTS
        ]
        for index, (title, level, issuer) in enumerate(titles):
            received = date(2021, 1, 4) + timedelta(days=index * 11 + self.rng.randint(0, 4))
            draft = self.app.receive_draft(
                title,
                level,
                issuer,
                received,
                received + timedelta(days=30),
                catalog.draft_text(self.rng, title),
                ADMIN,
            )
            self.app.open_draft(draft.id, ADMIN, on=received)
            self.drafts.append(
                self.app.close_draft(draft.id, ADMIN, on=received + timedelta(days=30))
            )

    def _decide_outcomes(self) -> None:
        """Drafts whose consultation ended by September are enacted and their opinions decided."""
        for draft in self.drafts:
            if draft.deadline > date(2021, 9, 30):
                continue
            decided = draft.deadline + timedelta(days=self.rng.randint(30, 60))
            text = catalog.final_text(self.rng, _as_text(draft))
            self.app.enact_draft(draft.id, decided, text, ADMIN)
            for suggestion_id in self.reported.get(draft.id, []):
                self._decide(suggestion_id, decided)

    def _decide(self, suggestion_id: UUID, decided: date) -> None:
        roll = self.rng.random()
        outcome = (
            "adopted" if roll < 0.25 else "partially_adopted" if roll < 0.37 else "not_adopted"
        )
        article = self.app.get(suggestion_id, Suggestion).article
        fed_back_by = operator("staff") if self.rng.random() < 0.8 else None
        record_decision(self.app, suggestion_id, article, outcome, decided, fed_back_by)


def record_decision(
    app: LiaisonApplication,
    suggestion_id: UUID,
    article: int | None,
    outcome: str,
    decided: date,
    fed_back_by: Actor | None,
) -> None:
    """The congress's decision (an adopted opinion goes into its own article), and the
    feedback a week later when ``fed_back_by`` sends it."""
    final_article = article if outcome != "not_adopted" else None
    app.record_outcome(
        suggestion_id, outcome, CONGRESS, final_article=final_article, decided_on=decided
    )
    if fed_back_by is not None:
        app.send_feedback(
            suggestion_id, FEEDBACK[outcome], fed_back_by, sent_on=decided + timedelta(days=7)
        )


def _as_text(draft: Draft) -> str:
    lines, chapter = [], None
    for article in draft.current.articles:
        if article.chapter != chapter and article.chapter:
            lines.append(article.chapter)
        chapter = article.chapter
        lines.append(f"{article.heading}　{article.text}")
    return "\n".join(lines)


class ContactPointYear:
    """One contact point's year: people, sessions, opinions, screening and reports."""

    def __init__(self, demo: DemoBuilder, contact_point_id: UUID, name: str, plan: Plan) -> None:
        self.demo, self.app, self.rng = demo, demo.app, demo.rng
        self.id = contact_point_id
        self.name = name
        self.plan = plan
        self.staff = Actor(f"staff@{name}", Role.STAFF, contact_point_id)
        national = [d for d in demo.drafts if d.level.value == "national"]
        municipal = [d for d in demo.drafts if d.level.value == "municipal"]
        self.drafts = self.rng.sample(national[:3], plan.national) + self.rng.sample(
            municipal[:23], plan.municipal
        )
        self.drafts.sort(key=lambda d: d.received_on)

    def run(self) -> None:
        residents, regulars, collectors = self._register_people()
        sessions = self._hold_sessions(residents, regulars)
        opinions = self._collect_opinions(sessions, residents, collectors)
        self._organise_and_report(opinions)

    def _register(self, kind: str, count: int, on: date) -> list[UUID]:
        where = (
            catalog.NEIGHBOURHOODS
            if self.name == catalog.CAOYANG
            else [f"{self.name[:2]}第{n}居民区" for n in range(1, 13)]
        )
        return [
            self.app.register_participant(
                self.id,
                catalog.person_name(self.rng),
                kind,
                self.staff,
                neighbourhood=self.rng.choice(where),
                phone=catalog.phone(self.rng),
                consent_to_contact=self.rng.random() < 0.7,
                on=on,
            ).id
            for _ in range(count)
        ]

    def _register_people(self) -> tuple[list[UUID], list[UUID], list[UUID]]:
        on = date(2021, 1, 2)
        regulars = []
        for kind, share in (("deputy", 50), ("expert", 70), ("lawyer", 100), ("enterprise", 100)):
            regulars += self._register(kind, max(2, self.plan.residents // share), on)
        collectors = self._register("collector", max(3, self.plan.residents // 80), on)
        return self._register("resident", self.plan.residents, on), regulars, collectors

    def _hold_sessions(
        self, residents: list[UUID], regulars: list[UUID]
    ) -> list[tuple[object, Draft]]:
        """Every draft gets at least one session; every resident attends at least one."""
        plan = self.plan
        topics = [self.drafts[i % len(self.drafts)] for i in range(plan.sessions)]
        queue = list(residents)
        self.rng.shuffle(queue)
        per_session = -(-len(queue) // plan.sessions)
        held = []
        for index, draft in enumerate(topics):
            day = draft.received_on + timedelta(days=self.rng.randint(3, 24))
            kind = self.rng.choice(
                ("symposium", "symposium", "symposium", "field_research", "hearing")
            )
            session = self.app.schedule_session(
                self.id,
                [draft.id],
                kind,
                f"{draft.title}立法征询{SESSION_NAMES[kind]}",
                datetime.combine(day, time(14, 0)),
                self.staff,
                venue="联系点活动室",
            )
            attendees = queue[index * per_session : (index + 1) * per_session]
            attendees += self.rng.sample(regulars, min(len(regulars), self.rng.randint(3, 6)))
            self.app.record_attendance(session.id, attendees, self.staff)
            minutes = f"到会{len(attendees)}人，围绕{draft.title}逐条讨论。"
            held.append((self.app.complete_session(session.id, self.staff, minutes=minutes), draft))
        for draft in self.rng.sample(self.drafts, plan.cancelled):
            day = draft.received_on + timedelta(days=5)
            session = self.app.schedule_session(
                self.id,
                [draft.id],
                "symposium",
                f"{draft.title}座谈会（因故取消）",
                datetime.combine(day, time(9, 30)),
                self.staff,
            )
            # called off that morning: nothing of a session is dated before its day
            self.app.cancel_session(session.id, self.staff, reason="台风预警", on=day)
        return held

    def _collect_opinions(
        self, held: list, residents: list[UUID], collectors: list[UUID]
    ) -> list[Suggestion]:
        plan = self.plan
        off_topic = set(self.rng.sample(range(plan.suggestions), plan.rejected))
        opinions = []
        for index in range(plan.suggestions):
            session, draft = held[index % len(held)]
            channel = self.rng.choices(
                ("session", "collector", "letter", "online"), (70, 16, 5, 9)
            )[0]
            content = (
                self.rng.choice(catalog.OFF_TOPIC)
                if index in off_topic
                else catalog.opinion(self.rng)
            )
            article = (
                self.rng.choice(draft.current.articles).number if self.rng.random() < 0.85 else None
            )
            participant, session_id, day = None, None, session.held_on
            if channel == "session":
                participant, session_id = self.rng.choice(session.participant_ids), session.id
            elif channel == "collector":
                participant = self.rng.choice(collectors)
                day = draft.received_on + timedelta(days=self.rng.randint(2, 27))
            elif channel == "letter":
                participant = self.rng.choice(residents)
                day = draft.received_on + timedelta(days=self.rng.randint(5, 28))
            else:
                day = draft.received_on + timedelta(days=self.rng.randint(1, 29))
            opinions.append(
                self.app.record_suggestion(
                    self.id,
                    draft.id,
                    content,
                    channel,
                    self.staff,
                    article=article,
                    participant_id=participant,
                    session_id=session_id,
                    received_on=day,
                )
            )
        return opinions

    def _organise_and_report(self, opinions: list[Suggestion]) -> None:
        """Reject the off-topic, merge duplicates, reword some, report the rest by draft."""
        by_draft: dict[UUID, list[Suggestion]] = {}
        for opinion in opinions:
            by_draft.setdefault(opinion.draft_id, []).append(opinion)
        merges = self.plan.merged
        for draft in self.drafts:
            group = by_draft.get(draft.id, [])
            # three days before the deadline, or once the last opinion is in if that is later:
            # no opinion is screened or merged before it was received
            on = max([draft.deadline - timedelta(days=3), *(o.received_on for o in group)])
            kept = []
            for opinion in group:
                if opinion.content in catalog.OFF_TOPIC:
                    self.app.screen_suggestion(
                        opinion.id,
                        "reject",
                        self.staff,
                        reason=self.rng.choice(catalog.REJECT_REASONS),
                        on=on,
                    )
                elif merges and kept and self.rng.random() < 0.25:
                    self.app.merge_suggestion(
                        opinion.id, self.rng.choice(kept).id, self.staff, on=on
                    )
                    merges -= 1
                else:
                    kept.append(opinion)
            for opinion in kept:
                if self.rng.random() < 0.15:
                    self.app.revise_suggestion(
                        opinion.id, "经整理：" + opinion.content, self.staff, on=on
                    )
                self.app.screen_suggestion(opinion.id, "accept", self.staff, on=on)
            reportable = [o.id for o in kept if self.rng.random() < 0.97]
            if reportable:
                self.app.submit_report(
                    self.id, draft.id, reportable, draft.deadline - timedelta(days=1), self.staff
                )
                self.demo.reported.setdefault(draft.id, []).extend(reportable)


class RecentDrafts:
    """Drafts dated from today: two open for comment (received a week ago, due in three weeks)
    with some public comments in, and one enacted a month ago whose opinions were decided."""

    def __init__(self, app: LiaisonApplication, rng: random.Random, ids: dict[str, UUID]) -> None:
        self.app = app
        self.rng = rng
        self.ids = ids
        self.today = app.clock.today()

    def build(self) -> None:
        received, deadline = self.today - timedelta(days=7), self.today + timedelta(days=21)
        points = [self.ids[name] for name, _district in catalog.CONTACT_POINTS]
        for title, level, issuer, text, comments in catalog.OPEN_NOW:
            draft = self.app.receive_draft(title, level, issuer, received, deadline, text, ADMIN)
            self.app.open_draft(draft.id, ADMIN, on=received)
            for article, words in comments:
                self.app.comment_publicly(draft.id, self.rng.choice(points), words, article=article)
        self._enacted_last_month()

    def _enacted_last_month(self) -> None:
        title, level, issuer, lines, opinions = catalog.ENACTED_RECENTLY
        received = self.today - timedelta(days=150)
        deadline = received + timedelta(days=30)
        enacted = self.today - timedelta(days=30)
        caoyang = self.ids[catalog.CAOYANG]
        staff = Actor(f"staff@{catalog.CAOYANG}", Role.STAFF, caoyang)
        draft = self.app.receive_draft(
            title, level, issuer, received, deadline, "\n".join(lines), ADMIN
        )
        self.app.open_draft(draft.id, ADMIN, on=received)
        recorded = []
        for article, words, outcome, _final in opinions:
            suggestion = self.app.record_suggestion(
                caoyang,
                draft.id,
                words,
                self.rng.choice(("letter", "collector", "online")),
                staff,
                article=article,
                received_on=received + timedelta(days=self.rng.randint(3, 25)),
            )
            self.app.screen_suggestion(
                suggestion.id, "accept", staff, on=deadline - timedelta(days=3)
            )
            recorded.append((suggestion, outcome))
        self.app.close_draft(draft.id, ADMIN, on=deadline)
        self.app.submit_report(
            caoyang, draft.id, [s.id for s, _o in recorded], deadline - timedelta(days=1), staff
        )
        self.app.enact_draft(draft.id, enacted, _enacted_text(lines, opinions, enacted), ADMIN)
        for suggestion, outcome in recorded:
            record_decision(self.app, suggestion.id, suggestion.article, outcome, enacted, staff)


def _enacted_text(lines: list[str], opinions: list, enacted: date) -> str:
    """The consulted text with the adopted opinions written in and a commencement date."""
    changed = {f"第{catalog._numeral(a)}条": final for a, _w, _o, final in opinions if final}
    start = date(enacted.year + enacted.month // 12, enacted.month % 12 + 1, 1)
    out = []
    for line in lines:
        heading = line.split("　", 1)[0]
        if heading in changed:
            line = changed[heading]
        elif "起施行" in line:
            line = f"{heading}　本条例自{start.year}年{start.month}月{start.day}日起施行。"
        out.append(line)
    return "\n".join(out)
