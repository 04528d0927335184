"""The triage against clinical vignettes written from NHS and NICE guidance.

Safety is a gate (every emergency sent to emergency care, no advice less cautious than the
guidance); accuracy is a floor against regressions. `python tests/core/test_vignettes.py`
prints the figures.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from glutewake.core.triage import Case, triage
from glutewake.knowledge import Knowledge, load_knowledge
from glutewake.knowledge.schema import URGENCY_ORDER

VIGNETTES: list[dict[str, Any]] = yaml.safe_load((Path(__file__).parent / "vignettes.yaml").read_text())
RANK = URGENCY_ORDER.index


def run(vignette: dict[str, Any], kb: Knowledge) -> tuple[str, list[str]]:
    result = triage(Case(**vignette["case"]), kb)
    return result.urgency, [cause.id for cause in result.causes]


def metrics(kb: Knowledge) -> dict[str, float]:
    rows = [(v["expected"], *run(v, kb)) for v in VIGNETTES]
    emergencies = [got for expected, got, _ in rows if expected["urgency"] == "emergency"]
    with_cause = [(expected["cause"], causes) for expected, _, causes in rows if expected["cause"]]
    return {
        "vignettes": len(rows),
        "emergency_sensitivity": sum(got == "emergency" for got in emergencies) / len(emergencies),
        "safe": sum(RANK(got) >= RANK(expected["urgency"]) for expected, got, _ in rows) / len(rows),
        "exact_urgency": sum(got == expected["urgency"] for expected, got, _ in rows) / len(rows),
        "top1_cause": sum(causes[:1] == [cause] for cause, causes in with_cause) / len(with_cause),
        "top3_cause": sum(cause in causes[:3] for cause, causes in with_cause) / len(with_cause),
    }


def test_there_are_enough_vignettes_of_every_level() -> None:
    assert len(VIGNETTES) >= 30
    assert {v["expected"]["urgency"] for v in VIGNETTES} == set(URGENCY_ORDER)
    assert len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette_advice_is_never_less_cautious_than_the_guidance(
    kb: Knowledge, vignette: dict[str, Any]
) -> None:
    urgency, _ = run(vignette, kb)
    assert RANK(urgency) >= RANK(vignette["expected"]["urgency"]), vignette["story"]


def test_accuracy_floor(kb: Knowledge) -> None:
    figures = metrics(kb)
    assert figures["emergency_sensitivity"] == 1.0
    assert figures["safe"] == 1.0
    assert figures["exact_urgency"] >= 0.9
    assert figures["top3_cause"] >= 0.9


if __name__ == "__main__":
    for name, value in metrics(load_knowledge(use_cache=False)).items():
        print(f"{name:>22}: {value:.0%}" if isinstance(value, float) else f"{name:>22}: {value}")
