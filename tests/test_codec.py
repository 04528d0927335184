"""The codec: the domain's dataclasses as JSON, the same JSON pydantic derives from them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import TypeAdapter

from glutewake.codec import ShapeError, dump, load
from glutewake.core.programme import Plan, Profile, build_plan
from glutewake.core.progress import Checkin, SelfTestDay, progress, score_trends, session_totals
from glutewake.core.selftests import Clench, SelfTestAnswers, SelfTestResult, score
from glutewake.core.triage import Case, TriageResult, triage
from glutewake.knowledge import Knowledge

CASE = Case(41, "female", 60, {"numb_when_sitting": True, "saddle_numbness": False, "leg_weakness": None})


def _stored(kb: Knowledge) -> list[tuple[type[Any], object]]:
    result = triage(CASE, kb)
    tests = score(
        SelfTestAnswers({"left": 4.0, "right": 1.0}, ("hamstrings",), "level", Clench(True, False, True)), kb
    )
    profile = Profile("band", 25, (0, 2, 4), ("sitting through a film",))
    return [
        (Case, CASE),
        (TriageResult, result),
        (SelfTestResult, tests),
        (Profile, profile),
        (Plan, build_plan(profile, result, tests, date(2026, 11, 23), kb)),
    ]


def test_every_stored_shape_is_what_pydantic_derives_from_the_same_type(kb: Knowledge) -> None:
    for kind, value in _stored(kb):
        adapter = TypeAdapter(kind)
        assert dump(value) == adapter.dump_python(value, mode="json"), kind.__name__
        assert load(kind, dump(value)) == value == adapter.validate_python(dump(value)), kind.__name__


def test_a_field_saved_before_it_existed_takes_its_default(kb: Knowledge) -> None:
    data = dump(triage(CASE, kb))
    del data["title"], data["avoid"]
    read = load(TriageResult, data)
    assert (read.title, read.avoid) == ("", ())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["sessions"][0].update(day="Monday"),
            "sessions[0].day: expected a date such as 2026-11-23",
        ),
        (
            lambda d: d["sessions"][1]["main"][0].update(sets=True),
            "sessions[1].main[0].sets: expected a whole number",
        ),
        (lambda d: d.update(status="paused"), "status: expected one of 'active', 'stopped', 'not_started'"),
        (lambda d: d.update(colour="red"), "colour: unknown field"),
        (lambda d: d.pop("equipment"), "equipment: missing"),
        (lambda d: d.update(weaker_side=3), "weaker_side: expected"),
    ],
)
def test_data_that_does_not_fit_is_refused_with_where_and_what(
    kb: Knowledge, change: Any, message: str
) -> None:
    data = dump(_stored(kb)[-1][1])
    change(data)
    with pytest.raises(ShapeError) as raised:
        load(Plan, data)
    assert str(raised.value).startswith(message)


def test_a_report_carries_its_derived_figures() -> None:
    day = date(2026, 11, 23)
    report = progress(
        score_trends([Checkin(day, 7, 6, {"sitting": 3}, {}), Checkin(date(2026, 12, 1), 4, 6, {"sitting": 6}, {})]),
        [SelfTestDay(day, "slow", "normal")], session_totals([]), [day], date(2026, 12, 1),
    )  # fmt: skip
    data = dump(report)
    assert data["pain"] == {
        "first": 7.0, "latest": 4.0, "change": -3.0, "meaningful_change": True,
        "weekly": [{"week": "2026-11-23", "mean": 7.0}, {"week": "2026-11-30", "mean": 4.0}],
    }  # fmt: skip
    assert data["minimal_important_change"] == 2.0
    assert load(type(report), data) == report  # derived figures are not read back
