"""Bad triage input is rejected with a message naming each bad field."""

from __future__ import annotations

from typing import Any

import pytest

from glutewake.core.errors import FieldErrors
from glutewake.core.triage import parse_case
from glutewake.knowledge import Knowledge

GOOD = {"age": 34, "sex": "female", "duration_days": 21, "answers": {"numb_when_sitting": True}}


def test_a_good_case_parses(kb: Knowledge) -> None:
    case = parse_case(GOOD, kb.findings)
    assert (case.age, case.sex, case.duration_days) == (34, "female", 21)
    assert case.answers == {"numb_when_sitting": True}


def test_null_means_dont_know_and_empty_answers_are_allowed(kb: Knowledge) -> None:
    assert parse_case({**GOOD, "answers": {"fever": None}}, kb.findings).answers == {"fever": None}
    assert parse_case({**GOOD, "answers": {}}, kb.findings).answers == {}


BAD: list[Any] = [
    pytest.param({k: v for k, v in GOOD.items() if k != "age"}, "age", "missing", id="missing age"),
    pytest.param({**GOOD, "age": "34"}, "age", "whole number", id="age as text"),
    pytest.param({**GOOD, "age": True}, "age", "whole number", id="age as boolean"),
    pytest.param({**GOOD, "age": 34.5}, "age", "whole number", id="age with a fraction"),
    pytest.param({**GOOD, "age": 130}, "age", "from 0 to 120", id="age out of range"),
    pytest.param({**GOOD, "sex": "f"}, "sex", "female, male, other", id="unknown sex"),
    pytest.param({**GOOD, "duration_days": -1}, "duration_days", "from 0", id="negative duration"),
    pytest.param({**GOOD, "answers": []}, "answers", "must be an object", id="answers as a list"),
    pytest.param(
        {**GOOD, "answers": {"numb_when_siting": True}},
        "answers.numb_when_siting",
        "did you mean 'numb_when_sitting'",
        id="misspelt finding",
    ),
    pytest.param(
        {**GOOD, "answers": {"fever": "yes"}}, "answers.fever", "true, false or null", id="answer as text"
    ),
    pytest.param(
        {**GOOD, "answers": {"fever": 1}}, "answers.fever", "true, false or null", id="answer as number"
    ),
    pytest.param({**GOOD, "answer": {}}, "answer", "unknown field", id="misspelt field"),
]


@pytest.mark.parametrize(("raw", "field", "words"), BAD)
def test_bad_input_names_the_field(kb: Knowledge, raw: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(FieldErrors) as error:
        parse_case(raw, kb.findings)
    messages = dict(error.value.problems)
    assert field in messages
    assert words in messages[field]


def test_every_problem_is_reported_at_once(kb: Knowledge) -> None:
    with pytest.raises(FieldErrors) as error:
        parse_case({"age": "x", "answers": {"nope": 1}}, kb.findings)
    assert [field for field, _ in error.value.problems] == ["age", "duration_days", "sex", "answers.nope"]


@pytest.mark.parametrize("raw", [None, [], "case", 3])
def test_a_non_object_is_rejected(kb: Knowledge, raw: object) -> None:
    with pytest.raises(FieldErrors, match="must be an object"):
        parse_case(raw, kb.findings)
