"""The user's past results, newest first, each with a title and a summary in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from glutewake.app.region import knowledge
from glutewake.codec import load
from glutewake.core.triage import TriageResult

if TYPE_CHECKING:
    from glutewake.store import Repository

__all__ = ["HistoryEntry", "history"]


@dataclass(frozen=True)
class HistoryEntry:
    """One past result, with a title and a one-line summary in plain words."""

    kind: str  # "triage" or "selftest"
    id: int
    at: datetime
    title: str
    summary: str
    result: dict[str, Any]


def history(repo: Repository, limit: int | None = None) -> list[HistoryEntry]:
    """Past triage runs and self-test results, newest first."""
    from glutewake.core.selftests import SelfTestResult, side_lines

    kb = knowledge()
    entries = []
    for run in repo.triage_runs(limit):
        result = load(TriageResult, run.data["result"])
        top = f"; most likely {kb.conditions[result.causes[0].id].name}" if result.causes else ""
        entries.append(
            HistoryEntry(
                "triage", run.id, run.at, "Symptom check", kb.level(result.urgency).title + top, run.data
            )
        )
    for stored in repo.selftest_results(limit):
        lines = side_lines(load(SelfTestResult, stored.data), kb)
        entries.append(
            HistoryEntry("selftest", stored.id, stored.at, "Self-tests", "; ".join(lines), stored.data)
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)[: limit or None]
