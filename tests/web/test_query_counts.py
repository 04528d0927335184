"""What a page costs in database queries, counted (a noisy machine cannot fool a count): asking
what the person may do now reads each record once per request, however long the history."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from glutewake.app.checks import record_triage, triage_case
from glutewake.app.context import acting_for
from glutewake.app.journal import record_checkin
from glutewake.app.plans import PlanChoices, new_plan
from glutewake.core.progress import Checkin
from glutewake.core.triage import Case
from glutewake.store import Repository

# Selects per page for a person with a check, a plan and any number of check-ins: the snapshot
# (latest check, plan and its sessions, session logs, check-ins since the plan), the check-ins
# since the check, and the page's own; every other page asks only whether help is needed first
# (the latest check and the check-ins since it).
BUDGET = {
    "/": 2,
    "/progress": 15,
    "/plan": 10,
    "/session": 8,
    "/api/session": 8,
    "/api/clearance": 6,
    "/selftests": 6,
}


@contextmanager
def counting() -> Iterator[list[str]]:
    selects: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        yield selects
    finally:
        event.remove(Engine, "before_cursor_execute", seen)


@pytest.mark.parametrize("checkins", [1, 30])
def test_each_page_reads_what_the_person_may_do_now_in_a_few_queries(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository], checkins: int
) -> None:
    ctx = acting_for(repo_for(database_url), "uk")
    case = Case(35, "female", 20, {"numb_when_sitting": True, "eases_on_standing": True})
    record_triage(ctx, case, triage_case(case))
    new_plan(ctx, PlanChoices(), ctx.clock.now().date())
    for _ in range(checkins):
        record_checkin(ctx, Checkin(ctx.clock.now().date(), 2, 2, {"sitting": 6}, {}))
    client.get("/plan")  # the app opens its store on first use
    for path, budget in BUDGET.items():
        with counting() as selects:
            assert client.get(path).status_code == 200
        assert len(selects) <= budget, (path, len(selects))


HISTORY = {
    "session_logs",
    "set_logs",
    "checkins",
    "session_feedback",
    "sitting_bouts",
    "triage_runs",
    "coach_events",
}


def test_no_page_reads_a_whole_history_table_on_sqlite(
    tmp_path: Path, repo_for: Callable[[str], Repository]
) -> None:
    """Each query of each page, asked of SQLite's planner (EXPLAIN QUERY PLAN): a history table
    is searched through an index, never scanned whole, so a page's cost does not grow with
    years of records. (PostgreSQL's plans: tests/clinic/test_query_plans.py.)"""
    import sqlite3

    from glutewake.app.region import save_region
    from glutewake.web import create_app
    from tests.fakes import FakeClock
    from tests.web.conftest import owner_client

    save_region("uk")
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    with owner_client(create_app(url, FakeClock())) as client:
        ctx = acting_for(repo_for(url), "uk")
        case = Case(35, "female", 20, {"numb_when_sitting": True, "eases_on_standing": True})
        record_triage(ctx, case, triage_case(case))
        new_plan(ctx, PlanChoices(), ctx.clock.now().date())
        for _ in range(5):
            record_checkin(ctx, Checkin(ctx.clock.now().date(), 2, 2, {"sitting": 6}, {}))
        client.get("/plan")
        asked: list[tuple[str, object]] = []

        def keep(conn: object, cursor: object, statement: str, parameters: object, *args: object) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                asked.append((statement, parameters))

        event.listen(Engine, "before_cursor_execute", keep)
        try:
            for path in (*BUDGET, "/checkin", "/coach", "/data", "/api/progress", "/api/history"):
                assert client.get(path).status_code == 200, path
        finally:
            event.remove(Engine, "before_cursor_execute", keep)
        database = sqlite3.connect(url.removeprefix("sqlite:///"))
        scans = set()
        for statement, parameters in asked:
            for _, _, _, detail in database.execute(f"EXPLAIN QUERY PLAN {statement}", parameters or ()):  # type: ignore[arg-type]
                words = detail.split()
                if words[:1] == ["SCAN"] and words[1] in HISTORY:
                    scans.add(f"{words[1]}: {' '.join(statement.split())[:160]}")
        database.close()
        assert sorted(scans) == []
