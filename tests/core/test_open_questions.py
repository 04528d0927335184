"""Which question comes next: red flags first, then only what can still change the result."""

from __future__ import annotations

from glutewake.core.triage import Case, open_questions, triage
from glutewake.knowledge import Knowledge


def ids(case: Case, kb: Knowledge) -> list[str]:
    return [finding.id for finding in open_questions(case, kb)]


def blank(age: int = 35, duration_days: int = 30) -> Case:
    return Case(age, "female", duration_days, {})


def test_a_new_case_has_every_red_flag_open(kb: Knowledge) -> None:
    red_flags = {f.id for f in kb.findings.values() if f.group == "red_flag"}
    assert red_flags <= set(ids(blank(), kb))


def test_nothing_more_is_asked_once_it_is_an_emergency(kb: Knowledge) -> None:
    assert ids(blank().with_answer("saddle_numbness", True), kb) == []


def test_answered_and_dont_know_questions_are_not_asked_again(kb: Knowledge) -> None:
    case = blank().with_answer("saddle_numbness", False).with_answer("bladder_change", None)
    assert not {"saddle_numbness", "bladder_change"} & set(ids(case, kb))


def test_follow_up_questions_wait_for_their_lead(kb: Knowledge) -> None:
    assert "eases_on_standing" not in ids(blank().with_answer("numb_when_sitting", False), kb)
    assert "eases_on_standing" in ids(blank().with_answer("numb_when_sitting", True), kb)
    assert "alternating_buttock_pain" not in ids(blank().with_answer("buttock_pain", False), kb)
    assert "pregnant_or_recent_birth" not in ids(Case(35, "male", 30, {}), kb)


def test_a_rule_that_hangs_on_an_unaskable_question_asks_nothing_for_it(kb: Knowledge) -> None:
    # worse_cough_sneeze is asked only with leg pain or shooting pain; with both denied, the
    # sciatica rule it belongs to is settled, so its other findings are not asked for it.
    case = blank().with_answers(
        {"leg_pain_below_knee": False, "shooting_pain": False, "low_back_pain": False}
    )
    assert "worse_cough_sneeze" not in ids(case, kb)
    assert "recent_back_injury" not in ids(case, kb)


def test_spondyloarthritis_questions_are_skipped_when_they_cannot_apply(kb: Knowledge) -> None:
    # Back pain that began at 60 cannot meet NICE NG65's onset-before-45 criterion.
    late_onset = Case(60, "male", 200, {"low_back_pain": True})
    assert "nsaid_relief_48h" not in ids(late_onset, kb)
    young = Case(30, "male", 200, {"low_back_pain": True})
    assert "nsaid_relief_48h" in ids(young, kb)


def test_answering_every_open_question_leaves_none(kb: Knowledge) -> None:
    case = blank()
    for _ in range(len(kb.findings)):
        questions = open_questions(case, kb)
        if not questions:
            break
        case = case.with_answer(questions[0].id, False)
    assert open_questions(case, kb) == []
    assert triage(case, kb).urgency == "self_care"
    assert len(case.answers) < len(kb.findings), "an all-no interview skips follow-ups"
