"""The one settings object, read from ``LIAISON_*`` environment variables once, at start-up."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///var/liaison.sqlite3"


class Settings(BaseSettings):
    """Every knob Liaison has; each is documented in the README."""

    model_config = SettingsConfigDict(env_prefix="LIAISON_", frozen=True)

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="sqlite:///path (embedded) or postgresql+psycopg://… (scale-out)",
    )
    secret_key: str = Field(
        "",
        description="Signs tokens and session cookies; empty: a random key kept in the database",
    )
    timezone: str = Field("Asia/Shanghai", description="Zone of business dates such as 'today'")
    lock_timeout: int = Field(
        5, ge=0, description="Seconds a write waits for the store's write lock before failing"
    )
    projection_batch: int = Field(
        5000, ge=1, description="Events applied per read-model transaction"
    )
    projection_rebuild_batch: int | None = Field(
        None,
        ge=1,
        description="Events a rebuild applies per transaction (unset: 50000, or 20000 on SQLite)",
    )
    projection_cache_mb: int = Field(
        256,
        ge=1,
        description="SQLite: page cache of the projector while it catches up (released after)",
    )
    pool_size: int = Field(
        5, ge=1, description="PostgreSQL: connections each pool of a process keeps open"
    )
    pool_overflow: int = Field(
        10, ge=0, description="PostgreSQL: extra connections each pool may open under load"
    )
    leave_public_comments_to_projector: bool = Field(
        False,
        description="Web workers answer public comments without bringing the read models up"
        " to date; `liaison projections run` must then be running (other writes still do)",
    )
    token_minutes: int = Field(60, ge=1, description="Minutes an API token stays valid")
    session_minutes: int = Field(480, ge=1, description="Minutes a page sign-in lasts")
    comments_per_minute: int = Field(
        10, ge=1, description="Public comments one address may send per minute"
    )
    sign_in_failures: int = Field(
        5,
        ge=1,
        description="Failed sign-ins per account and address before each further one waits"
        " twice as long (up to 15 minutes); 4x that per address per 15 minutes",
    )
    log_format: Literal["text", "json"] = Field(
        "text", description="text, or json: one JSON object a line, with the request's id"
    )
    max_body_bytes: int = Field(
        2_000_000, ge=1024, description="Larger request bodies are refused with 413"
    )

    @property
    def rebuild_batch(self) -> int:
        """``projection_rebuild_batch``, else the store's default: on SQLite a batch holds the
        one write lock, which web workers wait for (``lock_timeout``) during a rebuild."""
        if self.projection_rebuild_batch is not None:
            return self.projection_rebuild_batch
        return 20_000 if self.is_sqlite else 50_000

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if value and len(value) < 32:
            raise ValueError("LIAISON_SECRET_KEY must be at least 32 characters (or empty)")
        return value
