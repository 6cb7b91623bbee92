"""A deterministic national-scale dataset, written through the application's own commands.

Proportions follow the NPC's published figures: most drafts draw few opinions, a few draw a
great many (one draft takes about a quarter of all); most opinions come online, the rest at
sessions, through information collectors and by letter; a sample goes through screening,
a report upward and the congress's decision.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from domain.draft import Draft
from domain.suggestion import Suggestion
from liaison.bootstrap import Liaison
from liaison.commands.admission import Opinion
from liaison.rights import operator

BATCH = 2000
SAMPLE = 5000  # receipts kept for lookups and decisions: a 4M run need not hold them all
OPINIONS = [
    "建议明确适用范围。",
    "建议延长期限。",
    "建议增加对老年人的保护。",
    "建议细化罚则。",
    "建议保留线下渠道。",
]
TEXT = "\n".join(f"第{n}条　本条规定第{n}项制度，有关部门应当依法履行职责。" for n in range(1, 41))


@dataclass
class Dataset:
    suggestions: int
    contact_points: list[UUID]
    drafts: list[UUID]
    largest_draft: UUID
    receipts: list[str]
    """The first ``SAMPLE`` receipts and every ``size // SAMPLE``-th after them."""


BENCH = operator("bench")


def draft_shares(count: int, rng: random.Random) -> list[float]:
    """Zipf-like shares: the first draft about a quarter, a long tail of small ones."""
    weights = [1 / (rank**1.1) for rank in range(1, count + 1)]
    total = sum(weights)
    return [w / total for w in weights]


def generate(
    liaison: Liaison, size: int, seed: int = 7, progress: Callable[[int], None] = lambda n: None
) -> Dataset:
    rng = random.Random(seed)
    app = liaison.app
    start = date(2015, 1, 1)
    cps = [
        app.designate_contact_point(
            f"第{i + 1}号基层立法联系点", f"第{i % 16 + 1}区", BENCH, on=start
        ).id
        for i in range(36)
    ]
    draft_count = max(10, min(217, size // 2000))
    drafts = []
    for index in range(draft_count):
        received = start + timedelta(days=index * 3650 // draft_count)
        level = "national" if index % 4 == 0 else "municipal"
        draft = app.receive_draft(
            f"草案{index + 1}号",
            level,
            "法工委",
            received,
            received + timedelta(days=30),
            TEXT,
            BENCH,
        )
        app.open_draft(draft.id, BENCH, on=received)
        drafts.append(draft)
    participants: dict[UUID, list[UUID]] = {cp: [] for cp in cps}
    for i in range(max(36, min(size // 50, 20_000))):
        cp = cps[i % len(cps)]
        participants[cp].append(
            app.register_participant(cp, f"参与者{i}", "resident", BENCH, on=start).id
        )
    sessions: dict[tuple[UUID, UUID], UUID] = {}
    shares = draft_shares(draft_count, rng)
    receipts: list[str] = []
    every = max(1, size // SAMPLE)
    written = 0

    def keep(saved: list[Suggestion], offset: int) -> None:
        receipts.extend(
            s.receipt for n, s in enumerate(saved, offset) if n < SAMPLE or n % every == 0
        )

    batch: list[Opinion] = []
    for draft, share in zip(drafts, shares, strict=True):
        count = (
            max(1, round(size * share))
            if draft is not drafts[-1]
            else max(1, size - written - len(batch))
        )
        for _ in range(count):
            if written + len(batch) >= size:
                break
            cp = rng.choice(cps)
            day = draft.received_on + timedelta(days=rng.randrange(30))
            roll = rng.random()
            if roll < 0.7 or not participants[cp]:
                item = Opinion(
                    cp,
                    draft.id,
                    rng.choice(OPINIONS),
                    "online",
                    received_on=day,
                    article=rng.randint(1, 40),
                )
            else:
                person = rng.choice(participants[cp])
                session_id = None
                channel = "letter" if roll > 0.95 else "collector" if roll > 0.9 else "session"
                if channel == "session":
                    session_id = sessions.get((cp, draft.id))
                    if session_id is None:
                        session_id = app.schedule_session(
                            cp,
                            [draft.id],
                            "symposium",
                            "座谈会",
                            datetime.combine(draft.received_on + timedelta(days=10), time(14)),
                            BENCH,
                        ).id
                        app.complete_session(session_id, BENCH)
                        sessions[(cp, draft.id)] = session_id
                item = Opinion(
                    cp,
                    draft.id,
                    rng.choice(OPINIONS),
                    channel,
                    article=rng.randint(1, 40),
                    participant_id=person,
                    session_id=session_id,
                    received_on=day,
                )
            batch.append(item)
            if len(batch) == BATCH:
                keep(app.record_suggestions(batch, BENCH), written)
                written += len(batch)
                progress(len(batch))
                batch = []
    if batch:
        keep(app.record_suggestions(batch, BENCH), written)
        written += len(batch)
        progress(len(batch))
    decide_a_sample(liaison, receipts[: min(2000, max(20, size // 50))], rng)
    return Dataset(written, cps, [d.id for d in drafts], drafts[0].id, receipts)


def decide_a_sample(liaison: Liaison, receipts: list[str], rng: random.Random) -> None:
    """Screen, report and decide a sample, so that every figure has something to count."""
    app = liaison.app
    groups: dict[tuple[UUID, UUID], list[UUID]] = {}
    for code in receipts:
        suggestion_id = app.receipts.find(code)
        assert suggestion_id is not None
        suggestion = app.get(suggestion_id, Suggestion)
        app.screen_suggestion(suggestion_id, "accept", BENCH, on=suggestion.received_on)
        groups.setdefault((suggestion.contact_point_id, suggestion.draft_id), []).append(
            suggestion_id
        )
    for (cp, draft_id), ids in groups.items():
        draft = app.get(draft_id, Draft)
        app.submit_report(cp, draft_id, ids, draft.deadline, BENCH)
        for suggestion_id in ids:
            roll = rng.random()
            outcome = (
                "adopted" if roll < 0.3 else "partially_adopted" if roll < 0.4 else "not_adopted"
            )
            app.record_outcome(
                suggestion_id, outcome, BENCH, decided_on=draft.deadline + timedelta(days=40)
            )
