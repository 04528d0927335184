"""A set counted by the camera coach says so, and keeps the form flags it raised (each the
check's id, the second into the set and the rep). Nothing of the video is ever stored.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("set_logs") as batch:
        batch.add_column(sa.Column("counted_by", sa.String(8), nullable=True))
        batch.add_column(sa.Column("form_flags", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("set_logs") as batch:
        batch.drop_column("form_flags")
        batch.drop_column("counted_by")
