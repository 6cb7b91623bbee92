"""The only wiring: settings in, a ready Liaison out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from liaison.application import LiaisonApplication
from liaison.audit import AuditLog
from liaison.chain import HashChain
from liaison.clock import Clock
from liaison.database import create_database_engine, eventsourcing_env, metadata
from liaison.idempotency import IdempotencyStore
from liaison.personal_data import PersonalDataVault
from liaison.rate_limits import RateLimiter
from liaison.receipts import ReceiptBook
from liaison.secret_store import signing_key
from liaison.sessions import SessionStore
from liaison.settings import Settings
from liaison.users import UserDirectory
from projections.projector import Projector


@dataclass
class Liaison:
    settings: Settings
    engine: Engine
    app: LiaisonApplication
    projector: Projector
    users: UserDirectory
    chain: HashChain
    audit: AuditLog
    limiter: RateLimiter
    sessions: SessionStore
    idempotency: IdempotencyStore
    signing_key: str

    def close(self) -> None:
        self.app.close()
        self.engine.dispose()


def bootstrap(settings: Settings | None = None, *, project_on_save: bool = True) -> Liaison:
    """Create tables if needed and wire everything.

    With ``project_on_save`` every command brings the read models up to date before it
    returns, so its caller reads its own write; bulk loads turn it off and catch up once.
    """
    settings = settings or Settings()
    engine = create_database_engine(settings)
    metadata.create_all(engine)
    app = LiaisonApplication(
        env=eventsourcing_env(settings),
        vault=PersonalDataVault(engine),
        receipts=ReceiptBook(engine),
        clock=Clock(settings.timezone),
    )
    chain = HashChain(engine, app.recorder)
    projector = Projector(app.recorder, app.mapper, engine, settings.projection_batch, chain)
    projector.create_tables()
    if project_on_save:
        app.on_saved = projector.catch_up
    return Liaison(
        settings=settings,
        engine=engine,
        app=app,
        projector=projector,
        users=UserDirectory(engine),
        chain=chain,
        audit=AuditLog(engine),
        limiter=RateLimiter(engine),
        sessions=SessionStore(engine, settings.session_minutes),
        idempotency=IdempotencyStore(engine),
        signing_key=signing_key(engine, settings.secret_key),
    )
