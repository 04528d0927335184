"""People: every record has an owner, so one store can hold more than one person's records.

A store made before this migration belongs to one person; if it holds any record, that
person becomes person 1, the owner (the personal app's one person), and every record is
theirs. The profile's "only row 1" check gives way to one profile per person, and the
profile drops what nothing used: age and sex (the symptom check keeps its own), sports and
desk hours.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Parents before children (the order the tables were made in).
RECORD_TABLES = (
    "profile",
    "triage_runs",
    "selftest_results",
    "plans",
    "planned_sessions",
    "session_logs",
    "set_logs",
    "session_feedback",
    "checkins",
    "sitting_bouts",
    "coach_events",
)


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
    )
    bind = op.get_bind()
    if any(bind.execute(sa.text(f"SELECT 1 FROM {name} LIMIT 1")).first() for name in RECORD_TABLES):
        now = datetime.now(UTC).replace(tzinfo=None)  # stored as UTC without a zone, as UTCDateTime does
        bind.execute(
            sa.text("INSERT INTO people (id, created_at, kind) VALUES (1, :now, 'owner')"), {"now": now}
        )
        if bind.dialect.name == "postgresql":
            bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('people', 'id'), 1)"))
    for name in RECORD_TABLES:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        bind.execute(sa.text(f"UPDATE {name} SET person_id = 1"))
        with op.batch_alter_table(name) as batch:
            batch.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
            batch.create_foreign_key(
                op.f(f"fk_{name}_person_id_people"), "people", ["person_id"], ["id"], ondelete="CASCADE"
            )
            if name == "profile":
                batch.drop_constraint(op.f("ck_profile_single_profile"), type_="check")
                batch.create_unique_constraint(op.f("uq_profile_person_id"), ["person_id"])
                for unused in ("age", "sex", "activities", "desk_hours"):
                    batch.drop_column(unused)
            else:
                batch.create_index(op.f(f"ix_{name}_person_id"), ["person_id"])


def downgrade() -> None:
    bind = op.get_bind()
    people = bind.execute(sa.text("SELECT COUNT(*) FROM people")).scalar_one()
    if people > 1:
        raise RuntimeError("this store holds more than one person's records; the old schema cannot")
    for name in reversed(RECORD_TABLES):
        with op.batch_alter_table(name) as batch:
            if name == "profile":
                batch.drop_constraint(op.f("uq_profile_person_id"), type_="unique")
                batch.create_check_constraint(op.f("ck_profile_single_profile"), "id = 1")
                # The old schema needs them; the values were never used, so neutral ones do.
                batch.add_column(sa.Column("age", sa.Integer(), nullable=False, server_default="0"))
                batch.add_column(sa.Column("sex", sa.String(8), nullable=False, server_default="other"))
                batch.add_column(sa.Column("activities", sa.JSON(), nullable=False, server_default="[]"))
                batch.add_column(sa.Column("desk_hours", sa.Float(), nullable=False, server_default="8"))
            else:
                batch.drop_index(op.f(f"ix_{name}_person_id"))
            batch.drop_constraint(op.f(f"fk_{name}_person_id_people"), type_="foreignkey")
            batch.drop_column("person_id")
    op.drop_table("people")
