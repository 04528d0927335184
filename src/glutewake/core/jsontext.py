"""Strict JSON, as every input of glutewake (the API, imports, answer files) must be. Pure.

Python's `json` accepts NaN and Infinity, turns 1e309 into infinity, keeps lone surrogates
("\\ud800") that later fail to be written out, and raises RecursionError or a bare ValueError on
deep nesting or 5,000-digit numbers. `loads` refuses all of these with a `ValueError` whose
message says what was wrong.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MAX_DEPTH", "check", "check_unicode", "loads"]

MAX_DEPTH = 32


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def loads(text: str | bytes) -> Any:
    """The value of strict JSON `text`; raises ValueError naming the problem."""
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise ValueError("it is nested too deeply") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{error.msg} at line {error.lineno}, column {error.colno}") from None
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text") from None
    except ValueError as error:
        if "Exceeds the limit" in str(error):
            raise ValueError("it has a number with too many digits") from None
        raise
    check(value)
    return value


def check(value: Any, depth: int = 0) -> None:
    """Refuse a parsed value that strict JSON could not hold (for values built another way)."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise ValueError("it has a number JSON does not allow")
    _check(value, depth)


def _check(value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ValueError("it is nested too deeply")
    if isinstance(value, str):
        check_unicode(value)
    elif isinstance(value, list):
        for item in value:
            check(item, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_unicode(str(key))
            check(item, depth + 1)


def check_unicode(text: str) -> None:
    """Refuse text that cannot be written out as UTF-8 (a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("it has text that is not valid Unicode (a lone surrogate such as \\ud800)") from None
