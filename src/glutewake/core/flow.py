"""The check's screens: which to show next, how a checklist's answer reads, how far along it is.

Pure: no I/O, no clock, no environment. The screens are data (`triage.yaml` `screens`); this
module decides their order. Red-flag checklists come first (stage 1), in file order, except
that one where a single tick would mean an emergency goes first; then where the symptoms are (stage 2); then the rest
(stage 3), the screen whose answer could make the result most urgent first, then the one that
settles the most open rules; stage 4 comes last. Only
findings that `open_questions` still finds worth asking are shown, so the check stops as
soon as nothing can change the result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from glutewake.core.triage import Case, deciding_conditions, holds, open_questions, rules_urgency
from glutewake.knowledge.schema import URGENCY_ORDER, Expr, Finding, Knowledge, Urgency, expr_findings

__all__ = ["Step", "answer_step", "next_step", "replay", "screens_left"]


@dataclass(frozen=True)
class Step:
    """One screen: a checklist of findings ("tick all that apply"), or a single question."""

    kind: Literal["checklist", "question"]
    id: str  # the screen's id, or the finding's for a question on no screen
    title: str
    findings: tuple[Finding, ...]
    stage: int  # 1: the red-flag screens; 2 and later: the symptoms

    @property
    def safety(self) -> bool:
        return self.stage == 1


def next_step(case: Case, kb: Knowledge) -> Step | None:
    """The screen to show next, or None once nothing more can change the result."""
    open_now = open_questions(case, kb)
    if not open_now:
        return None
    open_ids = {f.id for f in open_now}
    on_screen: set[str] = set()
    candidates: list[tuple[int, Step]] = []  # (stage, step) in file order
    for screen in kb.triage.screens:
        on_screen.update(screen.findings)
        shown = tuple(kb.findings[f] for f in screen.findings if f in open_ids)
        if shown:
            candidates.append((screen.stage, _step(screen.id, screen.title, shown, screen.stage)))
    candidates += [(3, _step(f.id, f.question, (f,), 3)) for f in open_now if f.id not in on_screen]
    stage = min(stage for stage, _ in candidates)
    steps = [step for s, step in candidates if s == stage]
    if stage == 1:  # a screen where one tick means an emergency first; else file order
        return max(steps, key=lambda step: _reachable(case, kb, step) == "emergency")
    if stage == 3:  # what could make it more urgent first, a follow-up next to its lead, then
        deciding = deciding_conditions(case, kb)  # what settles the most rules
        return max(
            steps,
            key=lambda step: (
                _most_urgent_answer(case, kb, step),
                any(f.asked_if is not None for f in step.findings),
                _settles(case, deciding, step),
            ),
        )
    return steps[0]


def _step(step_id: str, title: str, findings: tuple[Finding, ...], stage: int) -> Step:
    if len(findings) == 1:
        return Step("question", step_id, findings[0].question, findings, stage)
    return Step("checklist", step_id, title, findings, stage)


def _reachable(case: Case, kb: Knowledge, step: Step) -> Urgency:
    """How urgent a yes to one of the step's findings could make the result."""
    return max(
        (rules_urgency(case.with_answer(f.id, True), kb) for f in step.findings), key=URGENCY_ORDER.index
    )


def _most_urgent_answer(case: Case, kb: Knowledge, step: Step) -> int:
    """The most urgent result any one yes or no on the step could bring, as a rank."""
    return max(
        URGENCY_ORDER.index(rules_urgency(case.with_answer(f.id, value), kb))
        for f in step.findings
        for value in (True, False)
    )


def _settles(case: Case, deciding: list[Expr], step: Step) -> int:
    """How many open rules some answer to the step's findings would decide."""
    count = 0
    for expr in deciding:
        mentioned = [f.id for f in step.findings if f.id in set(expr_findings(expr))]
        if mentioned and any(
            holds(expr, _answer_all(case, mentioned, value)) is not None for value in (True, False)
        ):
            count += 1
    return count


def _answer_all(case: Case, finding_ids: Iterable[str], value: bool | None) -> Case:
    return case.with_answers(dict.fromkeys(finding_ids, value))


def answer_step(
    case: Case, step: Step, ticked: Iterable[str], rest: bool | None, unsure: Iterable[str] = ()
) -> Case:
    """A checklist's answer: the ticked findings are yes, those `unsure` None (not sure), the
    others `rest` (no for "none of these" or "that is all", None for "not sure"). Ticks for
    findings not on the step are ignored; a finding both ticked and unsure is yes."""
    yes, doubts = set(ticked), set(unsure)
    answers = {f.id: True if f.id in yes else None if f.id in doubts else rest for f in step.findings}
    return case.with_answers(answers)


def replay(case: Case, kb: Knowledge) -> list[Step]:
    """The screens this case has already answered in full, in the order the check showed them."""
    shown: list[Step] = []
    so_far = case.with_answers({}, replace=True)
    while (step := next_step(so_far, kb)) is not None:
        if any(f.id not in case.answers for f in step.findings):
            break
        shown.append(step)
        so_far = so_far.with_answers({f.id: case.answers[f.id] for f in step.findings})
    return shown


def screens_left(case: Case, kb: Knowledge) -> int:
    """How many screens are still to come if each is answered "none of these" (an estimate
    for the counter: "Screen 3 of about 8")."""
    left, probe = 0, case
    while (step := next_step(probe, kb)) is not None and left < len(kb.findings):
        probe = answer_step(probe, step, (), False)
        left += 1
    return left
