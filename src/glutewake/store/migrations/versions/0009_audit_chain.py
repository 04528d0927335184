"""The audit log names people by account number only, is hash-chained, and cannot be truncated.

Entries written before this named the person acting ("patient Alice Patient (account 7)") and the
member of staff an entry was about ("invited clinician Bo Smith <bo@...>"), so erasing a patient
left their name behind. This rewrites those entries to the account number alone ("patient
(account 7)"; the staff member in the new `subject_id`); names are looked up when the log is read,
from the accounts, which erasure removes. Then every entry, oldest first, gets the hash of the one
before and its own (`core/audit_chain.py`; a copy of its `entry_hash` is kept here, as it was when
this migration was written), and `audit_chain` holds the newest. On PostgreSQL a statement trigger
refuses TRUNCATE, as the row trigger of 0004 refuses UPDATE and DELETE (the owner role turns the
row trigger off for the rewrite, in the same transaction). On SQLite the clinic's tables stay
empty; only the columns and the chain's head row are made.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
BATCH = 2000
COMMAND_LINE = "the server's command line"

_ACTOR = re.compile(r"(admin|clinician|patient) (.*) \(account (\d+)\)", re.S)
_INVITED = re.compile(r"invited (admin|clinician) (.*) <([^<>]*)>", re.S)
_REMOVED = re.compile(r"removed (admin|clinician) .* \(account (\d+)\)", re.S)
_RESET = re.compile(r"reset the second factor of .* \(account (\d+)\)", re.S)


def _moment(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(sep=" ", timespec="microseconds")


def entry_hash(
    prev_hash: str,
    at: datetime,
    clinic_id: int,
    actor_id: int | None,
    actor: str,
    patient_id: int | None,
    subject_id: int | None,
    action: str,
    what: str,
) -> str:
    content = json.dumps(
        [_moment(at), clinic_id, actor_id, actor, patient_id, subject_id, action, what],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def _actor(actor: str) -> str:
    found = _ACTOR.fullmatch(actor)
    if found is None:
        return actor
    role, name, number = found.groups()
    if number == "0":  # `glutewake clinic export-fhir`, acting as "admin the server's command line"
        return name if name == COMMAND_LINE else COMMAND_LINE
    return f"{role} (account {number})"


def _what(what: str, clinic_id: int, staff: list[Any]) -> tuple[str, int | None]:
    """The entry's text without a name or an address, and the member of staff it is about."""
    if found := _INVITED.fullmatch(what):
        role, name, address = found.groups()
        by_address = [s.id for s in staff if s.email and s.email == address.strip().lower()]
        by_name = [s.id for s in staff if (s.clinic_id, s.role, s.display_name) == (clinic_id, role, name)]
        candidates = by_address or by_name
        if len(candidates) == 1:
            return f"invited {role} (account {candidates[0]})", candidates[0]
        return f"invited a new {role}", None
    if found := _REMOVED.fullmatch(what):
        role, number = found.groups()
        return f"removed {role} (account {number})", int(number)
    if found := _RESET.fullmatch(what):
        number = int(found.group(1))
        role = next((s.role for s in staff if s.id == number), "staff")
        return f"reset the second factor of {role} (account {number})", number
    return what, None


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=True),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    if postgresql:
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    staff = list(
        bind.execute(
            sa.text("SELECT id, clinic_id, role, email, display_name FROM accounts WHERE role <> 'patient'")
        )
    )
    prev, count, last_id = GENESIS, 0, None
    while True:
        rows = list(
            bind.execute(
                sa.text(
                    "SELECT id, at, clinic_id, actor_id, actor, patient_id, action, what FROM audit_log"
                    " WHERE id > :after ORDER BY id LIMIT :n"
                ),
                {"after": -1 if last_id is None else last_id, "n": BATCH},
            )
        )
        if not rows:
            break
        changes = []
        for row in rows:
            at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
            actor = _actor(row.actor)
            what, subject_id = _what(row.what, row.clinic_id, staff)
            own = entry_hash(
                prev, at, row.clinic_id, row.actor_id, actor, row.patient_id, subject_id, row.action, what
            )
            changes.append(
                {
                    "id": row.id,
                    "actor": actor,
                    "what": what,
                    "subject_id": subject_id,
                    "prev": prev,
                    "own": own,
                }
            )
            prev, count, last_id = own, count + 1, row.id
        bind.execute(
            sa.text(
                "UPDATE audit_log SET actor = :actor, what = :what, subject_id = :subject_id,"
                " prev_hash = :prev, hash = :own WHERE id = :id"
            ),
            changes,
        )
    bind.execute(
        sa.text("INSERT INTO audit_chain (id, last_id, last_hash, entries) VALUES (1, :last_id, :hash, :n)"),
        {"last_id": last_id, "hash": prev, "n": count},
    )
    if postgresql:
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("prev_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("hash", existing_type=sa.String(64), nullable=False)
    if postgresql:
        # TRUNCATE skips row triggers; this statement trigger refuses it too (the runtime role
        # has no TRUNCATE right either: see store/roles.py). The chain's head is never removed.
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION glutewake_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_chain_kept BEFORE DELETE ON audit_chain "
            "FOR EACH ROW EXECUTE FUNCTION glutewake_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain "
            "FOR EACH STATEMENT EXECUTE FUNCTION glutewake_audit_append_only()"
        )


def downgrade() -> None:
    """The chain and the TRUNCATE trigger go; the names rewritten out do not come back."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    op.drop_table("audit_chain")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
        batch.drop_column("subject_id")
