"""Check-ins and progress: what a check-in means, and how things are going over time.

Pure: no I/O, no clock (`today` and the records are arguments). Scores follow common
clinical scales: pain as NPRS 0-10, numbness 0-10, and the Patient-Specific Functional
Scale (PSFS: 0 = unable, 10 = as before) whose minimal important change is about 2 points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import ClassVar, Literal

from glutewake.core.triage import Case, TriageResult, triage
from glutewake.knowledge.schema import Knowledge, Screen

__all__ = [
    "MINIMAL_IMPORTANT_CHANGE",
    "Checkin",
    "CheckinVerdict",
    "DayMark",
    "DoneSession",
    "Progress",
    "ScoreTrends",
    "SelfTestDay",
    "SessionTotals",
    "Trend",
    "WeekAdherence",
    "WeekMean",
    "assess_checkin",
    "day_marks",
    "next_rescreen",
    "progress",
    "rescreen_findings",
    "rescreen_screens",
    "score_trends",
    "session_totals",
    "trend",
]

MINIMAL_IMPORTANT_CHANGE = 2.0  # points, for NPRS pain and the PSFS mean alike


@dataclass(frozen=True)
class Checkin:
    day: date
    pain: int
    numbness: int
    psfs: Mapping[str, int]
    red_flags: Mapping[str, bool | None]

    @property
    def psfs_mean(self) -> float | None:
        return fmean(self.psfs.values()) if self.psfs else None


@dataclass(frozen=True)
class CheckinVerdict:
    """`triage` is the triage of the warning-sign answers (None when none was given): the same
    urgency and words as the symptom check would give."""

    outcome: Literal["ok", "red_flag", "worse"]
    reasons: tuple[str, ...]
    triage: TriageResult | None = None


def rescreen_findings(kb: Knowledge) -> list[str]:
    """The red-flag questions a check-in asks again: symptoms that can newly appear, not history."""
    return [f for screen in rescreen_screens(kb) for f in screen.findings]


def rescreen_screens(kb: Knowledge) -> list[Screen]:
    """The check's red-flag checklists, keeping only what can newly appear (not history)."""
    screens = []
    for screen in kb.triage.screens:
        kept = tuple(
            f for f in screen.findings if kb.findings[f].group == "red_flag" and not kb.findings[f].history
        )
        if screen.stage == 1 and kept:
            screens.append(Screen(screen.id, screen.stage, screen.title, kept))
    return screens


def next_rescreen(
    answered: Mapping[str, bool | None], kb: Knowledge, last_check: Case | None = None
) -> Screen | None:
    """The next check-in safety screen to ask, or None: every screen is answered, or the
    answers so far already mean an emergency (the person should act, not go on typing)."""
    if answered:
        base = last_check or Case(40, "other", 0, {})
        history = {f: a for f, a in base.answers.items() if f in kb.findings and kb.findings[f].history}
        if triage(base.with_answers({**history, **answered}, replace=True), kb).urgency == "emergency":
            return None
    return next((s for s in rescreen_screens(kb) if any(f not in answered for f in s.findings)), None)


def assess_checkin(
    checkin: Checkin, previous: Checkin | None, kb: Knowledge, last_check: Case | None = None
) -> CheckinVerdict:
    """A warning sign that the triage would act on, or a clear worsening since the last
    check-in, means triage again. The warning signs are judged with what the last check said
    about the person's history (a cancer, a weak immune system), so that a new weak leg after
    a cancer is the emergency it would be in the check."""
    if checkin.red_flags:
        base = last_check or Case(40, "other", 0, {})
        history = {
            f: answer for f, answer in base.answers.items() if f in kb.findings and kb.findings[f].history
        }
        result = triage(base.with_answers({**history, **checkin.red_flags}, replace=True), kb)
        if result.urgency != "self_care":
            flagged = [kb.findings[f].label_yes for f, answer in checkin.red_flags.items() if answer is True]
            unsure = [kb.findings[f].label_yes for f, answer in checkin.red_flags.items() if answer is None]
            signs = (*flagged, *(f"not sure: {label}" for label in unsure))
            return CheckinVerdict("red_flag", signs, result)
    reasons = []
    if previous is not None:
        if checkin.pain - previous.pain >= MINIMAL_IMPORTANT_CHANGE:
            reasons.append(f"pain up from {previous.pain} to {checkin.pain}")
        if checkin.numbness - previous.numbness >= MINIMAL_IMPORTANT_CHANGE:
            reasons.append(f"numbness up from {previous.numbness} to {checkin.numbness}")
        before, now = previous.psfs_mean, checkin.psfs_mean
        if before is not None and now is not None and before - now >= MINIMAL_IMPORTANT_CHANGE:
            reasons.append(f"everyday activities down from {before:.1f} to {now:.1f}")
    return CheckinVerdict("worse" if reasons else "ok", tuple(reasons))


@dataclass(frozen=True)
class DoneSession:
    """A session log as progress sees it."""

    day: date
    planned_day: date | None
    completed: bool
    sets: int


@dataclass(frozen=True)
class SessionTotals:
    """What progress needs of the session logs (the store counts it in SQL for a long history)."""

    done_days: frozenset[date]  # planned days whose session was completed
    sessions_done: int
    sets_done: int


def session_totals(sessions: Sequence[DoneSession]) -> SessionTotals:
    """The definition of the totals, from every session log."""
    return SessionTotals(
        frozenset(s.planned_day for s in sessions if s.completed and s.planned_day is not None),
        sum(s.completed for s in sessions),
        sum(s.sets for s in sessions),
    )


@dataclass(frozen=True)
class WeekMean:
    week: date  # its Monday
    mean: float


@dataclass(frozen=True)
class Trend:
    first: float | None
    latest: float | None
    weekly: tuple[WeekMean, ...]  # each week with a value

    __reported__: ClassVar[tuple[str, ...]] = ("change", "meaningful_change")

    @property
    def change(self) -> float | None:
        return None if self.first is None or self.latest is None else self.latest - self.first

    @property
    def meaningful_change(self) -> bool:
        return self.change is not None and abs(self.change) >= MINIMAL_IMPORTANT_CHANGE


@dataclass(frozen=True)
class SelfTestDay:
    day: date
    left: str  # each side's activation status
    right: str


@dataclass(frozen=True)
class WeekAdherence:
    week: date  # its Monday
    done: int
    planned: int


@dataclass(frozen=True)
class Progress:
    pain: Trend
    numbness: Trend
    psfs_mean: Trend
    sitting_minutes_per_day: Trend  # active sitting, from the coach
    selftests: tuple[SelfTestDay, ...]
    adherence: tuple[WeekAdherence, ...]
    current_streak: int
    longest_streak: int
    sessions_done: int
    sets_done: int

    __reported__: ClassVar[tuple[str, ...]] = ("minimal_important_change",)

    @property
    def minimal_important_change(self) -> float:
        """How big a change in a 0-10 score must be to mean something to the person."""
        return MINIMAL_IMPORTANT_CHANGE


DayMark = Literal["done", "part_done", "missed", "today", "to_come"]


def day_marks(planned: Sequence[date], sessions: Sequence[DoneSession], today: date) -> dict[date, DayMark]:
    """How each planned day stands: done, done in part, missed, today's, or still to come."""
    done = {s.planned_day for s in sessions if s.completed and s.planned_day is not None}
    begun = {s.planned_day for s in sessions if s.sets and s.planned_day is not None}

    def mark(day: date) -> DayMark:
        if day in done:
            return "done"
        if day in begun:
            return "part_done"
        return "today" if day == today else "missed" if day < today else "to_come"

    return {day: mark(day) for day in planned}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class ScoreTrends:
    """The check-ins' three scores over time (the store computes the same in SQL for a long history)."""

    pain: Trend
    numbness: Trend
    psfs_mean: Trend


def score_trends(checkins: Sequence[Checkin]) -> ScoreTrends:
    """The definition of the trends: first and latest value, and each week's mean (by Monday)."""
    ordered = sorted(checkins, key=lambda c: c.day)
    return ScoreTrends(
        pain=trend([(c.day, float(c.pain)) for c in ordered]),
        numbness=trend([(c.day, float(c.numbness)) for c in ordered]),
        psfs_mean=trend([(c.day, mean) for c in ordered if (mean := c.psfs_mean) is not None]),
    )


def trend(points: Sequence[tuple[date, float]]) -> Trend:
    """`points` in time order: the first, the latest, and each week's mean (rounded to 2 places)."""
    weeks: dict[date, list[float]] = {}
    for day, value in points:
        weeks.setdefault(_monday(day), []).append(value)
    weekly = tuple(WeekMean(week, round(fmean(values), 2)) for week, values in sorted(weeks.items()))
    return Trend(points[0][1] if points else None, points[-1][1] if points else None, weekly)


def progress(
    scores: ScoreTrends,
    selftests: Sequence[SelfTestDay],
    sessions: SessionTotals,
    planned_days: Sequence[date],
    today: date,
    sitting: Sequence[tuple[date, float]] = (),
) -> Progress:
    """Trends of the scores, self-test results, weekly adherence to the plan, and streaks."""
    done_days = sessions.done_days
    weeks: dict[date, list[int]] = {}
    for day in planned_days:
        if day <= today:
            counts = weeks.setdefault(_monday(day), [0, 0])
            counts[0] += day in done_days
            counts[1] += 1
    streaks = [0]
    for day in sorted(d for d in planned_days if d <= today):
        if day in done_days:
            streaks[-1] += 1
        elif day < today:  # today's session can still be done
            streaks.append(0)
    return Progress(
        pain=scores.pain,
        numbness=scores.numbness,
        psfs_mean=scores.psfs_mean,
        sitting_minutes_per_day=trend(sorted(sitting)),
        selftests=tuple(sorted(selftests, key=lambda s: s.day)),
        adherence=tuple(
            WeekAdherence(week, done, planned) for week, (done, planned) in sorted(weeks.items())
        ),
        current_streak=streaks[-1],
        longest_streak=max(streaks),
        sessions_done=sessions.sessions_done,
        sets_done=sessions.sets_done,
    )
