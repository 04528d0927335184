"""Session logs are found by the planned session they did: an index on planned_session_id.

Whether each planned session was done is asked for every patient on a clinician's dashboard, for
the plan page and for progress; without this index PostgreSQL read every session log of the
store for each planned session (the dashboard took about 2 s for 154 patients). Deleting a plan
(its planned sessions set their logs' planned_session_id to NULL) needs it too.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_session_logs_planned_session_id"), "session_logs", ["planned_session_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_session_logs_planned_session_id"), table_name="session_logs")
