"""The plan as a calendar: its days in Monday-to-Sunday weeks, each marked done, missed or to come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from glutewake.app.journal import sessions_done
from glutewake.core.progress import DayMark, day_marks

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.core.programme import Plan, PlannedSession

__all__ = ["PlanDay", "plan_weeks"]


@dataclass(frozen=True)
class PlanDay:
    day: date
    session: PlannedSession | None  # None: a rest day
    mark: DayMark | None  # how a session day stands; None on a rest day


def plan_weeks(ctx: Context, plan: Plan, today: date) -> list[list[PlanDay]]:
    """The plan's days as Monday-to-Sunday rows, each session day marked from the sessions done."""
    if not plan.sessions:
        return []
    first, last = plan.sessions[0].day, plan.sessions[-1].day
    # Only the logs of this plan's days can mark them: the rest of the history is not read.
    marks = day_marks([s.day for s in plan.sessions], sessions_done(ctx, planned_from=first), today)
    by_day = {s.day: s for s in plan.sessions}
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        days = [monday + timedelta(n) for n in range(7)]
        weeks.append([PlanDay(d, by_day.get(d), marks.get(d)) for d in days])
        monday += timedelta(days=7)
    return weeks
