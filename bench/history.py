"""How glutewake copes with five years of one person's records.

Fills a store with five years of daily check-ins and sessions (about 2,000 sessions and
20,000 sets, a plan every four weeks, monthly self-tests), then times, as real processes,
`glutewake progress --json`, showing (and adapting) the plan, and building a new plan; and
the same commands on an almost empty store (one symptom check, so a plan can be built).
Runs on SQLite and on a throwaway PostgreSQL cluster (or --postgres-url).

    python3 bench/history.py [--runs N] [--postgres-url URL]

Goal (issue 3): under 150 ms each end to end, and within 2x of the empty store.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.pg_cluster

from glutewake.clock import SystemClock
from glutewake.codec import dump
from glutewake.core.programme import Profile, build_plan
from glutewake.core.selftests import SelfTestAnswers, score
from glutewake.core.triage import Case, triage
from glutewake.knowledge import load_knowledge
from glutewake.store import Store, connect

DAYS = 5 * 365
SETS_PER_SESSION = 10
CASE = Case(
    38, "female", 60, {"numb_when_sitting": True, "eases_on_standing": True, "saddle_numbness": False}
)


def five_years(end: date) -> dict[str, list[dict[str, Any]]]:
    """Rows for every table, as `Repository.load` takes them."""
    kb = load_knowledge()
    start = end - timedelta(DAYS)
    profile = Profile("band", 20, tuple(range(7)), ("sitting", "running", "stairs"))
    result = triage(CASE, kb)
    selftest = score(SelfTestAnswers(squeeze_seconds={"left": 2.5, "right": 1.0}), kb)

    def at(day: date, hour: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)

    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in (
        "profile", "triage_runs", "selftest_results", "plans", "planned_sessions",
        "session_logs", "set_logs", "session_feedback", "checkins")}  # fmt: skip
    tables["profile"].append({"id": 1, **dump(profile), "updated_at": at(start, 8)})
    for n, month in enumerate(range(0, DAYS, 30), start=1):
        tables["selftest_results"].append(
            {"id": n, "created_at": at(start + timedelta(month), 7), "result": dump(selftest)}
        )
    session_id = set_id = 0
    for plan_id, offset in enumerate(range(0, DAYS, 28), start=1):
        plan_start = start + timedelta(offset)
        tables["triage_runs"].append({"id": plan_id, "created_at": at(plan_start, 6), "urgency": result.urgency,
                                      "case": dump(CASE), "result": dump(result)})  # fmt: skip
        plan = build_plan(profile, result, selftest, plan_start, kb)
        meta = {k: v for k, v in dump(plan).items() if k != "sessions"}
        tables["plans"].append({"id": plan_id, "created_at": at(plan_start, 6), "status": "replaced" if offset + 28 < DAYS else "active",
                                "start_date": plan_start, "triage_run_id": plan_id, "plan": meta})  # fmt: skip
        for position, planned in enumerate(plan.sessions):
            planned_id = len(tables["planned_sessions"]) + 1
            tables["planned_sessions"].append({"id": planned_id, "plan_id": plan_id, "day": planned.day, "position": position,
                                               "phase": planned.phase, "session": dump(planned)})  # fmt: skip
            if planned.day >= end:
                continue
            for extra in (0, 1) if position % 9 == 0 else (0,):  # now and then a second, unplanned session
                session_id += 1
                tables["session_logs"].append({"id": session_id, "planned_session_id": None if extra else planned_id,
                                               "started_at": at(planned.day, 18 + extra), "finished_at": at(planned.day, 19 + extra),
                                               "status": "completed", "guided": 1 - extra})  # fmt: skip
                for k in range(SETS_PER_SESSION):
                    set_id += 1
                    tables["set_logs"].append({"id": set_id, "session_log_id": session_id, "done_at": at(planned.day, 18 + extra),
                                               "exercise_id": "glute_bridge", "side": None, "reps": 10 + k % 3, "seconds": None,
                                               "load_kg": None, "target_reps": 10, "target_seconds": None})  # fmt: skip
                tables["session_feedback"].append({"session_log_id": session_id, "created_at": at(planned.day, 19 + extra),
                                                   "rpe": 5 + session_id % 3, "pain": session_id % 2, "felt": ["glutes"]})  # fmt: skip
    for n in range(DAYS):
        day = start + timedelta(n)
        tables["checkins"].append({"id": n + 1, "created_at": at(day, 9), "pain": 2 + n % 4, "numbness": 3 + n % 3,
                                   "psfs": {"sitting": 5 + n % 5, "running": 6, "stairs": 7}, "red_flags": {"saddle_numbness": False},
                                   "outcome": "ok", "notes": None})  # fmt: skip
    return tables


def almost_empty(end: date) -> dict[str, list[dict[str, Any]]]:
    result = triage(CASE, load_knowledge())
    moment = datetime(end.year, end.month, end.day, 6, tzinfo=UTC)
    return {
        "triage_runs": [
            {
                "id": 1,
                "created_at": moment,
                "urgency": result.urgency,
                "case": dump(CASE),
                "result": dump(result),
            }
        ]
    }


def fill(url: str, tables: dict[str, list[dict[str, Any]]]) -> None:
    repo = Store(connect(url), SystemClock()).owner()
    repo.load(tables)
    repo.close()


def fresh_postgres_database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return server.replace("/postgres?", f"/{name}?", 1)


def median_ms(argv: list[str], env: dict[str, str], runs: int) -> float:
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)  # warm the caches first
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each command (default 15)")
    parser.add_argument("--postgres-url", help="a PostgreSQL server to use instead of a throwaway cluster")
    args = parser.parse_args()
    beside = Path(sys.executable).with_name("glutewake")
    glutewake = str(beside) if beside.exists() else "glutewake"
    end = date.today()
    started = time.perf_counter()
    big = five_years(end)
    print(f"generated {len(big['session_logs'])} sessions, {len(big['set_logs'])} sets, {len(big['checkins'])} check-ins, "
          f"{len(big['plans'])} plans in {time.perf_counter() - started:.1f} s")  # fmt: skip
    with ExitStack() as stack, tempfile.TemporaryDirectory() as home:
        server = args.postgres_url
        if server is None:
            from tests.pg_cluster import throwaway_cluster

            server = stack.enter_context(throwaway_cluster(durable=True))
        engines = {
            "SQLite": (f"sqlite:///{home}/big.db", f"sqlite:///{home}/empty.db"),
            "PostgreSQL": (
                fresh_postgres_database(server, "bench_big"),
                fresh_postgres_database(server, "bench_empty"),
            ),
        }
        commands = {
            "progress --json": ["progress", "--json"],
            "plan (show, adapt)": ["plan", "--json"],
            "plan --new (build)": ["plan", "--new", "--json"],
        }
        print(f"\nmedian of {args.runs} runs, end to end (a new glutewake process each time)")
        print(f"{'':<12}{'command':<22}{'5 years':>10}{'empty':>10}{'ratio':>8}   goal: < 150 ms and <= 2x")
        for engine, (big_url, empty_url) in engines.items():
            fill(big_url, big)
            fill(empty_url, almost_empty(end))
            env = {**os.environ, "GLUTEWAKE_HOME": home}
            for label, argv in commands.items():
                full = median_ms([glutewake, "--database-url", big_url, *argv], env, args.runs)
                empty = median_ms([glutewake, "--database-url", empty_url, *argv], env, args.runs)
                verdict = "met" if full < 150 and full <= 2 * empty else "MISSED"
                print(
                    f"{engine:<12}{label:<22}{full:>8.0f} ms{empty:>7.0f} ms{full / empty:>7.2f}x   {verdict}"
                )
        floor = median_ms(
            [sys.executable, "-c", "import sqlalchemy, glutewake.cli"], os.environ.copy(), args.runs
        )
        print(f"\nfor reference: starting Python and importing SQLAlchemy alone takes {floor:.0f} ms here")


if __name__ == "__main__":
    main()
