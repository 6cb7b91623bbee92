"""The pre-aggregated figures equal a straightforward count over the rows.

A seeded city with sessions, attendance, screening, merging, reports and outcomes is
projected in small batches (so that a suggestion's changes fall in different batches from
its arrival), then every figure, the ranking, the charts' series and the trace's counts and
pages, for random periods and contact points, are compared with counts written the obvious
way over the rows.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Connection, MetaData, and_, func, select, true, union

from domain.draft import Draft, DraftLevel
from domain.session import SessionStatus
from domain.suggestion import Outcome, Status
from liaison.bootstrap import Liaison, bootstrap
from liaison.rights import operator
from projections import activity, beside
from projections.charts import by_draft, monthly
from projections.periods import month_spans, spans
from projections.statistics import Period, figures, ranking
from projections.tables import (
    agg_activity,
    agg_articles,
    agg_received,
    agg_reported,
    agg_sessions,
    attendances,
    contact_points,
    drafts,
    session_drafts,
    sessions,
    suggestions,
)
from projections.traceability import trace
from tests.conftest import store_settings

fresh_received = agg_received.to_metadata(MetaData(), name=agg_received.name + beside.SUFFIX)

ADOPTED = ("adopted", "partially_adopted")
TEXT = "\n".join(f"第{n}条　第{n}项。" for n in range(1, 6))
START = date(2019, 11, 1)


def build_city(liaison: Liaison, seed: int = 11) -> dict[str, Any]:
    """Four contact points, eight drafts, people, sessions and some 500 suggestions that go
    through every state, on dates spread over 2019-11 … 2022-02."""
    rng = random.Random(seed)
    app = liaison.app
    cps = [app.designate_contact_point(f"点{i}", "区", operator("admin")).id for i in range(4)]
    levels = ["national", "municipal", "district"]
    draft_ids = [
        app.receive_draft(
            f"草案{i}",
            levels[i % 3],
            "法工委",
            START + timedelta(days=90 * i),
            START + timedelta(days=90 * i + 60),
            TEXT,
            operator("admin"),
        ).id
        for i in range(8)
    ]
    people = {
        cp: [app.register_participant(cp, "居民", "resident", operator("s")).id for _ in range(6)]
        for cp in cps
    }

    def some_day(draft_index: int) -> date:
        return START + timedelta(days=90 * draft_index + rng.randrange(75))

    for _ in range(14):
        cp, d = rng.choice(cps), rng.randrange(8)
        day = some_day(max(d, (d + 1) % 8))  # once both its drafts are received
        session = app.schedule_session(
            cp,
            [draft_ids[d], draft_ids[(d + 1) % 8]],
            "symposium",
            "座谈会",
            datetime(day.year, day.month, day.day, 9),
            operator("s"),
        )
        came = rng.sample(people[cp], 3)
        app.record_attendance(session.id, came, operator("s"))
        if rng.random() < 0.3:  # ticked by mistake, withdrawn before the session was held
            app.withdraw_attendance(session.id, came[0], "勾错了", operator("s"), on=day)
        fate = rng.random()
        if fate < 0.6:
            app.complete_session(session.id, operator("s"))
            if rng.random() < 0.5:  # attendance recorded after the session was held
                app.record_attendance(session.id, rng.sample(people[cp], 2), operator("s"))
            if rng.random() < 0.5:  # and someone withdrawn after: no longer counted
                gone = app.session(operator("s"), session.id).participant_ids[-1]
                app.withdraw_attendance(session.id, gone, "未到会", operator("s"), on=day)
                if rng.random() < 0.3:  # withdrawn by mistake in turn: ticked again
                    app.record_attendance(session.id, [gone], operator("s"))
        elif fate < 0.8:
            app.cancel_session(session.id, operator("s"), on=day)

    made: dict[tuple[UUID, UUID], list[tuple[UUID, date]]] = {}
    for _ in range(500):
        cp, d = rng.choice(cps), rng.randrange(8)
        day = some_day(d)
        by = rng.choice(people[cp]) if rng.random() < 0.4 else None
        article = rng.choice([None, 1, 2, 3, 4, 5])
        s = app.record_suggestion(
            cp,
            draft_ids[d],
            f"意见{rng.random()}",
            "letter" if by else "online",
            operator("s"),
            article=article,
            participant_id=by,
            received_on=day,
        )
        made.setdefault((cp, draft_ids[d]), []).append((s.id, day))

    for (cp, draft_id), items in made.items():
        rng.shuffle(items)
        accepted = []
        for index, (suggestion_id, day) in enumerate(items):
            roll = rng.random() if index else 0.5  # the first one stays to merge into
            if roll < 0.15:
                merged_on = max(day, items[0][1])
                app.merge_suggestion(suggestion_id, items[0][0], operator("s"), on=merged_on)
                if roll < 0.04:  # a mistake undone: counted as received again, not merged
                    app.unmerge_suggestion(suggestion_id, "并非重复", operator("s"), on=merged_on)
            elif roll < 0.3:
                app.screen_suggestion(suggestion_id, "reject", operator("s"), reason="无关", on=day)
                if roll < 0.19:  # a rejection withdrawn: no longer counted as rejected
                    app.withdraw_rejection(suggestion_id, "看错了", operator("s"), on=day)
            elif roll < 0.75:
                app.screen_suggestion(suggestion_id, "accept", operator("s"), on=day)
                accepted.append((suggestion_id, day))
        for part in (accepted[: len(accepted) // 2], accepted[len(accepted) // 2 :]):
            if not part:
                continue
            submitted = max(day for _, day in part) + timedelta(days=rng.randrange(40))
            report = app.submit_report(cp, draft_id, [i for i, _ in part], submitted, operator("s"))
            for suggestion_id, _ in part:
                if rng.random() < 0.7:
                    outcome = rng.choice([o.value for o in Outcome])
                    app.record_outcome(
                        suggestion_id, outcome, operator("congress"), final_article=1
                    )
                    if rng.random() < 0.3:
                        app.send_feedback(suggestion_id, "已反馈", operator("s"))
            if rng.random() < 0.4:  # everyone behind the decided ones told, merged ones too
                app.feed_back_report(operator("s"), report.id)
    return {"cps": cps, "drafts": draft_ids}


@pytest.fixture(scope="module")
def city(
    new_store: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Liaison, dict[str, Any]]]:
    folder: Path = tmp_path_factory.mktemp("aggregates")
    wired = bootstrap(store_settings(new_store(folder), projection_batch=7), project_on_save=False)
    made = build_city(wired)
    wired.projector.catch_up()
    yield wired, made
    wired.close()


# --- the figures written the obvious way, over the rows -------------------------------------


def _of(table: Any, cp: UUID | None) -> Any:
    return true() if cp is None else table.c.contact_point_id == cp.hex


def counted(conn: Connection, cp: UUID | None, period: Period) -> dict[str, Any]:
    held = and_(
        sessions.c.status == SessionStatus.HELD.value,
        period.covers(sessions.c.held_on),
        _of(sessions, cp),
    )
    received = and_(period.covers(suggestions.c.received_on), _of(suggestions, cp))
    consulted = union(
        select(session_drafts.c.draft_id)
        .join(sessions, sessions.c.id == session_drafts.c.session_id)
        .where(held),
        select(suggestions.c.draft_id).where(received),
    ).subquery()
    levels = [
        level
        for (level,) in conn.execute(
            select(drafts.c.level).join(consulted, consulted.c.draft_id == drafts.c.id)
        )
    ]
    attended = (
        select(attendances.c.participant_id)
        .join(sessions, sessions.c.id == attendances.c.session_id)
        .where(held)
    )
    people = {
        *conn.execute(attended).scalars(),
        *conn.execute(
            select(suggestions.c.participant_id).where(
                received, suggestions.c.participant_id.is_not(None)
            )
        ).scalars(),
    }
    rows = conn.execute(select(suggestions.c.status).where(received)).scalars().all()
    outcomes = (
        conn.execute(
            select(suggestions.c.outcome).where(
                period.covers(suggestions.c.reported_on),
                suggestions.c.reported_on.is_not(None),
                _of(suggestions, cp),
            )
        )
        .scalars()
        .all()
    )
    numbers = {
        "received": len(rows),
        "merged": rows.count(Status.MERGED.value),
        "rejected": rows.count(Status.REJECTED.value),
        "reported": len(outcomes),
        **{o.value: outcomes.count(o.value) for o in Outcome},
        "awaiting_outcome": outcomes.count(None),
    }
    adopted = numbers["adopted"] + numbers["partially_adopted"]
    # the persons behind the decided suggestions reported in the period: each survivor and
    # every opinion merged into it; and those of them told
    survivor = suggestions.alias("survivor")
    reported_here = and_(
        survivor.c.reported_on.is_not(None),
        period.covers(survivor.c.reported_on),
        survivor.c.outcome.is_not(None),
        _of(survivor, cp),
    )
    behind = (
        conn.execute(
            select(survivor.c.fed_back_on)
            .where(reported_here)
            .union_all(
                select(suggestions.c.fed_back_on)
                .join(survivor, survivor.c.id == suggestions.c.merged_into)
                .where(reported_here)
            )
        )
        .scalars()
        .all()
    )
    decided_persons, told = len(behind), sum(day is not None for day in behind)
    return {
        "drafts": {"total": len(levels), **{lv.value: levels.count(lv.value) for lv in DraftLevel}},
        "sessions": conn.execute(select(func.count()).select_from(sessions).where(held)).scalar(),
        "attendances": len(conn.execute(attended).all()),
        "participants": len(people),
        "suggestions": numbers,
        "adopted_total": adopted,
        "adoption_rate": round(adopted / len(outcomes), 4) if outcomes else 0,
        "decided_persons": decided_persons,
        "fed_back": told,
        "feedback_rate": round(told / decided_persons, 4) if decided_persons else 0,
    }


def ranked(conn: Connection, period: Period) -> list[dict[str, Any]]:
    rows = []
    for cp_id, name in conn.execute(select(contact_points.c.id, contact_points.c.name)):
        outcomes = (
            conn.execute(
                select(suggestions.c.outcome).where(
                    suggestions.c.contact_point_id == cp_id,
                    suggestions.c.reported_on.is_not(None),
                    period.covers(suggestions.c.reported_on),
                )
            )
            .scalars()
            .all()
        )
        adopted = sum(1 for o in outcomes if o in ("adopted", "partially_adopted"))
        rows.append(
            {
                "contact_point_id": str(UUID(cp_id)),
                "name": name,
                "reported": len(outcomes),
                "adopted_total": adopted,
            }
        )
    return sorted(rows, key=lambda r: (-r["reported"], -r["adopted_total"], r["name"]))


def charted(
    conn: Connection, cp: UUID | None, period: Period
) -> tuple[dict[tuple[int, int], tuple[int, int]], dict[str, tuple[int, int]]]:
    """Suggestions received and adopted (+ partially) per month and per draft, from the rows:
    only the months and drafts with anything."""
    rows = conn.execute(
        select(
            suggestions.c.draft_id,
            suggestions.c.received_on,
            suggestions.c.reported_on,
            suggestions.c.outcome,
        ).where(_of(suggestions, cp))
    ).all()

    def inside(day: date | None) -> bool:
        return day is not None and (period.start or date.min) <= day <= (period.end or date.max)

    received = [r for r in rows if inside(r.received_on)]
    adopted = [r for r in rows if inside(r.reported_on) and r.outcome in ADOPTED]
    months_in = Counter((r.received_on.year, r.received_on.month) for r in received)
    months_out = Counter((r.reported_on.year, r.reported_on.month) for r in adopted)
    drafts_in = Counter(r.draft_id for r in received)
    drafts_out = Counter(r.draft_id for r in adopted)
    return (
        {m: (months_in[m], months_out[m]) for m in months_in | months_out},
        {d: (drafts_in[d], drafts_out[d]) for d in drafts_in | drafts_out},
    )


def random_period(rng: random.Random) -> Period:
    def day() -> date:
        return START + timedelta(days=rng.randrange(-40, 900))

    first, last = sorted((day(), day()))
    if rng.random() < 0.15:
        first = None  # type: ignore[assignment]
    if rng.random() < 0.15:
        last = None  # type: ignore[assignment]
    if rng.random() < 0.2 and first is not None:  # whole months and years too
        first = first.replace(day=1, month=1 if rng.random() < 0.5 else first.month)
    return Period(first, last)


# --- the comparisons -------------------------------------------------------------------------


def test_every_figure_equals_a_count_over_the_rows(city: tuple[Liaison, dict[str, Any]]) -> None:
    liaison, made = city
    rng = random.Random(5)
    with liaison.engine.connect() as conn:
        everything = counted(conn, None, Period())
        assert everything["suggestions"]["reported"] > 20  # a real test
        told_merged = select(func.count()).where(
            suggestions.c.status == Status.MERGED.value, suggestions.c.fed_back_on.is_not(None)
        )
        assert conn.execute(told_merged).scalar() and everything["fed_back"] > 0  # merged told
        cases = [(None, Period())] + [
            (rng.choice([None, *made["cps"]]), random_period(rng)) for _ in range(80)
        ]
        for cp, period in cases:
            assert figures(conn, cp, period).as_dict() == counted(conn, cp, period), (cp, period)


def test_the_ranking_equals_a_count_over_the_rows(city: tuple[Liaison, dict[str, Any]]) -> None:
    liaison, _ = city
    rng = random.Random(6)
    with liaison.engine.connect() as conn:
        for period in [Period()] + [random_period(rng) for _ in range(20)]:
            assert ranking(conn, period) == ranked(conn, period), period


def test_the_charts_equal_a_count_over_the_rows(city: tuple[Liaison, dict[str, Any]]) -> None:
    liaison, made = city
    rng = random.Random(7)
    cases = [(None, Period()), (made["cps"][0], Period(date(2020, 1, 15), date(2021, 6, 10)))]
    cases += [(rng.choice([None, *made["cps"]]), random_period(rng)) for _ in range(60)]
    with liaison.engine.connect() as conn:
        months, per_draft = charted(conn, None, Period())
        assert len(months) > 20 and sum(out for _, out in months.values()) > 20  # a real test
        for cp, period in cases:
            months, per_draft = charted(conn, cp, period)
            series = monthly(conn, cp, period)
            shown = {(m.year, m.month): (m.suggestions, m.adopted) for m in series}
            assert {m: v for m, v in shown.items() if v != (0, 0)} == months, (cp, period)
            labels = [m.label for m in series]  # every month of the period, in order
            assert labels == sorted(set(labels))
            if series:
                first = period.start or date(*min(months), 1)
                last = period.end or date(*max(months), 1)
                assert (labels[0], labels[-1]) == (f"{first:%Y-%m}", f"{last:%Y-%m}")
                assert len(series) == (last.year - first.year) * 12 + last.month - first.month + 1
            else:
                assert not months and (period.start is None or period.end is None)
            drafts_shown = by_draft(conn, cp, period)
            assert {d.draft_id.hex: (d.suggestions, d.adopted) for d in drafts_shown} == per_draft
            assert drafts_shown == sorted(
                drafts_shown, key=lambda d: (-d.suggestions, -d.adopted, d.title)
            )


def test_the_trace_counts_and_pages_equal_the_rows(city: tuple[Liaison, dict[str, Any]]) -> None:
    liaison, made = city
    for draft_id in made["drafts"]:
        draft = liaison.app.get(draft_id, Draft)
        for cp in (None, *made["cps"]):
            with liaison.engine.connect() as conn:
                everything = trace(conn, draft, cp)
                paged = trace(conn, draft, cp, limit=3)
                one = trace(conn, draft, cp, article=2, offset=2, limit=4)
                decided = trace(conn, draft, cp, outcomes=ADOPTED)  # the wall
            assert paged["suggestion_count"] == everything["suggestion_count"]
            assert everything["suggestion_count"] == len(everything["general"]) + sum(
                len(a["suggestions"]) for a in everything["articles"]
            )
            for full, page in zip(everything["articles"], paged["articles"], strict=True):
                assert page["suggestion_count"] == len(full["suggestions"])
                assert page["suggestions"] == full["suggestions"][:3]
            assert paged["general"] == everything["general"][:3]
            assert paged["general_count"] == len(everything["general"])
            for full, only in zip(everything["articles"], decided["articles"], strict=True):
                # the wall lists the decided suggestions themselves; one merged into them
                # shares their outcome in the trace and stands in their ``absorbed``
                wanted = [
                    s
                    for s in full["suggestions"]
                    if s["outcome"] in ADOPTED and s["merged_into"] is None
                ]
                assert only["suggestions"] == wanted
            article_two = everything["articles"][1]["suggestions"]
            assert [a["number"] for a in one["articles"]] == [2]
            assert one["articles"][0]["suggestions"] == article_two[2:6]
            assert one["general"] == []


def aggregate_rows(liaison: Liaison) -> dict[str, Any]:
    """Every aggregate's rows, and of the people active how many per bucket (a rebuild
    numbers people otherwise than batches do)."""
    with liaison.engine.connect() as conn:
        tables = {
            t.name: sorted(tuple(r) for r in conn.execute(select(t)))
            for t in (agg_received, agg_sessions, agg_reported, agg_articles)
        }
        tables["activity"] = sorted(
            (r.scope, r.grain, r.starts_on, int.from_bytes(r.bits, "little").bit_count())
            for r in conn.execute(select(agg_activity))
        )
    return tables


def test_batch_size_does_not_change_the_aggregates(
    city: tuple[Liaison, dict[str, Any]], new_store: Any, tmp_path: Path
) -> None:
    """A rebuild in batches of 1000 gives the rows projected in batches of 7 (people's
    numbers may differ: compare who was active per bucket by count)."""
    liaison, _ = city
    before = aggregate_rows(liaison)
    kept, liaison.projector.rebuild_batch = liaison.projector.rebuild_batch, 1000
    try:
        liaison.projector.rebuild()
    finally:
        liaison.projector.rebuild_batch = kept
    assert aggregate_rows(liaison) == before


def test_a_rebuild_counts_once_its_rows_are_complete_then_keeps_up(
    new_store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of a rebuild leave the aggregates alone until its rows are complete and
    counted (a rebuild stopped half-way has counted nothing); batches applied after the
    count, for events recorded meanwhile, keep them up as the live projector does."""
    liaison = bootstrap(
        store_settings(new_store(tmp_path), projection_batch=50, projection_rebuild_batch=50),
        project_on_save=False,
    )
    try:
        made = build_city(liaison, seed=5)
        liaison.projector.catch_up()
        stop = threading.Event()
        liaison.projector.rebuild(progress=lambda *_: stop.set(), stop=stop)
        with liaison.engine.connect() as conn:
            assert not beside.counted(conn)
            assert conn.execute(select(func.count()).select_from(fresh_received)).scalar() == 0

        app, s = liaison.app, operator("s")
        swap = beside.swap
        live: dict[str, Any] = {}

        def meanwhile(writer: Any, swapped: Any) -> bool:  # counted: events come before the swap
            with liaison.engine.connect() as conn:
                assert beside.counted(conn)
            cp, draft = made["cps"][0], made["drafts"][0]
            someone = app.register_participant(cp, "新居民", "resident", s).id
            received = [
                app.record_suggestion(cp, draft, f"又一条{i}", "online", s, received_on=START)
                for i in range(3)
            ]
            app.record_suggestion(
                cp, draft, "新人的意见", "letter", s, participant_id=someone, received_on=START
            )
            app.screen_suggestion(received[0].id, "reject", s, reason="无关", on=START)
            app.merge_suggestion(received[1].id, received[2].id, s, on=START)
            liaison.projector.catch_up()
            live.update(aggregate_rows(liaison))  # kept by batches since the city was built
            monkeypatch.setattr(beside, "swap", swap)
            return swap(writer, swapped)  # the live ones are ahead: the rebuild catches up

        monkeypatch.setattr(beside, "swap", meanwhile)
        liaison.projector.rebuild()
        assert live, "no events came between the count and the swap"
        assert aggregate_rows(liaison) == live
        liaison.projector.rebuild()  # counted at once
        assert aggregate_rows(liaison) == live
    finally:
        liaison.close()


@given(
    st.one_of(st.none(), st.dates(date(1, 1, 1), date(9999, 12, 31))),
    st.one_of(st.none(), st.dates(date(1, 1, 1), date(9999, 12, 31))),
)
def test_a_period_is_covered_by_whole_buckets_exactly_once(
    start: date | None, end: date | None
) -> None:
    _assert_covered_once(spans(start, end), start, end, most=5)
    by_month = month_spans(start, end)  # the charts' series: no year buckets
    _assert_covered_once(by_month, start, end, most=3)
    assert "y" not in [grain for grain, _, _ in by_month]


def _assert_covered_once(
    runs: list[tuple[str, date, date]], start: date | None, end: date | None, most: int
) -> None:
    first, last = start or date.min, end or date.max
    if first > last:
        assert runs == []
        return
    assert len(runs) <= most
    covered = []
    for grain, low, high in runs:
        if grain == "d":
            covered.append((low, high))
        elif grain == "m":
            assert low.day == 1 and high.day == 1
            following = (
                date(high.year + high.month // 12, high.month % 12 + 1, 1)
                if high < date(9999, 12, 1)
                else None
            )
            covered.append((low, (following - timedelta(days=1)) if following else date.max))
        else:
            assert (low.month, low.day, high.month, high.day) == (1, 1, 1, 1)
            covered.append((low, date(high.year, 12, 31)))
    assert covered[0][0] == first and covered[-1][1] == last
    for (_, end_before), (start_after, _) in zip(covered, covered[1:], strict=False):
        assert start_after == end_before + timedelta(days=1)


def test_people_are_counted_once_across_contact_points_and_buckets(
    city: tuple[Liaison, dict[str, Any]],
) -> None:
    liaison, made = city
    with liaison.engine.connect() as conn:
        everyone = activity.people(conn, activity.ALL, None, None)
        per_point = [activity.people(conn, cp.hex, None, None) for cp in made["cps"]]
    assert everyone == sum(per_point) > 0  # people belong to one contact point each
