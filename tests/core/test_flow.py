"""The check's screens: red-flag checklists first, stop at an emergency, short for plain cases."""

from __future__ import annotations

from glutewake.core.flow import answer_step, next_step, replay, screens_left
from glutewake.core.triage import Case, triage
from glutewake.knowledge import Knowledge


def blank(age: int = 34, sex: str = "female", duration_days: int = 21) -> Case:
    return Case(age, sex, duration_days, {})  # type: ignore[arg-type]


def walk(case: Case, truth: dict[str, bool | None], kb: Knowledge) -> tuple[Case, list[str]]:
    """Answer every screen as a person with `truth` would: tick what is true, the rest no
    (or "not sure" when any item on the screen is unknown to them)."""
    shown = []
    while (step := next_step(case, kb)) is not None:
        shown.append(step.id)
        ticked = [f.id for f in step.findings if truth.get(f.id) is True]
        unsure = any(f.id in truth and truth[f.id] is None for f in step.findings)
        case = answer_step(case, step, ticked, None if unsure else False)
        assert len(shown) <= len(kb.findings), "the check must end"
    return case, shown


def test_a_new_check_opens_with_the_emergency_signs_checklist(kb: Knowledge) -> None:
    step = next_step(blank(), kb)
    assert step is not None
    assert step.kind == "checklist"
    assert step.id == "emergency_signs"
    assert [f.id for f in step.findings][:3] == ["saddle_numbness", "bladder_change", "bowel_change"]
    assert step.findings[0].explanation  # what the saddle area is, on the screen


def test_a_ticked_emergency_sign_ends_the_check_at_once(kb: Knowledge) -> None:
    case, shown = walk(blank(), {"bladder_change": True}, kb)
    assert shown == ["emergency_signs"]
    assert triage(case, kb).urgency == "emergency"


def test_a_checklist_answer_marks_ticked_yes_and_the_rest_as_chosen(kb: Knowledge) -> None:
    step = next_step(blank(), kb)
    assert step is not None
    none_of_these = answer_step(blank(), step, (), False)
    assert set(none_of_these.answers.values()) == {False}
    not_sure = answer_step(blank(), step, ["chest_pain", "not_on_this_screen"], None)
    assert not_sure.answers["chest_pain"] is True
    assert not_sure.answers["saddle_numbness"] is None
    assert "not_on_this_screen" not in not_sure.answers


def test_not_sure_about_the_emergency_signs_is_never_green(kb: Knowledge) -> None:
    step = next_step(blank(), kb)
    assert step is not None
    result = triage(answer_step(blank(), step, (), None), kb)
    assert result.urgency == "urgent"
    assert "could not be ruled out" in result.title
    assert result.not_ruled_out[0] == "saddle_numbness"
    assert any("toilet paper" in line for line in result.advice.now), "says how to check the saddle area"


def test_after_a_cancer_the_legs_come_next_and_after_drug_use_the_fever(kb: Knowledge) -> None:
    _, cancer = walk(blank(70, "male"), {"cancer_history": True, "leg_weakness": True}, kb)
    assert cancer == ["emergency_signs", "health_history", "legs_and_fever"]
    _, injecting = walk(blank(30, "male"), {"injects_drugs": True, "fever": True}, kb)
    assert injecting == ["emergency_signs", "health_history", "legs_and_fever"]


def test_plain_gluteal_amnesia_is_short_and_green(kb: Knowledge) -> None:
    truth: dict[str, bool | None] = {"numb_when_sitting": True, "eases_on_standing": True}
    case, shown = walk(blank(), truth, kb)
    result = triage(case, kb)
    assert result.urgency == "self_care"
    assert result.causes[0].id == "gluteal_amnesia"
    assert len(shown) <= 10
    assert shown[-1] == "exercise_safety", "exercise safety is asked last"


def test_a_follow_up_comes_right_after_the_screen_that_opened_it(kb: Knowledge) -> None:
    _, shown = walk(blank(), {"numb_when_sitting": True, "eases_on_standing": False}, kb)
    assert shown[shown.index("where") + 1] == "eases_on_standing"


def test_replay_and_the_estimate_count_screens(kb: Knowledge) -> None:
    case, shown = walk(blank(), {"numb_when_sitting": True, "eases_on_standing": True}, kb)
    assert [step.id for step in replay(case, kb)] == shown
    assert screens_left(case, kb) == 0
    assert 5 <= screens_left(blank(), kb) <= 10, "the estimate assumes 'none of these' from here on"
    half = answer_step(blank(), next_step(blank(), kb), (), False)  # type: ignore[arg-type]
    assert len(replay(half, kb)) == 1
    assert screens_left(half, kb) == screens_left(blank(), kb) - 1
