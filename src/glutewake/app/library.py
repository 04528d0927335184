"""The exercise library: finding exercises by position, kit and level."""

from __future__ import annotations

from glutewake.app.region import knowledge
from glutewake.knowledge.schema import Exercise

__all__ = ["find_exercises"]


def find_exercises(
    position: str | None = None, equipment: str | None = None, level: int | None = None
) -> list[Exercise]:
    """Library exercises done in `position`, possible with the kit of `equipment` (none, band,
    dumbbells, gym; a chair is assumed), up to `level`; unset filters let everything through."""
    kb = knowledge()
    kits = {str(name): set(items) for name, items in kb.programme.kits.items()}
    kit = kits[equipment] | {"chair"} if equipment in kits else None
    return [
        e
        for e in kb.exercises.values()
        if (not position or e.position == position)
        and (kit is None or set(e.equipment) <= kit)
        and (level is None or e.level <= level)
    ]
