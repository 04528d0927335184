"""The clinic server: clinics, their staff and patients, who cares for whom, signing in, the audit log,
the tokens that link a patient's own computer, and the sitting statistics it shares.

Nothing in a personal store changes; the new tables stay empty there.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _account(name: str = "account_id") -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "clinics",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinics")),
    )
    op.create_table(
        "accounts",
        _id(),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("totp_secret", sa.String(64), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("code_hash", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("role IN ('admin', 'clinician', 'patient')", name=op.f("ck_accounts_role_known")),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinics.id"], name=op.f("fk_accounts_clinic_id_clinics"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_accounts_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("person_id", name=op.f("uq_accounts_person_id")),
        sa.UniqueConstraint("email", name=op.f("uq_accounts_email")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_accounts_code_hash")),
    )
    op.create_index(op.f("ix_accounts_clinic_id"), "accounts", ["clinic_id"])
    op.create_table(
        "care",
        _account("patient_id"),
        _account("clinician_id"),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["accounts.id"], name=op.f("fk_care_patient_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["clinician_id"], ["accounts.id"], name=op.f("fk_care_clinician_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("patient_id", "clinician_id", name=op.f("pk_care")),
    )
    op.create_index("ix_care_clinician_id", "care", ["clinician_id"])
    op.create_table(
        "passkeys",
        sa.Column("id", sa.String(512), nullable=False),
        _account(),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_passkeys_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passkeys")),
    )
    op.create_index(op.f("ix_passkeys_account_id"), "passkeys", ["account_id"])
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        _account(),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("device", sa.String(200), nullable=False),
        sa.Column("challenge", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_web_sessions_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
    )
    op.create_index(op.f("ix_web_sessions_account_id"), "web_sessions", ["account_id"])
    op.create_table(
        "signin_tokens",
        sa.Column("id", sa.String(64), nullable=False),
        _account(),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_signin_tokens_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_tokens")),
    )
    op.create_index(op.f("ix_signin_tokens_account_id"), "signin_tokens", ["account_id"])
    op.create_table(
        "signin_attempts",
        _id(),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_attempts")),
    )
    op.create_index("ix_signin_attempts_key_at", "signin_attempts", ["key", "at"])
    op.create_table(
        "audit_log",
        _id(),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(400), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("what", sa.String(400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_clinic_id_at", "audit_log", ["clinic_id", "at"])
    if op.get_bind().dialect.name == "postgresql":
        # Append-only: the server may add to the log but never change or remove an entry.
        op.execute(
            "CREATE FUNCTION glutewake_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION glutewake_audit_append_only()"
        )
    op.create_table(
        "access_tokens",
        _id(),
        sa.Column("digest", sa.String(64), nullable=False),
        _account(),
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
    op.create_index(op.f("ix_access_tokens_account_id"), "access_tokens", ["account_id"])
    op.create_table(
        "shared_sitting",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_shared_sitting_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "day", name=op.f("pk_shared_sitting")),
    )
    op.create_table(
        "server_secrets",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_server_secrets")),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS glutewake_audit_append_only()")
    for name in (
        "server_secrets",
        "shared_sitting",
        "access_tokens",
        "audit_log",
        "signin_attempts",
        "signin_tokens",
        "web_sessions",
        "passkeys",
        "care",
        "accounts",
        "clinics",
    ):
        op.drop_table(name)
