"""The current plan as everything since it was built has changed it: each session's feedback
and each check-in (the adapt rules), and a newer symptom check that allows less.

`snapshot` reads it all once (five queries); a request that needs the plan, what the person
may do now and the session due passes the snapshot on rather than reading them again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from glutewake.codec import load
from glutewake.core.programme import CheckinOutcome, Event, SessionOutcome, adapt, follow_check
from glutewake.core.triage import TriageResult

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.store import ActivePlan, Stored

__all__ = [
    "Snapshot",
    "adapt_plan",
    "current_plan",
    "local_day",
    "newer_check",
    "snapshot",
    "timed_plan_events",
]


def local_day(moment: datetime, zone: tzinfo | None) -> date:
    return moment.astimezone(zone).date()


@dataclass(frozen=True)
class Snapshot:
    """The latest saved check, and the current plan as adapted and as that check allows it,
    with the moment of each event applied to it (oldest first)."""

    latest_check: Stored | None
    active: ActivePlan | None
    timed_events: tuple[tuple[datetime, Event], ...] = ()


def snapshot(ctx: Context) -> Snapshot:
    """Read the latest check and the current plan once, and adapt the plan (storing nothing)."""
    runs = ctx.records.triage_runs(limit=1)
    latest = runs[0] if runs else None
    active = ctx.records.current_plan()
    if active is None or active.plan.status == "not_started":
        return Snapshot(latest, active)
    timed, part_way = _since_built(ctx, active)
    adapted = adapt(active.plan, [event for _, event in timed], ctx.knowledge)
    newer = newer_check(active, latest)
    if newer is not None:
        day = local_day(newer.at, ctx.clock.now().tzinfo)
        result = load(TriageResult, newer.data["result"])
        # from the check's day, and from a session left part-way before it, which comes next
        since = min(part_way, default=day)
        adapted = follow_check(adapted, result, day, ctx.knowledge, at=newer.at, since=since)
    return Snapshot(latest, active if adapted == active.plan else replace(active, plan=adapted), tuple(timed))


def current_plan(ctx: Context) -> ActivePlan | None:
    """The current plan as adapted to every session and check-in since it was made, and as the
    latest symptom check allows it, if that check is newer than the plan.

    A query: it computes the adaptation and stores nothing (`adapt_plan` keeps it, when an
    event arrives). Adapting is idempotent, so an up-to-date plan comes back unchanged."""
    return snapshot(ctx).active


def newer_check(active: ActivePlan, latest: Stored | None) -> Stored | None:
    """The latest saved symptom check, if it came after the plan was built on another one."""
    if latest is None or latest.id == active.triage_run_id or latest.at < active.created_at:
        return None
    return latest


def adapt_plan(ctx: Context) -> ActivePlan | None:
    """Let the plan react to what just happened (a session's feedback, a check-in), and keep it."""
    stored = ctx.records.current_plan()
    active = current_plan(ctx)
    if active is not None and stored is not None and active.plan != stored.plan:
        ctx.records.update_plan(active.id, active.plan)
    return active


def timed_plan_events(ctx: Context, active: ActivePlan) -> list[tuple[datetime, Event]]:
    """Sessions of this plan with feedback, and check-ins since it began, each with the moment it
    became known (a session's when its feedback was given), in that order."""
    return _since_built(ctx, active)[0]


def _since_built(ctx: Context, active: ActivePlan) -> tuple[list[tuple[datetime, Event]], list[date]]:
    """`timed_plan_events`, and the days of this plan's sessions left part-way (begun, not ended)."""
    zone = ctx.records.clock.now().tzinfo
    planned = {session.day: session for session in active.plan.sessions}
    timed: list[tuple[datetime, Event]] = []
    latest: dict[int, tuple[str, date]] = {}  # each planned session's latest log: status, day
    for log in ctx.records.session_logs(since=active.created_at):
        if log.plan_id != active.id or log.planned_day is None:
            continue
        if log.planned_session_id is not None:
            latest[log.planned_session_id] = (log.status, log.planned_day)
        if log.rpe is None:
            continue
        day = log.planned_day
        done = log.sets >= planned[day].set_count if day in planned else False
        outcome = SessionOutcome(day, log.rpe, log.pain or 0, tuple(log.felt or ()), done)
        timed.append((log.feedback_at or log.started_at, outcome))
    for checkin in ctx.records.checkins(since=active.created_at):
        outcome = checkin.data["outcome"]
        timed.append(
            (
                checkin.at,
                CheckinOutcome(local_day(checkin.at, zone), outcome == "red_flag", outcome == "worse"),
            )
        )
    part_way = [day for status, day in latest.values() if status in ("in_progress", "quit")]
    return sorted(timed, key=lambda pair: pair[0]), part_way
