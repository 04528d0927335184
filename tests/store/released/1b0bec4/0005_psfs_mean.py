"""Each check-in keeps the mean of its everyday activities' scores beside them, so that the weekly
trends are summed by the database without opening every row's JSON. Filled in for the check-ins
already there.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(sa.Column("psfs_mean", sa.Float(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE checkins SET psfs_mean = (SELECT avg(value::numeric) FROM json_each_text(psfs))")
    else:
        op.execute("UPDATE checkins SET psfs_mean = (SELECT avg(value) FROM json_each(psfs))")


def downgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.drop_column("psfs_mean")
