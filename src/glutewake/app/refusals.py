"""Why a use case says no: typed reasons each interface words for its medium.

A refusal is an exception carrying what went wrong in plain words, never a command to run;
the CLI prints it and exits non-zero, the web answers 4xx with it.
"""

from __future__ import annotations

from typing import Any

from glutewake.core.errors import FieldErrors

__all__ = ["FieldErrors", "InputError", "NoTriage", "Refusal", "read_json"]


class Refusal(Exception):
    """A use case cannot do what was asked; the message says why, for a person."""


class InputError(Refusal, ValueError):
    """Input the user gave us cannot be used; the message says what and how to fix it."""


class NoTriage(Refusal, LookupError):
    """A plan needs a saved symptom check first."""


def read_json(name: str, text: str) -> Any:
    """Parse JSON text read from `name`, turning a syntax error into an `InputError`."""
    from glutewake.core import jsontext

    try:
        return jsontext.loads(text)
    except ValueError as error:
        raise InputError(f"{name} is not valid JSON: {error}") from None
