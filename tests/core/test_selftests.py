"""Scoring the self-tests, one row per outcome."""

from __future__ import annotations

from typing import Any

import pytest

from glutewake.codec import dump, load
from glutewake.core.errors import FieldErrors
from glutewake.core.selftests import Clench, SelfTestAnswers, SelfTestResult, parse_answers, score, summary
from glutewake.knowledge import Knowledge

SQUEEZE: list[Any] = [
    pytest.param(0.5, "normal", id="fires at once"),
    pytest.param(1.5, "normal", id="1.5 s is still normal"),
    pytest.param(1.6, "slow", id="just over 1.5 s is slow"),
    pytest.param(4.0, "slow", id="4 s is slow"),
    pytest.param(6.0, "very_slow", id="over 4 s is very slow"),
    pytest.param(None, "not_firm", id="never firmed up"),
]


@pytest.mark.parametrize(("seconds", "status"), SQUEEZE)
def test_squeeze_time_sets_the_side_status(kb: Knowledge, seconds: float | None, status: str) -> None:
    result = score(SelfTestAnswers(squeeze_seconds={"left": seconds}), kb)
    assert result.side("left").status == status
    assert result.side("right").status == "unknown"


def test_failing_to_clench_one_side_alone_marks_that_side_one_step_weaker(kb: Knowledge) -> None:
    answers = SelfTestAnswers(
        squeeze_seconds={"left": 1.0, "right": 1.0}, clench=Clench(both=True, left=False, right=True)
    )
    result = score(answers, kb)
    assert (result.side("left").status, result.side("right").status) == ("slow", "normal")
    assert result.weaker_side == "left"


WEAKER: list[Any] = [
    pytest.param({"left": 3.0, "right": 0.8}, "left", id="slower left"),
    pytest.param({"left": 0.5, "right": 1.4}, None, id="both normal, close"),
    pytest.param({"left": 2.0, "right": 3.5}, "right", id="both slow, right over a second slower"),
    pytest.param({"left": 2.0, "right": 2.5}, None, id="both slow, within a second"),
    pytest.param({"left": 2.0}, None, id="one side untested"),
]


@pytest.mark.parametrize(("squeeze", "weaker"), WEAKER)
def test_weaker_side(kb: Knowledge, squeeze: dict[str, float], weaker: str | None) -> None:
    assert score(SelfTestAnswers(squeeze_seconds=squeeze), kb).weaker_side == weaker  # type: ignore[arg-type]


OUTCOMES: list[Any] = [
    pytest.param(
        SelfTestAnswers(bridge_felt=("glutes",)),
        "glute_bridge_test",
        "glutes_working",
        False,
        id="bridge in glutes",
    ),
    pytest.param(
        SelfTestAnswers(bridge_felt=("glutes", "hamstrings")),
        "glute_bridge_test",
        "glutes_working",
        False,
        id="bridge glutes and hamstrings",
    ),
    pytest.param(
        SelfTestAnswers(bridge_felt=("hamstrings",)),
        "glute_bridge_test",
        "hamstrings_take_over",
        True,
        id="bridge in hamstrings",
    ),
    pytest.param(
        SelfTestAnswers(bridge_felt=("glutes", "lower_back")),
        "glute_bridge_test",
        "lower_back_takes_over",
        True,
        id="bridge in lower back",
    ),
    pytest.param(SelfTestAnswers(belt_line="level"), "mirror_check", "level", False, id="belt level"),
    pytest.param(
        SelfTestAnswers(belt_line="tilted_forward"),
        "mirror_check",
        "anterior_tilt",
        True,
        id="belt tilted forward",
    ),
    pytest.param(
        SelfTestAnswers(belt_line="tilted_back"),
        "mirror_check",
        "posterior_tilt",
        False,
        id="belt tilted back",
    ),
    pytest.param(SelfTestAnswers(belt_line="unsure"), "mirror_check", "unclear", False, id="belt unclear"),
    pytest.param(
        SelfTestAnswers(clench=Clench(True, True, True)),
        "clench_test",
        "full_control",
        False,
        id="full control",
    ),
    pytest.param(
        SelfTestAnswers(clench=Clench(True, True, False)),
        "clench_test",
        "partial_control",
        True,
        id="partial control",
    ),
    pytest.param(
        SelfTestAnswers(clench=Clench(False, False, False)),
        "clench_test",
        "no_control",
        True,
        id="no control",
    ),
    pytest.param(SelfTestAnswers(signs=("tight_hips",)), "signs_checklist", "few_signs", None, id="one sign"),
    pytest.param(
        SelfTestAnswers(signs=("tight_hips", "tender_spots")),
        "signs_checklist",
        "some_signs",
        None,
        id="two signs",
    ),
    pytest.param(
        SelfTestAnswers(signs=("tight_hips", "tender_spots", "better_moving", "one_side_harder")),
        "signs_checklist",
        "many_signs",
        None,
        id="four signs",
    ),
]


@pytest.mark.parametrize(("answers", "test_id", "outcome", "underactive"), OUTCOMES)
def test_outcome(
    kb: Knowledge, answers: SelfTestAnswers, test_id: str, outcome: str, underactive: bool | None
) -> None:
    result = score(answers, kb)
    assert [(o.test, o.outcome) for o in result.outcomes] == [(test_id, outcome)]
    assert result.glutes_underactive is underactive


def test_ticked_signs_imply_triage_findings(kb: Knowledge) -> None:
    result = score(
        SelfTestAnswers(signs=("tender_spots", "tight_hips"), squeeze_seconds={"left": 5.0, "right": 1.0}), kb
    )
    assert result.implied_findings == {"tender_spots_buttock_hip": True, "glutes_hard_to_activate": True}


def test_summary_reads_like_the_issue_example(kb: Knowledge) -> None:
    result = score(SelfTestAnswers(squeeze_seconds={"left": 3.0, "right": 0.7}), kb)
    lines = summary(result, kb)
    assert lines[0] == "left: slow to activate (about 3 s); right: switches on quickly"
    assert "left side is the weaker one" in lines[1]


def test_seconds_keep_their_tenths(kb: Knowledge) -> None:
    lines = summary(score(SelfTestAnswers(squeeze_seconds={"left": 2.5, "right": 2.0}), kb), kb)
    assert lines[0] == "left: slow to activate (about 2.5 s); right: slow to activate (about 2 s)"


def test_nothing_done_means_nothing_concluded(kb: Knowledge) -> None:
    result = score(SelfTestAnswers(), kb)
    assert result.glutes_underactive is None
    assert result.outcomes == ()
    assert result.weaker_side is None


def test_results_round_trip_through_json(kb: Knowledge) -> None:
    answers = SelfTestAnswers(
        {"left": None, "right": 2.2},
        ("hamstrings",),
        "tilted_forward",
        Clench(True, False, True),
        ("tight_hips",),
    )
    result = score(answers, kb)
    assert load(SelfTestResult, dump(result)) == result


def test_parse_answers_accepts_what_to_json_writes(kb: Knowledge) -> None:
    answers = SelfTestAnswers({"left": 1.2}, ("glutes",), "level", Clench(True, True, True), ("tight_hips",))
    assert parse_answers(dump(answers), kb) == answers


BAD: list[Any] = [
    pytest.param({"squeeze_seconds": {"middle": 1}}, "squeeze_seconds.middle", id="unknown side"),
    pytest.param({"squeeze_seconds": {"left": -1}}, "squeeze_seconds.left", id="negative seconds"),
    pytest.param({"squeeze_seconds": {"left": "2"}}, "squeeze_seconds.left", id="seconds as text"),
    pytest.param({"bridge_felt": ["calves"]}, "bridge_felt", id="unknown place"),
    pytest.param({"belt_line": "sideways"}, "belt_line", id="unknown belt line"),
    pytest.param({"clench": {"both": True}}, "clench", id="incomplete clench"),
    pytest.param({"signs": ["made_up"]}, "signs", id="unknown sign"),
    pytest.param({"bridge": ["glutes"]}, "bridge", id="unknown field"),
]


@pytest.mark.parametrize(("raw", "field"), BAD)
def test_bad_answers_name_the_field(kb: Knowledge, raw: dict[str, Any], field: str) -> None:
    with pytest.raises(FieldErrors) as error:
        parse_answers(raw, kb)
    assert field in dict(error.value.problems)


def test_a_timed_side_never_reads_as_not_firming_up(kb: Knowledge) -> None:
    from glutewake.core.selftests import side_lines

    # 5.2 s, and the right side cannot be clenched alone: weaker overall, but it did firm up
    result = score(SelfTestAnswers({"right": 5.2}, clench=Clench(True, True, False)), kb)
    line = side_lines(result, kb)[1]
    assert line.startswith("right: very slow to activate (about 5.2 s)"), line
    assert "did not firm up" not in line
    assert line.endswith("hard to squeeze on its own")
