"""The first schema: profile, triage runs, self-tests, plans, sessions, feedback, check-ins.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(8), nullable=False),
        sa.Column("equipment", sa.String(16), nullable=False),
        sa.Column("minutes_per_session", sa.Integer(), nullable=False),
        sa.Column("preferred_days", sa.JSON(), nullable=True),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.Column("desk_hours", sa.Float(), nullable=False),
        sa.Column("psfs_activities", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_profile_single_profile")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profile")),
    )
    op.create_table(
        "triage_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("case", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_runs")),
    )
    op.create_index(op.f("ix_triage_runs_created_at"), "triage_runs", ["created_at"])
    op.create_table(
        "selftest_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selftest_results")),
    )
    op.create_index(op.f("ix_selftest_results_created_at"), "selftest_results", ["created_at"])
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("triage_run_id", sa.Integer(), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["triage_run_id"],
            ["triage_runs.id"],
            name=op.f("fk_plans_triage_run_id_triage_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_table(
        "planned_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("session", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_planned_sessions_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_sessions")),
    )
    op.create_index("ix_planned_sessions_plan_day", "planned_sessions", ["plan_id", "day"])
    op.create_table(
        "session_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("planned_session_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("guided", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["planned_session_id"],
            ["planned_sessions.id"],
            name=op.f("fk_session_logs_planned_session_id_planned_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_logs")),
    )
    op.create_index(op.f("ix_session_logs_started_at"), "session_logs", ["started_at"])
    op.create_table(
        "set_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_log_id", sa.Integer(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.Column("exercise_id", sa.String(64), nullable=False),
        sa.Column("side", sa.String(8), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("load_kg", sa.Float(), nullable=True),
        sa.Column("target_reps", sa.Integer(), nullable=True),
        sa.Column("target_seconds", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_log_id"],
            ["session_logs.id"],
            name=op.f("fk_set_logs_session_log_id_session_logs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_set_logs")),
    )
    op.create_index(op.f("ix_set_logs_session_log_id"), "set_logs", ["session_log_id"])
    op.create_table(
        "session_feedback",
        sa.Column("session_log_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("rpe", sa.Integer(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("felt", sa.JSON(), nullable=False),
        sa.CheckConstraint("rpe BETWEEN 0 AND 10", name=op.f("ck_session_feedback_rpe_range")),
        sa.CheckConstraint("pain BETWEEN 0 AND 10", name=op.f("ck_session_feedback_pain_range")),
        sa.ForeignKeyConstraint(
            ["session_log_id"],
            ["session_logs.id"],
            name=op.f("fk_session_feedback_session_log_id_session_logs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_log_id", name=op.f("pk_session_feedback")),
    )
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("pain", sa.Integer(), nullable=False),
        sa.Column("numbness", sa.Integer(), nullable=False),
        sa.Column("psfs", sa.JSON(), nullable=False),
        sa.Column("red_flags", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint("pain BETWEEN 0 AND 10", name=op.f("ck_checkins_pain_range")),
        sa.CheckConstraint("numbness BETWEEN 0 AND 10", name=op.f("ck_checkins_numbness_range")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
    )
    op.create_index(op.f("ix_checkins_created_at"), "checkins", ["created_at"])


def downgrade() -> None:
    for table in (
        "checkins",
        "session_feedback",
        "set_logs",
        "session_logs",
        "planned_sessions",
        "plans",
        "selftest_results",
        "triage_runs",
        "profile",
    ):
        op.drop_table(table)
