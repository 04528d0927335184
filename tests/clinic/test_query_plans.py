"""What the clinic's busiest pages ask of the database, checked in a way a noisy machine cannot
fool: a bounded number of queries per page, and no query that has to read a whole history table.

Each query a page runs is explained again by PostgreSQL with sequential scans priced out
(`enable_seqscan = off`): a "Seq Scan" on a history table that remains means no index can
answer it, so its cost grows with every patient's history (the dashboard once took 2 s for
154 patients that way, for want of an index on session logs' planned session).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from glutewake.core.progress import Checkin
from glutewake.store import Repository, SetRecord
from tests.clinic.conftest import World, sign_in
from tests.plans import save_ready_plan, tiny_plan

HISTORY = {"session_logs", "set_logs", "checkins", "session_feedback", "sitting_bouts", "triage_runs"}
BUDGET = {"/staff": 12, "/staff/patients/{id}": 40, "/progress": 18, "/plan": 16}  # measured: 10, 37, 16, 15


@contextmanager
def recording(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def whole_table_reads(url: str, queries: list[tuple[str, Any]]) -> list[str]:
    """The history tables each query would read whole, however the planner may choose."""
    found = []
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as db:
        db.execute("SET enable_seqscan = off")
        for statement, parameters in queries:
            (plan,) = db.execute(f"EXPLAIN (FORMAT JSON) {statement}", parameters).fetchone() or (None,)
            nodes = [json.loads(plan) if isinstance(plan, str) else plan][0][0]["Plan"]
            stack = [nodes]
            while stack:
                node = stack.pop()
                stack.extend(node.get("Plans", []))
                if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in HISTORY:
                    found.append(f"{node['Relation Name']}: {' '.join(statement.split())[:200]}")
    return found


def history(repo: Repository, world: World, days: int) -> None:
    """A plan, sessions done with their sets, and a check-in a day."""
    today = world.clock.now().date()
    save_ready_plan(repo, tiny_plan(today - timedelta(days=days)))
    active = repo.current_plan()
    assert active is not None
    for planned_id in list(active.session_ids.values())[:days]:
        log = repo.start_session(planned_id, guided=True)
        for _ in range(3):
            repo.log_set(log, SetRecord("glute_bridge", None, 10, None))
        repo.finish_session(log, "completed")
        repo.save_feedback(log, 5, 1, ["glutes"])
    for day in range(days):
        checkin = Checkin(today - timedelta(days=day), 2, 2, {"sitting": 7}, {})
        repo.add_checkin(checkin.pain, checkin.numbness, dict(checkin.psfs), {}, "ok")


def test_the_busiest_pages_use_indexes_for_every_history_table(
    client: TestClient, world: World, app: Any
) -> None:
    engine: Engine = app.state.engine
    for patient in (world.pat, world.peg):
        history(Repository(engine, world.clock, patient.person_id or 0), world, 10)
    url = engine.url.render_as_string(hide_password=False)
    pages = {
        "/staff": (world.cleo, "/staff"),
        "/staff/patients/{id}": (world.cleo, f"/staff/patients/{world.pat.id}"),
        "/progress": (world.pat, "/progress"),
        "/plan": (world.pat, "/plan"),
    }
    problems = []
    for name, (who, path) in pages.items():
        sign_in(client, world.store, who)
        with recording(engine) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert len(queries) <= BUDGET[name], f"{path}: {len(queries)} queries (budget {BUDGET[name]})"
        problems += [f"{path}: {read}" for read in whole_table_reads(url, queries)]
    assert problems == [], "\n".join(problems)
