"""Sitting statistics from the coach's record: bouts, breaks and answers to prompts.

Pure: no I/O, no clock. Definitions follow sedentary-behaviour research: a bout is
uninterrupted sitting; a break ends one (a natural break is an idle spell at least the
minimum break length, a setting); prolonged sitting is time in bouts of 30 minutes or more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from glutewake.core.coach import BoutEnded, BreakTaken, PromptAnswered

__all__ = ["PROLONGED_SECONDS", "SharedDay", "SittingStats", "sitting_stats"]

PROLONGED_SECONDS = 30 * 60


@dataclass(frozen=True)
class SittingStats:
    active_seconds: float
    bouts: int
    longest_bout_seconds: float
    prolonged_seconds: float
    prompts: int
    breaks_prompted: int
    breaks_natural: int
    postponed: int
    skipped: int

    __reported__: ClassVar[tuple[str, ...]] = ("breaks", "breaks_per_sitting_hour", "prompts_followed")

    @property
    def breaks(self) -> int:
        return self.breaks_prompted + self.breaks_natural

    @property
    def breaks_per_sitting_hour(self) -> float | None:
        return round(self.breaks / (self.active_seconds / 3600), 2) if self.active_seconds else None

    @property
    def prompts_followed(self) -> float | None:
        """The share of prompts that ended in a break."""
        return round(self.breaks_prompted / self.prompts, 3) if self.prompts else None


@dataclass(frozen=True)
class SharedDay:
    """One day's sitting statistics, as a linked computer shares them with the patient's clinic."""

    day: date
    stats: SittingStats


def sitting_stats(
    bouts: Sequence[BoutEnded], breaks: Sequence[BreakTaken], answers: Sequence[PromptAnswered], prompts: int
) -> SittingStats:
    lengths = [bout.active_seconds for bout in bouts]
    return SittingStats(
        active_seconds=sum(lengths),
        bouts=len(lengths),
        longest_bout_seconds=max(lengths, default=0.0),
        prolonged_seconds=sum(length for length in lengths if length >= PROLONGED_SECONDS),
        prompts=prompts,
        breaks_prompted=sum(b.kind == "prompted" for b in breaks),
        breaks_natural=sum(b.kind == "natural" for b in breaks),
        postponed=sum(a.answer == "postponed" for a in answers),
        skipped=sum(a.answer == "skipped" for a in answers),
    )
