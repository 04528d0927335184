"""Safety properties of the triage over random answer sets (hypothesis)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from glutewake.codec import dump, load
from glutewake.core.triage import Case, TriageResult, open_questions, triage
from glutewake.knowledge import Knowledge, load_knowledge
from glutewake.knowledge.schema import URGENCY_ORDER

KB = load_knowledge(use_cache=False)
FINDINGS = sorted(KB.findings)
RED_FLAGS = [f.id for f in KB.findings.values() if f.group == "red_flag"]
RANK = URGENCY_ORDER.index

answers_strategy = st.dictionaries(
    st.sampled_from(FINDINGS), st.sampled_from([True, False, None]), max_size=len(FINDINGS)
)
cases = st.builds(
    Case,
    age=st.integers(0, 120),
    sex=st.sampled_from(["female", "male", "other"]),
    duration_days=st.integers(0, 3650),
    answers=answers_strategy,
)


def red_flag_urgency(kb: Knowledge, c: Case) -> int:
    """The urgency that red-flag rules, red flags answered "not sure" and symptoms that no
    self-care cause explains ask for."""
    rules = {rule.id: rule for rule in kb.triage.rules}
    unsure = {policy.id: policy.urgency for policy in kb.triage.unsure}
    unsure[kb.triage.unexplained.id] = kb.triage.unexplained.urgency  # a safety policy too
    fired = triage(c, kb).rules
    return max(
        [
            *(RANK(rules[r].urgency) for r in fired if r in rules and rules[r].red_flag and rules[r].urgency),
            *(RANK(unsure[r]) for r in fired if r in unsure),
        ],
        default=0,
    )


@settings(max_examples=300)
@given(cases, st.sampled_from(RED_FLAGS))
def test_adding_a_red_flag_never_lowers_urgency(c: Case, finding: str) -> None:
    before = triage(c, KB).urgency
    after = triage(c.with_answer(finding, True), KB).urgency
    assert RANK(after) >= RANK(before)


@settings(max_examples=300)
@given(cases, st.sampled_from(FINDINGS))
def test_a_no_instead_of_unknown_never_raises_urgency_beyond_the_red_flags(c: Case, finding: str) -> None:
    unknown = Case(c.age, c.sex, c.duration_days, {k: v for k, v in c.answers.items() if k != finding})
    answered_no = unknown.with_answer(finding, False)
    after = RANK(triage(answered_no, KB).urgency)
    assert after <= max(RANK(triage(unknown, KB).urgency), red_flag_urgency(KB, answered_no))


@settings(max_examples=200)
@given(cases, st.randoms())
def test_the_result_is_deterministic_and_ignores_answer_order(c: Case, rnd: random.Random) -> None:
    items = list(c.answers.items())
    rnd.shuffle(items)
    shuffled = Case(c.age, c.sex, c.duration_days, dict(items))
    assert triage(c, KB) == triage(shuffled, KB) == triage(c, KB)


@settings(max_examples=200)
@given(cases)
def test_saddle_numbness_is_always_an_emergency_and_never_gluteal_amnesia(c: Case) -> None:
    result = triage(c.with_answer("saddle_numbness", True), KB)
    assert result.urgency == "emergency"
    assert result.exercise == "none"
    assert "gluteal_amnesia" not in [cause.id for cause in result.causes]


@settings(max_examples=200)
@given(cases)
def test_numbness_that_stays_after_standing_is_never_gluteal_amnesia(c: Case) -> None:
    result = triage(c.with_answer("numb_when_sitting", True).with_answer("eases_on_standing", False), KB)
    assert "gluteal_amnesia" not in [cause.id for cause in result.causes]
    assert RANK(result.urgency) >= RANK("gp")


@settings(max_examples=300)
@given(cases)
def test_exercise_advice_respects_the_urgency(c: Case) -> None:
    result = triage(c, KB)
    if RANK(result.urgency) >= RANK("urgent"):
        assert result.exercise == "none"
    elif result.urgency == "gp":
        assert result.exercise in ("none", "gentle")


@settings(max_examples=200)
@given(cases)
def test_every_result_says_it_is_not_a_diagnosis_and_round_trips(c: Case) -> None:
    result = triage(c, KB)
    assert "not a diagnosis" in result.notice
    assert result.advice.now
    assert result.advice.safety_net
    assert load(TriageResult, dump(result)) == result


@settings(max_examples=200)
@given(cases)
def test_open_questions_are_unasked_and_stop_at_an_emergency(c: Case) -> None:
    questions = open_questions(c, KB)
    assert not {q.id for q in questions} & set(c.answers)
    if triage(c, KB).urgency == "emergency":
        assert questions == []


@settings(max_examples=300)
@given(cases, st.sampled_from(RED_FLAGS))
def test_a_red_flag_answered_not_sure_is_never_green(c: Case, finding: str) -> None:
    result = triage(c.with_answer(finding, None), KB)
    assert result.urgency != "self_care"
    assert finding in result.not_ruled_out
    assert result.title != KB.level("self_care").title


@settings(max_examples=300)
@given(cases, st.sampled_from(RED_FLAGS))
def test_not_sure_about_an_emergency_sign_is_at_least_urgent(c: Case, finding: str) -> None:
    if triage(c.with_answer(finding, True), KB).urgency == "emergency":
        assert RANK(triage(c.with_answer(finding, None), KB).urgency) >= RANK("urgent")


@settings(max_examples=300)
@given(cases, st.sampled_from(RED_FLAGS))
def test_a_yes_instead_of_not_sure_never_lowers_urgency(c: Case, finding: str) -> None:
    unsure = triage(c.with_answer(finding, None), KB).urgency
    assert RANK(triage(c.with_answer(finding, True), KB).urgency) >= RANK(unsure)


SYMPTOMS = [f.id for f in KB.findings.values() if f.symptom]


@settings(max_examples=400)
@given(cases, st.sampled_from(SYMPTOMS))
def test_pain_or_numbness_that_no_self_care_pattern_explains_is_never_self_care(
    c: Case, symptom: str
) -> None:
    result = triage(c.with_answer(symptom, True), KB)
    explained = {
        finding
        for cause in result.causes
        if KB.conditions[cause.id].self_care
        for finding in KB.conditions[cause.id].typical_findings
    }
    if symptom not in explained:
        assert result.urgency != "self_care"
        assert result.exercise != "full"


@settings(max_examples=200)
@given(cases)
def test_a_green_result_always_names_a_self_care_cause_or_no_symptom(c: Case) -> None:
    result = triage(c, KB)
    if result.urgency == "self_care" and any(c.answers.get(s) is True for s in SYMPTOMS):
        assert any(KB.conditions[cause.id].self_care for cause in result.causes)
