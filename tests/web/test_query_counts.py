"""What a page costs in database queries, counted (a noisy machine cannot fool a count): asking
what the person may do now reads each record once per request, however long the history."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

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
