"""Building and adapting the personal programme."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from glutewake.codec import dump, load
from glutewake.core.programme import (
    Block,
    CheckinOutcome,
    Plan,
    Profile,
    SessionOutcome,
    _Fit,
    _progress,
    _regress,
    adapt,
    build_plan,
    follow_check,
    resume,
)
from glutewake.core.selftests import SelfTestAnswers, score
from glutewake.core.triage import Case, TriageResult, triage
from glutewake.knowledge import Knowledge

START = date(2026, 11, 23)  # a Monday
SELF_CARE = {"numb_when_sitting": True, "eases_on_standing": True}


def triaged(kb: Knowledge, answers: dict[str, bool | None] | None = None, **case: Any) -> TriageResult:
    return triage(
        Case(case.get("age", 34), "female", case.get("duration_days", 30), answers or SELF_CARE), kb
    )


def plan_for(
    kb: Knowledge,
    profile: Profile | None = None,
    result: TriageResult | None = None,
    weaker: str | None = None,
) -> Plan:
    selftest = None
    if weaker:
        slow = {"left": 3.0, "right": 0.8} if weaker == "left" else {"left": 0.8, "right": 3.0}
        selftest = score(SelfTestAnswers(squeeze_seconds=slow), kb)  # type: ignore[arg-type]
    return build_plan(profile or Profile("gym", 30), result or triaged(kb), selftest, START, kb)


def test_an_emergency_gives_no_plan_only_advice_to_see_a_clinician(kb: Knowledge) -> None:
    plan = plan_for(kb, result=triaged(kb, {"saddle_numbness": True}))
    assert plan.status == "not_started"
    assert plan.sessions == ()
    assert "see a clinician" in plan.advice[0]


def test_four_weeks_every_other_day_in_three_phases(kb: Knowledge) -> None:
    plan = plan_for(kb)
    days = [s.day for s in plan.sessions]
    assert days == [START + timedelta(n) for n in range(0, 28, 2)]
    phases = [s.phase for s in plan.sessions]
    assert phases == sorted(phases, key=["wake_up", "strengthen", "load"].index)
    assert set(phases) == {"wake_up", "strengthen", "load"}


def test_chosen_days_are_respected(kb: Knowledge) -> None:
    plan = plan_for(kb, Profile("gym", 30, preferred_days=(1, 3)))
    assert {s.day.weekday() for s in plan.sessions} == {1, 3}
    assert len(plan.sessions) == 8


def test_each_session_has_warm_up_two_or_three_main_exercises_stretches_and_desk_habits(
    kb: Knowledge,
) -> None:
    for session in plan_for(kb).sessions:
        assert session.warm_up[0].exercise_id == "walking_in_place"
        assert 2 <= len(session.main) <= 3
        assert session.stretches
        assert all(
            20 <= (b.hold_seconds or 0) <= 30 or b.exercise_id == "foam_roller_release"
            for b in session.stretches
        )
        assert any("20 to 30 minutes" in habit for habit in session.desk_habits)


def test_activation_comes_before_compound_lifts(kb: Knowledge) -> None:
    compound = {"squat", "split_squat", "hip_thrust_loaded"}
    seen_compound = False
    for session in plan_for(kb).sessions:
        ids = [b.exercise_id for b in session.blocks]
        if compound & set(ids):
            seen_compound = True
            first_compound = min(ids.index(i) for i in compound & set(ids))
            assert any(kb.exercises[i].kind == "activation" for i in ids[:first_compound])
    assert seen_compound
    assert not compound & {
        b.exercise_id for s in plan_for(kb).sessions if s.phase == "wake_up" for b in s.main
    }


def test_equipment_is_respected(kb: Knowledge) -> None:
    plan = plan_for(kb, Profile("none", 30))
    used = {kit for s in plan.sessions for b in s.blocks for kit in kb.exercises[b.exercise_id].equipment}
    assert used <= {"chair"}


def test_gentle_advice_keeps_every_session_to_low_load_activation(kb: Knowledge) -> None:
    result = triaged(kb, {"leg_pain_below_knee": True, "worse_cough_sneeze": True})
    assert result.exercise == "gentle"
    plan = plan_for(kb, result=result)
    assert {s.phase for s in plan.sessions} == {"wake_up"}
    assert all(
        kb.exercises[b.exercise_id].min_exercise_level == "gentle" for s in plan.sessions for b in s.blocks
    )
    assert not {"roll_down", "foam_roller_release"} & {b.exercise_id for s in plan.sessions for b in s.blocks}


def test_the_weaker_side_gets_an_extra_set(kb: Knowledge) -> None:
    plan = plan_for(kb, weaker="right")
    sided = [b for s in plan.sessions for b in s.main if b.per_side]
    assert sided
    assert all(b.extra_side == "right" for b in sided)
    assert all(b.extra_side is None for s in plan.sessions for b in s.main if not b.per_side)


def test_short_sessions_get_two_main_exercises(kb: Knowledge) -> None:
    assert all(len(s.main) == 2 for s in plan_for(kb, Profile("gym", 10)).sessions)


def test_plans_round_trip_through_json(kb: Knowledge) -> None:
    plan = plan_for(kb, weaker="left")
    assert load(Plan, dump(plan)) == plan


# --- adapting, one row per rule ---------------------------------------------------------------

EASY = SessionOutcome(START, rpe=5, pain=1, felt=("glutes",), all_sets_done=True)

ADAPT: list[Any] = [
    pytest.param(
        [EASY, CheckinOutcome(START + timedelta(1), red_flag=True, worse=False)],
        "red_flag_in_checkin",
        "stopped",
        id="red_flag_in_checkin",
    ),
    pytest.param(
        [CheckinOutcome(START, red_flag=False, worse=True)],
        "worse_in_checkin",
        "stopped",
        id="worse_in_checkin",
    ),
    pytest.param(
        [replace(EASY, pain=1), replace(EASY, pain=3), replace(EASY, pain=4)],
        "pain_rising",
        "stopped",
        id="pain_rising",
    ),
    pytest.param([replace(EASY, pain=6)], "painful_session", "regressed", id="painful_session"),
    pytest.param(
        [replace(EASY, pain=5)], "painful_session_supervised", "stopped", id="painful_session_supervised"
    ),
    pytest.param(
        [replace(EASY, felt=("glutes", "lower_back"))],
        "lower_back_took_over",
        "regressed",
        id="lower_back_took_over",
    ),
    pytest.param([EASY], "easy_session", "progressed", id="easy_session"),
]


SUPERVISED = {"painful_session_supervised"}  # rows run on a clinician's programme


@pytest.mark.parametrize(("history", "rule", "action"), ADAPT)
def test_adapt_rule(kb: Knowledge, history: list[Any], rule: str, action: str) -> None:
    plan = plan_for(kb)
    if rule in SUPERVISED:
        plan = replace(plan, prescribed_by="Dr Ana Ruiz", progression="approval")
    plan = adapt(plan, history, kb)
    assert plan.changes[-1].rule == rule
    assert plan.changes[-1].action == action
    assert plan.changes[-1].reason.startswith(action)
    assert plan.status == ("stopped" if action == "stopped" else "active")


def test_every_adapt_rule_has_a_row(kb: Knowledge) -> None:
    assert sorted(r.id for r in kb.programme.adapt_rules) == sorted(p.id for p in ADAPT)


NO_CHANGE: list[Any] = [
    pytest.param([replace(EASY, rpe=7)], id="effort 7 is not easy"),
    pytest.param([replace(EASY, pain=3)], id="pain 3 is not easy"),
    pytest.param([replace(EASY, all_sets_done=False)], id="sets left undone"),
    pytest.param([replace(EASY, pain=3), replace(EASY, pain=4)], id="pain rising over one session only"),
    pytest.param([CheckinOutcome(START, red_flag=False, worse=False)], id="a calm check-in"),
]


@pytest.mark.parametrize("history", NO_CHANGE)
def test_no_rule_means_no_change(kb: Knowledge, history: list[Any]) -> None:
    plan = plan_for(kb)
    adapted = adapt(plan, history, kb)
    assert adapted.changes == ()
    assert adapted.sessions == plan.sessions


def test_the_plan_says_why_it_changed(kb: Knowledge) -> None:
    reason = adapt(plan_for(kb), [EASY], kb).changes[0].reason
    assert reason == "progressed: the last session felt easy (effort 5/10, pain 1/10)"
    stopped = adapt(plan_for(kb), [replace(EASY, pain=p) for p in (1, 3, 5)], kb).changes[-1].reason
    assert "(1 → 3 → 5)" in stopped


def test_only_sessions_after_the_outcome_change(kb: Knowledge) -> None:
    plan = plan_for(kb)
    adapted = adapt(plan, [replace(EASY, day=plan.sessions[2].day)], kb)
    assert adapted.sessions[:3] == plan.sessions[:3]
    assert adapted.sessions[3] != plan.sessions[3]


def test_adapting_again_with_the_same_history_changes_nothing(kb: Knowledge) -> None:
    once = adapt(plan_for(kb), [EASY], kb)
    assert adapt(once, [EASY], kb) == once
    assert len(adapt(once, [EASY, replace(EASY, day=START + timedelta(2))], kb).changes) == 2


def test_a_stopped_plan_stays_stopped(kb: Knowledge) -> None:
    stopped = adapt(plan_for(kb), [CheckinOutcome(START, red_flag=True, worse=False)], kb)
    later = adapt(stopped, [CheckinOutcome(START, red_flag=True, worse=False), EASY], kb)
    assert later.status == "stopped"
    assert later.changes == stopped.changes


# --- the progression ladder ---------------------------------------------------------------------


def fit(kb: Knowledge, equipment: str = "gym") -> _Fit:
    return _Fit(kb, frozenset(kb.programme.kits[equipment]), "full", frozenset())  # type: ignore[index]


def test_progress_adds_reps_then_harder_variation_then_load(kb: Knowledge) -> None:
    f = fit(kb)
    bridge = f.block("glute_bridge")
    assert _progress(bridge, f, None).reps == 12
    assert _progress(replace(bridge, reps=15), f, None).exercise_id == "single_leg_bridge"
    loaded = f.block("hip_thrust_loaded")
    assert _progress(replace(loaded, reps=15), f, None).load_kg == loaded.load_kg + 2.5  # type: ignore[operator]


def test_harder_variations_need_the_kit(kb: Knowledge) -> None:
    f = fit(kb, "none")
    assert _progress(replace(f.block("clamshell"), reps=15), f, None) == replace(
        f.block("clamshell"), reps=15
    )


def test_regress_drops_load_then_swaps_easier_then_fewer_reps(kb: Knowledge) -> None:
    f = fit(kb)
    loaded = replace(f.block("hip_thrust_loaded"), load_kg=10.0)
    assert _regress(loaded, f, None).load_kg == 7.5
    assert _regress(f.block("hip_thrust_loaded"), f, None).exercise_id == "hip_thrust"
    assert _regress(f.block("pelvic_curl"), f, None).reps == 8
    assert _regress(replace(f.block("pelvic_curl"), reps=6), f, None).reps == 6


def test_holds_grow_and_shrink_within_limits(kb: Knowledge) -> None:
    f = fit(kb)
    plank = f.block("side_plank")
    assert _progress(plank, f, None).hold_seconds == 25
    assert (
        _regress(Block("side_plank", 3, hold_seconds=10, per_side=True), f, None).exercise_id
        == "side_lying_leg_lift"
    )


def _every_exercise(plan: Plan) -> set[str]:
    blocks = [*plan.maintenance, *(b for s in plan.sessions for b in (*s.warm_up, *s.main, *s.stretches))]
    return {b.exercise_id for b in blocks}


@pytest.mark.parametrize(
    ("finding", "tag"),
    [("pregnant_or_recent_birth", "lying_on_back"), ("hip_replacement", "deep_hip_flexion_rotation")],
)
def test_a_contraindication_from_the_check_takes_its_exercises_out(
    kb: Knowledge, finding: str, tag: str
) -> None:
    result = triaged(kb, {**SELF_CARE, finding: True})
    plan = plan_for(kb, result=result)
    banned = {e.id for e in kb.exercises.values() if tag in e.avoid_with}
    assert banned, "the knowledge marks some exercises"
    assert not _every_exercise(plan) & banned
    assert all(len(s.main) >= 2 for s in plan.sessions), "swapped, not just dropped"
    assert _every_exercise(plan_for(kb, result=triaged(kb))) & banned, "without it they are in the plan"


def test_an_extra_set_for_the_weaker_side_is_said_in_words() -> None:
    from glutewake.core.programme import Block

    block = Block("clamshell", 2, reps=12, per_side=True, extra_side="right")
    assert block.describe() == "2 × 12 reps each side, and 1 extra set on the right side (the weaker one)"


# --- a newer symptom check, and a clinician resuming ------------------------------------------


def test_a_gentle_check_keeps_only_gentle_exercises_from_its_day_and_says_what_changed(kb: Knowledge) -> None:
    plan = plan_for(kb, Profile("gym", 30))
    assert any(kb.exercises[e].min_exercise_level == "full" for e in _every_exercise(plan))
    gentle = triaged(kb, {"leg_pain_below_knee": True, "shooting_pain": True})
    assert gentle.exercise == "gentle"
    day = START + timedelta(11)
    followed = follow_check(plan, gentle, day, kb)
    after = [s for s in followed.sessions if s.day >= day]
    assert all(kb.exercises[b.exercise_id].min_exercise_level == "gentle" for s in after for b in s.blocks)
    assert all(s.main for s in after)
    assert [s for s in followed.sessions if s.day < day] == [s for s in plan.sessions if s.day < day]
    change = followed.changes[-1]
    assert (change.action, change.on) == ("restricted", day)
    assert "gentle" in change.reason
    assert "→" in change.reason
    assert followed.exercise_level == "gentle"
    assert follow_check(followed, gentle, day, kb) == followed, (
        "following the same check again changes nothing"
    )


def test_a_check_that_rules_exercise_out_stops_the_plan(kb: Knowledge) -> None:
    emergency = triaged(kb, {"saddle_numbness": True})
    followed = follow_check(plan_for(kb), emergency, START + timedelta(3), kb)
    assert followed.status == "stopped"
    assert followed.changes[-1].rule == "check_rules_out_exercise"


def test_a_check_that_allows_more_changes_nothing(kb: Knowledge) -> None:
    gentle_plan = plan_for(kb, result=triaged(kb, {"leg_pain_below_knee": True, "shooting_pain": True}))
    clear = triaged(kb, {"numb_when_sitting": True, "eases_on_standing": True})
    assert follow_check(gentle_plan, clear, START + timedelta(2), kb) == gentle_plan


def test_a_contraindication_in_a_newer_check_swaps_its_exercises(kb: Knowledge) -> None:
    plan = plan_for(kb, Profile("gym", 30))
    pregnant = triaged(
        kb, {"numb_when_sitting": True, "eases_on_standing": True, "pregnant_or_recent_birth": True}
    )
    followed = follow_check(plan, pregnant, START, kb)
    for exercise_id in _every_exercise(replace(followed, maintenance=())):
        assert "lying_on_back" not in kb.exercises[exercise_id].avoid_with


def test_a_clinician_resumes_a_paused_programme_easier_and_it_is_recorded(kb: Knowledge) -> None:
    plan = replace(plan_for(kb), prescribed_by="Dr Ana Ruiz", progression="approval")
    paused = adapt(plan, [replace(EASY, pain=6)], kb)
    assert paused.status == "stopped"
    assert not paused.pending
    resumed = resume(
        paused, START + timedelta(2), by="Dr Ana Ruiz", note="called, settled", easier=True, kb=kb
    )
    assert resumed.status == "active"
    assert [c.action for c in resumed.changes[-2:]] == ["resumed", "regressed"]
    assert resumed.changes[-2].by == "Dr Ana Ruiz"
    assert "called, settled" in resumed.changes[-2].reason
    assert resume(resumed, START + timedelta(3), by="x", note="", easier=False, kb=kb) == resumed
