"""From a resident's words to the final article: per draft and article, each suggestion with
its first words, its rewording, what was merged into it, the report that carried it, the
congress's decision and the article as enacted.

The trace is laid out by the articles of the version consulted (the last before the law as
passed). Readings renumber articles, so a suggestion given on an earlier reading is filed
under the article it was given on by the draft's lineage (``domain/lineage.py``), not by its
number: 征求意见稿第二条 may be 二审稿第三条. A suggestion on an article that the version
consulted no longer has is under no article (nor in the counts).

A national draft draws hundreds of thousands of opinions, so a trace is paged: each article
says how many suggestions it has (``rm_agg_articles``, per reading and article) and shows at
most ``limit`` of them from ``offset``, in the order received; ``article`` narrows it to one
article (or ``"general"``, the whole draft). The page is one ``UNION ALL`` of a ``LIMIT``ed
query per reading and article that has suggestions (on PostgreSQL one ``LATERAL`` query over
the articles as arrays: the same plan for any number of them), each read in order from the index on
(draft, [contact point,] reading, article, received_on, id): it never reads the rest of the
draft. Without ``limit`` every
suggestion comes back (the wall of an enacted draft). Dates and ids come back as the
strings JSON carries, so the API sends the trace as it is.

Round trips are what a page costs on PostgreSQL: the counts come with the adoptions, and the
``LATERAL`` rows with what was merged into each of them, so a page is two statements
whatever its number of articles (a third for suggestions on the whole draft)."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    Connection,
    Integer,
    bindparam,
    func,
    literal,
    null,
    select,
    true,
    union_all,
)

from domain.draft import Draft, DraftStatus
from domain.lineage import Lineage, lineage
from projections.aggregates import GENERAL
from projections.listings import absorbed_by
from projections.tables import agg_articles, agg_reported, suggestions

Article = int | Literal["general"]
Slot = tuple[str, int | None]
"""An article of one reading (``None``: the whole draft), as suggestions record it."""
OVERVIEW_LIMIT = 5
"""Suggestions per article when every article is listed."""
ARTICLE_LIMIT = 20
"""Suggestions per page of one article."""
PER_STATEMENT = 400
"""Subqueries per ``UNION ALL``: SQLite allows 500 terms in a compound select."""


def trace(
    conn: Connection,
    draft: Draft,
    contact_point_id: UUID | None = None,
    limit: int | None = None,
    article: Article | None = None,
    offset: int = 0,
    outcomes: tuple[str, ...] | None = None,
    lines: Lineage | None = None,
) -> dict[str, Any]:
    """The draft's trace for one contact point or all: ``limit`` suggestions per article
    from ``offset`` (every one without ``limit``), or only those decided with one of
    ``outcomes`` (all of them: decisions are few, read by their own index). ``lines``: the
    draft's lineage, when the caller has it already."""
    enacted = draft.current if draft.status is DraftStatus.ENACTED else None
    final_texts = {a.number: a.text for a in enacted.articles} if enacted else {}
    consulted = draft.consulted
    slots = filed(draft, lines or lineage(draft.versions))
    counted, adopted = _counts(conn, draft, contact_point_id)
    counts = {n: sum(counted.get(slot, 0) for slot in given) for n, given in slots.items()}
    numbers = [a.number for a in consulted.articles]
    if article is None:
        shown: list[int | None] = [None, *numbers]
    else:
        shown = [None] if article == "general" else [n for n in numbers if n == article]
    rows = (
        _everything(conn, draft, contact_point_id, outcomes)
        if limit is None or outcomes is not None
        else _pages(conn, draft, contact_point_id, shown, slots, counted, offset, limit)
    )
    share_decisions(conn, rows)
    absorbed = absorbed_by(conn, [r["id"] for r in rows if "absorbed" not in r])
    absorbed.update((r["id"], r["absorbed"]) for r in rows if r.get("absorbed"))
    under = {slot: n for n, given in slots.items() for slot in given}
    by_article: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        slot = (row["draft_version"], row["article"])
        if row["article"] is None:
            by_article[None].append(_suggestion(row, absorbed, final_texts))
        elif slot in under:
            by_article[under[slot]].append(_suggestion(row, absorbed, final_texts))
    general_count = counts.get(None, 0)
    return {
        "draft": {
            "id": str(draft.id),
            "title": draft.title,
            "level": draft.level.value,
            "status": draft.status.value,
            "consulted_version": consulted.label,
            "enacted_on": draft.enacted_on.isoformat() if draft.enacted_on else None,
        },
        "suggestion_count": general_count + sum(counts.get(n, 0) for n in numbers),
        "adopted_total": adopted,
        "general_count": general_count,
        "articles": [
            {
                "number": a.number,
                "heading": a.heading,
                "chapter": a.chapter,
                "text": a.text,
                "final_text": final_texts.get(a.number),
                "suggestion_count": counts.get(a.number, 0),
                "suggestions": by_article.get(a.number, []),
            }
            for a in consulted.articles
            if a.number in shown
        ],
        "general": by_article.get(None, []) if None in shown else [],
    }


def filed(draft: Draft, lines: Lineage) -> dict[int | None, list[Slot]]:
    """Per article of the version consulted (``None``: the whole draft), the articles of
    each reading up to it that are that article by lineage, where suggestions on it were
    given. A draft read once files each article under its own number."""
    asked = len(draft.versions) - (2 if draft.status is DraftStatus.ENACTED else 1)
    labels = [v.label for v in draft.versions[: asked + 1]]
    slots: dict[int | None, list[Slot]] = {None: [(label, None) for label in labels]}
    for line in lines.lines:
        target = line.at(asked)
        if target is not None:
            slots[target.number] = [
                (label, a.number)
                for label, a in zip(labels, line.appearances, strict=False)
                if a is not None
            ]
    return slots


def decided(conn: Connection, draft: Draft, outcomes: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every suggestion on the draft decided with one of ``outcomes`` (the wall), with the
    reading and the article it was given on: readings renumber articles."""
    rows = _everything(conn, draft, None, outcomes)
    absorbed = absorbed_by(conn, [r["id"] for r in rows])
    return [
        _suggestion(row, absorbed, {})
        | {"article": row["article"], "draft_version": row["draft_version"]}
        for row in rows
    ]


def _suggestion(
    row: dict[str, Any], absorbed: dict[str, list[str]], final_texts: dict[int, str]
) -> dict[str, Any]:
    final_article = row["final_article"]
    return {
        "id": _uuid(row["id"]),
        "receipt": row["receipt"],
        "content": row["content"],
        "original_content": row["original_content"],
        "status": row["status"],
        "channel": row["channel"],
        "received_on": row["received_on"].isoformat(),
        "outcome": row["outcome"],
        "report_id": _uuid(row["report_id"]) if row["report_id"] else None,
        "reported_on": row["reported_on"].isoformat() if row["reported_on"] else None,
        "final_article": final_article,
        "final_article_text": final_texts.get(final_article) if final_article else None,
        "merged_into": _uuid(row["merged_into"]) if row["merged_into"] else None,
        "absorbed": [_uuid(i) for i in absorbed.get(row["id"], [])],
    }


def share_decisions(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """A merged suggestion shares the decision on the one it was folded into: its outcome and
    final article become the survivor's (its status stays ``merged``)."""
    survivors = sorted({r["merged_into"] for r in rows if r["merged_into"]})
    decided: dict[str, tuple[str, int | None]] = {}
    for start in range(0, len(survivors), 500):
        query = select(suggestions.c.id, suggestions.c.outcome, suggestions.c.final_article).where(
            suggestions.c.id.in_(survivors[start : start + 500]),
            suggestions.c.outcome.is_not(None),
        )
        decided.update((i, (outcome, final)) for i, outcome, final in conn.execute(query))
    for row in rows:
        if row["merged_into"] in decided:
            row["outcome"], row["final_article"] = decided[row["merged_into"]]


def _uuid(hex_id: str) -> str:
    """``str(UUID(hex_id))`` without making a UUID (a trace page has hundreds)."""
    h = hex_id
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _of(table: Any, contact_point_id: UUID | None) -> Any:
    return true() if contact_point_id is None else table.c.contact_point_id == contact_point_id.hex


def _counts(
    conn: Connection, draft: Draft, contact_point_id: UUID | None
) -> tuple[dict[Slot, int], int]:
    """Suggestions per reading and article (``None``: on the whole draft), and how many
    were adopted (wholly or in part), in one round trip."""
    params = {"draft": draft.id.hex, "point": contact_point_id.hex if contact_point_id else None}
    counted: dict[Slot, int] = {}
    adopted = 0
    for version, number, count in conn.execute(_counted(contact_point_id is not None), params):
        if version is None:  # the adoptions' row
            adopted = int(count)
        else:
            counted[version, None if number == GENERAL else number] = int(count)
    return counted, adopted


@lru_cache(maxsize=2)
def _counted(one_point: bool) -> Any:
    """The counts per reading and article, then one row without a reading (no count has
    none): the adoptions."""
    t, r = agg_articles, agg_reported
    point = t.c.contact_point_id == bindparam("point") if one_point else true()
    counts = (
        select(t.c.draft_version, t.c.article, func.sum(t.c.count).label("count"))
        .where(t.c.draft_id == bindparam("draft"), point)
        .group_by(t.c.draft_version, t.c.article)
    )
    reported = r.c.contact_point_id == bindparam("point") if one_point else true()
    adoptions = select(
        null().label("draft_version"),
        null().label("article"),
        func.coalesce(func.sum(r.c.adopted + r.c.partially_adopted), literal(0)).label("count"),
    ).where(r.c.draft_id == bindparam("draft"), reported)
    return union_all(counts, adoptions)


def _everything(
    conn: Connection,
    draft: Draft,
    contact_point_id: UUID | None,
    outcomes: tuple[str, ...] | None = None,
) -> list[dict[str, Any]]:
    query = select(suggestions).where(
        suggestions.c.draft_id == draft.id.hex, _of(suggestions, contact_point_id)
    )
    if outcomes is not None:
        query = query.where(suggestions.c.outcome.in_(outcomes))
    return [
        dict(r._mapping)
        for r in conn.execute(query.order_by(suggestions.c.received_on, suggestions.c.id))
    ]


def _pages(
    conn: Connection,
    draft: Draft,
    contact_point_id: UUID | None,
    shown: list[int | None],
    slots: dict[int | None, list[Slot]],
    counted: dict[Slot, int],
    offset: int,
    limit: int,
) -> list[dict[str, Any]]:
    """Each shown article's page: only articles with suggestions past ``offset`` are read.
    An article given suggestions on one reading reads its page; one given them on several
    reads the first ``offset + limit`` of each and keeps its page of them, in order."""
    if limit <= 0:
        return []
    reads: list[tuple[Slot, int, int]] = []  # (slot, offset, limit) of each query
    merged: list[list[Slot]] = []  # articles whose page is cut from several readings'
    for number in shown:
        given = [slot for slot in slots.get(number, []) if counted.get(slot, 0)]
        if sum(counted[slot] for slot in given) <= offset:
            continue
        if len(given) == 1:
            reads.append((given[0], offset, limit))
        else:
            reads.extend((slot, 0, offset + limit) for slot in given)
            merged.append(given)
    if not reads:
        return []
    params: dict[str, Any] = {"draft": draft.id.hex}
    if contact_point_id is not None:
        params["point"] = contact_point_id.hex
    rows: list[dict[str, Any]] = []
    names = [c.name for c in COLUMNS]
    if conn.dialect.name == "postgresql":
        numbered = [read for read in reads if read[0][1] is not None]
        reads = [read for read in reads if read[0][1] is None]
        if numbered:
            found = conn.execute(
                _lateral_statement(contact_point_id is not None),
                {
                    **params,
                    "versions": [version for (version, _n), _o, _l in numbered],
                    "articles": [number for (_v, number), _o, _l in numbered],
                    "skips": [skip for _slot, skip, _l in numbered],
                    "sizes": [size for _slot, _o, size in numbered],
                },
            )
            lateral = [*names, "absorbed"]
            rows.extend(dict(zip(lateral, row, strict=True)) for row in found.all())
    for start in range(0, len(reads), PER_STATEMENT):
        part = reads[start : start + PER_STATEMENT]
        shape = tuple(slot[1] is None for slot, _o, _l in part)
        statement = _page_statement(shape, contact_point_id is not None)
        values: dict[str, Any] = {}
        for i, ((version, number), skip, size) in enumerate(part):
            values.update({f"v{i}": version, f"o{i}": skip, f"l{i}": size})
            if number is not None:
                values[f"a{i}"] = number
        found = conn.execute(statement, {**params, **values})
        rows.extend(dict(zip(names, row, strict=True)) for row in found.all())
    for given in merged:  # cut each such article's page from its readings' rows
        mine = set(given)
        theirs = sorted(
            (r for r in rows if (r["draft_version"], r["article"]) in mine),
            key=lambda r: (r["received_on"], r["id"]),
        )
        cut = {r["id"] for r in theirs[:offset] + theirs[offset + limit :]}
        rows = [r for r in rows if r["id"] not in cut]
    place = {slot: i for i, number in enumerate(shown) for slot in slots.get(number, [])}
    rows.sort(key=lambda r: (place[r["draft_version"], r["article"]], r["received_on"], r["id"]))
    return rows


COLUMNS = [
    suggestions.c[name]
    for name in (
        "id",
        "article",
        "receipt",
        "content",
        "original_content",
        "status",
        "channel",
        "received_on",
        "outcome",
        "report_id",
        "reported_on",
        "final_article",
        "merged_into",
        "draft_version",
    )
]


def _conditions(one_point: bool) -> list[Any]:
    conditions = [suggestions.c.draft_id == bindparam("draft")]
    if one_point:
        conditions.append(suggestions.c.contact_point_id == bindparam("point"))
    return conditions


@lru_cache(maxsize=2)
def _lateral_statement(one_point: bool) -> Any:
    """PostgreSQL: the pages of every numbered article in one statement whose text is the
    same for any number of articles: the articles come as arrays, and each page is a
    ``LATERAL`` ``LIMIT``ed range of the same index. Planning a ``UNION ALL`` of forty
    branches took about 19 ms on each connection that had not prepared it yet, more than
    running it; this plans one branch. Each row brings the suggestions merged into it
    (``absorbed``, in the order received), read by the index of ``merged_into``: a round
    trip fewer."""
    s, merged = suggestions, suggestions.alias("merged")
    wanted = (
        func.unnest(
            bindparam("versions", type_=ARRAY(s.c.draft_version.type)),
            bindparam("articles", type_=ARRAY(Integer)),
            bindparam("skips", type_=ARRAY(Integer)),
            bindparam("sizes", type_=ARRAY(Integer)),
        )
        .table_valued("version", "article", "skip", "size")
        .render_derived(name="wanted")
    )
    absorbed = func.array(
        select(merged.c.id)
        .where(merged.c.merged_into == s.c.id)
        .order_by(merged.c.received_on, merged.c.id)
        .scalar_subquery()
    )
    page = (
        select(*COLUMNS, absorbed.label("absorbed"))
        .where(
            *_conditions(one_point),
            s.c.draft_version == wanted.c.version,
            s.c.article == wanted.c.article,
        )
        .order_by(s.c.received_on, s.c.id)
        .limit(wanted.c.size)
        .offset(wanted.c.skip)
        .lateral("page")
    )
    return select(*(page.c[c.name] for c in COLUMNS), page.c.absorbed).select_from(
        wanted.join(page, true())
    )


@lru_cache(maxsize=256)
def _page_statement(general: tuple[bool, ...], one_point: bool) -> Any:
    """``UNION ALL`` of one ``LIMIT``ed query per article of a reading (``general``: which
    are on the whole draft), built once per shape: SQLAlchemy then reuses its compiled form
    (building forty took longer than running them)."""
    s = suggestions
    conditions = _conditions(one_point)
    pages = [
        select(
            select(*COLUMNS)
            .where(
                *conditions,
                s.c.draft_version == bindparam(f"v{i}"),
                s.c.article.is_(None) if whole else s.c.article == bindparam(f"a{i}"),
            )
            .order_by(s.c.received_on, s.c.id)
            .limit(bindparam(f"l{i}", type_=Integer))
            .offset(bindparam(f"o{i}", type_=Integer))
            .subquery()
        )
        for i, whole in enumerate(general)
    ]
    return pages[0] if len(pages) == 1 else union_all(*pages)
