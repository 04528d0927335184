"""What leaves the clinic server about one patient, and a patient's data rights: a progress
report as PDF, the record as FHIR R4B, the whole record as glutewake's own export, and erasing
the patient. Each is audited (the erasure's entry names no health record and no name).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from glutewake.app.clinic.accounts import audit, clinic_patient, their_patient
from glutewake.app.refusals import InputError
from glutewake.app.region import knowledge

if TYPE_CHECKING:
    from glutewake.app.clinic.accounts import Clinic
    from glutewake.identity import Who
    from glutewake.store.clinical import ClinicalRecords

__all__ = ["erase_patient", "export_record", "fhir_record", "progress_report_pdf"]


def _records(clinic: Clinic, patient_person: int) -> ClinicalRecords:
    from glutewake.store.clinical import ClinicalRecords

    return ClinicalRecords(clinic.store.engine, clinic.store.clock, patient_person)


def fhir_record(
    clinic: Clinic, who: Who, patient_id: int, now: datetime, *, check: bool = True
) -> dict[str, Any]:
    """The patient's record as a FHIR R4B Bundle, checked against the R4B models."""
    from glutewake.app.context import Context
    from glutewake.app.plans import current_plan
    from glutewake.interop import fhir

    patient = clinic_patient(clinic, who, patient_id)
    records = _records(clinic, patient.person_id or 0)
    active = current_plan(Context(records, knowledge()))
    checkins = [
        fhir.CheckinScores(n, at, pain, numbness, psfs)
        for n, (at, pain, numbness, psfs) in enumerate(records.checkin_scores(), start=1)
    ]
    data = fhir.bundle(
        fhir.PatientSummary(
            f"{clinic.base_url}accounts/{patient.id}", patient.display_name, patient.birth_year
        ),
        active.plan if active else None,
        records.prescription_of(active.id) if active else None,
        checkins,
        knowledge(),
        now,
    )
    if check:
        fhir.validate(data)
    audit(clinic, who, "read", "exported the record as FHIR", patient.id)
    return data


def export_record(clinic: Clinic, who: Who, patient_id: int) -> dict[str, Any]:
    """The whole record as glutewake's own export (the same document a personal app exports)."""
    from glutewake.app.context import Context
    from glutewake.app.transfer import export_data

    patient = clinic_patient(clinic, who, patient_id)
    document = export_data(Context(_records(clinic, patient.person_id or 0), knowledge()))
    audit(clinic, who, "read", "exported the whole record", patient.id)
    return document


def erase_patient(clinic: Clinic, who: Who, patient_id: int, typed_name: str) -> str:
    """Delete the patient's account and every record of theirs; `typed_name` must be their name."""
    patient = clinic_patient(clinic, who, patient_id)
    if " ".join(typed_name.split()).casefold() != patient.display_name.casefold():
        raise InputError("type the patient's full name exactly as shown to confirm")
    clinic.store.erase_person(patient.person_id or 0)
    audit(clinic, who, "change", f"erased a patient's account and records (account {patient.id})")
    return patient.display_name


def progress_report_pdf(
    clinic: Clinic, who: Who, patient_id: int, purpose: str, summary: str, now: datetime
) -> bytes:
    from glutewake.app.clinic.care import patient_record
    from glutewake.interop.report import PURPOSES, Report, report_pdf

    if purpose not in PURPOSES:
        raise InputError(f"choose one of: {', '.join(PURPOSES.values())}")
    if len(summary) > 5000:
        raise InputError("the summary is too long (at most 5000 characters)")
    patient = their_patient(clinic, who, patient_id)
    record = patient_record(clinic, who, patient_id, now)
    latest = record.assessments[0] if record.assessments else None
    report = Report(
        purpose,  # type: ignore[arg-type]
        clinic.store.clinic_name(patient.clinic_id),
        who.name,
        patient.display_name,
        patient.birth_year,
        now,
        patient.created_at.date(),
        record.triage[0][1].title or record.triage[0][1].urgency if record.triage else None,
        f"Assessed in clinic by {latest.signed_by} on {latest.at.strftime('%d %b %Y')}: {latest.notes}"
        if latest
        else None,
        record.plan.plan if record.plan else None,
        record.progress,
        summary.strip(),
    )
    pdf = report_pdf(report, knowledge())
    audit(clinic, who, "read", f"made a {PURPOSES[purpose].lower()} (PDF)", patient.id)
    return pdf
