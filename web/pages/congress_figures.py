"""The congress overview as data: the filter form read and checked, and every table the page
shows. The page and its CSV download are both written from these tables, so the file is
always exactly what was on screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from liaison.chain import Verification
from projections.charts import DraftTotals, MonthTotals, by_draft, monthly
from projections.statistics import Figures, Period, figures, ranking
from web.i18n import N_

Translate = Callable[..., str]


@dataclass(frozen=True)
class Filters:
    """What the reader asked for, as typed (for the form) and as understood (for the query)."""

    values: dict[str, str]
    period: Period
    contact_point_id: UUID | None
    contact_point_name: str | None
    errors: dict[str, str] = field(default_factory=dict)


def read_filters(
    params: dict[str, str], contact_points: list[dict[str, Any]], today: date
) -> Filters:
    """From the query string; absent dates default to this calendar year, empty ones leave
    that end of the period open. Errors name the field they belong to."""
    values = {
        "from": params.get("from", date(today.year, 1, 1).isoformat()).strip(),
        "to": params.get("to", date(today.year, 12, 31).isoformat()).strip(),
        "contact_point": params.get("contact_point", "").strip(),
    }
    errors: dict[str, str] = {}
    days: dict[str, date | None] = {}
    for name in ("from", "to"):
        try:
            days[name] = date.fromisoformat(values[name]) if values[name] else None
        except ValueError:
            days[name] = None
            errors[name] = N_("Please give a date as year-month-day, for example 2021-01-31.")
    start, end = days["from"], days["to"]
    if start and end and end < start:
        errors["to"] = N_("The last day must not be before the first day.")
    chosen, name = None, None
    if values["contact_point"]:
        names = {row["id"]: row["name"] for row in contact_points}
        try:
            chosen = UUID(values["contact_point"])
        except ValueError:
            chosen = None
        if chosen is None or chosen.hex not in names:
            errors["contact_point"] = N_("Please choose a contact point from the list.")
            chosen = None
        else:
            name = names[chosen.hex]
    return Filters(values, Period(start, end), chosen, name, errors)


@dataclass(frozen=True)
class Table:
    """A captioned table; ``links`` gives each row's address for its ``link_column`` cell."""

    key: str
    caption: str
    header: list[str]
    rows: list[list[str]]
    links: list[str] = field(default_factory=list)
    link_column: int = 0
    numeric_from: int = 1  # columns from this one on are numbers (aligned right)


@dataclass(frozen=True)
class Overview:
    filters: Filters
    figures: Figures
    months: list[MonthTotals]
    drafts: list[DraftTotals]
    tables: list[Table]


def percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _rate(adopted: int, reported: int) -> str:
    return percent(adopted / reported) if reported else percent(0)


FIGURE_ROWS: list[tuple[str, Callable[[Figures], Any]]] = [
    (N_("Drafts consulted"), lambda f: f.drafts["total"]),
    (N_("of which national"), lambda f: f.drafts["national"]),
    (N_("of which municipal"), lambda f: f.drafts["municipal"]),
    (N_("of which district"), lambda f: f.drafts["district"]),
    (N_("Sessions held"), lambda f: f.sessions),
    (N_("Attendances (person-times)"), lambda f: f.attendances),
    (N_("Participants"), lambda f: f.participants),
    (N_("Suggestions received"), lambda f: f.suggestions["received"]),
    (N_("of which merged"), lambda f: f.suggestions["merged"]),
    (N_("of which not taken up"), lambda f: f.suggestions["rejected"]),
    (N_("Suggestions reported"), lambda f: f.suggestions["reported"]),
    (N_("Adopted"), lambda f: f.suggestions["adopted"]),
    (N_("Partially adopted"), lambda f: f.suggestions["partially_adopted"]),
    (N_("Not adopted"), lambda f: f.suggestions["not_adopted"]),
    (N_("Awaiting the congress's decision"), lambda f: f.suggestions["awaiting_outcome"]),
    (N_("Adopted in total"), lambda f: f.adopted_total),
    (N_("Adoption rate"), lambda f: percent(f.adoption_rate)),
]


def overview(
    conn: Connection, filters: Filters, _: Translate, link: Callable[[str], str]
) -> Overview:
    """Everything the overview shows for valid filters. ``link`` makes the address of the
    overview for another contact point, keeping the period."""
    cp, period = filters.contact_point_id, filters.period
    counted = figures(conn, cp, period)
    months = monthly(conn, cp, period)
    per_draft = by_draft(conn, cp, period)
    ranked = ranking(conn, period)
    tables = [
        Table(
            "figures",
            _("Figures reported upward"),
            [_("Figure"), _("Value")],
            [[_(label), str(value(counted))] for label, value in FIGURE_ROWS],
        ),
        Table(
            "ranking",
            _("Ranking of contact points by suggestions reported, then adopted"),
            [_("Rank"), _("Contact point"), _("Reported"), _("Adopted in total"), _("Rate")],
            [
                [
                    str(place),
                    row["name"],
                    str(row["reported"]),
                    str(row["adopted_total"]),
                    _rate(row["adopted_total"], row["reported"]),
                ]
                for place, row in enumerate(ranked, start=1)
            ],
            links=[link(row["contact_point_id"]) for row in ranked],
            link_column=1,
            numeric_from=2,
        ),
        Table(
            "months",
            _("Suggestions and adoptions by month"),
            [_("Month"), _("Suggestions received"), _("Adopted in total")],
            [[m.label, str(m.suggestions), str(m.adopted)] for m in months],
        ),
        Table(
            "drafts",
            _("Suggestions and adoptions by draft"),
            [_("Draft"), _("Suggestions received"), _("Adopted in total")],
            [[d.title, str(d.suggestions), str(d.adopted)] for d in per_draft],
            links=[f"/congress/drafts/{d.draft_id}" + _cp_query(cp) for d in per_draft],
        ),
    ]
    return Overview(filters, counted, months, per_draft, tables)


def _cp_query(contact_point_id: UUID | None) -> str:
    return f"?contact_point={contact_point_id}" if contact_point_id else ""


def scope_rows(filters: Filters, _: Translate) -> list[list[str]]:
    """The lines that say what the tables cover, on screen and atop the CSV."""
    return [
        [
            _("Period"),
            filters.values["from"] or _("from the start"),
            filters.values["to"] or _("until now"),
        ],
        [_("Contact point"), filters.contact_point_name or _("All contact points")],
    ]


def integrity_rows(result: Verification, _: Translate) -> list[list[str]]:
    """The hash chain's verdict, as the CSV's last lines."""
    rows = [[_("Integrity of the event log"), _("Intact") if result.ok else _("Broken")]]
    if not result.ok:
        rows.append([_("First broken position"), str(result.first_broken)])
    return [
        *rows,
        [_("Events checked"), str(result.events)],
        [_("Head of the chain:"), result.head_hash],
    ]
