"""The symptom check: reading a case, judging it in the region's words, keeping the result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glutewake.app.region import knowledge
from glutewake.core.triage import Case, TriageResult, triage
from glutewake.core.triage import parse_case as core_parse_case

if TYPE_CHECKING:
    from glutewake.store import Repository

__all__ = ["has_saved_check", "parse_case", "record_triage", "triage_case"]


def parse_case(raw: object) -> Case:
    """Check a case given as JSON-like data; raises `FieldErrors` naming each bad field."""
    kb = knowledge()
    return core_parse_case(raw, kb.findings, kb.regions)


def triage_case(case: Case) -> TriageResult:
    """The triage of `case`, worded for its region (or the user's)."""
    return triage(case, knowledge(case.region))


def record_triage(repo: Repository, case: Case, result: TriageResult) -> int:
    return repo.add_triage_run(case.to_json(), result.to_json())


def has_saved_check(repo: Repository) -> bool:
    """Whether the person has kept a symptom check (a plan is built from the latest)."""
    return bool(repo.triage_runs(limit=1))
