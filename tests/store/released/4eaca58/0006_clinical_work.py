"""A clinician's work: assessments, clinical notes, prescriptions, scheduled questionnaires,
follow-up appointments and answered alerts (each a patient's record, exported and erased with
them); a clinic's programme templates; and the emails already sent, so that each goes once.

Nothing in a personal store changes; the new tables stay empty there.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_acknowledgements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_alert_acknowledgements_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_acknowledgements")),
    )
    op.create_index(
        op.f("ix_alert_acknowledgements_person_id"), "alert_acknowledgements", ["person_id"], unique=False
    )
    op.create_index(
        "ux_alert_acknowledgements_event",
        "alert_acknowledgements",
        ["person_id", "source", "source_id"],
        unique=True,
    )
    op.create_table(
        "clinical_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("written_by", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_clinical_notes_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinical_notes")),
    )
    op.create_index(
        "ix_clinical_notes_person_created_at", "clinical_notes", ["person_id", "created_at"], unique=False
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_follow_ups_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
    )
    op.create_index(op.f("ix_follow_ups_person_id"), "follow_ups", ["person_id"], unique=False)
    op.create_table(
        "notices_sent",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_notices_sent_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "event", name=op.f("pk_notices_sent")),
    )
    op.create_table(
        "programme_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("made_by", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("prescription", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"],
            ["clinics.id"],
            name=op.f("fk_programme_templates_clinic_id_clinics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_templates")),
    )
    op.create_index(
        op.f("ix_programme_templates_clinic_id"), "programme_templates", ["clinic_id"], unique=False
    )
    op.create_table(
        "questionnaire_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire", sa.String(length=32), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("set_by", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "every_days BETWEEN 1 AND 365", name=op.f("ck_questionnaire_schedules_every_days_range")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_questionnaire_schedules_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_schedules")),
    )
    op.create_index(
        op.f("ix_questionnaire_schedules_person_id"), "questionnaire_schedules", ["person_id"], unique=False
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("signed_by", sa.String(length=300), nullable=False),
        sa.Column("triage_run_id", sa.Integer(), nullable=True),
        sa.Column("selftest_result_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_assessments_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["selftest_result_id"],
            ["selftest_results.id"],
            name=op.f("fk_assessments_selftest_result_id_selftest_results"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["triage_run_id"],
            ["triage_runs.id"],
            name=op.f("fk_assessments_triage_run_id_triage_runs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    op.create_index(
        "ix_assessments_person_created_at", "assessments", ["person_id", "created_at"], unique=False
    )
    op.create_table(
        "prescriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("prescribed_by", sa.String(length=300), nullable=False),
        sa.Column("prescription", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_prescriptions_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_prescriptions_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prescriptions")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_prescriptions_plan_id")),
    )
    op.create_index(op.f("ix_prescriptions_person_id"), "prescriptions", ["person_id"], unique=False)


def downgrade() -> None:
    for name in (
        "prescriptions",
        "assessments",
        "questionnaire_schedules",
        "programme_templates",
        "notices_sent",
        "follow_ups",
        "clinical_notes",
        "alert_acknowledgements",
    ):
        op.drop_table(name)
