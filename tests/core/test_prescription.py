"""A clinician's prescription: its checks, the triage's say, the plan it builds, and progression
that waits for the clinician's approval."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from glutewake.codec import dump, load
from glutewake.core.prescription import (
    Override,
    PhaseSpan,
    Prescribed,
    Prescription,
    build,
    conflicts,
    from_plan,
    problems,
    unconfirmed,
)
from glutewake.core.programme import (
    Plan,
    Profile,
    SessionOutcome,
    UnknownChange,
    adapt,
    build_plan,
    decide_change,
)
from glutewake.core.triage import Case, TriageResult, triage
from glutewake.knowledge import Knowledge

START = date(2026, 11, 23)  # a Monday
SELF_CARE = {"numb_when_sitting": True, "eases_on_standing": True}
BRIDGE = Prescribed("glute_bridge", 3, reps=10, tempo="2-1-3", note="Squeeze at the top")
CLAMS = Prescribed("clamshell", 2, reps=12, per_side=True)
PLANK = Prescribed("side_plank", 2, hold_seconds=20, per_side=True, from_week=3)


def result(kb: Knowledge, **answers: bool | None) -> TriageResult:
    return triage(Case(34, "female", 30, {**SELF_CARE, **answers}), kb)


def prescription(**changes: object) -> Prescription:
    return replace(Prescription((BRIDGE, CLAMS, PLANK)), **changes)  # type: ignore[arg-type]


def test_the_plan_has_a_session_on_each_chosen_weekday_with_the_weeks_exercises(kb: Knowledge) -> None:
    plan = build(prescription(), START, result(kb), weaker_side="left", equipment="none", by="Cleo", kb=kb)
    assert len(plan.sessions) == 4 * 3
    assert {s.day.weekday() for s in plan.sessions} == {0, 2, 4}
    first, last = plan.sessions[0], plan.sessions[-1]
    assert [b.exercise_id for b in first.main] == ["glute_bridge", "clamshell"]
    assert [b.exercise_id for b in last.main] == ["glute_bridge", "clamshell", "side_plank"]
    assert first.main[0].tempo == "2-1-3"
    assert first.main[0].note == "Squeeze at the top"
    assert first.main[1].extra_side == "left"  # a one-sided exercise: one more set on the weaker side
    assert [s.phase for s in plan.sessions[::6]] == ["wake_up", "strengthen"]
    assert plan.prescribed_by == "Cleo"
    assert plan.changes[0].action == "prescribed"


def test_a_built_plan_survives_storage(kb: Knowledge) -> None:

    plan = build(prescription(), START, result(kb), weaker_side=None, equipment="band", by="Cleo", kb=kb)
    assert load(Plan, dump(plan)) == plan
    assert load(Prescription, dump(prescription())) == prescription()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"exercises": ()}, "add at least one exercise"),
        ({"exercises": (Prescribed("no_such", 1, reps=5),)}, "not an exercise in the library"),
        ({"exercises": (Prescribed("glute_bridge", 1),)}, "give either reps or hold seconds"),
        ({"exercises": (Prescribed("glute_bridge", 1, reps=5, hold_seconds=5),)}, "either reps or hold"),
        ({"exercises": (Prescribed("glute_bridge", 0, reps=5),)}, "sets must be from 1 to 10, not 0"),
        ({"exercises": (Prescribed("glute_bridge", 2, reps=80),)}, "reps must be from 1 to 50"),
        ({"exercises": (Prescribed("glute_bridge", 2, hold_seconds=900),)}, "hold seconds must be from 1"),
        ({"exercises": (Prescribed("glute_bridge", 2, reps=5, load_kg=-1),)}, "load kg must be from 0"),
        ({"exercises": (Prescribed("glute_bridge", 2, reps=5, tempo="slow"),)}, "such as 2-1-3"),
        (
            {"exercises": (Prescribed("glute_bridge", 2, reps=5, from_week=9),)},
            "after the programme's 4 weeks",
        ),
        (
            {"exercises": (Prescribed("glute_bridge", 2, reps=5, from_week=3, to_week=2),)},
            "not before the first",
        ),
        ({"phases": ()}, "at least one phase"),
        ({"phases": (PhaseSpan("wake_up", 30),)}, "weeks must be from 1 to 26"),
        ({"weekdays": ()}, "choose at least one weekday"),
        ({"weekdays": (7,)}, "choose at least one weekday"),
        ({"note": "x" * 501}, "note to the patient is too long"),
    ],
)
def test_each_problem_is_named(kb: Knowledge, change: dict[str, object], problem: str) -> None:
    found = problems(prescription(**change), kb)
    assert any(problem in text for text in found), found


def test_a_good_prescription_has_no_problems(kb: Knowledge) -> None:
    assert problems(prescription(), kb) == []


@pytest.mark.parametrize(
    ("answers", "ruled_out"),
    [
        ({}, set()),
        # pregnancy: gentle only, and nothing lying on the back (the bridge)
        ({"pregnant_or_recent_birth": True}, {"glute_bridge", "side_plank"}),
    ],
)
def test_the_triage_rules_exercises_out(
    kb: Knowledge, answers: dict[str, bool | None], ruled_out: set[str]
) -> None:
    found = conflicts(prescription(), result(kb, **answers), kb)
    assert {c.exercise_id for c in found} == ruled_out


def test_after_a_red_flag_every_exercise_needs_the_clinicians_confirmation(kb: Knowledge) -> None:
    emergency = result(kb, saddle_numbness=True)
    assert emergency.exercise == "none"
    found = conflicts(prescription(), emergency, kb)
    assert {c.exercise_id for c in found} == {"glute_bridge", "clamshell", "side_plank"}
    assert all("see a clinician" in c.why for c in found)


def test_an_override_counts_only_with_a_reason_and_is_recorded_in_the_plan(kb: Knowledge) -> None:
    pregnant = result(kb, pregnant_or_recent_birth=True)
    blank = prescription(overrides=(Override("glute_bridge", "  "), Override("side_plank", "seen in clinic")))
    assert {c.exercise_id for c in unconfirmed(blank, pregnant, kb)} == {"glute_bridge"}
    confirmed = prescription(
        overrides=(Override("glute_bridge", "checked: fine for short sets"), Override("side_plank", "seen"))
    )
    assert unconfirmed(confirmed, pregnant, kb) == []
    plan = build(confirmed, START, pregnant, weaker_side=None, equipment="none", by="Cleo", kb=kb)
    recorded = [c.reason for c in plan.changes if c.rule == "clinician_override"]
    assert len(recorded) == 2
    assert "checked: fine for short sets" in recorded[0]
    assert "Cleo" in recorded[0]


def test_starting_from_a_generated_plan_gives_back_its_exercises_and_weeks(kb: Knowledge) -> None:
    generated = build_plan(Profile(), result(kb), None, START, kb)
    start = from_plan(generated)
    assert problems(start, kb) == []
    ids = {b.exercise_id for s in generated.sessions for b in s.blocks}
    assert {p.exercise_id for p in start.exercises} == ids
    assert start.weeks == 4
    rebuilt = build(start, START, result(kb), weaker_side=None, equipment="none", by="Cleo", kb=kb)
    assert {b.exercise_id for s in rebuilt.sessions for b in s.blocks} == ids


def _approval_plan(kb: Knowledge) -> Plan:
    """The test prescription's plan, its progression held for the clinician's approval."""
    return build(
        prescription(progression="approval"),
        START,
        result(kb),
        weaker_side=None,
        equipment="none",
        by="C",
        kb=kb,
    )


def _easy(day: date) -> SessionOutcome:
    return SessionOutcome(day, rpe=3, pain=0, felt=("glutes",), all_sets_done=True)


def test_in_approval_mode_a_progression_waits_and_changes_nothing(kb: Knowledge) -> None:
    plan = _approval_plan(kb)
    adapted = adapt(plan, [_easy(START)], kb)
    assert adapted.sessions == plan.sessions
    assert [c.action for c in adapted.pending] == ["progressed"]
    assert adapt(adapted, [_easy(START)], kb) == adapted  # idempotent


def test_automatic_mode_progresses_at_once(kb: Knowledge) -> None:
    plan = build(prescription(), START, result(kb), weaker_side=None, equipment="none", by="C", kb=kb)
    adapted = adapt(plan, [_easy(START)], kb)
    assert adapted.pending == ()
    assert adapted.sessions[1].main[0].reps == 12


def test_a_stop_never_waits_for_approval(kb: Knowledge) -> None:
    from glutewake.core.programme import CheckinOutcome

    plan = _approval_plan(kb)
    adapted = adapt(plan, [CheckinOutcome(START, red_flag=True, worse=False)], kb)
    assert adapted.status == "stopped"


def test_approving_changes_the_sessions_after_that_day_and_says_who(kb: Knowledge) -> None:
    plan = _approval_plan(kb)
    waiting = adapt(plan, [_easy(START)], kb)
    approve_on = START + timedelta(3)
    approved = decide_change(
        waiting, waiting.pending[0].key, approve=True, today=approve_on, by="Cleo", note="", kb=kb
    )
    assert approved.pending == ()
    assert [s.main[0].reps for s in approved.sessions[:3]] == [10, 10, 12]  # Mon, Wed unchanged; Fri on
    assert approved.changes[-1].by == "Cleo"
    assert "approved" in approved.changes[-1].reason


def test_declining_keeps_the_plan_and_records_why(kb: Knowledge) -> None:
    plan = _approval_plan(kb)
    waiting = adapt(plan, [_easy(START)], kb)
    key = waiting.pending[0].key
    declined = decide_change(
        waiting, key, approve=False, today=START, by="Cleo", note="flare-up last week", kb=kb
    )
    assert declined.sessions == plan.sessions
    assert declined.pending == ()
    assert declined.changes[-1].action == "declined"
    assert "flare-up last week" in declined.changes[-1].reason
    with pytest.raises(UnknownChange):
        decide_change(declined, key, approve=True, today=START, by="Cleo", note="", kb=kb)


def test_two_proposals_on_one_day_are_decided_one_by_one(kb: Knowledge) -> None:
    plan = _approval_plan(kb)
    waiting = adapt(plan, [_easy(START), _easy(START)], kb)
    keys = [c.key for c in waiting.pending]
    assert len(keys) == 2
    assert len(set(keys)) == 2
    once = decide_change(waiting, keys[0], approve=True, today=START, by="Cleo", note="", kb=kb)
    assert [c.key for c in once.pending] == [keys[1]], "the other proposal still waits"
