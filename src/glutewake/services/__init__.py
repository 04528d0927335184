"""The shell between the interfaces (CLI, later the web) and the pure core.

It gathers inputs (files, the knowledge base, the store), calls the core, stores what
should be kept, and returns results. The store and the self-tests load only when used,
so a command that needs neither starts fast.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from glutewake.core.errors import FieldErrors
from glutewake.core.triage import Case, TriageResult, triage
from glutewake.core.triage import parse_case as core_parse_case
from glutewake.knowledge import Knowledge, load_knowledge
from glutewake.knowledge.schema import Exercise

if TYPE_CHECKING:  # self-tests and the store load only when a command needs them
    from glutewake.clock import Clock
    from glutewake.core.selftests import SelfTestAnswers, SelfTestResult
    from glutewake.store import Repository

__all__ = [
    "FieldErrors",
    "HistoryEntry",
    "InputError",
    "emergency_signs",
    "find_exercises",
    "history",
    "knowledge",
    "open_store",
    "parse_case",
    "parse_selftest_answers",
    "read_json",
    "record_selftest",
    "record_triage",
    "region_setting",
    "save_region",
    "score_selftests",
    "triage_case",
]


class InputError(ValueError):
    """Input the user gave us cannot be used; the message says what and how to fix it."""


def knowledge(region: str | None = None) -> Knowledge:
    """The knowledge base, its texts naming the services of `region` (default: the user's setting)."""
    return load_knowledge(region=region or region_setting())


def emergency_signs() -> list[str]:
    """What on its own means an emergency, in the user's region's words (for safety notices)."""
    kb = knowledge()
    return _emergency_signs(kb.digest, kb.region)


@functools.lru_cache(maxsize=16)
def _emergency_signs(digest: str, region: str) -> list[str]:  # the knowledge is fixed per digest
    from glutewake.core.triage import emergency_signs as signs

    return [finding.label_yes for finding in signs(load_knowledge(region=region))]


def region_setting() -> str | None:
    """The region the user chose (config.toml `[settings] region`), or None before they have."""
    from glutewake.config import config_path

    try:
        stamp = config_path().stat().st_mtime_ns
    except OSError:
        return None
    return _region_in_config(stamp)


@functools.lru_cache(maxsize=4)
def _region_in_config(stamp: int) -> str | None:  # keyed by the file's mtime: read again on change
    from glutewake.config import read_section

    region = read_section("settings").get("region")
    return region if isinstance(region, str) and region in load_knowledge().regions else None


def save_region(region: str) -> None:
    """Keep the user's region; raises `InputError` naming the choices for an unknown one."""
    from glutewake.config import read_section, write_section

    regions = load_knowledge().regions
    if region not in regions:
        choices = ", ".join(f"{r.id} ({r.name})" for r in regions.values())
        raise InputError(f"{region!r} is not a region glutewake knows; choose one of {choices}")
    write_section("settings", {**read_section("settings"), "region": region})


def find_exercises(
    position: str | None = None, equipment: str | None = None, level: int | None = None
) -> list[Exercise]:
    """Library exercises done in `position`, possible with the kit of `equipment` (none, band,
    dumbbells, gym; a chair is assumed), up to `level`; unset filters let everything through."""
    kb = knowledge()
    kits = {str(name): set(items) for name, items in kb.programme.kits.items()}
    kit = kits[equipment] | {"chair"} if equipment in kits else None
    return [
        e
        for e in kb.exercises.values()
        if (not position or e.position == position)
        and (kit is None or set(e.equipment) <= kit)
        and (level is None or e.level <= level)
    ]


def read_json(name: str, text: str) -> Any:
    """Parse JSON text read from `name`, turning a syntax error into an `InputError`."""
    from glutewake.core import jsontext

    try:
        return jsontext.loads(text)
    except ValueError as error:
        raise InputError(f"{name} is not valid JSON: {error}") from None


def parse_case(raw: object) -> Case:
    """Check a case given as JSON-like data; raises `FieldErrors` naming each bad field."""
    kb = knowledge()
    return core_parse_case(raw, kb.findings, kb.regions)


def triage_case(case: Case) -> TriageResult:
    """The triage of `case`, worded for its region (or the user's)."""
    return triage(case, knowledge(case.region))


def parse_selftest_answers(raw: object) -> SelfTestAnswers:
    """Check self-test answers given as JSON-like data; raises `FieldErrors` naming each bad field."""
    from glutewake.core.selftests import parse_answers

    return parse_answers(raw, knowledge())


def score_selftests(answers: SelfTestAnswers) -> SelfTestResult:
    from glutewake.core.selftests import score

    return score(answers, knowledge())


def open_store(url: str | None = None, clock: Clock | None = None) -> Repository:
    """The owner's records in the store at `url` (default: the environment, else SQLite in the
    data directory)."""
    from glutewake.clock import SystemClock
    from glutewake.store import Store, connect, database_url

    return Store(connect(database_url(url)), clock or SystemClock()).owner()


def record_triage(repo: Repository, case: Case, result: TriageResult) -> int:
    return repo.add_triage_run(case.to_json(), result.to_json())


def record_selftest(repo: Repository, result: SelfTestResult) -> int:
    return repo.add_selftest_result(result.to_json())


@dataclass(frozen=True)
class HistoryEntry:
    """One past result, with a title and a one-line summary in plain words."""

    kind: str  # "triage" or "selftest"
    id: int
    at: datetime
    title: str
    summary: str
    result: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "at": self.at.isoformat(),
            "summary": self.summary,
            "result": self.result,
        }


def history(repo: Repository, limit: int | None = None) -> list[HistoryEntry]:
    """Past triage runs and self-test results, newest first."""
    from glutewake.core.selftests import SelfTestResult, side_lines

    kb = knowledge()
    entries = []
    for run in repo.triage_runs(limit):
        result = TriageResult.from_json(run.data["result"])
        top = f"; most likely {kb.conditions[result.causes[0].id].name}" if result.causes else ""
        entries.append(
            HistoryEntry(
                "triage", run.id, run.at, "Symptom check", kb.level(result.urgency).title + top, run.data
            )
        )
    for stored in repo.selftest_results(limit):
        lines = side_lines(SelfTestResult.from_json(stored.data), kb)
        entries.append(
            HistoryEntry("selftest", stored.id, stored.at, "Self-tests", "; ".join(lines), stored.data)
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)[: limit or None]
