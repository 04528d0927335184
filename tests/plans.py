"""A small plan for tests that run sessions: short enough to do in seconds."""

from __future__ import annotations

from datetime import date, timedelta

from glutewake.core.programme import Block, Plan, PlannedSession


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
