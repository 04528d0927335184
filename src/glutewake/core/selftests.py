"""Scoring the glute self-tests: from what the person noticed to activation per side.

Pure: no I/O, no clock (the shell measures seconds and passes them in). The words for
each outcome live in `knowledge/data/selftests.yaml`; this module decides which outcome
applies. The result's dataclasses are its stored form (`glutewake.codec`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from glutewake.codec import load
from glutewake.core.errors import FieldErrors
from glutewake.knowledge.schema import Knowledge, SelfTest
from glutewake.knowledge.vocabulary import FELT, Felt

__all__ = [
    "BELT_LINES",
    "OUTCOMES",
    "PROMPT_KEYS",
    "SIDES",
    "WHERE_FELT",
    "Clench",
    "SelfTestAnswers",
    "SelfTestResult",
    "SideResult",
    "TestOutcome",
    "parse_answers",
    "score",
    "side_lines",
    "summary",
]

Side = Literal["left", "right"]
SIDES: tuple[Side, ...] = ("left", "right")
Status = Literal["normal", "slow", "very_slow", "not_firm", "unknown"]
_STATUS_ORDER: tuple[Status, ...] = ("normal", "slow", "very_slow", "not_firm")
WHERE_FELT: tuple[Felt, ...] = tuple(FELT)
BeltLine = Literal["level", "tilted_forward", "tilted_back", "unsure"]
BELT_LINES: tuple[BeltLine, ...] = ("level", "tilted_forward", "tilted_back", "unsure")
_TILT_OUTCOME = {
    "level": "level",
    "tilted_forward": "anterior_tilt",
    "tilted_back": "posterior_tilt",
    "unsure": "unclear",
}

# Two sides whose squeeze times differ by at least this much are called uneven.
_UNEVEN_SECONDS = 1.0

# What each kind of self-test needs from its knowledge entry: the prompts the guide shows
# and the outcomes this module can give (tests check every shipped test against these).
PROMPT_KEYS: dict[str, frozenset[str]] = {
    "squeeze_timing": frozenset({"ready", "firm"}),
    "where_felt": frozenset({"where", *WHERE_FELT}),
    "pelvic_tilt": frozenset({"line", *BELT_LINES}),
    "clench": frozenset({"both", "left", "right"}),
    "checklist": frozenset({"item"}),
}
OUTCOMES: dict[str, frozenset[str]] = {
    "squeeze_timing": frozenset({"normal", "slow", "very_slow", "not_firm"}),
    "where_felt": frozenset({"glutes_working", "hamstrings_take_over", "lower_back_takes_over"}),
    "pelvic_tilt": frozenset(_TILT_OUTCOME.values()),
    "clench": frozenset({"full_control", "partial_control", "no_control"}),
    "checklist": frozenset({"few_signs", "some_signs", "many_signs"}),
}


@dataclass(frozen=True)
class Clench:
    both: bool
    left: bool
    right: bool


@dataclass(frozen=True)
class SelfTestAnswers:
    """What the person reported; a test left out is simply absent (None or empty)."""

    squeeze_seconds: Mapping[Side, float | None] = field(default_factory=dict)  # None: never firmed up
    bridge_felt: tuple[str, ...] | None = None
    belt_line: BeltLine | None = None
    clench: Clench | None = None
    signs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SideResult:
    status: Status
    seconds: float | None
    clench_alone: bool | None


@dataclass(frozen=True)
class TestOutcome:
    test: str
    outcome: str
    side: Side | None = None


@dataclass(frozen=True)
class SelfTestResult:
    """Activation per side, the weaker side if any, and each test's outcome."""

    answers: SelfTestAnswers
    sides: Mapping[Side, SideResult]  # both sides, left first
    weaker_side: Side | None
    outcomes: tuple[TestOutcome, ...]
    glutes_underactive: bool | None
    implied_findings: Mapping[str, bool]

    def side(self, side: Side) -> SideResult:
        return self.sides[side]


_ANSWER_FIELDS = ("squeeze_seconds", "bridge_felt", "belt_line", "clench", "signs")


def parse_answers(raw: object, kb: Knowledge) -> SelfTestAnswers:
    """Check self-test answers given as JSON-like data; raise `FieldErrors` naming each bad field."""
    if not isinstance(raw, dict):
        raise FieldErrors([("answers", f"must be an object with any of {', '.join(_ANSWER_FIELDS)}")])
    problems = [
        (str(k), f"unknown field (expected {', '.join(_ANSWER_FIELDS)})")
        for k in raw
        if k not in _ANSWER_FIELDS
    ]
    squeeze = raw.get("squeeze_seconds") or {}
    if not isinstance(squeeze, dict):
        problems.append(("squeeze_seconds", 'must be an object such as {"left": 2.5, "right": null}'))
        squeeze = {}
    for side, seconds in squeeze.items():
        if side not in SIDES:
            problems.append((f"squeeze_seconds.{side}", "unknown side; use left or right"))
        elif seconds is not None and (
            isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 120
        ):
            problems.append(
                (f"squeeze_seconds.{side}", "must be seconds from 0 to 120, or null if it did not firm up")
            )
    checklist = {item.id for test in kb.selftests.values() for item in test.items}
    for name, allowed in (("bridge_felt", set(WHERE_FELT)), ("signs", checklist)):
        value = raw.get(name)
        if value is not None and (not isinstance(value, list) or not set(value) <= allowed):
            problems.append((name, f"must be a list drawn from {', '.join(sorted(allowed))}"))
    if raw.get("belt_line") is not None and raw["belt_line"] not in BELT_LINES:
        problems.append(("belt_line", f"must be one of {', '.join(BELT_LINES)}"))
    clench = raw.get("clench")
    if clench is not None and (
        not isinstance(clench, dict)
        or set(clench) != {"both", "left", "right"}
        or not all(isinstance(v, bool) for v in clench.values())
    ):
        problems.append(("clench", 'must be {"both": true/false, "left": true/false, "right": true/false}'))
    if problems:
        raise FieldErrors(problems)
    return load(SelfTestAnswers, {**raw, "squeeze_seconds": squeeze})  # null: no side tested


def _kind(kb: Knowledge, kind: str) -> SelfTest:
    return next(test for test in kb.selftests.values() if test.kind == kind)


def _squeeze_status(seconds: float | None, test: SelfTest) -> Status:
    if seconds is None:
        return "not_firm"
    for limit, status in test.seconds_bands:
        if seconds <= limit:
            return status  # type: ignore[return-value]  # band statuses are checked by a test
    return "very_slow"


def _side(side: Side, answers: SelfTestAnswers, squeeze: SelfTest) -> SideResult:
    alone = None if answers.clench is None else getattr(answers.clench, side)
    if side in answers.squeeze_seconds:
        seconds = answers.squeeze_seconds[side]
        rank = _STATUS_ORDER.index(_squeeze_status(seconds, squeeze))
    elif alone is not None:
        seconds, rank = None, 0
    else:
        return SideResult("unknown", None, None)
    if alone is False:
        rank = min(rank + 1, len(_STATUS_ORDER) - 1)  # cannot fire it alone: one step weaker
    return SideResult(_STATUS_ORDER[rank], seconds, alone)


def _weaker(sides: Mapping[Side, SideResult]) -> Side | None:
    left, right = sides["left"], sides["right"]
    if "unknown" in (left.status, right.status):
        return None
    left_rank, right_rank = _STATUS_ORDER.index(left.status), _STATUS_ORDER.index(right.status)
    if left_rank != right_rank:
        return "left" if left_rank > right_rank else "right"
    if (
        left.seconds is not None
        and right.seconds is not None
        and abs(left.seconds - right.seconds) >= _UNEVEN_SECONDS
    ):
        return "left" if left.seconds > right.seconds else "right"
    return None


def score(answers: SelfTestAnswers, kb: Knowledge) -> SelfTestResult:
    """Score whichever self-tests were done."""
    squeeze = _kind(kb, "squeeze_timing")
    sides = {side: _side(side, answers, squeeze) for side in SIDES}
    outcomes: list[TestOutcome] = [
        TestOutcome(squeeze.id, _squeeze_status(answers.squeeze_seconds[side], squeeze), side)
        for side in SIDES
        if side in answers.squeeze_seconds
    ]
    worries: list[bool] = [s.status != "normal" for s in sides.values() if s.status != "unknown"]
    if answers.bridge_felt:
        felt = set(answers.bridge_felt)
        outcome = (
            "lower_back_takes_over"
            if "lower_back" in felt
            else "glutes_working"
            if "glutes" in felt
            else "hamstrings_take_over"
        )
        outcomes.append(TestOutcome(_kind(kb, "where_felt").id, outcome))
        worries.append(outcome != "glutes_working")
    if answers.belt_line is not None:
        outcome = _TILT_OUTCOME[answers.belt_line]
        outcomes.append(TestOutcome(_kind(kb, "pelvic_tilt").id, outcome))
        worries.append(outcome == "anterior_tilt")
    if answers.clench is not None:
        c = answers.clench
        outcome = (
            "full_control" if c.both and c.left and c.right else "partial_control" if c.both else "no_control"
        )
        outcomes.append(TestOutcome(_kind(kb, "clench").id, outcome))
        worries.append(outcome != "full_control")
    implied: dict[str, bool] = {}
    if answers.signs is not None:
        checklist = _kind(kb, "checklist")
        ticked = [item for item in checklist.items if item.id in answers.signs]
        outcome = "few_signs" if len(ticked) <= 1 else "some_signs" if len(ticked) <= 3 else "many_signs"
        outcomes.append(TestOutcome(checklist.id, outcome))
        implied.update({item.finding: True for item in ticked if item.finding})
    underactive = any(worries) if worries else None
    if underactive is not None:
        implied["glutes_hard_to_activate"] = underactive
    return SelfTestResult(answers, sides, _weaker(sides), tuple(outcomes), underactive, implied)


def side_lines(result: SelfTestResult, kb: Knowledge) -> list[str]:
    """One plain line per side, such as "left: slow to activate (about 3 s)"."""
    squeeze = _kind(kb, "squeeze_timing")
    lines = []
    for name, side in result.sides.items():
        if side.status == "unknown":
            lines.append(f"{name}: not tested")
            continue
        if side.seconds is not None:  # what the stopwatch showed, whatever the clench test added
            timed = _squeeze_status(side.seconds, squeeze)
            words = squeeze.outcomes[timed].label
            if timed != "normal":
                words += f" (about {round(side.seconds, 1):g} s)"
        else:
            words = squeeze.outcomes[side.status].label
        if side.clench_alone is False:
            words += ", hard to squeeze on its own"
        lines.append(f"{name}: {words}")
    return lines


def summary(result: SelfTestResult, kb: Knowledge) -> list[str]:
    """Plain-language lines: activation of both sides, then what each test suggests."""
    lines = ["; ".join(side_lines(result, kb))]
    if result.weaker_side:
        lines.append(f"Your {result.weaker_side} side is the weaker one: give it extra single-leg work.")
    for outcome in result.outcomes:
        if outcome.side is None:
            test = kb.selftests[outcome.test]
            lines.append(f"{test.name}: {test.outcomes[outcome.outcome].meaning}")
    return lines
