"""The export, version 2, and the version 1 files written before it, on both engines.

Version 2 holds the records as the domain sees them (no table layout, no row ids), so it
means the same whatever the schema; a version 1 file still imports, into any person's
records, beside other people's.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from glutewake.app.context import acting_for
from glutewake.app.refusals import InputError
from glutewake.app.transfer import export_data, import_data
from glutewake.codec import dump
from glutewake.core.programme import Profile, build_plan
from glutewake.core.triage import Case, triage
from glutewake.knowledge import Knowledge
from glutewake.store import Repository, Store
from tests.store.test_people import fill

CASE = Case(34, "female", 30, {"numb_when_sitting": True, "eases_on_standing": True})


def v1_file(kb: Knowledge) -> dict[str, Any]:
    """A version 1 export as glutewake wrote it before schema 0003: tables of rows, with ids,
    and a profile with the fields nothing used."""
    result = triage(CASE, kb)
    plan = dump(build_plan(Profile("band", 20), result, None, date(2026, 11, 20), kb))
    first = plan["sessions"][0]
    at = "2026-11-20T09:00:00+00:00"
    return {
        "format": "glutewake-export",
        "version": 1,
        "exported_at": at,
        "tables": {
            "profile": [{"id": 1, "age": 34, "sex": "female", "equipment": "band", "minutes_per_session": 20,
                         "preferred_days": None, "activities": ["running"], "desk_hours": 7.5,
                         "psfs_activities": ["gardening"], "updated_at": at}],
            "triage_runs": [{"id": 7, "created_at": at, "urgency": result.urgency, "case": dump(CASE),
                             "result": dump(result)}],
            "selftest_results": [],
            "plans": [{"id": 3, "created_at": at, "status": "active", "start_date": "2026-11-20",
                       "triage_run_id": 7, "plan": {k: v for k, v in plan.items() if k != "sessions"}}],
            "planned_sessions": [{"id": 11, "plan_id": 3, "day": first["day"], "position": 0,
                                  "phase": first["phase"], "session": first}],
            "session_logs": [{"id": 5, "planned_session_id": 11, "started_at": at, "finished_at": at,
                              "status": "completed", "guided": 1}],
            "set_logs": [{"id": 1, "session_log_id": 5, "done_at": at, "exercise_id": "glute_bridge",
                          "reps": 12}],
            "session_feedback": [{"session_log_id": 5, "created_at": at, "rpe": 5, "pain": 1,
                                  "felt": ["glutes"]}],
            "checkins": [{"id": 2, "created_at": at, "pain": 3, "numbness": 4, "psfs": {"gardening": 6},
                          "red_flags": {}, "outcome": "ok"}],
            "sitting_bouts": [],
            "coach_events": [],
        },
    }  # fmt: skip


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "exported_at"}


@pytest.fixture
def store(database_url: str, engine_for: Any) -> Store:
    from tests.fakes import FakeClock

    return Store(engine_for(database_url), FakeClock())


def test_a_version_1_file_imports_and_reads_as_before(store: Store, kb: Knowledge) -> None:
    repo = store.owner()
    counts = import_data(acting_for(repo), v1_file(kb))
    assert counts["set_logs"] == 1
    exported = export_data(acting_for(repo))
    assert exported["version"] == 2
    assert exported["profile"] == {
        "equipment": "band", "minutes_per_session": 20, "preferred_days": None, "psfs_activities": ["gardening"]
    }  # fmt: skip
    assert exported["checks"][0]["case"] == dump(CASE)
    assert exported["plans"][0]["from_check"] == 0
    (session,) = exported["sessions"]
    assert (session["plan"], session["day"], session["status"]) == (0, "2026-11-20", "completed")
    assert [s["reps"] for s in session["sets"]] == [12]
    assert session["feedback"]["felt"] == ["glutes"]
    active = repo.current_plan()
    assert active is not None
    assert active.plan.start_date == date(2026, 11, 20)
    assert [log.sets for log in repo.session_logs()] == [1]


def test_version_2_round_trips_into_another_persons_records(store: Store, kb: Knowledge) -> None:
    first = store.owner()
    fill(first, kb)
    document = json.loads(json.dumps(export_data(acting_for(first))))  # as a file: text, not objects
    first_before = first.dump()
    second = store.add_person()
    import_data(acting_for(second), document)
    assert without_time(export_data(acting_for(second))) == without_time(document)
    assert first.dump() == first_before, "the other person's records are untouched"
    again = store.add_person()
    import_data(acting_for(again), v1_file(kb))  # a version 1 file, too, fits beside others' records
    assert len(again.session_logs()) == 1


def test_an_export_does_not_name_tables_or_row_ids(repo: Repository, kb: Knowledge) -> None:
    fill(repo, kb)
    document = export_data(acting_for(repo))
    assert "tables" not in document
    records = [r for value in document.values() if isinstance(value, list) for r in value]
    records += [s for session in document["sessions"] for s in session["sets"]]
    keys = {key for record in records for key in record}
    assert {key for key in keys if key == "id" or key.endswith("_id")} == {"exercise_id"}


BAD_V2: list[Any] = [
    pytest.param(
        lambda d: d["checkins"][0].update(mood=3), "checkins 1 mood: Extra inputs", id="unknown field"
    ),
    pytest.param(
        lambda d: d["checkins"][0].update(at=20261201), "checkins 1 at: must be a date", id="number date"
    ),
    pytest.param(lambda d: d["checkins"][0].update(at="2026-12-01T09:00"), "no time zone", id="no zone"),
    pytest.param(lambda d: d["checkins"][0].update(pain="3"), "checkins 1 pain", id="score as text"),
    pytest.param(lambda d: d["checkins"][0].update(pain=True), "checkins 1 pain", id="score as true"),
    pytest.param(lambda d: d["plans"][0].update(from_check=9), "from_check 9 is not one of", id="bad check"),
    pytest.param(
        lambda d: d["sessions"][0].update(day="2031-01-01"), "has no session on 2031-01-01", id="bad day"
    ),
    pytest.param(lambda d: d["sessions"][0]["sets"][0].update(reps=-1), "sets 1 reps", id="negative reps"),
    pytest.param(lambda d: d.update(tables={}), "tables: Extra inputs", id="version 1 tables in version 2"),
]


@pytest.mark.parametrize(("poison", "message"), BAD_V2)
def test_a_bad_version_2_file_is_refused_and_changes_nothing(
    repo: Repository, kb: Knowledge, poison: Any, message: str
) -> None:
    fill(repo, kb)
    document = json.loads(json.dumps(export_data(acting_for(repo))))
    repo.forget()
    poison(document)
    with pytest.raises(InputError, match=message):
        import_data(acting_for(repo), document)
    assert repo.is_empty()


def test_the_export_has_the_time_it_was_made(repo: Repository) -> None:
    assert datetime.fromisoformat(export_data(acting_for(repo))["exported_at"]) == datetime(
        2026, 11, 23, 9, 0, tzinfo=UTC
    )
