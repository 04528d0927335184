"""A small plan for tests that run sessions: short enough to do in seconds."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from glutewake.core.programme import Block, Plan, PlannedSession

if TYPE_CHECKING:
    from glutewake.store import Repository


def tiny_plan(day: date) -> Plan:
    """Two short sessions, on `day` and two days later: two 2-rep exercises, then a 2-second hold."""
    main = (
        Block("glute_bridge", 1, reps=2),
        Block("pelvic_curl", 1, reps=2),
        Block("side_plank", 1, hold_seconds=2),
    )
    sessions = tuple(
        PlannedSession(day + timedelta(n), "wake_up", (), main, (), ("Stand up often.",)) for n in (0, 2)
    )
    return Plan(day, "active", "full", "none", None, (), sessions, ())


def checked_clear(repo: Repository) -> int:
    """Keep a symptom check that found plain gluteal amnesia and no warning sign: what lets a
    person exercise (`core/clearance.py`). Returns the check's id."""
    from glutewake.codec import dump
    from glutewake.core.triage import Case, triage
    from glutewake.knowledge import load_knowledge

    kb = load_knowledge()
    answers: dict[str, bool | None] = {f.id: False for f in kb.findings.values() if f.group == "red_flag"}
    case = Case(35, "female", 30, {**answers, "numb_when_sitting": True, "eases_on_standing": True})
    result = triage(case, kb)
    assert result.urgency == "self_care"
    return repo.add_triage_run(dump(case), dump(result))


def save_ready_plan(repo: Repository, plan: Plan) -> int:
    """Keep a clear symptom check, then `plan` as built on it: a person ready to exercise."""
    return repo.save_plan(plan, checked_clear(repo))
