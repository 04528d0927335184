"""Check-in verdicts and the progress summary."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from glutewake.codec import dump
from glutewake.core.progress import (
    Checkin,
    DoneSession,
    SelfTestDay,
    assess_checkin,
    progress,
    rescreen_findings,
    score_trends,
    session_totals,
)
from glutewake.core.triage import Case
from glutewake.knowledge import Knowledge

DAY = date(2026, 11, 23)


def checkin(pain: int = 3, numbness: int = 3, psfs: dict[str, int] | None = None, flags: dict[str, bool | None] | None = None,
            day: date = DAY) -> Checkin:  # fmt: skip
    return Checkin(day, pain, numbness, psfs if psfs is not None else {"film": 5, "drive": 5}, flags or {})


VERDICTS: list[Any] = [
    pytest.param(checkin(flags={"saddle_numbness": True}), None, "red_flag", id="a red flag"),
    pytest.param(checkin(pain=5), checkin(pain=3), "worse", id="pain up 2"),
    pytest.param(checkin(pain=4), checkin(pain=3), "ok", id="pain up 1"),
    pytest.param(checkin(numbness=6), checkin(numbness=3), "worse", id="numbness up 3"),
    pytest.param(checkin(psfs={"film": 3, "drive": 3}), checkin(), "worse", id="activities down 2"),
    pytest.param(checkin(psfs={"film": 4, "drive": 4}), checkin(), "ok", id="activities down 1"),
    pytest.param(checkin(pain=1), checkin(pain=6), "ok", id="better"),
    pytest.param(checkin(pain=9), None, "ok", id="first check-in has nothing to compare"),
    pytest.param(
        checkin(flags={"saddle_numbness": None, "fever": False}),
        None,
        "red_flag",
        id="not sure is not reassuring",
    ),
]


@pytest.mark.parametrize(("now", "before", "outcome"), VERDICTS)
def test_checkin_verdict(kb: Knowledge, now: Checkin, before: Checkin | None, outcome: str) -> None:
    assert assess_checkin(now, before, kb).outcome == outcome


def test_the_rescreen_asks_symptoms_not_history(kb: Knowledge) -> None:
    asked = rescreen_findings(kb)
    assert {"saddle_numbness", "bladder_change", "bowel_change", "fever"} <= set(asked)
    assert not {"cancer_history", "osteoporosis_or_steroids", "recent_serious_trauma"} & set(asked)


def test_trends_use_the_minimal_important_change() -> None:
    report = progress(score_trends([checkin(pain=6, day=DAY), checkin(pain=5, day=DAY + timedelta(8)), checkin(pain=3, day=DAY + timedelta(15))]),
                      [], session_totals([]), [], DAY + timedelta(20))  # fmt: skip
    assert (report.pain.first, report.pain.latest, report.pain.change, report.pain.meaningful_change) == (
        6,
        3,
        -3,
        True,
    )
    assert len(report.pain.weekly) == 3
    assert report.numbness.meaningful_change is False


def test_adherence_per_week_and_streaks() -> None:
    planned = [DAY + timedelta(n) for n in range(0, 14, 2)]  # 7 sessions over two weeks
    done = [DoneSession(d, d, True, 10) for d in planned[:2] + planned[3:6]]
    done.append(DoneSession(planned[2], planned[2], False, 3))  # quit part way
    report = progress(score_trends([]), [], session_totals(done), planned, today=planned[-1])
    assert [(w.done, w.planned) for w in report.adherence] == [(3, 4), (2, 3)]  # 23-29 Nov, then 1-5 Dec
    assert report.longest_streak == 3
    assert report.current_streak == 3, "today's session is still open, so the streak holds"
    assert report.sessions_done == 5
    assert report.sets_done == 53


def test_future_sessions_are_not_counted_as_missed() -> None:
    planned = [DAY, DAY + timedelta(2), DAY + timedelta(4)]
    report = progress(
        score_trends([]),
        [],
        session_totals([DoneSession(DAY, DAY, True, 5)]),
        planned,
        today=DAY + timedelta(1),
    )
    assert [(w.done, w.planned) for w in report.adherence] == [(1, 1)]


def test_progress_json_has_every_figure() -> None:
    data = dump(
        progress(
            score_trends([checkin()]), [SelfTestDay(DAY, "slow", "normal")], session_totals([]), [DAY], DAY
        )
    )
    assert set(data) == {"pain", "numbness", "psfs_mean", "sitting_minutes_per_day", "minimal_important_change", "selftests", "adherence",
                         "current_streak", "longest_streak", "sessions_done", "sets_done"}  # fmt: skip
    assert data["selftests"] == [{"day": "2026-11-23", "left": "slow", "right": "normal"}]


def test_each_planned_day_is_marked_from_the_sessions_done() -> None:
    from glutewake.core.progress import day_marks

    days = [DAY, DAY + timedelta(2), DAY + timedelta(4), DAY + timedelta(6), DAY + timedelta(8)]
    sessions = [
        DoneSession(DAY, DAY, True, 8),  # done
        DoneSession(DAY + timedelta(2), DAY + timedelta(2), False, 3),  # stopped part-way
        DoneSession(DAY + timedelta(5), DAY + timedelta(6), True, 8),  # done a day early
    ]
    marks = day_marks(days, sessions, today=DAY + timedelta(6))
    assert [marks[d] for d in days] == ["done", "part_done", "missed", "done", "to_come"]
    assert day_marks(days[:1], [], today=DAY) == {DAY: "today"}


def test_the_check_in_stops_asking_as_soon_as_an_answer_means_an_emergency(kb: Knowledge) -> None:
    """A warning sign at a check-in leads straight to what to do, with no further screens."""
    from glutewake.core.progress import next_rescreen, rescreen_screens

    screens = rescreen_screens(kb)
    first = next_rescreen({}, kb)
    assert first == screens[0]
    none_on_first = dict.fromkeys(first.findings, False)
    assert next_rescreen(none_on_first, kb) == screens[1]
    emergency_on_first = {**none_on_first, "bladder_change": True}
    assert next_rescreen(emergency_on_first, kb) is None
    # with the check's history, a sign on a later screen can be the emergency
    cancer = Case(60, "female", 30, {"cancer_history": True})
    second = dict.fromkeys(screens[1].findings, False)
    assert next_rescreen({**none_on_first, **second, "leg_weakness": True}, kb, cancer) is None
    assert next_rescreen({**none_on_first, **second, "leg_weakness": True}, kb) is not None
    everything = {f: False for s in screens for f in s.findings}
    assert next_rescreen(everything, kb) is None
