"""The only wiring: settings in, a ready Liaison out."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment
from sqlalchemy import Engine, select

from liaison.application import LiaisonApplication
from liaison.audit import AuditLog
from liaison.chain import HashChain
from liaison.clock import Clock
from liaison.database import (
    SchemaMissingError,
    add_missing_columns,
    create_database_engine,
    eventsourcing_env,
    metadata,
    missing_columns,
    require_tables,
    schema_lock,
)
from liaison.idempotency import IdempotencyStore
from liaison.ledger import Ledger
from liaison.personal_data import PersonalDataVault
from liaison.queries import Queries
from liaison.rate_limits import RateLimiter
from liaison.receipts import ReceiptBook
from liaison.secret_store import signing_key
from liaison.sessions import SessionStore
from liaison.settings import Settings
from liaison.sign_in import SignInThrottle
from liaison.users import UserDirectory
from projections import activity, aggregates, handlers
from projections import projector as read_models
from projections.projector import Projector
from projections.tables import tracking

log = logging.getLogger("liaison")


@dataclass
class Liaison:
    settings: Settings
    engine: Engine
    app: LiaisonApplication
    queries: Queries
    projector: Projector
    users: UserDirectory
    chain: HashChain
    ledger: Ledger
    audit: AuditLog
    limiter: RateLimiter
    sessions: SessionStore
    idempotency: IdempotencyStore
    signing_key: str
    sign_ins: SignInThrottle

    def close(self) -> None:
        self.app.close()
        self.engine.dispose()


def create_schema(settings: Settings) -> None:
    """Every table: the library's event log, ours, the read models (``liaison db init``).

    Safe to run again (it makes only what is missing, so it also adds the tables of a newer
    release) and safe to run twice at once (PostgreSQL's advisory lock serialises it)."""
    engine = create_database_engine(settings)
    try:
        with schema_lock(engine):
            env = eventsourcing_env(settings, create_tables=True)
            factory = InfrastructureFactory.construct(Environment(LiaisonApplication.name, env))
            try:
                factory.application_recorder()  # creates the library's table, types, indexes
            finally:
                factory.close()
            _create_tables(engine)
    finally:
        engine.dispose()


def _create_tables(engine: Engine) -> None:
    with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as conn:
        metadata.create_all(conn)
        added = add_missing_columns(conn, metadata.tables.values())
    if added:
        log.warning("added the columns of this release: %s", ", ".join(added))
    read_models.create_tables(engine)


def _require_schema(engine: Engine, events_table: str) -> None:
    """On PostgreSQL nothing is created at start-up: fail clearly when init was not run."""
    require_tables(
        engine,
        [
            events_table,
            *metadata.tables,
            *read_models.metadata.tables,
            *read_models.records.tables,
        ],
    )
    with engine.connect() as conn:
        row = conn.execute(
            select(tracking.c.position).where(tracking.c.name == read_models.NAME)
        ).first()
        lacking = missing_columns(conn, metadata.tables.values())
    if lacking:
        names = ", ".join(f"{c.table.name}.{c.name}" for c in lacking)
        raise SchemaMissingError(f"the database lacks {names}: run `liaison db init`")
    if row is None:
        raise SchemaMissingError("the read models have no tracking row: run `liaison db init`")


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    project_on_save: bool = True,
    rebuild_stale: bool = True,
) -> Liaison:
    """Wire everything; on SQLite, create what is missing first (zero setup).

    On PostgreSQL the schema must exist already (``liaison db init``): creating it here
    would race between workers starting together, so a missing table is an error.
    With ``project_on_save`` every command brings the read models up to date before it
    returns, so its caller reads its own write; bulk loads turn it off and catch up once.
    ``clock`` gives the business dates (default: the wall clock in ``settings.timezone``).
    On SQLite, read models of an older release are rebuilt (beside the live ones) before
    this returns, unless ``rebuild_stale`` is off: the site serves at once and rebuilds
    them in the background (``web.app``).
    """
    settings = settings or Settings()
    engine = create_database_engine(settings)
    if settings.is_sqlite:
        _create_tables(engine)

    def bring_read_models_up_to_date() -> None:
        projector.catch_up()  # made below: it reads the log through the application's recorder

    app = LiaisonApplication(
        env=eventsourcing_env(settings),
        vault=PersonalDataVault(engine),
        receipts=ReceiptBook(engine),
        clock=clock or Clock(settings.timezone),
        on_saved=bring_read_models_up_to_date if project_on_save else None,
    )
    try:
        _require_schema(engine, app.recorder.events_table_name)  # type: ignore[attr-defined]
    except Exception:
        app.close()
        engine.dispose()
        raise
    chain = HashChain(engine, app.recorder)
    projector = Projector(
        app.recorder,
        app.mapper,
        engine,
        handlers=handlers.standard(),
        updaters=[aggregates.updater(), activity.updater()],
        after_batch=[chain.extend],
        batch=settings.projection_batch,
        rebuild_batch=settings.rebuild_batch,
        cache_mb=settings.projection_cache_mb,
    )
    if read_models.stale(engine):
        if not settings.is_sqlite:
            log.warning("the read models are of an older release: run `liaison db init`")
        elif rebuild_stale:  # zero set-up: an upgraded release rebuilds them itself
            log.warning("the read models are of an older release: rebuilding them from the log")
            projector.rebuild()
        else:
            log.warning("the read models are of an older release: rebuilding them beside")
    limiter = RateLimiter(engine)
    idempotency = IdempotencyStore(engine)
    app.start_admission(engine, idempotency, limiter, settings.leave_public_comments_to_projector)
    return Liaison(
        settings=settings,
        engine=engine,
        app=app,
        queries=Queries(engine),
        projector=projector,
        users=UserDirectory(engine),
        chain=chain,
        ledger=Ledger(app, projector, chain),
        audit=AuditLog(engine),
        limiter=limiter,
        sessions=SessionStore(engine, settings.session_minutes),
        idempotency=idempotency,
        signing_key=signing_key(engine, settings.secret_key),
        sign_ins=SignInThrottle(engine, settings.sign_in_failures),
    )
