"""The small fixed vocabularies glutewake's answers use, each defined once, with its words.

The types say what a value may be (the schemas, the core, the API models use them); the
labels say it to a person (the CLI's menus and the web's forms use them).
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "EQUIPMENT",
    "FELT",
    "POSITIONS",
    "SESSION_MINUTES",
    "SEX",
    "WEEKDAYS",
    "WEEKDAY_NAMES",
    "Equipment",
    "Felt",
    "Position",
    "Sex",
    "Weekday",
]

Equipment = Literal["none", "band", "dumbbells", "gym"]  # the kit a plan is built for
EQUIPMENT: dict[Equipment, str] = {
    "none": "None",
    "band": "A resistance band",
    "dumbbells": "Band and dumbbells",
    "gym": "A gym",
}

SESSION_MINUTES = (10, 60)  # the session lengths a plan can be built for

Position = Literal["floor", "standing", "seated"]  # where an exercise is done
POSITIONS: dict[Position, str] = {
    "floor": "On the floor",
    "standing": "Standing",
    "seated": "Seated at a desk",
}

Sex = Literal["female", "male", "other"]
SEX: dict[Sex, str] = {"female": "Female", "male": "Male", "other": "Other, or prefer not to say"}

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = get_args(Weekday)  # Monday first, as date.weekday() counts
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Felt = Literal["glutes", "hamstrings", "lower_back"]  # where an exercise was felt working
FELT: dict[Felt, str] = {
    "glutes": "Buttocks",
    "hamstrings": "Backs of the thighs",
    "lower_back": "Lower back",
}

assert set(EQUIPMENT) == set(get_args(Equipment))
assert set(POSITIONS) == set(get_args(Position))
assert set(SEX) == set(get_args(Sex))
assert set(FELT) == set(get_args(Felt))
