"""What the person may do now: one row per rule of `core/clearance.py`, then properties over them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glutewake.core.clearance import CheckinOnFile, CheckOnFile, PlanOnFile, clearance
from glutewake.core.programme import PlanChange, Profile, build_plan
from glutewake.core.triage import Case, TriageResult, triage
from glutewake.knowledge import Knowledge, load_knowledge
from glutewake.knowledge.schema import EXERCISE_ORDER

KB = load_knowledge(use_cache=False)
DAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
AMNESIA = {"numb_when_sitting": True, "eases_on_standing": True}
RESULTS = {
    "self_care": triage(Case(35, "female", 30, AMNESIA), KB),
    "gentle": triage(Case(35, "female", 10, {"leg_pain_below_knee": True, "shooting_pain": True}), KB),
    "gp": triage(Case(35, "female", 30, {**AMNESIA, "getting_worse": True}), KB),
    "urgent": triage(Case(35, "female", 30, {**AMNESIA, "saddle_numbness": None}), KB),
    "emergency": triage(Case(35, "female", 30, {**AMNESIA, "saddle_numbness": True}), KB),
}


def check(kind: str, at: datetime = DAY) -> CheckOnFile:
    return CheckOnFile(at, RESULTS[kind])


def plan(result: TriageResult = RESULTS["self_care"], **changes: Any) -> Any:
    return replace(build_plan(Profile(), result, None, DAY.date(), KB), **changes)


STOP = PlanChange(DAY.date(), "stopped", "pain_rising", "stopped: pain has risen over your last two sessions")
OVERRIDE = PlanChange(
    DAY.date(), "prescribed", "clinician_override", "Squat confirmed by Dr Ruiz: reviewed", "Dr Ruiz"
)
RED_FLAG = CheckinOnFile(DAY + timedelta(days=1), "red_flag", ("both legs",), RESULTS["emergency"])

# (case, exercise, source, urgency): one row per rule
ROWS: list[Any] = [
    pytest.param(None, (), None, "none", "no_check", None, id="no check yet: nothing until the check"),
    pytest.param(
        None, (RED_FLAG,), None, "none", "checkin", "emergency", id="a warning sign with no check yet"
    ),
    pytest.param(
        check("self_care"), (), None, "full", "check", "self_care", id="self-care check: the full plan"
    ),
    pytest.param(
        check("gentle"), (), None, "gentle", "check", "self_care", id="acute nerve pain: gentle only"
    ),
    pytest.param(check("gp"), (), None, "gentle", "check", "gp", id="a GP result: gentle only"),
    pytest.param(check("urgent"), (), None, "none", "check", "urgent", id="unsure warning sign: no exercise"),
    pytest.param(check("emergency"), (), None, "none", "check", "emergency", id="emergency: no exercise"),
    pytest.param(
        check("self_care"), (RED_FLAG,), None, "none", "checkin", "emergency", id="warning sign at check-in"
    ),
    pytest.param(
        check("self_care"),
        (CheckinOnFile(DAY + timedelta(1), "worse", ("pain up from 2 to 6",)),),
        None,
        "none",
        "checkin",
        None,
        id="clearly worse at a check-in",
    ),
    pytest.param(
        check("self_care", DAY + timedelta(2)),
        (RED_FLAG,),
        None,
        "full",
        "check",
        "self_care",
        id="a newer check lifts a check-in's stop",
    ),
    pytest.param(
        check("self_care"),
        (),
        PlanOnFile(plan(status="stopped", changes=(STOP,)), DAY + timedelta(3), True),
        "none",
        "plan",
        None,
        id="a safety stop after the check",
    ),
    pytest.param(
        check("self_care", DAY + timedelta(4)),
        (),
        PlanOnFile(plan(status="stopped", changes=(STOP,)), DAY + timedelta(3), False),
        "full",
        "check",
        "self_care",
        id="a newer check lifts one's own plan's stop",
    ),
    pytest.param(
        check("self_care", DAY + timedelta(4)),
        (),
        PlanOnFile(
            plan(status="stopped", changes=(STOP,), prescribed_by="Dr Ruiz"), DAY + timedelta(3), False
        ),
        "none",
        "plan",
        None,
        id="a clinician's programme stays paused until they resume it",
    ),
    pytest.param(
        check("gp"),
        (),
        PlanOnFile(plan(RESULTS["gp"], prescribed_by="Dr Ruiz", changes=(OVERRIDE,)), None, True),
        "full",
        "clinician",
        None,
        id="a clinician's recorded override of that check",
    ),
    pytest.param(
        check("gp"),
        (),
        PlanOnFile(plan(RESULTS["gp"], prescribed_by="Dr Ruiz", changes=(OVERRIDE,)), None, False),
        "gentle",
        "check",
        "gp",
        id="an override answers only the check it was made against",
    ),
    pytest.param(
        check("emergency"),
        (),
        PlanOnFile(plan(status="stopped", changes=(STOP,)), DAY + timedelta(1), True),
        "none",
        "check",
        "emergency",
        id="the most urgent leads among equally strict",
    ),
]


@pytest.mark.parametrize(("given_check", "checkins", "on_file", "exercise", "source", "urgency"), ROWS)
def test_clearance_row(
    kb: Knowledge,
    given_check: Any,
    checkins: Any,
    on_file: Any,
    exercise: str,
    source: str,
    urgency: str | None,
) -> None:
    cleared = clearance(given_check, checkins, on_file, kb)
    assert (cleared.exercise, cleared.source, cleared.urgency) == (exercise, source, urgency)
    assert cleared.reason.endswith(".")
    assert cleared.title


def test_an_emergency_gives_the_regions_number_to_call_and_leads_with_help(kb: Knowledge) -> None:
    cleared = clearance(check("emergency"), (), None, kb)
    assert cleared.call == "999"
    assert cleared.seek_help
    assert cleared.title == RESULTS["emergency"].title
    assert cleared.actions == RESULTS["emergency"].advice.now
    urgent = clearance(check("urgent"), (), None, kb)
    assert (urgent.call, urgent.seek_help) == ("111", True)
    us = load_knowledge(use_cache=False, region="us")
    assert clearance(check("emergency"), (), None, us).call == "911"
    assert clearance(check("urgent"), (), None, us).call is None, "no one number for same-day care there"


def test_gentle_allows_only_gentle_exercises(kb: Knowledge) -> None:
    cleared = clearance(check("gentle"), (), None, kb)
    assert cleared.allows(kb.exercises["glute_bridge"])
    assert not cleared.allows(kb.exercises["squat"])
    assert not clearance(check("emergency"), (), None, kb).allows(kb.exercises["seated_glute_squeeze"])


KINDS = sorted(RESULTS)


@settings(max_examples=300)
@given(
    st.sampled_from(KINDS),
    st.lists(st.tuples(st.integers(-3, 3), st.sampled_from(["ok", "red_flag", "worse"])), max_size=3),
    st.sampled_from([None, "stopped_after", "stopped_before", "supervised_stop", "override"]),
)
def test_no_record_ever_raises_what_the_latest_check_allows_but_a_clinicians_override(
    kind: str, checkins: list[tuple[int, str]], plan_state: str | None
) -> None:
    result = RESULTS[kind]
    on_file = {
        None: None,
        "stopped_after": PlanOnFile(plan(status="stopped", changes=(STOP,)), DAY + timedelta(1), True),
        "stopped_before": PlanOnFile(plan(status="stopped", changes=(STOP,)), DAY - timedelta(1), False),
        "supervised_stop": PlanOnFile(
            plan(status="stopped", changes=(STOP,), prescribed_by="Dr Ruiz"), DAY - timedelta(1), False
        ),
        "override": PlanOnFile(plan(result, prescribed_by="Dr Ruiz", changes=(OVERRIDE,)), None, True),
    }[plan_state]
    records = tuple(
        CheckinOnFile(
            DAY + timedelta(days=d), outcome, ("x",), RESULTS["emergency"] if outcome == "red_flag" else None
        )  # type: ignore[arg-type]
        for d, outcome in checkins
    )
    cleared = clearance(check(kind), records, on_file, KB)
    if cleared.source != "clinician":
        assert EXERCISE_ORDER.index(cleared.exercise) <= EXERCISE_ORDER.index(result.exercise)
    if any(d > 0 and outcome != "ok" for d, outcome in checkins) or plan_state in (
        "stopped_after",
        "supervised_stop",
    ):
        assert cleared.exercise == "none"
    if result.urgency in ("emergency", "urgent") and plan_state != "override":
        assert cleared.seek_help, (
            "an emergency or same-day result always leads, unless a clinician took charge"
        )
    assert cleared.may_exercise == (cleared.exercise != "none")


def test_every_source_is_reachable(kb: Knowledge) -> None:
    sources = {clearance(c, ch, p, kb).source for c, ch, p, *_ in (row.values for row in ROWS)}
    assert sources == {"no_check", "check", "checkin", "plan", "clinician"}


def test_dates_in_the_reason_are_the_records_own(kb: Knowledge) -> None:
    assert "7 December" in clearance(check("gentle"), (), None, kb).reason
    assert "8 December" in clearance(check("self_care"), (RED_FLAG,), None, kb).reason
