"""The store's tables (SQLAlchemy Core). Migrations in `migrations/` create exactly these.

A store holds the records of one or more people: every record table has a `person_id`,
and the repository is opened for one person (the personal app's one person is its owner;
a clinic's server holds many). Structured results (triage, self-tests, plan content) are
kept as JSON exactly as `glutewake.codec` writes the core's dataclasses, with the few fields that are
queried (dates, urgency, status) in columns of their own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)

__all__ = [
    "RECORD_TABLES",
    "checkins",
    "coach_events",
    "metadata",
    "people",
    "planned_sessions",
    "plans",
    "profile",
    "selftest_results",
    "session_feedback",
    "session_logs",
    "set_logs",
    "sitting_bouts",
    "triage_runs",
]


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every engine (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("glutewake stores only timezone-aware datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("kind", String(16), nullable=False),  # owner: the personal app's one person
    Column("display_name", String(200), nullable=True),
)


def _owner(*, indexed: bool = True) -> Column[int]:
    """Whose record a row is; deleting the person deletes it. A table read in time order
    indexes (person, time) instead, which serves both."""
    return Column(
        "person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False, index=indexed
    )


def _by_person(table: str, column: str) -> Index:
    """One person's rows in time order: what every reader of a timed table asks for."""
    return Index(f"ix_{table}_person_{column}", "person_id", column)


profile = Table(
    "profile",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "person_id",
        Integer,
        ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,  # one profile per person
    ),
    Column("equipment", String(16), nullable=False),
    Column("minutes_per_session", Integer, nullable=False),
    Column("preferred_days", JSON, nullable=True),  # weekday numbers, Monday 0; null: every other day
    Column("psfs_activities", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

triage_runs = Table(
    "triage_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(indexed=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("urgency", String(16), nullable=False),
    Column("case", JSON, nullable=False),
    Column("result", JSON, nullable=False),
    _by_person("triage_runs", "created_at"),
)

selftest_results = Table(
    "selftest_results",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(indexed=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("result", JSON, nullable=False),
    _by_person("selftest_results", "created_at"),
)

plans = Table(
    "plans",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("created_at", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),  # active, stopped, replaced
    Column("start_date", Date, nullable=False),
    Column("triage_run_id", Integer, ForeignKey("triage_runs.id", ondelete="SET NULL"), nullable=True),
    Column("plan", JSON, nullable=False),  # everything but the sessions: level, side, changes, ...
)

planned_sessions = Table(
    "planned_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("position", Integer, nullable=False),
    Column("phase", String(16), nullable=False),
    Column("session", JSON, nullable=False),
    Index("ix_planned_sessions_plan_day", "plan_id", "day"),
)

session_logs = Table(
    "session_logs",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(indexed=False),
    Column(
        "planned_session_id", Integer, ForeignKey("planned_sessions.id", ondelete="SET NULL"), nullable=True
    ),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("status", String(16), nullable=False),  # in_progress, completed, quit
    Column("guided", Integer, nullable=False),  # 1 when run with `glutewake session`
    _by_person("session_logs", "started_at"),
)

set_logs = Table(
    "set_logs",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column(
        "session_log_id",
        Integer,
        ForeignKey("session_logs.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("done_at", UTCDateTime, nullable=False),
    Column("exercise_id", String(64), nullable=False),
    Column("side", String(8), nullable=True),
    Column("reps", Integer, nullable=True),
    Column("seconds", Integer, nullable=True),
    Column("load_kg", Float, nullable=True),
    Column("target_reps", Integer, nullable=True),
    Column("target_seconds", Integer, nullable=True),
)

session_feedback = Table(
    "session_feedback",
    metadata,
    Column("session_log_id", Integer, ForeignKey("session_logs.id", ondelete="CASCADE"), primary_key=True),
    _owner(),
    Column("created_at", UTCDateTime, nullable=False),
    Column("rpe", Integer, nullable=False),
    Column("pain", Integer, nullable=False),
    Column("felt", JSON, nullable=False),
    CheckConstraint("rpe BETWEEN 0 AND 10", name="rpe_range"),
    CheckConstraint("pain BETWEEN 0 AND 10", name="pain_range"),
)

checkins = Table(
    "checkins",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(indexed=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("pain", Integer, nullable=False),
    Column("numbness", Integer, nullable=False),
    Column("psfs", JSON, nullable=False),  # activity name -> 0..10
    Column("red_flags", JSON, nullable=False),  # finding id -> answer
    Column("outcome", String(16), nullable=False),  # ok, retriage
    Column("notes", Text, nullable=True),
    CheckConstraint("pain BETWEEN 0 AND 10", name="pain_range"),
    CheckConstraint("numbness BETWEEN 0 AND 10", name="numbness_range"),
    _by_person("checkins", "created_at"),
)

sitting_bouts = Table(
    "sitting_bouts",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(indexed=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=False),
    Column("active_seconds", Float, nullable=False),
    _by_person("sitting_bouts", "ended_at"),
)

coach_events = Table(
    "coach_events",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(indexed=False),
    Column("at", UTCDateTime, nullable=False),
    Column(
        "kind", String(16), nullable=False
    ),  # prompt, done, postponed, skipped, natural_break, prompted_break
    Column("exercise_id", String(64), nullable=True),
    _by_person("coach_events", "at"),
)

# Every table holding someone's records, parents before children: loading in this order and
# deleting in reverse respects the foreign keys.
RECORD_TABLES = (
    profile,
    triage_runs,
    selftest_results,
    plans,
    planned_sessions,
    session_logs,
    set_logs,
    session_feedback,
    checkins,
    sitting_bouts,
    coach_events,
)
