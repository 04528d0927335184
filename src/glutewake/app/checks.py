"""The symptom check: reading a case, judging it in the region's words, keeping the result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from glutewake.app.region import knowledge
from glutewake.codec import dump, load
from glutewake.core.triage import Case, TriageResult, triage
from glutewake.core.triage import parse_case as core_parse_case

if TYPE_CHECKING:
    from collections.abc import Iterable

    from glutewake.app.context import Context
    from glutewake.core.flow import Step

__all__ = [
    "Screen",
    "answer_screen",
    "has_saved_check",
    "latest_result",
    "next_screen",
    "parse_case",
    "record_triage",
    "triage_case",
]


def parse_case(raw: object) -> Case:
    """Check a case given as JSON-like data; raises `FieldErrors` naming each bad field."""
    kb = knowledge()
    return core_parse_case(raw, kb.findings, kb.regions)


def triage_case(case: Case) -> TriageResult:
    """The triage of `case`, worded for its region (or the user's)."""
    return triage(case, knowledge(case.region))


def record_triage(ctx: Context, case: Case, result: TriageResult) -> int:
    """Keep a check's result; a plan it allows less than changes at once (`follow_check`)."""
    from glutewake.app.plan_state import adapt_plan

    run_id = ctx.records.add_triage_run(dump(case), dump(result))
    adapt_plan(ctx)
    return run_id


def latest_result(ctx: Context) -> TriageResult | None:
    """The result of the latest saved symptom check, if any."""
    runs = ctx.records.triage_runs(limit=1)
    return load(TriageResult, runs[0].data["result"]) if runs else None


def has_saved_check(ctx: Context) -> bool:
    """Whether the person has kept a symptom check (a plan is built from the latest)."""
    return bool(ctx.records.triage_runs(limit=1))


@dataclass(frozen=True)
class Screen:
    """The next screen of the check, where it stands, and the one before it (to go back to)."""

    step: Step
    number: int  # this screen's number, from 1
    about: int  # about how many screens in all (later answers can make it fewer)
    before: Step | None


def next_screen(case: Case) -> Screen | None:
    """The next screen worth asking for `case` (in its region's words), or None when nothing
    left could change the result."""
    from glutewake.core.flow import next_step, replay, screens_left  # only the interactive check needs it

    kb = knowledge(case.region)
    step = next_step(case, kb)
    if step is None:
        return None
    shown = replay(case, kb)
    return Screen(step, len(shown) + 1, len(shown) + screens_left(case, kb), shown[-1] if shown else None)


def answer_screen(
    case: Case, step: Step, ticked: Iterable[str], rest: bool | None, unsure: Iterable[str] = ()
) -> Case:
    """`case` with one screen answered: the ticked findings yes, the `unsure` ones not sure,
    the rest `rest`."""
    from glutewake.core.flow import answer_step

    return answer_step(case, step, ticked, rest, unsure)
