"""A planned session as the ordered steps a guide walks through: get ready, sets, rests.

Pure: no I/O, no clock. The terminal player (`cli/session.py`) and the web player
(`web/static/player.js`) run these steps; what was done is logged set by set by the shell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from glutewake.core.programme import Block, PlannedSession
from glutewake.core.selftests import Side
from glutewake.knowledge.schema import Knowledge

__all__ = ["GET_READY_SECONDS", "NEXT_EXERCISE_SECONDS", "SWITCH_SIDES_SECONDS", "Step", "resume_at", "steps"]

GET_READY_SECONDS = 5
NEXT_EXERCISE_SECONDS = 10
SWITCH_SIDES_SECONDS = 5  # between the two sides of a hold: to turn over, not a rest

Section = Literal["warm_up", "main", "stretches"]


@dataclass(frozen=True)
class Step:
    """One thing to do: get ready or rest for `seconds`, or do a set of reps or a hold."""

    kind: Literal["get_ready", "set", "rest"]
    seconds: int = 0
    exercise_id: str | None = None
    section: Section | None = None
    set_number: int = 0
    sets: int = 0
    side: Side | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    load_kg: float | None = None
    tempo: str | None = None  # a clinician's seconds up-hold-down, such as 2-1-3
    note: str | None = None  # and their note about the exercise


def _block_steps(block: Block, section: Section, kb: Knowledge) -> list[Step]:
    sides: tuple[Side | None, ...] = ("left", "right") if block.per_side else (None,)
    rounds: list[tuple[Side | None, ...]] = [sides] * block.sets
    if block.extra_side:
        rounds.append((block.extra_side,))  # the weaker side's extra set comes last
    rest = kb.exercises[block.exercise_id].dose.rest_seconds
    result: list[Step] = []
    for number, round_sides in enumerate(rounds, start=1):
        if number > 1 and rest:
            result.append(Step("rest", seconds=rest, exercise_id=block.exercise_id, section=section))
        for index, side in enumerate(round_sides):
            if index and block.hold_seconds:  # time to turn over before the other side's hold
                result.append(
                    Step(
                        "get_ready",
                        seconds=SWITCH_SIDES_SECONDS,
                        exercise_id=block.exercise_id,
                        section=section,
                        side=side,
                    )
                )
            result.append(
                Step(
                    "set",
                    exercise_id=block.exercise_id,
                    section=section,
                    set_number=number,
                    sets=len(rounds),
                    side=side,
                    reps=block.reps,
                    hold_seconds=block.hold_seconds,
                    load_kg=block.load_kg,
                    tempo=block.tempo,
                    note=block.note,
                )
            )
    return result


def steps(session: PlannedSession, kb: Knowledge) -> list[Step]:
    """Every step of a session in order: warm-up, main exercises, stretches."""
    result: list[Step] = [Step("get_ready", seconds=GET_READY_SECONDS)]
    sections: list[tuple[Section, tuple[Block, ...]]] = [
        ("warm_up", session.warm_up),
        ("main", session.main),
        ("stretches", session.stretches),
    ]
    for section, blocks in sections:
        for block in blocks:
            if len(result) > 1:
                result.append(
                    Step(
                        "get_ready",
                        seconds=NEXT_EXERCISE_SECONDS,
                        exercise_id=block.exercise_id,
                        section=section,
                    )
                )
            result += _block_steps(block, section, kb)
    return result


def resume_at(plan_steps: Sequence[Step], done: Sequence[tuple[str, str | None]]) -> int:
    """Where a session cut short goes on: the index of the first set after the sets done.

    `done` is the (exercise, side) of each set logged, in order. Each is matched to the next
    set step of the same exercise and side, so a skipped set does not shift the rest; a set
    the plan does not have is ignored. `len(plan_steps)` when no set is left.
    """
    at = 0
    for exercise_id, side in done:
        match = next(
            (
                index
                for index in range(at, len(plan_steps))
                if plan_steps[index].kind == "set"
                and (plan_steps[index].exercise_id, plan_steps[index].side) == (exercise_id, side)
            ),
            None,
        )
        if match is not None:
            at = match + 1
    return next((i for i in range(at, len(plan_steps)) if plan_steps[i].kind == "set"), len(plan_steps))
