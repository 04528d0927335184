"""The coach's record: sitting bouts, and prompts, answers and breaks.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sitting_bouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("active_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sitting_bouts")),
    )
    op.create_index(op.f("ix_sitting_bouts_ended_at"), "sitting_bouts", ["ended_at"])
    op.create_table(
        "coach_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("exercise_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_events")),
    )
    op.create_index(op.f("ix_coach_events_at"), "coach_events", ["at"])


def downgrade() -> None:
    op.drop_table("coach_events")
    op.drop_table("sitting_bouts")
