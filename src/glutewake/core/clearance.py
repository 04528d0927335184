"""What the person may do now (no exercise, gentle only, or their full plan) and why.

Pure: no I/O, no clock, no environment; the times of the records are arguments. This is the
one place that decides it, from the latest symptom check, the check-ins and the plan's safety
stops since, and a clinician's recorded override; every page and command that offers exercise
asks it first, and words it for its medium (DESIGN.md, safety principles).

The rules, in order of strength:
- no symptom check yet: no exercise (the check asks the warning signs first);
- the latest check's exercise level (none after an emergency, urgent or unsure warning sign;
  gentle for a GP result or acute nerve pain; full for self-care), unless a clinician confirmed
  the programme against that same check, with a recorded reason;
- a warning sign or clear worsening at a check-in after that check: no exercise until the check
  is done again (or, for a clinic's patient, a clinician assesses them);
- a safety stop of the plan (pain rising, a painful session on a clinician's programme): no
  exercise until a newer check, or, on a clinician's programme, until the clinician resumes it.
The strictest wins; between equally strict ones, the one that needs help soonest leads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from glutewake.core.programme import Plan
from glutewake.core.triage import TriageResult
from glutewake.knowledge.schema import (
    EXERCISE_ORDER,
    URGENCY_ORDER,
    Exercise,
    ExerciseLevel,
    Knowledge,
    Urgency,
)

__all__ = [
    "CheckOnFile",
    "CheckinOnFile",
    "Clearance",
    "PlanOnFile",
    "Source",
    "clearance",
    "number_to_call",
]

Source = Literal["no_check", "check", "checkin", "plan", "clinician"]
ResumeBy = Literal["check", "clinician"]


@dataclass(frozen=True)
class CheckOnFile:
    """The latest saved symptom check."""

    at: datetime
    result: TriageResult


@dataclass(frozen=True)
class CheckinOnFile:
    """A check-in: its outcome, why, and its warning signs judged as the check would judge them."""

    at: datetime
    outcome: Literal["ok", "red_flag", "worse"]
    reasons: tuple[str, ...]
    result: TriageResult | None = None


@dataclass(frozen=True)
class PlanOnFile:
    """The current plan (adapted to everything since it was made), when its safety stop came,
    and whether it was built on the latest check."""

    plan: Plan
    stopped_at: datetime | None
    on_latest_check: bool


@dataclass(frozen=True)
class Clearance:
    """What the person may do now, and why; `urgency` says how soon they should get help
    (None when no result asks for any), `call` the number to call now, if one."""

    exercise: ExerciseLevel
    source: Source
    reason: str
    title: str
    actions: tuple[str, ...] = ()
    urgency: Urgency | None = None
    call: str | None = None
    avoid: tuple[str, ...] = ()
    resume_by: ResumeBy = "check"  # what lifts a stop: a new check, or the clinician
    checked_on: date | None = None

    @property
    def may_exercise(self) -> bool:
        return self.exercise != "none"

    @property
    def seek_help(self) -> bool:
        """Whether help is needed today: every surface leads with what to do."""
        return self.urgency in ("emergency", "urgent")

    def allows(self, exercise: Exercise) -> bool:
        """Whether this exercise is within what the person may do now."""
        if self.exercise == "none":
            return False
        if self.exercise == "gentle" and exercise.min_exercise_level != "gentle":
            return False
        return not set(self.avoid) & set(exercise.avoid_with)


def clearance(
    check: CheckOnFile | None,
    checkins: Sequence[CheckinOnFile],
    plan: PlanOnFile | None,
    kb: Knowledge,
) -> Clearance:
    """What the person may do now (see the module's docstring for the rules)."""
    candidates = [_NO_CHECK if check is None else _from_check(check, plan, kb)]
    for checkin in checkins:
        # a check-in counts until a newer check (one at the same instant counts as after it)
        if checkin.outcome != "ok" and (check is None or checkin.at >= check.at):
            candidates.append(_from_checkin(checkin, check, kb))
    stop = _plan_stop(plan, check, kb)
    if stop is not None:
        candidates.append(stop)
    return min(candidates, key=_strictness)


_NO_CHECK = Clearance(
    "none",
    "no_check",
    "You have not done the symptom check yet; it asks about warning signs before any exercise.",
    "Start with the symptom check",
)


def _strictness(candidate: Clearance) -> tuple[int, int]:
    urgency = -1 if candidate.urgency is None else URGENCY_ORDER.index(candidate.urgency)
    return EXERCISE_ORDER.index(candidate.exercise), -urgency


def number_to_call(urgency: Urgency | None, kb: Knowledge) -> str | None:
    """What a phone dials now for a result this urgent, in the knowledge's region (None: no one number)."""
    region = kb.regions.get(kb.region)
    if region is None:
        return None
    if urgency == "emergency":
        return region.emergency_dial
    if urgency == "urgent":
        return region.urgent_dial
    return None


def _from_check(check: CheckOnFile, plan: PlanOnFile | None, kb: Knowledge) -> Clearance:
    result, day = check.result, check.at.date()
    override = _override(plan)
    if override is not None and result.exercise != "full":
        return Clearance(
            "full",
            "clinician",
            f"{override} confirmed your programme although your symptom check of {day.day} {day:%B} "
            f"advises {'no exercise yet' if result.exercise == 'none' else 'gentle exercise only'}.",
            "Your clinician's programme",
            avoid=result.plan_avoids,
            checked_on=day,
            resume_by="clinician",
        )
    seen = {
        "emergency": "found signs that need emergency help",
        "urgent": "found signs that need a clinician today",
    }.get(result.urgency, "advises seeing a clinician before any exercise")
    reason = {
        "none": f"Your symptom check of {day.day} {day:%B} {seen}.",
        "gentle": f"Your symptom check of {day.day} {day:%B} allows gentle exercise only.",
        "full": f"Your symptom check of {day.day} {day:%B} found nothing that rules exercise out.",
    }[result.exercise]
    return Clearance(
        result.exercise,
        "check",
        reason,
        result.title,
        result.advice.now,
        result.urgency,
        number_to_call(result.urgency, kb),
        result.plan_avoids,
        checked_on=day,
    )


def _override(plan: PlanOnFile | None) -> str | None:
    """The clinician who confirmed the programme against the latest check, if one did."""
    if plan is None or not plan.on_latest_check or plan.plan.prescribed_by is None:
        return None
    confirmed = [c for c in plan.plan.changes if c.rule == "clinician_override"]
    return (confirmed[0].by or plan.plan.prescribed_by) if confirmed else None


def _from_checkin(checkin: CheckinOnFile, check: CheckOnFile | None, kb: Knowledge) -> Clearance:
    day = checkin.at.date()
    checked_on = None if check is None else check.at.date()
    if checkin.outcome == "red_flag":
        result = checkin.result
        return Clearance(
            "none",
            "checkin",
            f"Your check-in of {day.day} {day:%B} found a warning sign: {'; '.join(checkin.reasons)}.",
            result.title if result else "Your plan is paused: do the symptom check again",
            result.advice.now if result else (),
            result.urgency if result else None,
            number_to_call(result.urgency, kb) if result else None,
            checked_on=checked_on,
        )
    why = f" ({'; '.join(checkin.reasons)})" if checkin.reasons else ""
    return Clearance(
        "none",
        "checkin",
        f"Your check-in of {day.day} {day:%B} shows things clearly getting worse{why}.",
        "Your plan is paused: do the symptom check again",
        checked_on=checked_on,
    )


def _plan_stop(plan: PlanOnFile | None, check: CheckOnFile | None, kb: Knowledge) -> Clearance | None:
    """The plan's safety stop, while it holds: on a clinician's programme until they resume it,
    on one's own plan until a newer symptom check."""
    if plan is None or plan.plan.status != "stopped":
        return None
    supervised = plan.plan.prescribed_by is not None
    if not supervised and check is not None and (plan.stopped_at is None or plan.stopped_at < check.at):
        return None
    stops = [c for c in plan.plan.changes if c.action == "stopped"]
    why = stops[-1].why if stops else "it was stopped"
    return Clearance(
        "none",
        "plan",
        f"{why[:1].upper()}{why[1:]}.",
        "Your plan is paused",
        resume_by="clinician" if supervised else "check",
        checked_on=None if check is None else check.at.date(),
    )
