"""Where the user lives: every text names that region's numbers and services, and no other's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from glutewake.core.triage import Case, condition_escalation, emergency_signs, triage
from glutewake.knowledge import Knowledge, KnowledgeError, load_knowledge
from glutewake.knowledge.loader import DATA_DIR

REGIONS = [r["id"] for r in yaml.safe_load((DATA_DIR / "regions.yaml").read_text())]
VIGNETTES = [
    v
    for name in ("vignettes.yaml", "vignettes_guidance.yaml")
    for v in yaml.safe_load((Path(__file__).parents[1] / "core" / name).read_text())
]


def strings(value: Any) -> Iterator[str]:
    """Every text in a knowledge value (dataclasses, tuples, dicts), walked as the loader fills them."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for spec in fields(value):
            yield from strings(getattr(value, spec.name))


def advice_texts(kb: Knowledge) -> Iterator[str]:
    """What a person reads: every finding, condition and triage text, every vignette's result,
    each condition's derived escalation, and the safety notice's signs."""
    yield from strings(kb.findings)
    yield from strings(kb.conditions)
    yield from strings(kb.triage)
    for vignette in VIGNETTES:
        result = triage(Case(**vignette["case"]), kb)
        yield from (result.title, result.notice, *result.advice.now, *result.advice.safety_net)
    for condition in kb.conditions:
        yield from condition_escalation(condition, kb)
    yield from (f.label_yes for f in emergency_signs(kb))


def foreign_numbers(kb: Knowledge, region: str) -> set[str]:
    own = set(kb.regions[region].numbers)
    return {n for other in kb.regions.values() for n in other.numbers} - own


@pytest.mark.parametrize("region", REGIONS)
def test_no_text_names_another_regions_number(region: str) -> None:
    kb = load_knowledge(use_cache=False, region=region)
    assert kb.region == region
    patterns = {n: re.compile(rf"(?<![\d ]){re.escape(n)}(?![\d])") for n in foreign_numbers(kb, region)}
    for text in advice_texts(kb):
        for number, pattern in patterns.items():
            assert not pattern.search(text), f"{region}: {number} in {text!r}"
        assert "{" not in text, f"{region}: a placeholder left in {text!r}"


@pytest.mark.parametrize("region", REGIONS)
def test_every_emergency_names_this_regions_number(region: str) -> None:
    kb = load_knowledge(use_cache=False, region=region)
    emergency = triage(Case(40, "male", 3, {"bladder_change": True}), kb)
    assert kb.regions[region].emergency_number in emergency.title
    assert kb.regions[region].emergency_number in emergency.advice.now[0]


@pytest.mark.parametrize("region", [r for r in REGIONS if r not in ("uk", "ie")])
def test_outside_the_uk_and_ireland_there_is_no_a_and_e_and_no_nhs(region: str) -> None:
    kb = load_knowledge(use_cache=False, region=region)
    for text in advice_texts(kb):
        assert "A&E" not in text, text
        assert "NHS" not in text, text


def test_the_default_region_is_the_united_kingdom(kb: Knowledge) -> None:
    assert kb.region == "uk"
    assert kb.level("emergency").title == "Emergency: call 999 or go to A&E now"


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(KnowledgeError, match="unknown region 'mars'; choose one of uk, ie"):
        load_knowledge(use_cache=False, region="mars")


def test_a_misspelt_placeholder_is_refused(tmp_path: Path) -> None:
    from glutewake.knowledge import loader

    data = tmp_path / "data"
    data.mkdir()
    for name in loader.FILES:
        (data / f"{name}.yaml").write_bytes((DATA_DIR / f"{name}.yaml").read_bytes())
    text = (
        (data / "triage.yaml")
        .read_text()
        .replace("emergency call {emergency_number}", "emergency call {emergency_numbr}")
    )
    (data / "triage.yaml").write_text(text)
    with pytest.raises(KnowledgeError, match=r"unknown placeholder \{emergency_numbr\}"):
        load_knowledge(data, use_cache=False)


def test_a_condition_names_a_service_only_at_the_level_its_rules_reach(kb: Knowledge) -> None:
    """Hand-written condition texts may send people to emergency or same-day care only when
    the triage's own rules can reach that level for the condition; every other escalation is
    derived from the rules (`condition_escalation`)."""
    ranks = ("self_care", "gp", "urgent", "emergency")
    for condition in kb.conditions.values():
        reached = max(
            (
                ranks.index(r.urgency)
                for r in kb.triage.rules
                if r.cause and r.cause.id == condition.id and r.urgency
            ),
            default=0,
        )
        for line in (*condition.what_to_do, *condition.when_to_get_help):
            if "999" in line or "A&E" in line:
                assert reached == 3, f"{condition.id}: {line}"
            if "111" in line:
                assert reached >= 2, f"{condition.id}: {line}"
