"""Plans in the shell: build one from the latest triage, keep it adapted, export it."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from glutewake.app.refusals import NoTriage
from glutewake.app.region import knowledge
from glutewake.core.programme import CheckinOutcome, Event, Plan, Profile, SessionOutcome, adapt, build_plan
from glutewake.core.selftests import SelfTestResult
from glutewake.core.triage import TriageResult

if TYPE_CHECKING:
    from glutewake.store import ActivePlan, Repository

__all__ = [
    "NoTriage",
    "adapt_plan",
    "current_plan",
    "known_profile",
    "local_day",
    "make_plan",
    "plan_ics",
    "plan_with_choices",
]


def local_day(moment: datetime, zone: tzinfo | None) -> date:
    return moment.astimezone(zone).date()


def known_profile(repo: Repository) -> Profile | None:
    """The stored profile, else one with the age and sex from the latest symptom check."""
    stored = repo.profile()
    if stored is not None:
        return stored
    runs = repo.triage_runs(limit=1)
    return Profile(runs[0].data["case"]["age"], runs[0].data["case"]["sex"]) if runs else None


def make_plan(repo: Repository, profile: Profile, start: date) -> Plan:
    """Build and keep a new plan from the latest symptom check and self-tests."""
    runs = repo.triage_runs(limit=1)
    if not runs:
        raise NoTriage("do the symptom check first: the plan depends on what it finds")
    selftests = repo.selftest_results(limit=1)
    selftest = SelfTestResult.from_json(selftests[0].data) if selftests else None
    result = TriageResult.from_json(runs[0].data["result"])
    plan = build_plan(profile, result, selftest, start, knowledge())
    repo.save_profile(profile)
    repo.save_plan(plan, runs[0].id)
    return plan


def plan_with_choices(
    repo: Repository, equipment: str, minutes: int, days: tuple[int, ...] | None, start: date
) -> Plan:
    """A new plan from the latest check, with this kit, session length and weekdays (None:
    every other day); raises NoTriage when there is no saved check."""
    from dataclasses import replace

    base = known_profile(repo)
    if base is None:
        raise NoTriage("do the symptom check and save its result first: the plan depends on what it finds")
    profile = replace(base, equipment=equipment, minutes_per_session=minutes, preferred_days=days)  # type: ignore[arg-type]
    return make_plan(repo, profile, start)


def current_plan(repo: Repository) -> ActivePlan | None:
    """The current plan as adapted to every session and check-in since it was made.

    A query: it computes the adaptation and stores nothing (`adapt_plan` keeps it, when an
    event arrives). Adapting is idempotent, so an up-to-date plan comes back unchanged."""
    from dataclasses import replace

    active = repo.current_plan()
    if active is None or active.plan.status == "not_started":
        return active
    adapted = adapt(active.plan, plan_events(repo, active), knowledge())
    return active if adapted == active.plan else replace(active, plan=adapted)


def adapt_plan(repo: Repository) -> ActivePlan | None:
    """Let the plan react to what just happened (a session's feedback, a check-in), and keep it."""
    stored = repo.current_plan()
    active = current_plan(repo)
    if active is not None and stored is not None and active.plan != stored.plan:
        repo.update_plan(active.id, active.plan)
    return active


def plan_events(repo: Repository, active: ActivePlan) -> list[Event]:
    """Sessions of this plan with feedback, and check-ins since it began, in time order."""
    zone = repo.clock.now().tzinfo
    planned = {session.day: session for session in active.plan.sessions}
    timed: list[tuple[datetime, Event]] = []
    for log in repo.session_logs(since=active.created_at):
        if log["plan_id"] != active.id or log["rpe"] is None:
            continue
        day = log["planned_day"]
        done = log["sets"] >= planned[day].set_count if day in planned else False
        timed.append(
            (log["started_at"], SessionOutcome(day, log["rpe"], log["pain"], tuple(log["felt"]), done))
        )
    for checkin in repo.checkins(since=active.created_at):
        outcome = checkin.data["outcome"]
        timed.append(
            (
                checkin.at,
                CheckinOutcome(local_day(checkin.at, zone), outcome == "red_flag", outcome == "worse"),
            )
        )
    return [event for _, event in sorted(timed, key=lambda pair: pair[0])]


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
            lines += [f"- {kb.exercises[b.exercise_id].name}: {b.describe()}" for b in blocks]
        lines += ["Through the day:", *(f"- {habit}" for habit in session.desk_habits)]
        event = Event()
        event.add("uid", f"{plan.start_date.isoformat()}-{session.day.isoformat()}@glutewake")
        event.add("summary", f"glutewake: {phases[session.phase]} session")
        event.add("dtstart", session.day)
        event.add("dtstamp", now)
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return bytes(calendar.to_ical())
