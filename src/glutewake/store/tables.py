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
    "CLINIC_TABLES",
    "RECORD_TABLES",
    "access_tokens",
    "accounts",
    "alert_acknowledgements",
    "assessments",
    "audit_chain",
    "audit_log",
    "care",
    "checkins",
    "clinical_notes",
    "clinics",
    "coach_events",
    "follow_ups",
    "metadata",
    "notices_sent",
    "passkeys",
    "people",
    "planned_sessions",
    "plans",
    "prescriptions",
    "profile",
    "programme_templates",
    "questionnaire_schedules",
    "selftest_results",
    "server_secrets",
    "session_feedback",
    "session_logs",
    "set_logs",
    "shared_sitting",
    "signin_attempts",
    "signin_tokens",
    "sitting_bouts",
    "triage_runs",
    "web_sessions",
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
        "planned_session_id",
        Integer,
        ForeignKey("planned_sessions.id", ondelete="SET NULL"),
        nullable=True,
        index=True,  # whether a planned session was done (migration 0010)
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
    Column("counted_by", String(8), nullable=True),  # "camera" when the camera coach counted it
    Column("form_flags", JSON, nullable=True),  # the camera's flags: [{"id", "t", "rep"}]
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
    # The mean of those scores (null: none), written with the row so that weekly trends are summed
    # by the database without opening every row's JSON; core.progress.Checkin.psfs_mean defines it.
    Column("psfs_mean", Float, nullable=True),
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

# --- a clinician's records of a patient (the patient's records too: exported and erased with them) ---

assessments = Table(  # in clinic: the clinician's answers to the check, measured self-tests, notes
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(indexed=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("signed_by", String(300), nullable=False),  # the clinician, as they were named then
    Column("triage_run_id", Integer, ForeignKey("triage_runs.id", ondelete="SET NULL"), nullable=True),
    Column(
        "selftest_result_id", Integer, ForeignKey("selftest_results.id", ondelete="SET NULL"), nullable=True
    ),
    Column("notes", Text, nullable=False),
    _by_person("assessments", "created_at"),
)

clinical_notes = Table(
    "clinical_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(indexed=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("written_by", String(300), nullable=False),
    Column("text", Text, nullable=False),
    _by_person("clinical_notes", "created_at"),
)

prescriptions = Table(  # what a clinician prescribed: the plan it made, and the prescription itself
    "prescriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("created_at", UTCDateTime, nullable=False),
    Column("plan_id", Integer, ForeignKey("plans.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("prescribed_by", String(300), nullable=False),
    Column("prescription", JSON, nullable=False),
)

questionnaire_schedules = Table(
    "questionnaire_schedules",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("questionnaire", String(32), nullable=False),
    Column("every_days", Integer, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("set_by", String(300), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("every_days BETWEEN 1 AND 365", name="every_days_range"),
)

follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("at", UTCDateTime, nullable=False),
    Column("note", Text, nullable=False),
    Column("set_by", String(300), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

alert_acknowledgements = Table(  # an alert (a check-in, a session, a stopped plan) seen and answered
    "alert_acknowledgements",
    metadata,
    Column("id", Integer, primary_key=True),
    _owner(),
    Column("source", String(16), nullable=False),  # checkin, session, plan
    Column("source_id", Integer, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("by", String(300), nullable=False),
    Column("note", Text, nullable=False),
    Index("ux_alert_acknowledgements_event", "person_id", "source", "source_id", unique=True),
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
    assessments,
    clinical_notes,
    prescriptions,
    questionnaire_schedules,
    follow_ups,
    alert_acknowledgements,
)

# --- the clinic server ---------------------------------------------------------------------------
# A clinic's staff and patients sign in; a patient's records are those of their person (above).
# These tables exist in every store (one schema), but only a PostgreSQL store serves a clinic.

clinics = Table(
    "clinics",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("clinic_id", Integer, ForeignKey("clinics.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("role", String(16), nullable=False),  # admin, clinician, patient
    # A patient's records; staff hold none of their own.
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=True, unique=True),
    Column("email", String(320), nullable=True, unique=True),  # lower case; one account per address
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=True),  # argon2id; staff only
    Column("totp_secret", String(64), nullable=True),  # a second factor; staff only
    Column("birth_year", Integer, nullable=True),  # with the paper code; patients only
    Column("code_hash", String(64), nullable=True, unique=True),  # the paper code's SHA-256
    Column("created_at", UTCDateTime, nullable=False),
    Column("removed_at", UTCDateTime, nullable=True),
    CheckConstraint("role IN ('admin', 'clinician', 'patient')", name="role_known"),
)

care = Table(
    "care",
    metadata,
    Column("patient_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("clinician_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("since", UTCDateTime, nullable=False),
    Index("ix_care_clinician_id", "clinician_id"),
)

passkeys = Table(
    "passkeys",
    metadata,
    Column("id", String(512), primary_key=True),  # the credential id, base64url
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("public_key", Text, nullable=False),  # base64url
    Column("sign_count", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the cookie; the cookie itself is never kept
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("stage", String(16), nullable=False),  # second_factor, enrol, full
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("device", String(200), nullable=False),  # from the User-Agent, to tell sessions apart
    Column("challenge", String(200), nullable=True),  # a passkey ceremony's challenge, base64url
)

signin_tokens = Table(
    "signin_tokens",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the link's token
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("purpose", String(16), nullable=False),  # invite, signin, reset
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

signin_attempts = Table(
    "signin_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False),  # account:<email> or address:<ip>
    Column("at", UTCDateTime, nullable=False),
    Index("ix_signin_attempts_key_at", "key", "at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("clinic_id", Integer, nullable=False),  # no foreign keys: the log outlives what it names
    Column("actor_id", Integer, nullable=True),
    Column("actor", String(400), nullable=False),  # who, as they were then: role, name, email
    Column("patient_id", Integer, nullable=True),
    Column("action", String(16), nullable=False),  # read, change, sign-in, staff
    Column("what", String(400), nullable=False),
    # People are named by account number only; names are looked up when the log is read, from
    # the accounts, so erasing a patient leaves no name here. The member of staff an entry is about:
    Column("subject_id", Integer, nullable=True),
    # A hash chain (core/audit_chain.py): the hash of the entry before, and of this one with it.
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_clinic_id_at", "clinic_id", "at"),
)

audit_chain = Table(  # the chain's head, one row: appends take its lock, so the chain never forks
    "audit_chain",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_id", Integer, nullable=True),  # the newest entry
    Column("last_hash", String(64), nullable=False),
    Column("entries", Integer, nullable=False),
    CheckConstraint("id = 1", name="one_row"),
)

access_tokens = Table(
    "access_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("digest", String(64), nullable=False, unique=True),  # SHA-256 of the token; never the token
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(100), nullable=False),  # what the patient called the computer
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
)

shared_sitting = Table(  # a patient's record: what their own computer's coach chose to share
    "shared_sitting",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("stats", JSON, nullable=False),  # core.sitting.SittingStats, as glutewake.codec writes it
    Column("received_at", UTCDateTime, nullable=False),
)

server_secrets = Table(
    "server_secrets",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(200), nullable=False),
)

programme_templates = Table(  # a clinic's programmes to prescribe from, shared by its clinicians
    "programme_templates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("clinic_id", Integer, ForeignKey("clinics.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("made_by", String(300), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("prescription", JSON, nullable=False),
)

notices_sent = Table(  # one email per patient per event: an alert, or a questionnaire due on a day
    "notices_sent",
    metadata,
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    Column("event", String(64), primary_key=True),  # such as checkin:12, questionnaire:psfs:2026-12-01
    Column("at", UTCDateTime, nullable=False),
)

CLINIC_TABLES = (
    clinics,
    accounts,
    care,
    passkeys,
    web_sessions,
    signin_tokens,
    signin_attempts,
    audit_log,
    audit_chain,
    access_tokens,
    shared_sitting,
    server_secrets,
    programme_templates,
    notices_sent,
)
