"""A clinician's care of one patient: the whole record on one page, an assessment in clinic,
clinical notes, scheduled questionnaires and follow-up appointments; and what the patient sees
of them (what is due, the next appointment). Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from glutewake.app.checks import record_triage, triage_case
from glutewake.app.clinic.accounts import audit, clinical_records, their_patient
from glutewake.app.coach import shared_days
from glutewake.app.journal import progress_report
from glutewake.app.plans import current_plan
from glutewake.app.refusals import InputError
from glutewake.app.region import knowledge
from glutewake.app.selftests import record_selftest, score_selftests
from glutewake.codec import load
from glutewake.core.questionnaires import QUESTIONNAIRES, due_on, is_overdue
from glutewake.core.triage import Case, TriageResult

if TYPE_CHECKING:
    from glutewake.app.clinic.accounts import Clinic
    from glutewake.app.context import Context
    from glutewake.core.progress import Progress
    from glutewake.core.selftests import SelfTestAnswers
    from glutewake.core.sitting import SharedDay
    from glutewake.identity import Who
    from glutewake.store import ActivePlan
    from glutewake.store.clinic import Account
    from glutewake.store.clinical import Assessment, FollowUp, Note

__all__ = [
    "Agenda",
    "Due",
    "PatientRecord",
    "add_follow_up",
    "add_note",
    "agenda",
    "assess",
    "due_for",
    "patient_record",
    "remove_follow_up",
    "schedule",
    "unschedule",
]

NOTE_LENGTH = 5000


@dataclass(frozen=True)
class Due:
    """A scheduled questionnaire: when it is next due, and whether it is overdue."""

    questionnaire: str
    name: str
    every_days: int
    due: date
    overdue: bool


@dataclass(frozen=True)
class PatientRecord:
    patient: Account
    clinicians: list[Account]
    triage: list[tuple[datetime, TriageResult, str | None]]  # newest first; who assessed, if in clinic
    assessments: list[Assessment]
    progress: Progress
    plan: ActivePlan | None
    plans: list[tuple[int, datetime, str, date, dict[str, Any]]]
    notes: list[Note]
    due: list[Due]
    follow_ups: list[FollowUp]
    sitting: list[SharedDay]
    pain: tuple[int, int] | None
    numbness: tuple[int, int] | None


def _clean(text: str, what: str, limit: int = NOTE_LENGTH) -> str:
    cleaned = text.strip()
    if len(cleaned) > limit:
        raise InputError(f"the {what} is too long (at most {limit} characters)")
    return cleaned


def due_for(ctx: Context, today: date) -> list[Due]:
    """The patient's scheduled questionnaires with their next due day (for them and their clinician)."""
    from glutewake.store.clinical import ClinicalRecords

    records = ctx.records
    if not isinstance(records, ClinicalRecords):
        return []  # the personal app: nobody schedules questionnaires
    latest, with_psfs = records.last_answered()
    last_any = latest.date() if latest else None
    last_psfs = with_psfs.date() if with_psfs else None
    found = []
    for s in records.schedules():
        q = QUESTIONNAIRES.get(s.questionnaire)
        if q is None:
            continue
        due = due_on(s.starts_on, s.every_days, last_psfs if q.score == "psfs" else last_any)
        found.append(Due(q.id, q.name, s.every_days, due, is_overdue(due, today)))
    return found


@dataclass(frozen=True)
class Agenda:
    """What a patient sees from their clinic: questionnaires due, and the next appointment."""

    due: list[Due]
    next_follow_up: FollowUp | None


def agenda(ctx: Context, now: datetime) -> Agenda:
    from glutewake.store.clinical import ClinicalRecords

    if not isinstance(ctx.records, ClinicalRecords):
        return Agenda([], None)
    due = [d for d in due_for(ctx, now.date()) if d.due <= now.date()]
    upcoming = [f for f in ctx.records.follow_ups() if f.at >= now]
    return Agenda(due, upcoming[0] if upcoming else None)


def patient_record(clinic: Clinic, who: Who, patient_id: int, now: datetime) -> PatientRecord:
    from glutewake.app.context import Context

    patient = their_patient(clinic, who, patient_id)
    records = clinical_records(clinic, who, patient_id)
    ctx = Context(records, knowledge())
    today = now.date()
    assessments = records.assessments()
    assessed_by = {a.triage_run_id: a.signed_by for a in assessments if a.triage_run_id is not None}
    triage = [
        (run.at, load(TriageResult, run.data["result"]), assessed_by.get(run.id))
        for run in records.triage_runs(limit=20)
    ]
    first, last = records.checkin_ends()
    return PatientRecord(
        patient,
        clinic.store.clinicians_of(patient.id),
        triage,
        assessments,
        progress_report(ctx, today),
        current_plan(ctx),
        records.plan_history(),
        records.notes(),
        due_for(ctx, today),
        [f for f in records.follow_ups() if f.at >= now - timedelta(days=1)],
        shared_days(ctx, today - timedelta(days=14)),
        (first[0], last[0]) if first and last else None,
        (first[1], last[1]) if first and last else None,
    )


def assess(
    clinic: Clinic, who: Who, patient_id: int, case: Case, selftests: SelfTestAnswers | None, notes: str
) -> TriageResult:
    """An assessment in clinic: the check's questions as the clinician answered them (the same
    rules, so a red flag still wins), self-tests measured there, and examination notes; dated
    and signed by the clinician. The triage becomes the patient's latest."""
    from glutewake.app.context import Context

    text = _clean(notes, "examination notes")
    records = clinical_records(clinic, who, patient_id)
    ctx = Context(records, knowledge())
    result = triage_case(case)
    run_id = record_triage(ctx, case, result)
    selftest_id = record_selftest(ctx, score_selftests(selftests)) if selftests is not None else None
    records.add_assessment(who.name, run_id, selftest_id, text)
    audit(clinic, who, "change", "recorded an assessment in clinic", patient_id)
    return result


def add_note(clinic: Clinic, who: Who, patient_id: int, text: str) -> None:
    cleaned = _clean(text, "note")
    if not cleaned:
        raise InputError("write the note first")
    clinical_records(clinic, who, patient_id).add_note(who.name, cleaned)
    audit(clinic, who, "change", "wrote a clinical note", patient_id)


def schedule(
    clinic: Clinic, who: Who, patient_id: int, questionnaire: str, every_days: int, starts_on: date
) -> None:
    q = QUESTIONNAIRES.get(questionnaire)
    if q is None:
        raise InputError(f"choose one of: {', '.join(x.name for x in QUESTIONNAIRES.values())}")
    if not 1 <= every_days <= 365:
        raise InputError("a questionnaire repeats every 1 to 365 days")
    today = clinic.store.clock.now().date()
    if not today - timedelta(days=365) <= starts_on <= today + timedelta(days=365):
        raise InputError("start the questionnaire within a year of today")
    clinical_records(clinic, who, patient_id).schedule(q.id, every_days, starts_on, who.name)
    audit(clinic, who, "change", f"scheduled {q.name} every {every_days} days", patient_id)


def unschedule(clinic: Clinic, who: Who, patient_id: int, questionnaire: str) -> None:
    if clinical_records(clinic, who, patient_id).unschedule(questionnaire):
        audit(clinic, who, "change", f"stopped the questionnaire {questionnaire}", patient_id)


def add_follow_up(clinic: Clinic, who: Who, patient_id: int, at: datetime, note: str, now: datetime) -> None:
    if at < now:
        raise InputError("a follow-up appointment is in the future; check the date and time")
    if at > now + timedelta(days=730):
        raise InputError("a follow-up appointment is within the next two years; check the year")
    clinical_records(clinic, who, patient_id).add_follow_up(at, _clean(note, "note", 500), who.name)
    audit(clinic, who, "change", "booked a follow-up appointment", patient_id)


def remove_follow_up(clinic: Clinic, who: Who, patient_id: int, follow_up_id: int) -> None:
    if clinical_records(clinic, who, patient_id).remove_follow_up(follow_up_id):
        audit(clinic, who, "change", "cancelled a follow-up appointment", patient_id)
