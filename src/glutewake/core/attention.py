"""Who needs a clinician's attention first: which events are alerts, and the order of a caseload.

Pure: no I/O, no clock (today is an argument). Both are tables: `ALERTS` names what makes an
event an alert, `TIERS` the order patients are listed in, most urgent first; the store finds
the rows and this module judges them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from glutewake.core.progress import MINIMAL_IMPORTANT_CHANGE
from glutewake.knowledge.schema import Knowledge

__all__ = [
    "TIERS",
    "Alert",
    "Standing",
    "alert_pain",
    "checkin_alert",
    "ordered",
    "session_alert",
    "tier",
]

Source = Literal["checkin", "session", "plan"]


@dataclass(frozen=True)
class Alert:
    """Something a patient reported that a clinician should see: what, when, and where from."""

    source: Source
    source_id: int
    at: datetime
    what: str

    @property
    def event(self) -> str:
        return f"{self.source}:{self.source_id}"


# A check-in's outcome -> what it means for the clinician.
CHECKIN_ALERTS = {
    "red_flag": "a warning sign came up at a check-in",
    "worse": "clearly worse at a check-in",
}


def alert_pain(kb: Knowledge) -> int:
    """The pain after a session that makes it an alert: the one at which the adapt rules
    already step a programme back (`painful_session`), so the two never disagree."""
    return min(
        rule.when.pain_at_least
        for rule in kb.programme.adapt_rules
        if rule.when.pain_at_least is not None and rule.action in ("regress", "stop")
    )


def checkin_alert(outcome: str) -> str | None:
    return CHECKIN_ALERTS.get(outcome)


def session_alert(pain: int, threshold: int) -> str | None:
    return f"pain {pain}/10 after a session" if pain >= threshold else None


@dataclass(frozen=True)
class Standing:
    """Where one patient stands, as the dashboard lists them."""

    patient_id: int
    name: str
    alerts: tuple[Alert, ...] = ()
    pending_changes: int = 0
    last_activity: datetime | None = None
    planned_recently: int = 0  # planned sessions in the last two weeks, up to today
    done_recently: int = 0  # of those, done
    missed_in_a_row: int = 0  # planned days passed (beyond the grace) since the last session
    pain: tuple[int, int] | None = None  # (at the start, now), from the check-ins
    numbness: tuple[int, int] | None = None
    overdue: tuple[str, ...] = ()  # questionnaire names
    next_follow_up: datetime | None = None

    @property
    def adherence(self) -> float | None:
        return self.done_recently / self.planned_recently if self.planned_recently else None

    @staticmethod
    def changed(scores: tuple[int, int] | None) -> bool:
        """Whether a (start, now) pair moved by at least the minimal important change."""
        return scores is not None and abs(scores[1] - scores[0]) >= MINIMAL_IMPORTANT_CHANGE


Test = Callable[[Standing], bool]
# (id, heading, who is in it): the first that holds places the patient; listed in this order.
TIERS: tuple[tuple[str, str, Test], ...] = (
    ("alert", "Warning signs and worsening", lambda s: bool(s.alerts)),
    ("approval", "Changes waiting for your approval", lambda s: s.pending_changes > 0),
    ("no_session", "No session for longer than their plan allows", lambda s: s.missed_in_a_row > 0),
    ("questionnaire", "Questionnaires overdue", lambda s: bool(s.overdue)),
    ("on_track", "Everyone else", lambda s: True),
)


def tier(standing: Standing) -> str:
    return next(tier_id for tier_id, _, holds in TIERS if holds(standing))


def ordered(standings: Sequence[Standing], today: date) -> list[tuple[str, Standing]]:
    """Each patient with their tier, most urgent tier first; within a tier, the newest alert
    first, then the longest without a session, then by name."""
    rank = {tier_id: n for n, (tier_id, _, _) in enumerate(TIERS)}

    def key(standing: Standing) -> tuple[int, float, int, str]:
        newest = max((a.at.timestamp() for a in standing.alerts), default=0.0)
        return (rank[tier(standing)], -newest, -standing.missed_in_a_row, standing.name.lower())

    return [(tier(s), s) for s in sorted(standings, key=key)]
