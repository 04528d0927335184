"""A clinician prescribing a programme: starting it (from the generated plan, a clinic
template or nothing), checking it against the patient's triage, keeping it as the patient's
plan, and deciding the changes glutewake proposes. Every change is audited with who made it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from glutewake.app.clinic.accounts import NotFound, audit, clean_name, clinical_records
from glutewake.app.plans import current_plan, plan_profile
from glutewake.app.refusals import InputError, NoTriage, Refusal
from glutewake.app.region import knowledge
from glutewake.codec import ShapeError, dump, load
from glutewake.core.prescription import Conflict, Prescription, build, from_plan, problems, unconfirmed
from glutewake.core.programme import Plan, Profile, UnknownChange, build_plan, decide_change
from glutewake.core.selftests import SelfTestResult
from glutewake.core.triage import TriageResult

if TYPE_CHECKING:
    from glutewake.app.clinic.accounts import Clinic
    from glutewake.identity import Who
    from glutewake.store.clinical import ClinicalRecords

__all__ = [
    "NeedsConfirmation",
    "NotPaused",
    "Template",
    "decide",
    "delete_template",
    "prescribe",
    "resume_programme",
    "save_template",
    "starting_point",
    "template",
    "templates",
]


class NeedsConfirmation(Refusal):
    """The prescription has exercises the patient's latest triage rules out, unconfirmed."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__("confirm each exercise the symptom check rules out, with a reason")
        self.conflicts = conflicts


@dataclass(frozen=True)
class Template:
    id: int
    name: str
    made_by: str
    prescription: Prescription


def _triage(records: ClinicalRecords) -> tuple[int, TriageResult]:
    runs = records.triage_runs(limit=1)
    if not runs:
        raise NoTriage(
            "assess the patient first (or ask them to do the symptom check): the programme has to respect it"
        )
    return runs[0].id, load(TriageResult, runs[0].data["result"])


def _weaker_side(records: ClinicalRecords) -> Any:
    results = records.selftest_results(limit=1)
    return load(SelfTestResult, results[0].data).weaker_side if results else None


def starting_point(clinic: Clinic, who: Who, patient_id: int, source: str, start: date) -> Prescription:
    """What the prescription form opens with: `current` (the patient's plan as it is now),
    `generated` (the plan glutewake would build them), `template:ID`, or `empty`."""
    records = clinical_records(clinic, who, patient_id)
    kb = knowledge()
    if source.startswith("template:"):
        number = source.removeprefix("template:")
        if not number.isdecimal() or len(number) > 9:
            raise NotFound("no such template")
        return replace(template(clinic, who, int(number)).prescription, overrides=())
    if source == "empty":
        return Prescription(())
    from glutewake.app.context import Context

    ctx = Context(records, kb)
    active = current_plan(ctx)
    if source == "current" and active is not None and active.plan.sessions:
        kept = records.prescription_of(active.id)
        # An override answered the triage of its day: a new prescription confirms afresh.
        return replace(kept, overrides=()) if kept is not None else from_plan(active.plan)
    _, result = _triage(records)
    plan = build_plan(plan_profile(ctx), result, None, start, kb)
    return from_plan(plan) if plan.sessions else Prescription(())


def prescribe(clinic: Clinic, who: Who, patient_id: int, prescription: Prescription, start: date) -> Plan:
    """Keep the prescription as the patient's plan from `start` (replacing the one they had).

    Raises `InputError` naming each problem, `NoTriage` without a triage, `NeedsConfirmation`
    while an exercise the triage rules out has no override with a reason."""
    kb = knowledge()
    found = problems(prescription, kb)
    if found:
        raise InputError("; ".join(found))
    records = clinical_records(clinic, who, patient_id)
    run_id, result = _triage(records)
    missing = unconfirmed(prescription, result, kb)
    if missing:
        raise NeedsConfirmation(missing)
    profile = records.profile() or Profile()
    plan = build(
        prescription,
        start,
        result,
        weaker_side=_weaker_side(records),
        equipment=profile.equipment,
        by=who.name,
        kb=kb,
    )
    plan_id = records.save_plan(plan, run_id)
    records.add_prescription(plan_id, who.name, prescription)
    overridden = ", ".join(o.exercise_id for o in prescription.overrides) or "none"
    audit(
        clinic,
        who,
        "change",
        f"prescribed a programme of {prescription.weeks} weeks (overrides: {overridden})",
        patient_id,
    )
    return plan


def decide(
    clinic: Clinic, who: Who, patient_id: int, key: str, *, approve: bool, note: str, today: date
) -> Plan:
    """Approve or decline one proposed change to the patient's plan."""
    records = clinical_records(clinic, who, patient_id)
    from glutewake.app.context import Context

    ctx = Context(records, knowledge())
    active = current_plan(ctx)
    if active is None:
        raise NotFound("this patient has no plan")
    note = " ".join(note.split())[:500]
    try:
        plan = decide_change(
            active.plan, key, approve=approve, today=today, by=who.name, note=note, kb=ctx.knowledge
        )
    except UnknownChange:
        raise NotFound("that change has already been decided") from None
    records.update_plan(active.id, plan)
    verb = "approved" if approve else "declined"
    audit(clinic, who, "change", f"{verb} a proposed change to the programme ({key})", patient_id)
    return plan


class NotPaused(Refusal):
    """Only a programme paused for safety can be resumed."""


def resume_programme(
    clinic: Clinic, who: Who, patient_id: int, *, easier: bool, note: str, today: date
) -> Plan:
    """Go on with a programme glutewake paused for safety (a painful session, pain rising, a
    check-in). The pause never waited for a clinician; going on is theirs to decide, with a note.
    A warning sign still open since the patient's last check is not lifted here: that needs
    an assessment (or the patient's own new check)."""
    from glutewake.app.clearance import current_clearance
    from glutewake.app.context import Context
    from glutewake.core.programme import resume

    note = " ".join(note.split())[:500]
    if not note:
        raise InputError("say in a few words what you decided, and why: it is kept with the programme")
    records = clinical_records(clinic, who, patient_id)
    ctx = Context(records, knowledge())
    active = current_plan(ctx)
    if active is None or active.plan.status != "stopped":
        raise NotPaused("this programme is not paused")
    after = current_clearance(ctx)
    if after.source in ("check", "checkin") and not after.may_exercise:
        raise NotPaused(f"{after.reason} Assess the patient first; their programme stays paused until then.")
    plan = resume(active.plan, today, by=who.name, note=note, easier=easier, kb=ctx.knowledge)
    records.update_plan(active.id, plan)
    audit(
        clinic,
        who,
        "change",
        "resumed the paused programme" + (" a step easier" if easier else ""),
        patient_id,
    )
    return plan


def save_template(clinic: Clinic, who: Who, name: str, prescription: Prescription) -> int:
    found = problems(prescription, knowledge())
    if found:
        raise InputError("; ".join(found))
    plain = replace(prescription, overrides=())  # an override is about one patient, never a template's
    template_id = clinic.store.add_template(
        who.clinic_id, clean_name(name, "template name"), who.name, dump(plain)
    )
    audit(clinic, who, "change", f"saved the programme template {name!r}")
    return template_id


def templates(clinic: Clinic, who: Who) -> list[Template]:
    return [_template(row) for row in clinic.store.templates(who.clinic_id)]


def template(clinic: Clinic, who: Who, template_id: int) -> Template:
    row = clinic.store.template(who.clinic_id, template_id)
    if row is None:
        raise NotFound("no such template at this clinic")
    return _template(row)


def delete_template(clinic: Clinic, who: Who, template_id: int) -> None:
    found = template(clinic, who, template_id)
    clinic.store.delete_template(who.clinic_id, template_id)
    audit(clinic, who, "change", f"deleted the programme template {found.name!r}")


def _template(row: Any) -> Template:
    try:
        prescription = load(Prescription, row.prescription)
    except ShapeError:  # written by an older version: shown, but empty
        prescription = Prescription(())
    return Template(row.id, row.name, row.made_by, prescription)
