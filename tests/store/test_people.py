"""A store that knows whose records it holds, on real SQLite and PostgreSQL.

A repository is obtained for one person and sees and changes only that person's rows;
migration 0003 gives an existing single-user store's records to person 1, the owner.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from glutewake.codec import dump
from glutewake.core.programme import Profile, build_plan
from glutewake.core.selftests import SelfTestAnswers, score
from glutewake.core.triage import Case, triage
from glutewake.knowledge import Knowledge
from glutewake.store import NotTheirs, Repository, SetRecord, Store
from glutewake.store.engine import HEAD, current_revision, upgrade
from tests.fakes import FakeClock

Opener = Callable[..., Engine]
CASE = Case(34, "female", 30, {"numb_when_sitting": True, "eases_on_standing": True})
DAY = date(2026, 11, 23)
MOMENT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
# The record tables a schema-0002 store had (later ones start empty).
OLD_RECORD_TABLES = (
    "profile", "triage_runs", "selftest_results", "plans", "planned_sessions", "session_logs",
    "set_logs", "session_feedback", "checkins", "sitting_bouts", "coach_events",
)  # fmt: skip


def fill(repo: Repository, kb: Knowledge) -> dict[str, int]:
    """One of every kind of record, as a person would make them; returns the ids made."""
    repo.save_profile(Profile(psfs_activities=("sitting through a film",)))
    result = triage(CASE, kb)
    run = repo.add_triage_run(dump(CASE), dump(result))
    repo.add_selftest_result(dump(score(SelfTestAnswers(squeeze_seconds={"left": 2.5, "right": 1.0}), kb)))
    plan_id = repo.save_plan(build_plan(Profile(), result, None, DAY, kb), run)
    active = repo.current_plan()
    assert active is not None
    planned = next(iter(active.session_ids.values()))
    log = repo.start_session(planned, guided=True)
    repo.log_set(log, SetRecord("glute_bridge", reps=10))
    repo.save_feedback(log, 5, 2, ["glutes"])
    repo.finish_session(log, "completed")
    repo.add_checkin(3, 4, {"sitting through a film": 6}, {"saddle_numbness": False}, "ok")
    repo.add_bout(MOMENT, MOMENT + timedelta(minutes=30), 1500.0)
    repo.add_coach_event(MOMENT, "prompt", "glute_squeeze")
    return {"run": run, "plan": plan_id, "planned": planned, "log": log}


def everything(repo: Repository) -> dict[str, object]:
    """What every reader of the repository returns."""
    later = MOMENT + timedelta(days=1)
    return {
        "profile": repo.profile(),
        "triage_runs": repo.triage_runs(),
        "selftests": repo.selftest_results(),
        "plan": repo.current_plan(),
        "session_logs": repo.session_logs(),
        "session_days": repo.session_days(),
        "planned_days": repo.planned_days(),
        "checkins": repo.checkins(),
        "scores": repo.checkin_scores(),
        "latest_checkin": repo.latest_checkin(),
        "bouts": repo.bouts_between(MOMENT - timedelta(days=1), later),
        "coach_events": repo.coach_events_between(MOMENT - timedelta(days=1), later),
        "dump": repo.dump(),
    }


def nothing(repo: Repository) -> dict[str, object]:
    empty = {name: [] for name in repo.dump()}
    return {
        "profile": None,
        "triage_runs": [],
        "selftests": [],
        "plan": None,
        "session_logs": [],
        "session_days": [],
        "planned_days": [],
        "checkins": [],
        "scores": [],
        "latest_checkin": None,
        "bouts": [],
        "coach_events": [],
        "dump": empty,
    }


@pytest.fixture
def store(database_url: str, engine_for: Opener) -> Store:
    return Store(engine_for(database_url), FakeClock())


def test_a_repository_for_person_2_sees_none_of_person_1s_records(store: Store, kb: Knowledge) -> None:
    first = store.owner()
    fill(first, kb)
    second = store.add_person(display_name="Sam")
    assert everything(second) == nothing(second)
    assert second.is_empty()
    assert not first.is_empty()
    assert second.session_log(1) is None
    assert second.sets_of(1) == []
    assert second.session_for(1) is None


def test_each_person_reads_back_exactly_their_own(store: Store, kb: Knowledge) -> None:
    first, second = store.owner(), store.add_person()
    fill(first, kb)
    mine = everything(first)
    fill(second, kb)
    assert everything(first) == mine
    theirs = everything(second)
    assert theirs["checkins"] != mine["checkins"], "new records, new ids"
    assert len(theirs["session_logs"]) == len(mine["session_logs"]) == 1  # type: ignore[arg-type]


def test_a_person_cannot_write_into_someone_elses_records(store: Store, kb: Knowledge) -> None:
    first = store.owner()
    ids = fill(first, kb)
    before = everything(first)
    second = store.add_person()
    active = first.current_plan()
    assert active is not None
    attempts: list[Callable[[], object]] = [
        lambda: second.log_set(ids["log"], SetRecord("clamshell", reps=5)),
        lambda: second.save_feedback(ids["log"], 9, 9, []),
        lambda: second.finish_session(ids["log"], "quit"),
        lambda: second.reopen_session(ids["log"]),
        lambda: second.start_session(ids["planned"], guided=True),
        lambda: second.update_plan(ids["plan"], active.plan),
        lambda: second.save_plan(active.plan, ids["run"]),
    ]
    for attempt in attempts:
        with pytest.raises(NotTheirs):
            attempt()
    assert everything(first) == before
    assert second.is_empty()


def test_a_new_plan_replaces_only_its_own_persons_plan(store: Store, kb: Knowledge) -> None:
    first, second = store.owner(), store.add_person()
    fill(first, kb)
    before = first.current_plan()
    fill(second, kb)
    assert first.current_plan() == before


def test_forget_deletes_one_persons_records_only(store: Store, kb: Knowledge) -> None:
    first, second = store.owner(), store.add_person()
    fill(first, kb)
    fill(second, kb)
    kept = everything(second)
    first.forget()
    assert first.is_empty()
    assert everything(second) == kept
    assert [person.id for person in store.people()] == [first.person_id, second.person_id]


def test_the_owner_is_made_once_and_found_again(store: Store) -> None:
    owner = store.owner()
    assert store.owner().person_id == owner.person_id
    store.add_person()
    assert store.owner().person_id == owner.person_id
    assert [p.kind for p in store.people()] == ["owner", "patient"]


def test_asking_for_a_person_the_store_does_not_have_is_refused(store: Store) -> None:
    store.owner()
    with pytest.raises(NotTheirs):
        store.person(99)
    assert store.person(store.owner().person_id).is_empty()


# --- migration 0003 --------------------------------------------------------------------------

ROWS_0002 = [
    "INSERT INTO profile (id, age, sex, equipment, minutes_per_session, preferred_days, activities,"
    " desk_hours, psfs_activities, updated_at) VALUES (1, 40, 'male', 'none', 20, NULL, '[]', 8,"
    " '[\"gardening\"]', :at)",
    "INSERT INTO triage_runs (id, created_at, urgency, \"case\", result) VALUES (1, :at, 'self_care', :case, :result)",
    "INSERT INTO selftest_results (id, created_at, result) VALUES (1, :at, '{}')",
    "INSERT INTO plans (id, created_at, status, start_date, triage_run_id, plan)"
    " VALUES (1, :at, 'active', '2026-11-20', 1, :plan)",
    "INSERT INTO planned_sessions (id, plan_id, day, position, phase, session)"
    " VALUES (1, 1, '2026-11-20', 0, 'activation', :session)",
    "INSERT INTO session_logs (id, planned_session_id, started_at, finished_at, status, guided)"
    " VALUES (1, 1, :at, :at, 'completed', 1)",
    "INSERT INTO set_logs (id, session_log_id, done_at, exercise_id, reps) VALUES (1, 1, :at, 'glute_bridge', 12)",
    "INSERT INTO session_feedback (session_log_id, created_at, rpe, pain, felt) VALUES (1, :at, 5, 1, '[\"glutes\"]')",
    "INSERT INTO checkins (id, created_at, pain, numbness, psfs, red_flags, outcome)"
    " VALUES (1, :at, 3, 4, '{\"gardening\": 6}', '{}', 'ok')",
    "INSERT INTO sitting_bouts (id, started_at, ended_at, active_seconds) VALUES (1, :at, :at, 1500)",
    "INSERT INTO coach_events (id, at, kind, exercise_id) VALUES (1, :at, 'prompt', 'glute_squeeze')",
]


def test_migration_0003_gives_a_single_user_stores_records_to_person_1(
    blank_database_url: str, engine_for: Opener, kb: Knowledge
) -> None:
    import json

    from tests.store.test_migrations import schema_differences

    engine = engine_for(blank_database_url, migrate=False)
    upgrade(engine, "0002")
    result = triage(CASE, kb)
    plan = dump(build_plan(Profile(), result, None, date(2026, 11, 20), kb))
    values = {
        "at": "2026-11-20 09:00:00",
        "case": json.dumps(dump(CASE)),
        "result": json.dumps(dump(result)),
        "plan": json.dumps({k: v for k, v in plan.items() if k != "sessions"}),
        "session": json.dumps(plan["sessions"][0]),
    }
    with engine.begin() as connection:
        for statement in ROWS_0002:
            names = [name for name in values if f":{name}" in statement]
            connection.execute(text(statement), {name: values[name] for name in names})
    upgrade(engine)
    assert current_revision(engine) == HEAD
    assert schema_differences(engine) == []
    store = Store(engine, FakeClock())
    assert [(p.id, p.kind) for p in store.people()] == [(1, "owner")]
    owner = store.owner()
    assert owner.person_id == 1
    dumped = owner.dump()
    assert {name: len(dumped[name]) for name in OLD_RECORD_TABLES} == dict.fromkeys(OLD_RECORD_TABLES, 1), (
        "every record kept, none cascaded away while the tables were rebuilt"
    )
    profile = owner.profile()
    assert profile is not None
    assert profile.psfs_activities == ("gardening",)
    assert [entry.sets for entry in owner.session_logs()] == [1]
    active = owner.current_plan()
    assert active is not None
    assert active.plan.start_date == date(2026, 11, 20)
    assert store.add_person().person_id == 2, "new people are numbered after the owner"
    with engine.connect() as connection:
        orphans = connection.execute(text("SELECT COUNT(*) FROM set_logs WHERE person_id IS NULL")).scalar()
    assert orphans == 0


def test_migration_0003_on_an_empty_store_makes_no_one(blank_database_url: str, engine_for: Opener) -> None:
    engine = engine_for(blank_database_url, migrate=False)
    upgrade(engine, "0002")
    upgrade(engine)
    store = Store(engine, FakeClock())
    assert store.people() == []
    assert store.owner().is_empty()
    assert [p.kind for p in store.people()] == ["owner"]
