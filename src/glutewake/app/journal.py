"""Check-ins and progress in the shell: keep a check-in, judge it, summarise progress."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from glutewake.app.plans import adapt_plan, local_day
from glutewake.app.region import knowledge
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
    from glutewake.store import Repository, Stored

__all__ = ["last_check_case", "last_checkin", "progress_report", "psfs_activities", "record_checkin"]


def _as_checkin(stored: Stored, zone: tzinfo | None) -> Checkin:
    data = stored.data
    return Checkin(
        local_day(stored.at, zone), data["pain"], data["numbness"], data["psfs"], data["red_flags"]
    )


def last_checkin(repo: Repository) -> Checkin | None:
    latest = repo.latest_checkin()
    return None if latest is None else _as_checkin(latest, repo.clock.now().tzinfo)


def last_check_case(repo: Repository) -> Case | None:
    """The case of the latest saved symptom check, keeping only answers to today's questions."""
    runs = repo.triage_runs(1)
    if not runs:
        return None
    case, findings = load(Case, runs[0].data["case"]), knowledge().findings
    return case.with_answers({k: v for k, v in case.answers.items() if k in findings}, replace=True)


def psfs_activities(repo: Repository) -> list[str]:
    """The everyday activities the person rates (PSFS), named once: as kept in their profile,
    else as their last check-in named them; empty before the first check-in."""
    profile = repo.profile()
    if profile and profile.psfs_activities:
        return list(profile.psfs_activities)
    latest = repo.latest_checkin()
    return list(latest.data["psfs"]) if latest else []


def record_checkin(repo: Repository, checkin: Checkin) -> CheckinVerdict:
    """Judge the check-in against the last one, keep it, and let the plan react (it stops on a
    red flag). The first time, the activities it rates become the ones asked about next time."""
    from dataclasses import replace

    from glutewake.core.programme import Profile

    profile = repo.profile()
    if checkin.psfs and not (profile and profile.psfs_activities):
        repo.save_profile(replace(profile or Profile(), psfs_activities=tuple(checkin.psfs)))
    verdict = assess_checkin(checkin, last_checkin(repo), knowledge(), last_check_case(repo))
    repo.add_checkin(
        checkin.pain, checkin.numbness, dict(checkin.psfs), dict(checkin.red_flags), verdict.outcome
    )
    adapt_plan(repo)
    return verdict


def progress_report(repo: Repository, today: date) -> Progress:
    zone = repo.clock.now().tzinfo
    checkins = [
        Checkin(local_day(at, zone), pain, numbness, psfs, {})
        for at, pain, numbness, psfs in repo.checkin_scores()
    ]
    selftests = []
    for stored in repo.selftest_results():
        result = load(SelfTestResult, stored.data)
        selftests.append(
            SelfTestDay(local_day(stored.at, zone), result.side("left").status, result.side("right").status)
        )
    sessions = [
        DoneSession(local_day(started, zone), planned_day, status == "completed", sets)
        for started, planned_day, status, sets in repo.session_days()
    ]
    per_day: dict[date, float] = {}
    for _, ended, active in repo.bouts_between(
        datetime(2000, 1, 1, tzinfo=UTC), repo.clock.now() + timedelta(days=1)
    ):
        day = local_day(ended, zone)
        per_day[day] = per_day.get(day, 0.0) + active / 60
    return progress(checkins, selftests, sessions, repo.planned_days(), today, sorted(per_day.items()))
