"""``liaison …``: serve, demo, users add|reset, report, import suggestions, projections
rebuild|run|status|resume|skip, verify, db init, backup."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.engine import make_url
from tqdm import tqdm

from domain.contact_point import ContactPoint
from domain.errors import DomainError
from liaison import heap, logs
from liaison.bootstrap import Liaison, bootstrap, create_schema
from liaison.database import SchemaMissingError, backup_sqlite
from liaison.reporting import figures_table
from liaison.rights import operator
from liaison.settings import Settings
from liaison.spreadsheet import SpreadsheetError, import_letters, read_rows
from projections import projector as read_models
from projections.statistics import Period
from projections.tables import contact_points


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    try:
        return int(args.run(args, settings) or 0)
    except (
        CommandError,
        DomainError,
        SchemaMissingError,
        read_models.ProjectionStoppedError,
    ) as error:
        print(f"liaison: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="liaison", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the web site and the API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes (uvicorn's --workers)"
    )
    serve.set_defaults(run=_serve)

    db = commands.add_parser("db", help="the database").add_subparsers(required=True)
    init = db.add_parser("init", help="create the schema (once, before any worker starts)")
    init.set_defaults(run=_db_init)

    backup = commands.add_parser("backup", help="copy the live SQLite database to PATH")
    backup.add_argument("path", type=Path)
    backup.set_defaults(run=_backup)

    demo = commands.add_parser("demo", help="load the demo data set (once)")
    demo.set_defaults(run=_demo)

    users = commands.add_parser("users", help="manage accounts").add_subparsers(required=True)
    add = users.add_parser("add", help="add an account; the password is read from standard input")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("admin", "staff", "congress", "collector"))
    add.add_argument("--contact-point", help="id or exact name (staff and collectors)")
    add.set_defaults(run=_users_add)
    reset = users.add_parser(
        "reset", help="give an account a new one-time password (printed once) and end its sessions"
    )
    reset.add_argument("name")
    reset.set_defaults(run=_users_reset)

    report = commands.add_parser("report", help="the figures reported upward")
    report.add_argument("--contact-point", help="id or exact name; all when omitted")
    report.add_argument("--from", dest="start", type=date.fromisoformat, metavar="YYYY-MM-DD")
    report.add_argument("--to", dest="end", type=date.fromisoformat, metavar="YYYY-MM-DD")
    report.add_argument("--json", action="store_true", help="print the /stats object")
    report.add_argument(
        "--lang", choices=("zh-CN", "en"), default="zh-CN", help="the table's language"
    )
    report.set_defaults(run=_report)

    imports = commands.add_parser("import", help="bring records in from files")
    letters = imports.add_subparsers(required=True).add_parser(
        "suggestions",
        help="opinions typed into a spreadsheet (CSV; columns: docs/collectors.md);"
        " rows imported before are left out; exits 1 if any row was refused",
    )
    letters.add_argument("file", type=Path, metavar="FILE.csv")
    letters.add_argument("--contact-point", required=True, help="id or exact name")
    letters.add_argument(
        "--draft", type=UUID, metavar="ID", help="the draft of rows whose draft column is blank"
    )
    letters.set_defaults(run=_import_suggestions)

    projections = commands.add_parser("projections", help="read models").add_subparsers(
        required=True
    )
    rebuild = projections.add_parser("rebuild", help="drop the read models and replay the log")
    rebuild.set_defaults(run=_rebuild)
    run = projections.add_parser("run", help="keep the read models current until stopped")
    run.add_argument(
        "--interval",
        type=float,
        default=1.0,
        metavar="S",
        help="seconds between polls when no notification wakes it (default 1)",
    )
    run.add_argument(
        "--gather",
        type=float,
        default=0.05,
        metavar="S",
        help="PostgreSQL: seconds to gather writes after a notification before applying"
        " them as one batch (default 0.05)",
    )
    run.set_defaults(run=_projections_run)
    status = projections.add_parser(
        "status", help="position, lag and the last error; exits 1 unless all is well"
    )
    status.add_argument("--json", action="store_true", help="print what /healthz answers")
    status.set_defaults(run=_projections_status)
    resume = projections.add_parser(
        "resume", help="after a fix, try again the event projection stopped at"
    )
    resume.set_defaults(run=_projections_resume)
    skip = projections.add_parser(
        "skip", help="go past the event projection stopped at, applying none of it (audited)"
    )
    skip.add_argument("position", type=int, help="the position it stopped at (see status)")
    skip.set_defaults(run=_projections_skip)

    verify = commands.add_parser("verify", help="re-verify the event log's hash chain")
    verify.set_defaults(run=_verify)
    return parser


def _serve(args: argparse.Namespace, settings: Settings) -> None:
    import uvicorn

    from web.app import create_app

    logs.configure(settings)
    quiet = {"log_config": None, "access_log": False} if settings.log_format == "json" else {}
    if args.workers > 1:  # each worker process builds its app from the same environment
        # prometheus-client sums the workers' counts through files in this folder; it reads
        # the variable itself, in each worker, when first imported. Set for the workers
        # (spawned processes inherit it), not read by Liaison: settings stay in Settings.
        folder = tempfile.mkdtemp(prefix="liaison-metrics-")
        os.putenv("PROMETHEUS_MULTIPROC_DIR", folder)
        try:
            uvicorn.run(
                "web.app:served_app",
                factory=True,
                host=args.host,
                port=args.port,
                workers=args.workers,
                **quiet,  # type: ignore[arg-type]
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    uvicorn.run(create_app(settings, serving=True), host=args.host, port=args.port, **quiet)  # type: ignore[arg-type]


def _db_init(args: argparse.Namespace, settings: Settings) -> None:
    """Create what is missing; read models of an older release are rebuilt from the log."""
    create_schema(settings)
    liaison = bootstrap(settings, project_on_save=False)  # on SQLite it rebuilds them itself
    try:
        if read_models.stale(liaison.engine):
            print("the read models are of an older release: rebuilding them from the log")
            _replay(liaison)
    finally:
        liaison.close()
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    print(f"schema ready in {where}")


def _backup(args: argparse.Namespace, settings: Settings) -> None:
    if not settings.is_sqlite:
        raise CommandError(
            "on PostgreSQL, back up with pg_dump (see docs/operations.md); "
            "`liaison backup` copies an SQLite database"
        )
    target: Path = args.path
    if target.exists():
        raise CommandError(f"{target} exists: choose a new name (a backup never overwrites)")
    if not target.parent.is_dir():
        raise CommandError(f"no directory {target.parent}")
    try:
        size = backup_sqlite(settings, target)
    except FileNotFoundError as error:
        raise CommandError(str(error)) from None
    print(f"backed up to {target} ({size} bytes)")


def _demo(args: argparse.Namespace, settings: Settings) -> None:
    from liaison.demo.loader import DEMO_PASSWORDS, PLANS, load_demo

    liaison = bootstrap(settings, project_on_save=False)
    try:
        with tqdm(total=len(PLANS), desc="demo", unit="contact point") as bar:
            loaded = load_demo(liaison, lambda _name, n: bar.update(n))
        _catch_up(liaison, "read models")
    finally:
        liaison.close()
    print("demo loaded" if loaded else "demo already loaded: nothing changed")
    for username, (role, contact_point, password) in DEMO_PASSWORDS.items():
        where = f" ({contact_point})" if contact_point else ""
        print(f"  {username:10} {password:22} {role}{where}")


def _users_add(args: argparse.Namespace, settings: Settings) -> None:
    liaison = bootstrap(settings)
    try:
        contact_point = _contact_point(liaison, args.contact_point) if args.contact_point else None
        password = (
            getpass.getpass("password: ") if sys.stdin.isatty() else sys.stdin.readline()
        ).rstrip("\n")
        user = liaison.users.add(
            args.name, args.role, password, contact_point, actor=operator("console")
        )
    finally:
        liaison.close()
    print(f"added {user.username} ({user.role.value})")


def _users_reset(args: argparse.Namespace, settings: Settings) -> None:
    """The way back in for an administrator who forgot the password."""
    with contextlib.closing(bootstrap(settings)) as liaison:
        password = liaison.users.reset(operator("console"), args.name)
    print(f"one-time password for {args.name} (to be changed at the first sign-in): {password}")


def _report(args: argparse.Namespace, settings: Settings) -> None:
    liaison = bootstrap(settings)
    try:
        contact_point = _contact_point(liaison, args.contact_point) if args.contact_point else None
        scope_name = liaison.app.get(contact_point, ContactPoint).name if contact_point else None
        result = liaison.queries.figures(operator(), contact_point, Period(args.start, args.end))
    finally:
        liaison.close()
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    print(figures_table(result, scope_name, args.start, args.end, args.lang))


def _import_suggestions(args: argparse.Namespace, settings: Settings) -> int:
    try:
        rows = read_rows(args.file)
    except (OSError, SpreadsheetError) as error:
        raise CommandError(str(error)) from None
    # the read models catch up once before (drafts are found by title) and once after, not
    # after every row
    with contextlib.closing(bootstrap(settings, project_on_save=False)) as liaison:
        _catch_up(liaison, "read models")
        contact_point = _contact_point(liaison, args.contact_point)
        with tqdm(total=len(rows), desc="import", unit="row") as bar:
            done = import_letters(
                liaison, operator("console"), rows, contact_point, args.draft, bar.update
            )
        _catch_up(liaison, "read models")
    print(f"created {done.created}, duplicate {done.duplicate}, invalid {len(done.invalid)}")
    for refused in done.invalid:
        print(f"  line {refused.line}: {refused.field}: {refused.message}")
    return 1 if done.invalid else 0


def _rebuild(args: argparse.Namespace, settings: Settings) -> None:
    liaison = bootstrap(settings, project_on_save=False)
    try:
        applied = _replay(liaison)
    finally:
        liaison.close()
    print(f"rebuilt the read models from {applied} events")


def _replay(liaison: Liaison) -> int:
    heap.settle()  # a rebuild runs for minutes to hours: its collections skip start-up's heap
    total = liaison.app.recorder.max_notification_id() or 0
    with tqdm(total=total, desc="rebuild", unit="event") as bar:
        return liaison.projector.rebuild(lambda _done, n: bar.update(n))


def _projections_run(args: argparse.Namespace, settings: Settings) -> None:
    if settings.log_format == "json":
        logs.configure(settings)
    else:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s"
        )
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    liaison = bootstrap(settings, project_on_save=False)
    liaison.projector.label = "projector"
    heap.settle()
    try:
        logging.getLogger("liaison.projector").info(
            "following the log from position %d", liaison.projector.position()
        )
        liaison.projector.run_forever(stop, args.interval, args.gather)
    finally:
        liaison.close()
    logging.getLogger("liaison.projector").info("stopped")


def _projections_status(args: argparse.Namespace, settings: Settings) -> int:
    from projections.health import status

    liaison = bootstrap(settings, project_on_save=False, rebuild_stale=False)
    try:
        found = status(liaison.projector)
    finally:
        liaison.close()
    summary = found.as_dict()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0 if summary["ok"] else 1
    print(f"state      {found.state}")
    print(f"position   {found.projected}")
    print(f"events     {found.events}")
    waited = f" (the oldest has waited {found.lag_seconds:.0f} s)" if found.lag else ""
    print(f"lag        {found.lag}{waited}")
    if found.rebuilt is not None:
        print(f"rebuild    beside the live read models, at {found.rebuilt} of {found.events}")
    trouble = found.trouble
    if trouble is None:
        print("last error none")
    elif trouble.stopped:
        print(
            f"stopped    at position {trouble.position} ({trouble.topic}) since"
            f" {trouble.at:%Y-%m-%d %H:%M:%S}: {trouble.reason}"
        )
        print(
            "           fix the cause and run `liaison projections resume`; or, to go past"
            f" it, `liaison projections skip {trouble.position}`"
        )
    else:
        when = f"{trouble.at:%Y-%m-%d %H:%M:%S}"
        print(f"last error {when} after position {trouble.position}: {trouble.reason}")
    return 0 if summary["ok"] else 1


def _projections_resume(args: argparse.Namespace, settings: Settings) -> int:
    liaison = bootstrap(settings, project_on_save=False, rebuild_stale=False)
    try:
        if not liaison.projector.resume():
            print("projection was not stopped")
        return _catch_up_again(liaison)
    finally:
        liaison.close()


def _projections_skip(args: argparse.Namespace, settings: Settings) -> int:
    liaison = bootstrap(settings, project_on_save=False, rebuild_stale=False)
    try:
        try:
            skipped = liaison.projector.skip(args.position)
        except ValueError as error:
            raise CommandError(str(error)) from None
        liaison.audit.record(
            f"cli:{getpass.getuser()}",
            "projection_skip",
            target=f"position {skipped.id} {skipped.topic}",
        )
        print(f"skipped position {skipped.id} ({skipped.topic}); none of it was applied")
        return _catch_up_again(liaison)
    finally:
        liaison.close()


def _catch_up_again(liaison: Liaison) -> int:
    """After a resume or a skip: apply what waits, or say where projection stopped again."""
    try:
        applied = liaison.projector.catch_up()
    except read_models.ProjectionStoppedError as stopped:
        print(f"liaison: {stopped}", file=sys.stderr)
        return 1
    print(f"projection resumed: {applied} events applied")
    return 0


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    liaison = bootstrap(settings, project_on_save=False)
    stuck: Exception | None = None
    try:
        try:
            liaison.projector.catch_up()  # so that every event recorded so far is chained
        except Exception as error:  # an unreadable new event: still verify what is chained
            stuck = error
        result = liaison.chain.verify()
        position = liaison.projector.position()
    finally:
        liaison.close()
    if not result.ok:
        print(f"BROKEN at position {result.first_broken}: {result.reason}", file=sys.stderr)
        return 1
    if stuck is not None:
        print(f"BROKEN after position {position}: cannot chain: {stuck}", file=sys.stderr)
        return 1
    print(f"ok: {result.events} events, head {result.head_hash}")
    return 0


def _catch_up(liaison: Liaison, what: str) -> None:
    behind = (liaison.app.recorder.max_notification_id() or 0) - liaison.projector.position()
    with tqdm(total=max(behind, 0), desc=what, unit="event") as bar:
        liaison.projector.catch_up(lambda _done, n: bar.update(n))


def _contact_point(liaison: Liaison, given: str) -> UUID:
    """A contact point by id or exact name."""
    with liaison.engine.connect() as conn:
        column = contact_points.c.name
        with contextlib.suppress(ValueError):
            column, given = contact_points.c.id, UUID(given).hex
        found = conn.execute(select(contact_points.c.id).where(column == given)).scalars().all()
    if len(found) != 1:
        raise CommandError(
            f"no contact point {given!r}" if not found else f"{given!r} is ambiguous"
        )
    return UUID(found[0])


if __name__ == "__main__":
    raise SystemExit(main())
