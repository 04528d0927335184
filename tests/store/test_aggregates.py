"""The store's SQL aggregates give exactly what the core's definitions give from every row, on
both engines, in any time zone: the check-ins' weekly trends and the sitting per day."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from glutewake.core.progress import Checkin, score_trends
from glutewake.store import Repository

ZONES = [timedelta(0), timedelta(hours=5, minutes=30), timedelta(hours=-8)]


def _close(a: object, b: object) -> None:
    assert a == pytest.approx(b, abs=0.011) if isinstance(a, float) else a == b


@pytest.mark.parametrize("offset", ZONES, ids=["UTC", "UTC+5:30", "UTC-8"])
def test_the_check_ins_trends_summed_by_the_database_are_the_cores(
    repo: Repository, offset: timedelta
) -> None:
    rng = random.Random(int(offset.total_seconds()))
    zone = timezone(offset)
    moments = sorted(
        datetime(2026, 1, 5, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 60 * 24 * 120))
        for _ in range(250)
    )
    rows: list[Checkin] = []
    for at in moments:
        repo.clock.wall = at  # type: ignore[attr-defined]
        psfs = {f"activity {n}": rng.randrange(0, 11) for n in range(rng.randrange(0, 4))}
        pain, numbness = rng.randrange(0, 11), rng.randrange(0, 11)
        repo.add_checkin(pain, numbness, psfs, {}, "ok")
        rows.append(Checkin(at.astimezone(zone).date(), pain, numbness, psfs, {}))
    expected = score_trends(rows)
    got = repo.score_trends(offset)
    for name in ("pain", "numbness", "psfs_mean"):
        want, have = getattr(expected, name), getattr(got, name)
        _close(have.first, want.first)
        _close(have.latest, want.latest)
        assert [w.week for w in have.weekly] == [w.week for w in want.weekly], name
        assert [w.mean for w in have.weekly] == pytest.approx([w.mean for w in want.weekly], abs=0.011), name


def test_no_check_ins_give_empty_trends(repo: Repository) -> None:
    assert repo.score_trends(timedelta(0)) == score_trends([])


@pytest.mark.parametrize("offset", ZONES, ids=["UTC", "UTC+5:30", "UTC-8"])
def test_sitting_is_summed_per_local_day(repo: Repository, offset: timedelta) -> None:
    rng = random.Random(7)
    zone = timezone(offset)
    per_day: dict[object, float] = {}
    for _ in range(120):
        ended = datetime(2026, 3, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 60 * 24 * 30))
        active = rng.uniform(60, 3000)
        repo.add_bout(ended - timedelta(seconds=active), ended, active)
        day = ended.astimezone(zone).date()
        per_day[day] = per_day.get(day, 0.0) + active / 60
    got = repo.sitting_minutes_by_day(offset)
    assert [day for day, _ in got] == sorted(per_day)
    assert [minutes for _, minutes in got] == pytest.approx([per_day[day] for day in sorted(per_day)])


def test_the_session_totals_counted_by_the_database_are_the_cores(repo: Repository) -> None:
    from glutewake.app.context import acting_for
    from glutewake.app.journal import sessions_done
    from glutewake.core.progress import session_totals
    from glutewake.store import SetRecord
    from tests.plans import tiny_plan

    today = repo.clock.now().date()
    repo.save_plan(tiny_plan(today), None)
    active = repo.current_plan()
    assert active is not None
    first, second = sorted(active.session_ids.values())
    done = repo.start_session(first, guided=True)

    for _ in range(3):
        repo.log_set(done, SetRecord("glute_bridge", None, 2, None, None, 2, None))
    repo.finish_session(done, "completed")
    quit_log = repo.start_session(second, guided=True)
    repo.log_set(quit_log, SetRecord("glute_bridge", None, 1, None, None, 2, None))
    repo.finish_session(quit_log, "quit")
    repo.start_session(None, guided=False)  # a session outside the plan, left open
    expected = session_totals(sessions_done(acting_for(repo, "uk")))
    assert repo.session_totals() == expected
    assert expected.sessions_done == 1
    assert expected.sets_done == 4
    assert expected.done_days == frozenset({today})


def test_the_calendar_reads_only_the_logs_of_days_from_the_plans_first(repo: Repository) -> None:
    from datetime import date

    from tests.plans import tiny_plan

    old, new = date(2026, 10, 1), repo.clock.now().date()
    for start in (old, new):
        repo.save_plan(tiny_plan(start), None)
        active = repo.current_plan()
        assert active is not None
        log = repo.start_session(min(active.session_ids.values()), guided=True)
        repo.finish_session(log, "completed")
    repo.start_session(None, guided=False)
    everything = repo.session_days()
    assert len(everything) == 3
    assert repo.session_days(planned_from=new) == [
        row for row in everything if row[1] is not None and row[1] >= new
    ]
