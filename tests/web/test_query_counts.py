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


def test_the_start_page_reads_the_records_again_only_once_they_change(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    """What every page leads with (help needed now?) is kept until the store changes: on SQLite
    the start page, asked again with nothing changed, reads no record at all. A change by anyone
    (here another connection, as a `glutewake` command in another process would be) is seen
    on the very next page: the emergency result leads at once. PostgreSQL cannot say cheaply
    that nothing changed, so there every page reads again."""
    ctx = acting_for(repo_for(database_url), "uk")
    calm = Case(35, "female", 20, {"numb_when_sitting": True, "eases_on_standing": True})
    record_triage(ctx, calm, triage_case(calm))
    assert 'class="help-first"' not in client.get("/").text
    with counting() as selects:
        assert 'class="help-first"' not in client.get("/").text
    assert len(selects) == (0 if database_url.startswith("sqlite") else 2)

    emergency = Case(35, "female", 20, {"numb_when_sitting": True, "saddle_numbness": True})
    record_triage(ctx, emergency, triage_case(emergency))
    with counting() as selects:
        page = client.get("/").text
    assert 'class="help-first"' in page
    assert "999" in page
    assert selects, "read again after the change"
    record_checkin(ctx, Checkin(ctx.clock.now().date(), 2, 2, {"sitting": 6}, {}))  # changes nothing of it
    assert 'class="help-first"' in client.get("/").text


def test_every_request_passes_one_layer_of_glutewakes_own(tmp_path: Path) -> None:
    """The gate (hosts, body limits, security headers, Server-Timing) is the app's one middleware:
    no `BaseHTTPMiddleware`, which runs each response through a stream of its own."""
    from starlette.middleware.base import BaseHTTPMiddleware

    from glutewake.web import create_app
    from glutewake.web.gate import Gate
    from tests.fakes import FakeClock

    app = create_app(f"sqlite:///{tmp_path / 'a.db'}", FakeClock())
    assert app.user_middleware == []
    layers: list[type] = []
    layer = app.build_middleware_stack()
    while layer is not None:
        layers.append(type(layer))
        layer = getattr(layer, "app", None)
    assert layers[0] is Gate
    assert not any(issubclass(k, BaseHTTPMiddleware) for k in layers), layers
