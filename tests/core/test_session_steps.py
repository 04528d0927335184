"""A planned session as steps: order, sides, the weaker side's extra set, rests."""

from __future__ import annotations

from datetime import date

import pytest

from glutewake.core.programme import Block, PlannedSession, Profile, build_plan
from glutewake.core.session import GET_READY_SECONDS, resume_at, steps
from glutewake.core.triage import Case, triage
from glutewake.knowledge import Knowledge


def one(block: Block, section: str = "main") -> PlannedSession:
    blocks = {"warm_up": (), "main": (), "stretches": ()} | {section: (block,)}
    return PlannedSession(
        date(2026, 11, 23), "wake_up", blocks["warm_up"], blocks["main"], blocks["stretches"], ()
    )


def test_starts_with_get_ready_then_alternates_sides_with_rests_between_sets(kb: Knowledge) -> None:
    result = steps(one(Block("clamshell", 2, reps=12, per_side=True)), kb)
    assert [(s.kind, s.side, s.set_number) for s in result] == [
        ("get_ready", None, 0),
        ("set", "left", 1),
        ("set", "right", 1),
        ("rest", None, 0),
        ("set", "left", 2),
        ("set", "right", 2),
    ]
    assert result[0].seconds == GET_READY_SECONDS
    assert result[3].seconds == kb.exercises["clamshell"].dose.rest_seconds


def test_a_two_sided_hold_gives_time_to_turn_over_between_sides_and_reps_do_not(kb: Knowledge) -> None:
    from glutewake.core.session import SWITCH_SIDES_SECONDS

    held = steps(one(Block("side_plank", 2, hold_seconds=20, per_side=True)), kb)
    assert [(s.kind, s.side) for s in held] == [
        ("get_ready", None),
        ("set", "left"),
        ("get_ready", "right"),
        ("set", "right"),
        ("rest", None),
        ("set", "left"),
        ("get_ready", "right"),
        ("set", "right"),
    ]
    assert held[2].seconds == SWITCH_SIDES_SECONDS
    reps = steps(one(Block("clamshell", 1, reps=12, per_side=True)), kb)
    assert [s.kind for s in reps] == ["get_ready", "set", "set"]


def test_the_weaker_side_gets_its_extra_set_last(kb: Knowledge) -> None:
    result = [
        s
        for s in steps(one(Block("clamshell", 2, reps=12, per_side=True, extra_side="right")), kb)
        if s.kind == "set"
    ]
    assert [(s.side, s.set_number, s.sets) for s in result][-1] == ("right", 3, 3)
    assert len(result) == 5


def test_holds_and_loads_are_carried_to_each_set(kb: Knowledge) -> None:
    (hold,) = [s for s in steps(one(Block("side_plank", 1, hold_seconds=20)), kb) if s.kind == "set"]
    assert (hold.hold_seconds, hold.reps) == (20, None)
    (lift,) = [
        s for s in steps(one(Block("hip_thrust_loaded", 1, reps=10, load_kg=7.5)), kb) if s.kind == "set"
    ]
    assert lift.load_kg == 7.5


def test_a_real_plan_session_has_as_many_set_steps_as_planned_sets(kb: Knowledge) -> None:
    result = triage(Case(34, "female", 30, {"numb_when_sitting": True, "eases_on_standing": True}), kb)
    plan = build_plan(Profile("gym", 30), result, None, date(2026, 11, 23), kb)
    for planned in plan.sessions:
        session_steps = steps(planned, kb)
        assert sum(s.kind == "set" for s in session_steps) == planned.set_count
        sections = [s.section for s in session_steps if s.kind == "set"]
        assert sections == sorted(sections, key=["warm_up", "main", "stretches"].index)


# clamshell 2 x 12 per side: 0 get ready, 1 L1, 2 R1, 3 rest, 4 L2, 5 R2
CLAMSHELLS = Block("clamshell", 2, reps=12, per_side=True)


@pytest.mark.parametrize(
    ("done", "at"),
    [
        pytest.param([], 1, id="nothing done: the first set"),
        pytest.param([("clamshell", "left")], 2, id="one set: the next side"),
        pytest.param([("clamshell", "left"), ("clamshell", "right")], 4, id="past the rest"),
        pytest.param([("clamshell", "right")], 4, id="a skipped set does not shift the rest"),
        pytest.param([("clamshell", "left")] * 2 + [("clamshell", "right")], 6, id="all done: the end"),
        pytest.param([("glute_bridge", None)], 1, id="a set the plan lacks is ignored"),
    ],
)
def test_a_session_cut_short_goes_on_after_the_sets_done(
    kb: Knowledge, done: list[tuple[str, str | None]], at: int
) -> None:
    assert resume_at(steps(one(CLAMSHELLS), kb), done) == at
