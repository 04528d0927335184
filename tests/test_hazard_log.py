"""The hazard log (docs/safety/hazard-log.yaml) is data, checked as doorstop checks its items:
every hazard has a control, every control a test that exists, the risk follows the DCB0129
matrix, ids are never deleted, and an entry changed since its review is a suspect link.

`python tests/test_hazard_log.py` prints each entry's fingerprint, for a review."""

from __future__ import annotations

import ast
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parent.parent
LOG = ROOT / "docs" / "safety" / "hazard-log.yaml"
SEVERITY = ("minor", "significant", "considerable", "major", "catastrophic")
LIKELIHOOD = ("very_low", "low", "medium", "high", "very_high")
# DCB0129's risk matrix: rows by likelihood (very low first), columns by severity (minor first).
MATRIX = (
    (1, 1, 1, 2, 3),
    (1, 2, 2, 3, 4),
    (2, 2, 3, 3, 4),
    (2, 3, 3, 4, 5),
    (3, 4, 4, 5, 5),
)
FIELDS = {
    "id", "title", "cause", "effect", "severity", "likelihood", "risk", "controls",
    "residual_likelihood", "residual_risk", "status", "reviewed",
}  # fmt: skip


def hazards() -> list[dict[str, Any]]:
    return list(yaml.safe_load(LOG.read_text()))


def risk(severity: str, likelihood: str) -> int:
    return MATRIX[LIKELIHOOD.index(likelihood)][SEVERITY.index(severity)]


def fingerprint(hazard: dict[str, Any]) -> str:
    content = {key: value for key, value in hazard.items() if key != "reviewed"}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:8]


@cache
def defined_tests(path: str) -> frozenset[str]:
    """The test functions a test file defines."""
    tree = ast.parse((ROOT / path).read_text())
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    )


IDS = [hazard["id"] for hazard in hazards()]


def test_ids_run_on_with_none_deleted() -> None:
    assert [f"H{n:03d}" for n in range(1, len(IDS) + 1)] == IDS


@pytest.mark.parametrize("hazard", hazards(), ids=IDS)
def test_each_hazard_is_complete_and_its_risk_follows_the_matrix(hazard: dict[str, Any]) -> None:
    assert set(hazard) == FIELDS, f"fields: {sorted(set(hazard) ^ FIELDS)}"
    assert hazard["severity"] in SEVERITY
    assert hazard["likelihood"] in LIKELIHOOD
    assert hazard["residual_likelihood"] in LIKELIHOOD
    assert hazard["risk"] == risk(hazard["severity"], hazard["likelihood"])
    assert hazard["residual_risk"] == risk(hazard["severity"], hazard["residual_likelihood"])
    assert hazard["residual_risk"] <= hazard["risk"]
    assert hazard["status"] in ("open", "controlled", "closed")
    assert hazard["status"] != "controlled" or hazard["residual_risk"] <= 3, (
        "a controlled hazard is tolerable"
    )


@pytest.mark.parametrize("hazard", hazards(), ids=IDS)
def test_every_control_names_tests_that_exist(hazard: dict[str, Any]) -> None:
    assert hazard["controls"], "a hazard with no control"
    for control in hazard["controls"]:
        assert control["control"].strip()
        assert control["tests"], f"{control['control'][:40]}: no test proves it"
        for test in control["tests"]:
            path, _, name = test.partition("::")
            assert (ROOT / path).is_file(), f"{test}: no such file"
            assert name in defined_tests(path), f"{test}: no such test"


@pytest.mark.parametrize("hazard", hazards(), ids=IDS)
def test_an_entry_changed_since_its_review_is_a_suspect_link(hazard: dict[str, Any]) -> None:
    assert hazard["reviewed"] == fingerprint(hazard), (
        f'{hazard["id"]} changed since it was reviewed: review it, then set reviewed: "{fingerprint(hazard)}"'
    )


def test_the_safety_case_names_every_hazard() -> None:
    case = (ROOT / "docs" / "safety" / "safety-case.md").read_text()
    missing = [hazard_id for hazard_id in IDS if hazard_id not in case]
    assert not missing


if __name__ == "__main__":
    for entry in hazards():
        print(entry["id"], fingerprint(entry), entry["title"])
