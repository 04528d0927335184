"""What ends a stop on exercise, in the terminal's words (the web has its own, with links)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glutewake.core.clearance import Clearance

__all__ = ["what_lifts_it"]


def what_lifts_it(clearance: Clearance) -> str:
    """What ends a stop on exercise, in the terminal's words."""
    if clearance.source == "no_check":
        return "Run `glutewake check` first: a few minutes of questions, safety ones first."
    if clearance.may_exercise:
        return "Keep to gentle exercises until then; your plan holds only those."
    if clearance.resume_by == "clinician":
        return "No exercise until your clinician says you can go on; they have been told."
    if clearance.source == "check" or clearance.seek_help:
        return "No exercise until a clinician has seen you; then run `glutewake check` again."
    return "No exercise until you run `glutewake check` again."
