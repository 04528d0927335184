"""The triage against clinical vignettes written from NHS, NICE and GIRFT guidance.

Four sets: `vignettes.yaml`, written alongside the rules; `vignettes_guidance.yaml`, written
from the guidance by someone who had not read the rules; `vignettes_holdout.yaml`, written
the same way later, by someone who had read neither the rules nor the other sets; and
`vignettes_round3.yaml` (issue 23: the vascular, aneurysm and hip look-alikes, older people's
buttock pain, over-triage traps, cancer with a first nerve sign), written the same way again
from the questions and the guidance alone. Safety is a gate (every
emergency sent to emergency care, no advice less cautious than the guidance), both for the
answers as given and for the same person going through the check's screens; accuracy and
the number of screens are floors against regressions. `python tests/core/test_vignettes.py`
prints the figures.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import pytest
import yaml

from glutewake.core.flow import answer_step, next_step
from glutewake.core.triage import Case, triage
from glutewake.knowledge import Knowledge, load_knowledge
from glutewake.knowledge.schema import URGENCY_ORDER, expr_findings

HERE = Path(__file__).parent
SETS = ("vignettes.yaml", "vignettes_guidance.yaml", "vignettes_holdout.yaml", "vignettes_round3.yaml")
VIGNETTES: list[dict[str, Any]] = [
    {**vignette, "set": name}
    for name in SETS
    if (HERE / name).exists()
    for vignette in yaml.safe_load((HERE / name).read_text())
]
RANK = URGENCY_ORDER.index


def run(vignette: dict[str, Any], kb: Knowledge) -> tuple[str, list[str]]:
    result = triage(Case(**vignette["case"]), kb)
    return result.urgency, [cause.id for cause in result.causes]


def through_the_screens(vignette: dict[str, Any], kb: Knowledge) -> tuple[int, str]:
    """(screens shown, urgency) for this person doing the check: they tick what is true for
    them, answer "not sure" on a screen where they do not know one, and otherwise "none of these"."""
    truth: dict[str, bool | None] = vignette["case"]["answers"]
    c = vignette["case"]
    case = Case(c["age"], c["sex"], c["duration_days"], {})
    screens = 0
    while (step := next_step(case, kb)) is not None:
        screens += 1
        ticked = [f.id for f in step.findings if truth.get(f.id) is True]
        unsure = any(f.id in truth and truth[f.id] is None for f in step.findings)
        case = answer_step(case, step, ticked, None if unsure else False)
    return screens, triage(case, kb).urgency


def metrics(kb: Knowledge, vignettes: list[dict[str, Any]] = VIGNETTES) -> dict[str, float]:
    rows = [(v["expected"], *run(v, kb), *through_the_screens(v, kb)) for v in vignettes]
    emergencies = [row for row in rows if row[0]["urgency"] == "emergency"]
    with_cause = [(expected["cause"], causes) for expected, _, causes, *_ in rows if expected["cause"]]
    plain = [
        row[3] for row, v in zip(rows, vignettes, strict=True) if v["expected"]["cause"] == "gluteal_amnesia"
    ]
    return {
        "vignettes": len(rows),
        "emergency_sensitivity": sum(got == "emergency" for _, got, *_ in emergencies) / len(emergencies),
        "safe": sum(RANK(got) >= RANK(expected["urgency"]) for expected, got, *_ in rows) / len(rows),
        "safe_through_screens": sum(RANK(flow) >= RANK(exp["urgency"]) for exp, _, _, _, flow in rows)
        / len(rows),
        "exact_urgency": sum(got == expected["urgency"] for expected, got, *_ in rows) / len(rows),
        "over_triage": sum(RANK(got) > RANK(expected["urgency"]) for expected, got, *_ in rows) / len(rows),
        "top1_cause": sum(causes[:1] == [cause] for cause, causes in with_cause) / len(with_cause),
        "top3_cause": sum(cause in causes[:3] for cause, causes in with_cause) / len(with_cause),
        "screens_median": statistics.median(row[3] for row in rows),
        "screens_max": max(row[3] for row in rows),
        "emergency_screens_max": max(row[3] for row in emergencies),
        "plain_amnesia_screens_max": max(plain),
    }


def test_there_are_enough_vignettes_of_every_level() -> None:
    assert len(VIGNETTES) >= 80
    assert {v["expected"]["urgency"] for v in VIGNETTES} == set(URGENCY_ORDER)
    assert len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette_advice_is_never_less_cautious_than_the_guidance(
    kb: Knowledge, vignette: dict[str, Any]
) -> None:
    urgency, _ = run(vignette, kb)
    assert RANK(urgency) >= RANK(vignette["expected"]["urgency"]), vignette["story"]
    _, through = through_the_screens(vignette, kb)
    assert RANK(through) >= RANK(vignette["expected"]["urgency"]), "through the screens: " + vignette["story"]


def test_accuracy_and_length_floors(kb: Knowledge) -> None:
    figures = metrics(kb)
    assert figures["emergency_sensitivity"] == 1.0
    assert figures["safe"] == 1.0
    assert figures["safe_through_screens"] == 1.0
    assert figures["exact_urgency"] >= 0.8
    assert figures["top3_cause"] >= 0.85
    assert figures["plain_amnesia_screens_max"] <= 10


EMERGENCIES = [v for v in VIGNETTES if v["expected"]["urgency"] == "emergency"]


@pytest.mark.parametrize("vignette", EMERGENCIES, ids=[v["id"] for v in EMERGENCIES])
def test_an_emergency_is_reached_within_three_screens(kb: Knowledge, vignette: dict[str, Any]) -> None:
    screens, urgency = through_the_screens(vignette, kb)
    assert urgency == "emergency"
    # An emergency that needs a symptom as well as a red flag (numbness that stays, with back
    # pain; a fall or a temperature with hip pain) is reached after the symptom screen instead.
    red_flag_screens = {f for s in kb.triage.screens if s.stage == 1 for f in s.findings}
    rules = {rule.id: rule for rule in kb.triage.rules}
    late = all(
        set(expr_findings(rules[r].when)) - red_flag_screens
        for r in triage(Case(**vignette["case"]), kb).rules
        if r in rules and rules[r].urgency == "emergency"
    )
    assert screens <= (6 if late else 3), vignette["story"]


if __name__ == "__main__":
    kb = load_knowledge(use_cache=False)
    for label, chosen in [
        ("all", VIGNETTES),
        *((name, [v for v in VIGNETTES if v["set"] == name]) for name in SETS),
    ]:
        if not chosen:
            continue
        print(f"--- {label}")
        for name, value in metrics(kb, chosen).items():
            shown = (
                f"{value:g}"
                if name.endswith("screens_max") or "median" in name or name == "vignettes"
                else f"{value:.0%}"
            )
            print(f"{name:>26}: {shown}")
