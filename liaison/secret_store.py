"""The key that signs tokens: from the settings, or made once and kept in the database,
so that every worker of one installation signs and checks with the same key."""

from __future__ import annotations

import secrets

from sqlalchemy import Column, Engine, String, Table, insert, select
from sqlalchemy.exc import IntegrityError

from liaison.database import metadata

instance_secrets = Table(
    "instance_secrets",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(128), nullable=False),
)


def signing_key(engine: Engine, configured: str) -> str:
    if configured:
        return configured
    with engine.connect() as conn:
        stored = conn.execute(
            select(instance_secrets.c.value).where(instance_secrets.c.name == "signing")
        ).scalar_one_or_none()
    if stored:
        return str(stored)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(instance_secrets).values(name="signing", value=secrets.token_urlsafe(48))
            )
    except IntegrityError:
        pass  # another worker made it first; read theirs
    return signing_key(engine, configured)
