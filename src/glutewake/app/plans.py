"""Plans in the shell: build one from the latest triage, keep it adapted, export it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from glutewake.app.plan_state import (
    Snapshot,
    adapt_plan,
    current_plan,
    local_day,
    newer_check,
    snapshot,
    timed_plan_events,
)
from glutewake.app.refusals import InputError, NotCleared, NoTriage
from glutewake.app.region import knowledge
from glutewake.codec import load
from glutewake.core.programme import Plan, Profile, build_plan
from glutewake.core.selftests import SelfTestResult
from glutewake.core.triage import TriageResult
from glutewake.knowledge.schema import EXERCISE_ORDER
from glutewake.knowledge.vocabulary import SESSION_MINUTES as MINUTES
from glutewake.knowledge.vocabulary import Equipment

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.core.clearance import Clearance

__all__ = [
    "PlanChoices",
    "adapt_plan",
    "check_allows_more",
    "current_plan",
    "local_day",
    "new_plan",
    "newer_check",
    "plan_ics",
    "plan_profile",
    "profile_chosen",
    "timed_plan_events",
]


@dataclass(frozen=True)
class PlanChoices:
    """What the person chose for a new plan; a choice left as None keeps the one made before
    (or the default the first time)."""

    equipment: Equipment | None = None
    minutes: int | None = None
    days: tuple[int, ...] | Literal["every_other_day"] | None = None  # weekdays, Monday 0


def plan_profile(ctx: Context) -> Profile:
    """What plans are fitted to: as chosen before, else the defaults."""
    return ctx.records.profile() or Profile()


def profile_chosen(ctx: Context) -> bool:
    """Whether the person has chosen their kit, time and days yet (or has the defaults)."""
    return ctx.records.profile() is not None


def new_plan(ctx: Context, choices: PlanChoices, start: date) -> Plan:
    """Build and keep a new plan from the latest saved check and self-tests, with these
    choices (and the profile updated with them).

    Raises `NoTriage` without a saved check, `InputError` for a choice out of range, and
    `NotCleared` while that check, a check-in or a safety stop since rules exercise out."""
    if choices.minutes is not None and not MINUTES[0] <= choices.minutes <= MINUTES[1]:
        raise InputError(f"a session lasts {MINUTES[0]} to {MINUTES[1]} minutes, not {choices.minutes}")
    if choices.days not in (None, "every_other_day") and (
        not choices.days or not set(choices.days) <= set(range(7))
    ):
        raise InputError("choose weekdays from Monday to Sunday, or every other day")
    runs = ctx.records.triage_runs(limit=1)
    if not runs:
        raise NoTriage("do the symptom check and save its result first: the plan depends on what it finds")
    from glutewake.app.clearance import current_clearance

    cleared = current_clearance(ctx)
    if not cleared.may_exercise:  # nothing to build, and the plan kept for later stays as it is
        raise NotCleared(cleared)
    base = plan_profile(ctx)
    days = base.preferred_days if choices.days is None else choices.days
    profile = replace(
        base,
        equipment=choices.equipment or base.equipment,
        minutes_per_session=choices.minutes or base.minutes_per_session,
        preferred_days=None if days == "every_other_day" else tuple(sorted(set(days))) if days else None,
    )
    selftests = ctx.records.selftest_results(limit=1)
    selftest = load(SelfTestResult, selftests[0].data) if selftests else None
    result = load(TriageResult, runs[0].data["result"])
    plan = build_plan(profile, result, selftest, start, ctx.knowledge)
    ctx.records.save_profile(profile)
    ctx.records.save_plan(plan, runs[0].id)
    return plan


def check_allows_more(ctx: Context, cleared: Clearance, state: Snapshot | None = None) -> bool:
    """Whether the latest symptom check, newer than the plan, allows more than the plan does
    (it was paused, or fitted to less): then the person is offered a new plan, never given one unasked."""
    state = state or snapshot(ctx)
    active = state.active
    if active is None or newer_check(active, state.latest_check) is None or not cleared.may_exercise:
        return False
    plan = active.plan
    return plan.status != "active" or EXERCISE_ORDER.index(cleared.exercise) > EXERCISE_ORDER.index(
        plan.exercise_level
    )


def plan_ics(plan: Plan, now: datetime) -> bytes:
    """The plan as an iCalendar file: one all-day event per session, its exercises described."""
    from icalendar import Calendar, Event

    kb = knowledge()
    calendar = Calendar()
    calendar.add("prodid", "-//glutewake//glute programme//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "glutewake programme")
    phases = {phase.id: phase.name for phase in kb.programme.phases}
    for session in plan.sessions:
        lines = []
        for title, blocks in (
            ("Warm-up", session.warm_up),
            ("Main", session.main),
            ("Stretches", session.stretches),
        ):
            lines.append(f"{title}:")
            lines += [
                f"- {kb.exercises[b.exercise_id].name}: {b.describe()}"
                + (f" (your clinician: {b.note})" if b.note else "")
                for b in blocks
            ]
        lines += ["Through the day:", *(f"- {habit}" for habit in session.desk_habits)]
        event = Event()
        event.add("uid", f"{plan.start_date.isoformat()}-{session.day.isoformat()}@glutewake")
        event.add("summary", f"glutewake: {phases[session.phase]} session")
        event.add("dtstart", session.day)
        event.add("dtstamp", now)
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return bytes(calendar.to_ical())
