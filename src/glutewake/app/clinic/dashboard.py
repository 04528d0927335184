"""A clinician's dashboard: their patients, those who need attention first, and the alerts
they acknowledge.

The store gathers the facts about every patient at once (`store/caseload.py`); the core says
which events are alerts and in what order patients come (`core/attention.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Literal

from glutewake.app.clinic.accounts import NotFound, audit, clinical_records, their_patient
from glutewake.app.refusals import InputError
from glutewake.app.region import knowledge
from glutewake.codec import load
from glutewake.core.attention import Alert, Standing, alert_pain, checkin_alert, ordered, session_alert
from glutewake.core.programme import PlanChange, reason_why
from glutewake.core.questionnaires import GRACE_DAYS, QUESTIONNAIRES, due_on, is_overdue
from glutewake.store.caseload import Facts, caseload_facts

if TYPE_CHECKING:
    from glutewake.app.clinic.accounts import Clinic
    from glutewake.identity import Who
    from glutewake.store.clinic import Account

__all__ = ["RECENT_DAYS", "Row", "acknowledge", "dashboard", "standing"]

RECENT_DAYS = 14  # adherence is over the last two weeks


@dataclass(frozen=True)
class Row:
    tier: str
    standing: Standing
    account: Account
    pending: tuple[PlanChange, ...] = ()  # changes proposed to their plan, awaiting a decision


def standing(facts: Facts, patient_id: int, name: str, today: date, pain_threshold: int) -> Standing:
    """One patient's standing from the store's facts."""
    alerts = [
        Alert("checkin", checkin_id, at, checkin_alert(outcome) or outcome)
        for checkin_id, at, outcome in facts.checkin_alerts
    ]
    alerts += [
        Alert("session", session_id, at, session_alert(pain, pain_threshold) or "")
        for session_id, at, pain in facts.session_alerts
    ]
    if facts.stopped_plan is not None:
        plan_id, made, content = facts.stopped_plan
        stops = [c for c in content.get("changes") or [] if c.get("action") == "stopped"]
        why = reason_why(stops[-1]["reason"]) if stops else "a safety stop"
        # dated by the day it stopped (a plan made weeks ago may stop today), not when it was made
        at = (
            max(made, datetime.combine(date.fromisoformat(stops[-1]["on"]), time.min, UTC)) if stops else made
        )
        alerts.append(
            Alert(
                "plan",
                plan_id,
                at,
                f"programme paused for safety: {why}; it stays paused until you resume it",
            )
        )
    recent = [done for day, done in facts.planned if day > today - timedelta(RECENT_DAYS)]
    last_done = max((day for day, done in facts.planned if done), default=None)
    missed = [
        day
        for day, done in facts.planned
        if not done and (last_done is None or day > last_done) and day < today - timedelta(GRACE_DAYS)
    ]
    overdue = []
    for questionnaire_id, every, starts in facts.schedules:
        q = QUESTIONNAIRES.get(questionnaire_id)
        answered = facts.last_psfs if q is not None and q.score == "psfs" else facts.last_checkin
        if q and is_overdue(due_on(starts, every, answered.date() if answered else None), today):
            overdue.append(q.name)
    activity = [moment for moment in (facts.last_session, facts.last_checkin) if moment is not None]
    pending = len((facts.plan or {}).get("pending") or []) if facts.plan_status == "active" else 0

    def pair(index: int) -> tuple[int, int] | None:
        if facts.first_scores is None or facts.last_scores is None:
            return None
        return (facts.first_scores[index], facts.last_scores[index])

    return Standing(
        patient_id,
        name,
        alerts=tuple(sorted(alerts, key=lambda a: a.at, reverse=True)),
        pending_changes=pending,
        last_activity=max(activity, default=None),
        planned_recently=len(recent),
        done_recently=sum(recent),
        missed_in_a_row=len(missed),
        pain=pair(0),
        numbness=pair(1),
        overdue=tuple(overdue),
        next_follow_up=facts.next_follow_up,
    )


def dashboard(clinic: Clinic, who: Who, now: datetime, *, search: str = "", only: str = "") -> list[Row]:
    """The clinician's patients, most in need first; `search` filters by name or email,
    `only` keeps one tier."""
    patients = clinic.store.patients_of(who.account_id)
    wanted = search.strip().lower()
    if wanted:
        patients = [p for p in patients if wanted in p.display_name.lower() or wanted in (p.email or "")]
    threshold = alert_pain(knowledge())
    today = now.date()
    facts = caseload_facts(
        clinic.store.engine, [p.person_id or 0 for p in patients], today=today, now=now, pain_alert=threshold
    )
    by_id = {p.id: p for p in patients}
    standings = [standing(facts[p.person_id or 0], p.id, p.display_name, today, threshold) for p in patients]

    def pending(patient: Account) -> tuple[PlanChange, ...]:
        fact = facts[patient.person_id or 0]
        if fact.plan_status != "active" or not fact.plan:
            return ()
        return tuple(load(PlanChange, change) for change in fact.plan.get("pending") or [])

    rows = [
        Row(tier_id, s, by_id[s.patient_id], pending(by_id[s.patient_id]))
        for tier_id, s in ordered(standings, today)
    ]
    return [row for row in rows if row.tier == only] if only else rows


def acknowledge(
    clinic: Clinic,
    who: Who,
    patient_id: int,
    source: Literal["checkin", "session", "plan"],
    source_id: int,
    note: str,
) -> bool:
    """Mark one of the patient's alerts as seen, with the clinician's note; audited. False if
    someone had already acknowledged it."""
    patient = their_patient(clinic, who, patient_id)
    text = " ".join(note.split())
    if not text:
        raise InputError("say in a few words what you did about it (called them, changed the plan, ...)")
    if len(text) > 1000:
        raise InputError("the note is too long (at most 1000 characters)")
    records = clinical_records(clinic, who, patient.id)
    if not records.has_record(source, source_id):
        raise NotFound("no such alert for this patient")
    done = records.acknowledge(source, source_id, who.name, text)
    if done:
        audit(clinic, who, "change", f"acknowledged an alert ({source} {source_id})", patient.id)
    return done
