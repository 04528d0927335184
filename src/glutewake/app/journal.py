"""Check-ins and progress in the shell: keep a check-in, judge it, summarise progress."""

from __future__ import annotations

from datetime import date, timedelta, tzinfo
from typing import TYPE_CHECKING

from glutewake.app.plan_state import adapt_plan, local_day
from glutewake.codec import load
from glutewake.core.progress import (
    Checkin,
    CheckinVerdict,
    DoneSession,
    Progress,
    SelfTestDay,
    assess_checkin,
    progress,
)
from glutewake.core.selftests import SelfTestResult
from glutewake.core.triage import Case

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.store import Stored

__all__ = [
    "as_checkin",
    "last_check_case",
    "last_checkin",
    "progress_report",
    "psfs_activities",
    "record_checkin",
    "todays_answers",
]


def as_checkin(stored: Stored, zone: tzinfo | None) -> Checkin:
    data = stored.data
    return Checkin(
        local_day(stored.at, zone), data["pain"], data["numbness"], data["psfs"], data["red_flags"]
    )


def last_checkin(ctx: Context) -> Checkin | None:
    latest = ctx.records.latest_checkin()
    return None if latest is None else as_checkin(latest, ctx.records.clock.now().tzinfo)


def last_check_case(ctx: Context) -> Case | None:
    """The case of the latest saved symptom check, keeping only answers to today's questions."""
    runs = ctx.records.triage_runs(1)
    if not runs:
        return None
    return todays_answers(load(Case, runs[0].data["case"]), ctx)


def todays_answers(case: Case, ctx: Context) -> Case:
    """The case keeping only answers to questions glutewake still asks (one may be retired)."""
    findings = ctx.knowledge.findings
    return case.with_answers({k: v for k, v in case.answers.items() if k in findings}, replace=True)


def psfs_activities(ctx: Context) -> list[str]:
    """The everyday activities the person rates (PSFS), named once: as kept in their profile,
    else as their last check-in named them; empty before the first check-in."""
    profile = ctx.records.profile()
    if profile and profile.psfs_activities:
        return list(profile.psfs_activities)
    latest = ctx.records.latest_checkin()
    return list(latest.data["psfs"]) if latest else []


def record_checkin(ctx: Context, checkin: Checkin) -> CheckinVerdict:
    """Judge the check-in against the last one, keep it, and let the plan react (it stops on a
    red flag). The first time, the activities it rates become the ones asked about next time."""
    from dataclasses import replace

    from glutewake.core.programme import Profile

    profile = ctx.records.profile()
    if checkin.psfs and not (profile and profile.psfs_activities):
        ctx.records.save_profile(replace(profile or Profile(), psfs_activities=tuple(checkin.psfs)))
    verdict = assess_checkin(checkin, last_checkin(ctx), ctx.knowledge, last_check_case(ctx))
    ctx.records.add_checkin(
        checkin.pain, checkin.numbness, dict(checkin.psfs), dict(checkin.red_flags), verdict.outcome
    )
    adapt_plan(ctx)
    return verdict


def sessions_done(ctx: Context, planned_from: date | None = None) -> list[DoneSession]:
    """Every session log as progress sees it: its local day, planned day, whether completed, sets;
    with `planned_from`, only those of sessions planned for that day or later."""
    zone = ctx.clock.now().tzinfo
    return [
        DoneSession(local_day(started, zone), planned_day, status == "completed", sets)
        for started, planned_day, status, sets in ctx.records.session_days(planned_from)
    ]


def progress_report(ctx: Context, today: date) -> Progress:
    """Progress as of `today`; the check-ins' trends and the sitting per day are summed by the
    database, so the cost does not grow with the number of check-ins or bouts."""
    now = ctx.records.clock.now()
    zone, offset = now.tzinfo, now.utcoffset() or timedelta(0)
    selftests = []
    for stored in ctx.records.selftest_results():
        result = load(SelfTestResult, stored.data)
        selftests.append(
            SelfTestDay(local_day(stored.at, zone), result.side("left").status, result.side("right").status)
        )
    return progress(
        ctx.records.score_trends(offset),
        selftests,
        ctx.records.session_totals(),
        ctx.records.planned_days(),
        today,
        _sitting_per_day(ctx, offset),
    )


def _sitting_per_day(ctx: Context, offset: timedelta) -> list[tuple[date, float]]:
    """Minutes of active sitting per day: what this store's coach recorded and, on a clinic's
    server, what the patient's linked computer shared (for the days the store has no bouts of)."""
    minutes = dict(ctx.records.sitting_minutes_by_day(offset))
    for shared in ctx.records.shared_sitting(date(2000, 1, 1)):
        minutes.setdefault(shared.day, shared.stats.active_seconds / 60)
    return sorted(minutes.items())
