"""Repairs the stores made while 0003 and 0004 were still being changed after their release.

0003 was released keeping the profile's age, sex, activities and desk hours (NOT NULL, so a
store that still has them refuses every new profile) and indexing the timed tables by time and
by person; it later dropped those columns and indexed the timed tables by (person, time). 0004
was released without access_tokens and shared_sitting. A store made in between says 0007 like
any other, so this migration looks at what the store has and makes only what is missing: the
two tables and their index, no unused profile columns, and on the timed tables the (person,
time) index in place of the time and person ones. On a store made right it changes nothing.

Migrations are never edited once released (tests/store/test_released_migrations.py holds each
file's hash); a change to the schema is a new migration.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# The timed tables and their time column, as 0003 now indexes them.
TIMED = {
    "triage_runs": "created_at",
    "selftest_results": "created_at",
    "session_logs": "started_at",
    "checkins": "created_at",
    "sitting_bouts": "ended_at",
    "coach_events": "at",
}
UNUSED_PROFILE_COLUMNS = ("age", "sex", "activities", "desk_hours")


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())
    if "access_tokens" not in tables:
        op.create_table(
            "access_tokens",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("digest", sa.String(64), nullable=False),
            sa.Column("account_id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=False),
            sa.Column("last_used_at", sa.DateTime(), nullable=True),
            sa.Column("revoked_at", sa.DateTime(), nullable=True),
            sa.ForeignKeyConstraint(
                ["account_id"],
                ["accounts.id"],
                name=op.f("fk_access_tokens_account_id_accounts"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_access_tokens")),
            sa.UniqueConstraint("digest", name=op.f("uq_access_tokens_digest")),
        )
    if "access_tokens" not in tables or "ix_access_tokens_account_id" not in _indexes(
        inspector, "access_tokens"
    ):
        op.create_index(op.f("ix_access_tokens_account_id"), "access_tokens", ["account_id"])
    if "shared_sitting" not in tables:
        op.create_table(
            "shared_sitting",
            sa.Column("person_id", sa.Integer(), nullable=False),
            sa.Column("day", sa.Date(), nullable=False),
            sa.Column("stats", sa.JSON(), nullable=False),
            sa.Column("received_at", sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(
                ["person_id"],
                ["people.id"],
                name=op.f("fk_shared_sitting_person_id_people"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("person_id", "day", name=op.f("pk_shared_sitting")),
        )

    unused = [name for name in UNUSED_PROFILE_COLUMNS if name in _columns(inspector, "profile")]
    if unused:
        with op.batch_alter_table("profile") as batch:
            for name in unused:
                batch.drop_column(name)

    for table, column in TIMED.items():
        indexes = _indexes(inspector, table)
        for replaced in (f"ix_{table}_{column}", f"ix_{table}_person_id"):
            if replaced in indexes:
                op.drop_index(op.f(replaced), table_name=table)
        if f"ix_{table}_person_{column}" not in indexes:
            op.create_index(op.f(f"ix_{table}_person_{column}"), table, ["person_id", column])


def downgrade() -> None:
    """Nothing to undo: what upgrade made is what 0003 and 0004 make today."""


def _indexes(inspector: sa.Inspector, table: str) -> set[str]:
    return {str(index["name"]) for index in inspector.get_indexes(table)}


def _columns(inspector: sa.Inspector, table: str) -> set[str]:
    return {column["name"] for column in inspector.get_columns(table)}
