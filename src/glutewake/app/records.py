"""The user's past results, newest first, each with a title and a summary in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from glutewake.codec import load
from glutewake.core.triage import TriageResult

if TYPE_CHECKING:
    from glutewake.app.context import Context

__all__ = ["HistoryEntry", "forget", "has_records", "history"]


def has_records(ctx: Context) -> bool:
    """Whether anything at all is kept for the person."""
    return not ctx.records.is_empty()


def forget(ctx: Context) -> None:
    """Delete every record of the person, and only theirs."""
    ctx.records.forget()


@dataclass(frozen=True)
class HistoryEntry:
    """One past result, with a title and a one-line summary in plain words."""

    kind: str  # "triage" or "selftest"
    id: int
    at: datetime
    title: str
    summary: str
    result: dict[str, Any]


def history(ctx: Context, limit: int | None = None) -> list[HistoryEntry]:
    """Past triage runs and self-test results, newest first."""
    from glutewake.core.selftests import SelfTestResult, side_lines

    kb = ctx.knowledge
    entries = []
    for run in ctx.records.triage_runs(limit):
        result = load(TriageResult, run.data["result"])
        top = f"; most likely {kb.conditions[result.causes[0].id].name}" if result.causes else ""
        entries.append(
            HistoryEntry(
                "triage", run.id, run.at, "Symptom check", kb.level(result.urgency).title + top, run.data
            )
        )
    for stored in ctx.records.selftest_results(limit):
        lines = side_lines(load(SelfTestResult, stored.data), kb)
        entries.append(
            HistoryEntry("selftest", stored.id, stored.at, "Self-tests", "; ".join(lines), stored.data)
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)[: limit or None]
