"""The query plans behind the figures, at scale: ``python -m benchmarks.plans --store postgres``.

Generates the bench's dataset (``--size``, 100k by default) on the chosen store, brings the
read models up to date, then asks the application for what the congress's pages and the API
ask most: the statistics of a period (all contact points, and one), the ranking, and the
trace of the largest draft for one contact point. Every SQL statement they run is caught as
it is sent and explained afterwards with its own parameters (``EXPLAIN (ANALYZE, BUFFERS)``
on PostgreSQL, ``EXPLAIN QUERY PLAN`` on SQLite). It prints each plan, and a line per
statement with its time and whether any table was read whole (a ``Seq Scan`` / ``SCAN``
of a table that grows with the log), which is what goes wrong at scale.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from benchmarks.bench import SIZES, dataset, parse_size
from benchmarks.stores import STORES, Store
from domain.draft import Draft
from liaison.bootstrap import bootstrap
from liaison.rights import Actor, Role
from liaison.settings import Settings
from projections.statistics import Period

CONGRESS = Actor("plans", Role.CONGRESS)
GROWING = ("rm_suggestions", "event_chain", "rm_participants", "rm_attendances", "rm_agg_people")
"""Tables whose size follows the log's: reading one whole is a plan that fails at scale."""


@contextmanager
def caught(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements sent on ``engine`` meanwhile, with their parameters."""
    statements: list[tuple[str, Any]] = []

    def note(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def explain(engine: Engine, statement: str, parameters: Any) -> list[str]:
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if engine.dialect.name == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(prefix + statement, parameters)
        rows = cursor.fetchall()
    finally:
        raw.close()
    if engine.dialect.name == "postgresql":
        return [row[0] for row in rows]
    return [f"{'  ' * (row[1] > 0)}{row[-1]}" for row in rows]


def whole_reads(plan: list[str]) -> list[str]:
    """The growing tables a plan reads from end to end."""
    found = []
    for line in plan:
        match = re.search(r"(?:Seq Scan on|SCAN) (\w+)", line)
        if match and match.group(1).removesuffix("__next") in GROWING:
            found.append(match.group(1))
    return found


def asked(liaison: Any, data: Any) -> dict[str, Callable[[], object]]:
    draft = liaison.app.get(data.largest_draft, Draft)
    years = Period(date(2016, 1, 1), date(2020, 12, 31))
    point = data.contact_points[0]
    return {
        "stats, all points": lambda: liaison.queries.figures(CONGRESS, None, years),
        "stats, one point": lambda: liaison.queries.figures(CONGRESS, point, years),
        "ranking": lambda: liaison.queries.ranking(CONGRESS, years),
        "trace, largest draft, one point": lambda: liaison.queries.trace(
            CONGRESS, draft, point, limit=5
        ),
    }


@dataclass(frozen=True)
class Explained:
    asked: str
    statement: str
    plan: list[str]

    @property
    def timing(self) -> str:
        """PostgreSQL's planning and execution times (SQLite's plans say none)."""
        times = [
            line.strip()
            for line in self.plan
            if line.startswith(("Planning Time", "Execution Time"))
        ]
        return ", ".join(times) or "planned"

    @property
    def reads_whole(self) -> list[str]:
        return whole_reads(self.plan)


def plans(liaison: Any, data: Any) -> list[Explained]:
    """Each statement behind the pages' questions, explained; asked once first, so that the
    plans are those of a page asked again."""
    found = []
    for name, ask in asked(liaison, data).items():
        ask()
        with caught(liaison.engine) as statements:
            ask()
        for statement, parameters in statements:
            found.append(Explained(name, statement, explain(liaison.engine, statement, parameters)))
    return found


def generated_and_explained(size: int, store: Store) -> list[Explained]:
    """The bench's dataset of ``size`` generated into ``store``, its read models brought up
    to date, and the plans of what the pages ask of it."""
    data, _, _ = dataset(size, store, keep=False)
    liaison = bootstrap(Settings(database_url=store.url), project_on_save=False)
    try:
        liaison.projector.catch_up()
        return plans(liaison, data)
    finally:
        liaison.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", help=f"{', '.join(SIZES)} or a number")
    parser.add_argument("--store", choices=sorted(STORES), default="postgres")
    parser.add_argument("--quiet", action="store_true", help="only the summary lines")
    args = parser.parse_args(argv)
    size = parse_size(args.size)
    with tempfile.TemporaryDirectory() as tmp, STORES[args.store](Path(tmp)) as store:
        found = generated_and_explained(size, store)
    if not args.quiet:
        for each in found:
            print(f"--- {each.asked}\n{each.statement}\n" + "\n".join(each.plan) + "\n")
    print(f"{args.store}, {size:,} suggestions:")
    for each in found:
        whole = ", ".join(each.reads_whole) or "none"
        print(f"{each.asked}: {each.timing}; reads whole: {whole}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
