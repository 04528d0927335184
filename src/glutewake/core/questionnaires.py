"""The questionnaires a clinician can schedule, and when one is due.

Pure: no I/O, no clock (today is an argument). Each is answered by the check-in, which asks
them all; only free-to-use measures are here. The Oswestry Disability Index is not: its
licence holder requires a licence for use in software.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from glutewake.core.progress import MINIMAL_IMPORTANT_CHANGE

__all__ = ["GRACE_DAYS", "QUESTIONNAIRES", "Questionnaire", "due_on", "is_overdue"]

GRACE_DAYS = 2  # days after it falls due before a questionnaire counts as overdue


@dataclass(frozen=True)
class Questionnaire:
    id: str
    name: str
    asks: str  # what the patient rates, in their words
    score: Literal["pain", "numbness", "psfs"]  # which of the check-in's scores answers it
    higher_is_better: bool
    minimal_important_change: float
    loinc: str | None  # the LOINC code of the score, where one exists


QUESTIONNAIRES: dict[str, Questionnaire] = {
    q.id: q
    for q in (
        Questionnaire(
            "nprs_pain", "Pain rating (NPRS)", "pain now, from 0 (none) to 10 (the worst imaginable)",
            "pain", False, MINIMAL_IMPORTANT_CHANGE, "72514-3",
        ),
        Questionnaire(
            "sitting_numbness", "Numbness when sitting", "numbness when sitting, from 0 (none) to 10 (complete)",
            "numbness", False, MINIMAL_IMPORTANT_CHANGE, None,
        ),
        Questionnaire(
            "psfs", "Patient-Specific Functional Scale (PSFS)",
            "how well they manage their own chosen activities, from 0 (unable) to 10 (as before)",
            "psfs", True, MINIMAL_IMPORTANT_CHANGE, None,
        ),
    )
}  # fmt: skip


def due_on(starts_on: date, every_days: int, last_answered: date | None) -> date:
    """The day the questionnaire is next due: its first day, then `every_days` after each answer."""
    if last_answered is None or last_answered < starts_on:
        return starts_on
    return last_answered + timedelta(every_days)


def is_overdue(due: date, today: date) -> bool:
    return today > due + timedelta(GRACE_DAYS)
