"""Who the dashboard lists first, rule by rule, and which events are alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from glutewake.core.attention import (
    TIERS,
    Alert,
    Standing,
    alert_pain,
    checkin_alert,
    ordered,
    session_alert,
    tier,
)
from glutewake.core.questionnaires import due_on, is_overdue
from glutewake.knowledge import Knowledge

TODAY = date(2026, 12, 1)
NOON = datetime(2026, 12, 1, 12, tzinfo=UTC)
ALERT = Alert("session", 7, NOON, "pain 6/10 after a session")


@pytest.mark.parametrize(
    ("standing", "expected"),
    [
        (Standing(1, "A", alerts=(ALERT,), pending_changes=1, missed_in_a_row=3, overdue=("PSFS",)), "alert"),
        (Standing(1, "A", pending_changes=1, missed_in_a_row=3), "approval"),
        (Standing(1, "A", missed_in_a_row=1, overdue=("PSFS",)), "no_session"),
        (Standing(1, "A", overdue=("PSFS",)), "questionnaire"),
        (Standing(1, "A", planned_recently=4, done_recently=4), "on_track"),
    ],
)
def test_each_tier_takes_the_patients_its_rule_names(standing: Standing, expected: str) -> None:
    assert tier(standing) == expected


def test_every_tier_can_be_reached() -> None:
    reached = {
        tier(s)
        for s in (
            Standing(1, "a", alerts=(ALERT,)),
            Standing(1, "a", pending_changes=1),
            Standing(1, "a", missed_in_a_row=1),
            Standing(1, "a", overdue=("x",)),
            Standing(1, "a"),
        )
    }
    assert reached == {tier_id for tier_id, _, _ in TIERS}


def test_the_order_puts_alerts_first_newest_first_then_the_longest_missed() -> None:
    older = Alert("checkin", 3, NOON - timedelta(days=2), "clearly worse at a check-in")
    people = [
        Standing(1, "Zed"),
        Standing(2, "Old alert", alerts=(older,)),
        Standing(3, "Missed two", missed_in_a_row=2),
        Standing(4, "New alert", alerts=(ALERT,)),
        Standing(5, "Missed five", missed_in_a_row=5),
        Standing(6, "Abe"),
    ]
    assert [s.name for _, s in ordered(people, TODAY)] == [
        "New alert", "Old alert", "Missed five", "Missed two", "Abe", "Zed",
    ]  # fmt: skip


def test_alerts_come_from_warning_signs_worsening_and_painful_sessions(kb: Knowledge) -> None:
    threshold = alert_pain(kb)
    assert threshold == 5  # the painful_session adapt rule's own threshold
    assert checkin_alert("red_flag")
    assert checkin_alert("worse")
    assert checkin_alert("ok") is None
    assert session_alert(threshold, threshold) == f"pain {threshold}/10 after a session"
    assert session_alert(threshold - 1, threshold) is None


def test_the_minimal_important_change_is_marked() -> None:
    assert Standing.changed((6, 4))
    assert Standing.changed((2, 5))
    assert not Standing.changed((5, 4))
    assert not Standing.changed(None)
    assert Standing(1, "a", planned_recently=4, done_recently=3).adherence == 0.75
    assert Standing(1, "a").adherence is None


@pytest.mark.parametrize(
    ("starts", "every", "last", "due"),
    [
        (TODAY, 7, None, TODAY),  # never answered: due from its first day
        (TODAY, 7, TODAY - timedelta(3), TODAY),  # answered before the schedule began
        (TODAY - timedelta(10), 7, TODAY - timedelta(2), TODAY + timedelta(5)),
    ],
)
def test_a_questionnaire_is_due_every_so_many_days_after_its_last_answer(
    starts: date, every: int, last: date | None, due: date
) -> None:
    assert due_on(starts, every, last) == due


def test_a_questionnaire_is_overdue_after_the_grace_days() -> None:
    assert not is_overdue(TODAY, TODAY + timedelta(2))
    assert is_overdue(TODAY, TODAY + timedelta(3))
