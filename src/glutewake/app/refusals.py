"""Why a use case says no: typed reasons each interface words for its medium.

A refusal is an exception carrying what went wrong in plain words, never a command to run;
the CLI prints it and exits non-zero, the web answers 4xx with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from glutewake.core.errors import FieldErrors

if TYPE_CHECKING:
    from glutewake.core.clearance import Clearance

__all__ = ["FieldErrors", "InputError", "NoTriage", "NotCleared", "Refusal", "read_json"]


class Refusal(Exception):
    """A use case cannot do what was asked; the message says why, for a person."""


class InputError(Refusal, ValueError):
    """Input the user gave us cannot be used; the message says what and how to fix it."""


class NoTriage(Refusal, LookupError):
    """A plan needs a saved symptom check first."""


class NotCleared(Refusal):
    """What was asked is exercise, and what the person may do now rules it out; `clearance`
    says why and what to do instead (each interface shows it as it shows the check's result)."""

    def __init__(self, clearance: Clearance) -> None:
        super().__init__(clearance.reason)
        self.clearance = clearance


def read_json(name: str, text: str) -> Any:
    """Parse JSON text read from `name`, turning a syntax error into an `InputError`."""
    from glutewake.core import jsontext

    try:
        return jsontext.loads(text)
    except ValueError as error:
        raise InputError(f"{name} is not valid JSON: {error}") from None
