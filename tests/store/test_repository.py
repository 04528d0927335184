"""The repository on real SQLite and PostgreSQL: what is written is what is read back."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from glutewake.codec import dump
from glutewake.core.programme import Profile, build_plan
from glutewake.core.triage import Case, triage
from glutewake.knowledge import Knowledge
from glutewake.store import Repository, SetRecord, Store, connect
from tests.fakes import FakeClock

PROFILE = Profile(
    equipment="band",
    minutes_per_session=25,
    preferred_days=(0, 2, 4),
    psfs_activities=("sitting through a film",),
)


def test_profile_round_trips_and_updates_in_place(repo: Repository) -> None:
    assert repo.profile() is None
    repo.save_profile(PROFILE)
    assert repo.profile() == PROFILE
    repo.save_profile(Profile())
    assert repo.profile() == Profile()


def test_triage_runs_keep_case_and_result_exactly(repo: Repository, kb: Knowledge) -> None:
    case = Case(40, "male", 10, {"numb_when_sitting": True, "eases_on_standing": True, "fever": None})
    result = triage(case, kb)
    first = repo.add_triage_run(dump(case), dump(result))
    assert isinstance(repo.clock, FakeClock)
    repo.clock.wall += timedelta(hours=1)
    second = repo.add_triage_run(dump(case), dump(result))
    runs = repo.triage_runs()
    assert [r.id for r in runs] == [second, first], "newest first"
    assert runs[0].data == {"case": dump(case), "result": dump(result)}
    assert runs[0].at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert repo.triage_runs(limit=1)[0].id == second


def test_plan_and_its_sessions_round_trip(repo: Repository, kb: Knowledge) -> None:
    result = triage(Case(34, "female", 30, {"numb_when_sitting": True, "eases_on_standing": True}), kb)
    plan = build_plan(PROFILE, result, None, date(2026, 11, 23), kb)
    plan_id = repo.save_plan(plan, None)
    stored = repo.current_plan()
    assert stored is not None
    assert stored.id == plan_id
    assert stored.plan == plan
    assert sorted(stored.session_ids) == [s.day for s in plan.sessions]


def test_a_new_plan_replaces_the_old_one(repo: Repository, kb: Knowledge) -> None:
    result = triage(Case(34, "female", 30, {"numb_when_sitting": True, "eases_on_standing": True}), kb)
    repo.save_plan(build_plan(PROFILE, result, None, date(2026, 11, 23), kb), None)
    newer = repo.save_plan(build_plan(PROFILE, result, None, date(2026, 12, 1), kb), None)
    current = repo.current_plan()
    assert current is not None
    assert current.id == newer


def test_sets_are_kept_one_by_one_and_sessions_finish(repo: Repository) -> None:
    log = repo.start_session(None, guided=True)
    repo.log_set(log, SetRecord("glute_bridge", reps=10, target_reps=10))
    repo.log_set(log, SetRecord("clamshell", side="left", reps=12, target_reps=12))
    repo.finish_session(log, "completed")
    repo.save_feedback(log, rpe=5, pain=1, felt=["glutes"])
    assert [s.exercise_id for s in repo.sets_of(log)] == ["glute_bridge", "clamshell"]
    (entry,) = repo.session_logs()
    assert (entry.status, entry.sets, entry.rpe, entry.pain, entry.felt) == (
        "completed",
        2,
        5,
        1,
        ["glutes"],
    )


def test_feedback_out_of_range_is_refused_and_nothing_changes(repo: Repository) -> None:
    log = repo.start_session(None, guided=False)
    with pytest.raises(IntegrityError):
        repo.save_feedback(log, rpe=11, pain=0, felt=[])
    assert repo.session_logs()[0].rpe is None


def test_dump_load_and_forget(repo: Repository, kb: Knowledge, database_url: str, tmp_path: Path) -> None:
    repo.save_profile(PROFILE)
    case = Case(34, "female", 30, {"numb_when_sitting": True, "eases_on_standing": True})
    run = repo.add_triage_run(dump(case), dump(triage(case, kb)))
    repo.save_plan(build_plan(PROFILE, triage(case, kb), None, date(2026, 11, 23), kb), run)
    log = repo.start_session(None, guided=False)
    repo.log_set(log, SetRecord("glute_bridge", reps=10))
    repo.add_checkin(3, 4, {"sitting through a film": 6}, {"saddle_numbness": False}, "ok")
    dumped = repo.dump()
    assert not repo.is_empty()
    repo.forget()
    assert repo.is_empty()
    repo.load(dumped)
    assert without_ids(repo.dump()) == without_ids(dumped)
    again = repo.add_triage_run(dump(case), dump(triage(case, kb)))
    assert again > run, "ids continue after a restore"


def without_ids(tables: dict[str, list[dict[str, object]]]) -> dict[str, list[dict[str, object]]]:
    """The rows without their ids (a restore gives new ones; what they point at stays)."""
    return {name: [{k: v for k, v in row.items() if k != "id" and not k.endswith("_id")} for row in rows]
            for name, rows in tables.items()}  # fmt: skip


def _writer(url: str, count: int, name: str) -> subprocess.Popen[str]:
    code = f"""
from glutewake.store import SetRecord, Store, connect
from glutewake.clock import SystemClock
repo = Store(connect({url!r}), SystemClock()).owner()
log = repo.start_session(None, guided=True)
for n in range({count}):
    repo.log_set(log, SetRecord({name!r}, reps=n))
repo.finish_session(log, "completed")
"""
    return subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)


def test_two_processes_write_one_sqlite_file_at_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    connect(url).dispose()  # created and migrated before the race, as on a user's machine
    writers = [_writer(url, 150, "glute_bridge"), _writer(url, 150, "clamshell")]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    engine = connect(url)
    repo = Store(engine, FakeClock()).owner()
    logs = repo.session_logs()
    assert sorted(entry.sets for entry in logs) == [150, 150]
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    engine.dispose()


def test_two_processes_migrate_a_new_sqlite_file_together(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    writers = [_writer(url, 20, "glute_bridge"), _writer(url, 20, "clamshell")]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    engine = connect(url)
    assert sorted(entry.sets for entry in Store(engine, FakeClock()).owner().session_logs()) == [20, 20]
    engine.dispose()
