"""What the person may do now, read from real records in the order life brings them: the app
layer's part of the clearance (when a stop came, which plan a check answers, local days)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from glutewake.app.checks import record_triage, triage_case
from glutewake.app.clearance import current_clearance
from glutewake.app.context import Context, acting_for
from glutewake.app.journal import record_checkin
from glutewake.app.plans import PlanChoices, current_plan, new_plan
from glutewake.app.sessions import Due, abandon, due_session, record_step, save_feedback, start_or_resume
from glutewake.core.progress import Checkin
from glutewake.core.triage import Case
from glutewake.store import Repository
from tests.fakes import FakeClock

CLEAR = {"numb_when_sitting": True, "eases_on_standing": True}


def person(repo: Repository) -> tuple[Context, FakeClock]:
    clock = repo.clock
    assert isinstance(clock, FakeClock)
    return acting_for(repo, "uk"), clock


def check(ctx: Context, clock: FakeClock, answers: dict[str, bool | None], minutes: int = 10) -> None:
    clock.wall += timedelta(minutes=minutes)
    case = Case(40, "female", 20, answers)
    record_triage(ctx, case, triage_case(case))


def test_a_clear_check_after_an_emergency_lets_the_person_go_on_and_build_a_new_plan(
    repo: Repository,
) -> None:
    ctx, clock = person(repo)
    check(ctx, clock, CLEAR)
    new_plan(ctx, PlanChoices(), clock.now().date())
    check(ctx, clock, {**CLEAR, "saddle_numbness": True})
    assert current_clearance(ctx).urgency == "emergency"
    check(ctx, clock, CLEAR, minutes=60 * 24)  # seen, cleared, and the check done again
    cleared = current_clearance(ctx)
    assert (cleared.exercise, cleared.source) == ("full", "check")
    assert new_plan(ctx, PlanChoices(), clock.now().date()).status == "active"


def test_feedback_given_after_a_check_in_still_changes_the_plan(repo: Repository) -> None:
    """A session begun before a check-in and rated after it: the rating is an event of its own
    time (when it was given), so it is never skipped."""
    ctx, clock = person(repo)
    check(ctx, clock, CLEAR)
    new_plan(ctx, PlanChoices(), clock.now().date())
    due = due_session(ctx, clock.now().date())
    assert isinstance(due, Due)
    started = start_or_resume(ctx, due)
    clock.wall += timedelta(minutes=5)
    record_checkin(ctx, Checkin(clock.now().date(), 2, 2, {"sitting": 6}, {}))
    for index, step in enumerate(started.steps):
        if step.kind == "set":
            record_step(ctx, started.session_log_id, index, reps=step.reps, seconds=step.hold_seconds)
    ctx.records.finish_session(started.session_log_id, "completed")
    clock.wall += timedelta(minutes=20)
    save_feedback(ctx, started.session_log_id, 4, 6, ["glutes"])  # it hurt
    active = current_plan(ctx)
    assert active is not None
    assert [c.action for c in active.plan.changes] == ["regressed"], (
        "the painful session stepped the plan back"
    )


def test_a_session_left_part_way_before_a_gentle_result_goes_on_with_gentle_exercises(
    repo: Repository,
) -> None:
    ctx, clock = person(repo)
    kb = ctx.knowledge
    check(ctx, clock, CLEAR)
    clock.wall += timedelta(days=20)  # the load phase: squats and lunges
    new_plan(ctx, PlanChoices("gym", 40), clock.now().date() - timedelta(days=20))
    due = due_session(ctx, clock.now().date(), allow_next=True)
    assert isinstance(due, Due)
    start_or_resume(ctx, due)
    ctx.records.finish_session(start_or_resume(ctx, due).session_log_id, "quit")
    clock.wall += timedelta(days=1)
    check(ctx, clock, {**CLEAR, "getting_worse": True})  # a GP result: gentle only
    again = due_session(ctx, clock.now().date())
    assert isinstance(again, Due)
    assert again.part_way
    assert all(kb.exercises[b.exercise_id].min_exercise_level == "gentle" for b in again.session.blocks)


def test_the_day_of_a_check_is_the_persons_own(repo: Repository) -> None:
    """At 19:00 in Los Angeles it is already tomorrow in UTC: the plan changes from today and
    the reason names today."""
    los_angeles = timezone(timedelta(hours=-8))
    clock = FakeClock(datetime(2026, 11, 23, 19, 0, tzinfo=los_angeles))
    ctx = acting_for(Repository(repo.engine, clock, repo.person_id), "uk")
    check(ctx, clock, CLEAR, minutes=0)
    new_plan(ctx, PlanChoices(), clock.now().date())
    check(ctx, clock, {**CLEAR, "getting_worse": True}, minutes=1)
    assert "23 November" in current_clearance(ctx).reason
    active = current_plan(ctx)
    assert active is not None
    assert active.plan.changes[-1].on.isoformat() == "2026-11-23"


def test_a_session_left_part_way_can_be_abandoned_while_exercise_is_ruled_out(repo: Repository) -> None:
    ctx, clock = person(repo)
    check(ctx, clock, CLEAR)
    new_plan(ctx, PlanChoices(), clock.now().date())
    due = due_session(ctx, clock.now().date())
    assert isinstance(due, Due)
    ctx.records.finish_session(start_or_resume(ctx, due).session_log_id, "quit")
    check(ctx, clock, {**CLEAR, "saddle_numbness": True})
    assert abandon(ctx, clock.now().date()) is not None
