"""The self-tests: reading answers, scoring them per side, keeping the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glutewake.app.region import knowledge
from glutewake.codec import dump

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.core.selftests import SelfTestAnswers, SelfTestResult

__all__ = ["parse_selftest_answers", "record_selftest", "score_selftests"]


def parse_selftest_answers(raw: object) -> SelfTestAnswers:
    """Check self-test answers given as JSON-like data; raises `FieldErrors` naming each bad field."""
    from glutewake.core.selftests import parse_answers

    return parse_answers(raw, knowledge())


def score_selftests(answers: SelfTestAnswers) -> SelfTestResult:
    from glutewake.core.selftests import score

    return score(answers, knowledge())


def record_selftest(ctx: Context, result: SelfTestResult) -> int:
    return ctx.records.add_selftest_result(dump(result))
