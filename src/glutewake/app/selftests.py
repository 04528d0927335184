"""The self-tests: reading answers, scoring them per side, keeping the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glutewake.app.region import knowledge
from glutewake.codec import dump

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.core.clearance import Clearance
    from glutewake.core.selftests import SelfTestAnswers, SelfTestResult
    from glutewake.knowledge.schema import SelfTest

__all__ = [
    "parse_selftest_answers",
    "record_own_selftest",
    "record_selftest",
    "score_selftests",
    "selftests_offered",
]


def parse_selftest_answers(raw: object) -> SelfTestAnswers:
    """Check self-test answers given as JSON-like data; raises `FieldErrors` naming each bad field."""
    from glutewake.core.selftests import parse_answers

    return parse_answers(raw, knowledge())


def score_selftests(answers: SelfTestAnswers) -> SelfTestResult:
    from glutewake.core.selftests import score

    return score(answers, knowledge())


def record_selftest(ctx: Context, result: SelfTestResult) -> int:
    return ctx.records.add_selftest_result(dump(result))


def selftests_offered(ctx: Context) -> tuple[Clearance | None, tuple[SelfTest, ...]]:
    """The self-tests that may be offered now, and what rules some out (None when nothing does):
    while exercise is ruled out, those that are exercise in themselves (standing on one leg, a
    bridge) are left out, and after an emergency or same-day result none is offered."""
    from glutewake.app.clearance import current_clearance

    tests = tuple(ctx.knowledge.selftests.values())
    cleared = current_clearance(ctx)
    if cleared.may_exercise:
        return None, tests
    return cleared, () if cleared.seek_help else tuple(t for t in tests if not t.physical)


# Which answers each kind of test gives (core/selftests.py's SelfTestAnswers).
_ANSWERED_BY = {
    "squeeze_timing": "squeeze_seconds",
    "where_felt": "bridge_felt",
    "pelvic_tilt": "belt_line",
    "clench": "clench",
    "checklist": "signs",
}


def record_own_selftest(ctx: Context, result: SelfTestResult) -> int:
    """Keep self-tests a person did on their own: refused (`NotCleared`) when one of them is a
    test that may not be offered now (`selftests_offered`), whoever scored it (a form, a file,
    the API). A clinician's measurements in clinic are kept with `record_selftest`."""
    from glutewake.app.refusals import NotCleared

    cleared, offered = selftests_offered(ctx)
    if cleared is not None:
        allowed = {test.id for test in offered}
        done = [
            test
            for test in ctx.knowledge.selftests.values()
            if getattr(result.answers, _ANSWERED_BY[test.kind]) not in (None, {}, ())
        ]
        if any(test.id not in allowed for test in done):
            raise NotCleared(cleared)
    return record_selftest(ctx, result)
