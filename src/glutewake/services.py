"""The shell between the interfaces (CLI, later the web) and the pure core.

It gathers inputs (files, the knowledge base), calls the core and returns results.
Storing results arrives with the store; until then nothing here writes anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glutewake.core.errors import FieldErrors
from glutewake.core.triage import Case, TriageResult, triage
from glutewake.core.triage import parse_case as core_parse_case
from glutewake.knowledge import Knowledge, load_knowledge

if TYPE_CHECKING:  # self-test scoring loads only when a self-test command runs
    from glutewake.core.selftests import SelfTestAnswers, SelfTestResult

__all__ = [
    "FieldErrors",
    "InputError",
    "knowledge",
    "parse_case",
    "parse_selftest_answers",
    "read_json",
    "score_selftests",
    "triage_case",
]


class InputError(ValueError):
    """Input the user gave us cannot be used; the message says what and how to fix it."""


def knowledge() -> Knowledge:
    return load_knowledge()


def read_json(path: Path | str, text: str | None = None) -> Any:
    """Parse a JSON file (or already-read `text`), turning every failure into an `InputError`."""
    name = str(path)
    try:
        if text is None:
            text = Path(path).read_text(encoding="utf-8")
        return json.loads(text)
    except OSError as error:
        raise InputError(f"cannot read {name}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InputError(f"{name} is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise InputError(
            f"{name} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from error


def parse_case(raw: object) -> Case:
    """Check a case given as JSON-like data; raises `FieldErrors` naming each bad field."""
    return core_parse_case(raw, knowledge().findings)


def triage_case(case: Case) -> TriageResult:
    return triage(case, knowledge())


def parse_selftest_answers(raw: object) -> SelfTestAnswers:
    """Check self-test answers given as JSON-like data; raises `FieldErrors` naming each bad field."""
    from glutewake.core.selftests import parse_answers

    return parse_answers(raw, knowledge())


def score_selftests(answers: SelfTestAnswers) -> SelfTestResult:
    from glutewake.core.selftests import score

    return score(answers, knowledge())
