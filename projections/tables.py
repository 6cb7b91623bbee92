"""The read models' tables. Everything here can be dropped and rebuilt from the event log."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()

ID = String(32)  # UUID hex


def _partial_index(name: str, *columns: str, not_null: str) -> Index:
    """An index over only the rows whose ``not_null`` column is set: few, so small."""
    where = Column(not_null).is_not(None)
    return Index(name, *columns, sqlite_where=where, postgresql_where=where)


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
    Column("all_points", Boolean, nullable=False),  # every contact point asked
)

draft_points = Table(
    "rm_draft_points",
    metadata,
    Column("draft_id", ID, primary_key=True),
    Column("contact_point_id", ID, primary_key=True, index=True),
)
"""The contact points a draft asked for opinions, when it did not ask them all."""

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
    Column("draft_id", ID, nullable=False),
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
    Column("note", Text),  # the congress's note on its decision
    Column("decided_on", Date),
    Column("decided_by", String(200)),
    Column("fed_back_on", Date),  # the day its person was told the outcome (merged ones too)
    Column("content", Text, nullable=False),
    Column("original_content", Text, nullable=False),
    Column("draft_version", String(50), nullable=False),
    Column("recorded_by", String(200)),  # the account that recorded it (collectors' own)
    # covers recounting a day's figures (projections/aggregates.py)
    Index("ix_rm_suggestions_received", "received_on", "contact_point_id", "draft_id", "status"),
    Index("ix_rm_suggestions_draft_point", "draft_id", "contact_point_id", "received_on"),
    # a collector's own suggestions: public comments have no recorder, so partial
    _partial_index(
        "ix_rm_suggestions_recorded_by", "recorded_by", "received_on", not_null="recorded_by"
    ),
    # a page of one article's suggestions in the trace's order, for all or one contact point
    # (an article of one reading: readings renumber articles)
    Index(
        "ix_rm_suggestions_draft_article",
        "draft_id",
        "draft_version",
        "article",
        "received_on",
        "id",
    ),
    Index(
        "ix_rm_suggestions_draft_point_article",
        "draft_id",
        "contact_point_id",
        "draft_version",
        "article",
        "received_on",
        "id",
    ),
    # the reported ones, counted by report date: few, so partial
    _partial_index(
        "ix_rm_suggestions_reported", "reported_on", "contact_point_id", not_null="reported_on"
    ),
    # the decided suggestions of a draft (the wall of an enacted draft): few, so partial
    _partial_index("ix_rm_suggestions_decided", "draft_id", "outcome", not_null="outcome"),
    # the congress's inbox: each report's suggestions, and how many are decided
    _partial_index("ix_rm_suggestions_report", "report_id", "outcome", not_null="report_id"),
    _partial_index("ix_rm_suggestions_merged_into", "merged_into", not_null="merged_into"),
)

reports = Table(
    "rm_reports",
    metadata,
    Column("id", ID, primary_key=True),
    Column("contact_point_id", ID, nullable=False),
    Column("draft_id", ID, nullable=False),
    Column("submitted_on", Date, nullable=False),
)

# Pre-aggregated figures (projections/aggregates.py), kept by the projector after each batch.
# Small rows looked up by key: SQLite keeps them in their primary key's order (WITHOUT ROWID).

agg_received = Table(
    "rm_agg_received",
    metadata,
    Column("contact_point_id", ID, nullable=False),  # "" for all contact points
    Column("grain", String(1), nullable=False),  # d(ay), m(onth), y(ear)
    Column("starts_on", Date, nullable=False),  # the bucket's first day
    Column("draft_id", ID, nullable=False),
    Column("received", Integer, nullable=False),
    Column("merged", Integer, nullable=False),
    Column("rejected", Integer, nullable=False),
    Column("sessions", Integer, nullable=False),  # held sessions that took up the draft
    PrimaryKeyConstraint("contact_point_id", "grain", "starts_on", "draft_id"),
    Index("ix_rm_agg_received_bucket", "grain", "starts_on"),
    sqlite_with_rowid=False,
)

agg_sessions = Table(
    "rm_agg_sessions",
    metadata,
    Column("contact_point_id", ID, nullable=False),  # "" for all contact points
    Column("grain", String(1), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("sessions", Integer, nullable=False),  # held
    Column("attendances", Integer, nullable=False),  # person-times at held sessions
    PrimaryKeyConstraint("contact_point_id", "grain", "starts_on"),
    Index("ix_rm_agg_sessions_bucket", "grain", "starts_on"),
    sqlite_with_rowid=False,
)

agg_reported = Table(
    "rm_agg_reported",
    metadata,
    Column("reported_on", Date, nullable=False),
    Column("contact_point_id", ID, nullable=False),
    Column("draft_id", ID, nullable=False),
    Column("awaiting", Integer, nullable=False),
    Column("adopted", Integer, nullable=False),
    Column("partially_adopted", Integer, nullable=False),
    Column("not_adopted", Integer, nullable=False),
    # persons: opinions decided, merged ones included; fed_back: those of them told
    Column("persons", Integer, nullable=False, server_default="0"),
    Column("fed_back", Integer, nullable=False, server_default="0"),
    PrimaryKeyConstraint("reported_on", "contact_point_id", "draft_id"),
    sqlite_with_rowid=False,
)

agg_articles = Table(
    "rm_agg_articles",
    metadata,
    Column("draft_id", ID, nullable=False),
    Column("contact_point_id", ID, nullable=False),
    # the reading the suggestions were given on: readings renumber articles
    Column("draft_version", String(50), nullable=False, server_default=""),
    Column("article", Integer, nullable=False),  # 0: on the whole draft
    Column("count", Integer, nullable=False),
    PrimaryKeyConstraint("draft_id", "contact_point_id", "draft_version", "article"),
    sqlite_with_rowid=False,
)

agg_people = Table(
    "rm_agg_people",
    metadata,
    Column("scope", String(32), nullable=False),  # a contact point, or "" for all
    Column("participant_id", ID, nullable=False),
    Column("number", Integer, nullable=False),  # the person's bit in the scope's bitmaps
    PrimaryKeyConstraint("participant_id", "scope"),
    Index("ix_rm_agg_people_number", "scope", "number", unique=True),
    sqlite_with_rowid=False,
)

agg_activity = Table(
    "rm_agg_activity",
    metadata,
    Column("scope", String(32), nullable=False),
    Column("grain", String(1), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("bits", LargeBinary, nullable=False),  # little-endian bitmap of numbers
    PrimaryKeyConstraint("scope", "grain", "starts_on"),
)
