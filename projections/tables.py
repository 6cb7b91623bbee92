"""The read models' tables. Everything here can be dropped and rebuilt from the event log."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

ID = String(32)  # UUID hex

tracking = Table(
    "projection_tracking",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

contact_points = Table(
    "rm_contact_points",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(200), nullable=False, index=True),
    Column("district", String(200), nullable=False),
)

drafts = Table(
    "rm_drafts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("level", String(16), nullable=False),
    Column("issuer", String(200), nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("received_on", Date, nullable=False),
    Column("deadline", Date, nullable=False),
    Column("enacted_on", Date),
)

sessions = Table(
    "rm_sessions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("contact_point_id", ID, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("title", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("held_on", Date),
    Index("ix_rm_sessions_held", "status", "held_on", "contact_point_id"),
)

session_drafts = Table(
    "rm_session_drafts",
    metadata,
    Column("session_id", ID, primary_key=True),
    Column("draft_id", ID, primary_key=True),
)

attendances = Table(
    "rm_attendances",
    metadata,
    Column("session_id", ID, primary_key=True),
    Column("participant_id", ID, primary_key=True),
)

participants = Table(
    "rm_participants",
    metadata,
    Column("id", ID, primary_key=True),
    Column("contact_point_id", ID, nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("erased", Boolean, nullable=False, default=False),
)

suggestions = Table(
    "rm_suggestions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("contact_point_id", ID, nullable=False),
    Column("draft_id", ID, nullable=False, index=True),
    Column("article", Integer),
    Column("participant_id", ID),
    Column("session_id", ID),
    Column("channel", String(16), nullable=False),
    Column("receipt", String(16), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("status", String(24), nullable=False),
    Column("merged_into", ID),
    Column("report_id", ID),
    Column("reported_on", Date),
    Column("outcome", String(24)),
    Column("final_article", Integer),
    Column("content", Text, nullable=False),
    Column("original_content", Text, nullable=False),
    Column("draft_version", String(50), nullable=False),
    Index("ix_rm_suggestions_received", "received_on", "contact_point_id"),
    Index("ix_rm_suggestions_draft_point", "draft_id", "contact_point_id", "received_on"),
    Index("ix_rm_suggestions_reported", "reported_on", "contact_point_id"),
)

reports = Table(
    "rm_reports",
    metadata,
    Column("id", ID, primary_key=True),
    Column("contact_point_id", ID, nullable=False),
    Column("draft_id", ID, nullable=False),
    Column("submitted_on", Date, nullable=False),
)
