"""Every shipped knowledge file loads, holds what the product promises, and is strict."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from glutewake.core.selftests import OUTCOMES, PROMPT_KEYS
from glutewake.knowledge import Knowledge, KnowledgeError, load_knowledge
from glutewake.knowledge.loader import DATA_DIR, FILES, validate

CONDITIONS = [
    "gluteal_amnesia",
    "tight_glutes_low_back_pain",
    "piriformis_syndrome",
    "sciatica",
    "cauda_equina_syndrome",
    "axial_spondyloarthritis",
    "spinal_infection",
    "spinal_malignancy",
    "spinal_fracture",
    "progressive_nerve_compression",
    "pudendal_neuralgia",
    "proximal_hamstring_tendinopathy",
    "coccydynia",
    "meralgia_paraesthetica",
    # issue 23: the look-alikes of buttock pain in later life, and the everyday self-care causes
    "simple_low_back_pain",
    "muscle_soreness",
    "peripheral_arterial_disease",
    "lumbar_spinal_stenosis",
    "hip_osteoarthritis",
    "aortic_aneurysm",
    "hip_fracture",
    "hip_joint_infection",
]

FINDINGS = [
    "saddle_numbness",
    "bladder_change",
    "bowel_change",
    "sexual_dysfunction",
    "both_legs",
    "chest_pain",
    "recent_serious_trauma",
    "cancer_history",
    "weak_immune_system",
    "injects_drugs",
    "recent_spinal_procedure",
    "recent_bacterial_infection",
    "osteoporosis_or_steroids",
    "minor_fall",
    "leg_weakness",
    "leg_weakness_worsening",
    "difficulty_walking",
    "leg_numbness",
    "fever",
    "feel_unwell",
    "unexplained_weight_loss",
    "night_pain",
    "thoracic_pain",
    "back_lump_or_shape_change",
    "numb_when_sitting",
    "eases_on_standing",
    "low_back_pain",
    "buttock_pain",
    "leg_pain_below_knee",
    "tailbone_pain",
    "sitting_bone_pain",
    "perineal_pain_when_sitting",
    "outer_thigh_numbness",
    "worse_with_long_sitting",
    "glutes_hard_to_activate",
    "hip_drop_single_leg",
    "knee_or_back_ache_with_activity",
    "one_side_working_harder",
    "tender_spots_buttock_hip",
    "better_with_movement_returns_with_rest",
    "shooting_pain",
    "worse_cough_sneeze",
    "recent_back_injury",
    "deep_buttock_pain",
    "morning_stiffness_over_30min",
    "better_with_exercise_not_rest",
    "wakes_second_half_night",
    "alternating_buttock_pain",
    "gradual_onset",
    "nsaid_relief_48h",
    "family_history_spondyloarthritis",
    "arthritis",
    "enthesitis",
    "psoriasis",
    "inflammatory_bowel_disease",
    "uveitis",
    "getting_worse",
    "stops_normal_activities",
    "pregnant_or_recent_birth",
    "hip_replacement",
    # issue 23
    "sudden_cold_leg",
    "sudden_severe_pain",
    "faint_or_clammy",
    "known_aneurysm",
    "hip_or_groin_pain",
    "pain_on_walking",
    "eases_standing_still",
    "eases_sitting_or_bending",
    "rest_pain_or_cold_foot",
    "sore_after_unusual_exercise",
    "not_improving",
]

# The exercise library the programme builds on (issue 2 names each of these).
EXERCISES = [
    "glute_bridge",
    "single_leg_bridge",
    "hip_thrust",
    "hip_thrust_loaded",
    "pelvic_curl",
    "clamshell",
    "clamshell_band",
    "side_lying_leg_lift",
    "donkey_kick",
    "side_plank",
    "banded_side_step",
    "squat",
    "split_squat",
    "roll_down",
    "figure_four_stretch",
    "pigeon_pose",
    "foam_roller_release",
    "seated_glute_squeeze",
    "single_leg_seated_squeeze",
    "standing_glute_squeeze",
    "walking_in_place",
]


def raw_documents() -> dict[str, Any]:
    return {name: yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text()) for name in FILES}


def test_condition_ids_are_exactly_the_promised_ones(kb: Knowledge) -> None:
    assert sorted(kb.conditions) == sorted(CONDITIONS)


def test_finding_ids_are_exactly_the_promised_ones(kb: Knowledge) -> None:
    assert sorted(kb.findings) == sorted(FINDINGS)


def test_every_promised_exercise_is_there(kb: Knowledge) -> None:
    assert set(EXERCISES) <= set(kb.exercises)
    assert {ex.kind for ex in kb.exercises.values()} >= {
        "activation",
        "strength",
        "stretch",
        "release",
        "desk_move",
    }


def test_one_self_test_of_each_kind(kb: Knowledge) -> None:
    assert sorted(test.kind for test in kb.selftests.values()) == sorted(PROMPT_KEYS)


@pytest.mark.parametrize("kind", sorted(PROMPT_KEYS))
def test_self_test_has_the_prompts_and_outcomes_its_scoring_needs(kb: Knowledge, kind: str) -> None:
    test = next(t for t in kb.selftests.values() if t.kind == kind)
    assert PROMPT_KEYS[kind] <= set(test.prompts)
    assert set(test.outcomes) == OUTCOMES[kind]
    assert {status for _, status in test.seconds_bands} <= OUTCOMES[kind]


def test_every_item_cites_a_reference(kb: Knowledge) -> None:
    items = [*kb.findings.values(), *kb.conditions.values(), *kb.exercises.values(), *kb.selftests.values()]
    assert all(item.references for item in items)
    assert all(rule.references for rule in kb.triage.rules)


def test_every_red_flag_is_on_a_first_stage_screen(kb: Knowledge) -> None:
    first = {f for screen in kb.triage.screens if screen.stage == 1 for f in screen.findings}
    assert {f.id for f in kb.findings.values() if f.group == "red_flag"} <= first
    on_screens = [f for screen in kb.triage.screens for f in screen.findings]
    assert len(on_screens) == len(set(on_screens)), "a finding is on one screen at most"


def test_questions_are_questions_with_both_labels(kb: Knowledge) -> None:
    for finding in kb.findings.values():
        assert finding.question.endswith("?"), finding.id
        assert finding.label_yes
        assert finding.label_no
        assert finding.label_yes != finding.label_no


def test_saddle_area_is_explained(kb: Knowledge) -> None:
    explanation = kb.findings["saddle_numbness"].explanation or ""
    assert "genitals" in explanation
    assert "thighs" in explanation


def test_desk_moves_are_gentle_enough_for_anyone_allowed_to_exercise(kb: Knowledge) -> None:
    desk_moves = [ex for ex in kb.exercises.values() if ex.kind == "desk_move"]
    assert len(desk_moves) >= 4
    assert all(ex.min_exercise_level == "gentle" for ex in desk_moves)


def test_loaded_and_compound_lifts_need_full_clearance(kb: Knowledge) -> None:
    for exercise_id in ("hip_thrust_loaded", "squat", "split_squat", "banded_side_step"):
        assert kb.exercises[exercise_id].min_exercise_level == "full"


# --- strictness -------------------------------------------------------------------------------


def _break(documents: dict[str, Any], name: str, change: Any) -> str:
    broken = copy.deepcopy(documents)
    change(broken[name])
    with pytest.raises(KnowledgeError) as error:
        validate(broken)
    return str(error.value)


def test_the_untouched_documents_validate() -> None:
    assert validate(raw_documents()).conditions


def test_unknown_keys_are_rejected() -> None:
    message = _break(raw_documents(), "exercises", lambda items: items[0].update(colour="red"))
    assert "exercises.yaml" in message
    assert "[pelvic_curl].colour" in message


def test_wrong_types_are_rejected() -> None:
    message = _break(raw_documents(), "exercises", lambda items: items[1].update(level=7))
    assert "[glute_bridge].level" in message


def test_a_rule_naming_an_unknown_finding_is_rejected() -> None:
    message = _break(raw_documents(), "triage", lambda doc: doc["rules"][0].update(when="sadle_numbness"))
    assert "rule ces_saddle_numbness: unknown finding 'sadle_numbness'" in message


def test_a_rule_testing_a_no_answer_must_be_a_red_flag() -> None:
    def soften(doc: dict[str, Any]) -> None:
        rule = next(r for r in doc["rules"] if r["id"] == "numbness_stays_after_standing")
        rule["red_flag"] = False

    assert "must be a red-flag rule" in _break(raw_documents(), "triage", soften)


def test_a_condition_no_rule_can_reach_is_rejected() -> None:
    def drop(doc: dict[str, Any]) -> None:
        doc["rules"] = [
            r for r in doc["rules"] if (r.get("cause") or {}).get("id") != "meralgia_paraesthetica"
        ]

    assert "condition meralgia_paraesthetica: no triage rule" in _break(raw_documents(), "triage", drop)


def test_broken_exercise_links_are_rejected() -> None:
    message = _break(
        raw_documents(), "exercises", lambda items: items[0].update(progressions=["glute_brige"])
    )
    assert "exercise pelvic_curl: unknown exercise 'glute_brige'" in message


def test_duplicate_ids_are_rejected() -> None:
    message = _break(raw_documents(), "conditions", lambda items: items.append(copy.deepcopy(items[0])))
    assert "'gluteal_amnesia' appears more than once" in message


# --- loading and caching ------------------------------------------------------------------------


def _copy_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    return data


def test_the_cache_is_written_and_then_used(tmp_path: Path, glutewake_home: Path) -> None:
    from glutewake.knowledge import loader

    data = _copy_data(tmp_path)
    load_knowledge(data)
    (cache_file,) = (glutewake_home / "cache").glob("knowledge-*.pickle")
    cached = pickle.loads(cache_file.read_bytes())
    amnesia = dataclasses.replace(cached.conditions["gluteal_amnesia"], name="marked in the cache")
    marked = dataclasses.replace(cached, conditions={**cached.conditions, "gluteal_amnesia": amnesia})
    cache_file.write_bytes(pickle.dumps(marked))
    loader.clear_memory_cache()
    assert load_knowledge(data).conditions["gluteal_amnesia"].name == "marked in the cache"


def test_an_edited_file_is_validated_again(tmp_path: Path) -> None:
    from glutewake.knowledge import loader

    data = _copy_data(tmp_path)
    load_knowledge(data)
    text = (data / "conditions.yaml").read_text().replace("name: Gluteal amnesia", "name: Sleepy glutes")
    (data / "conditions.yaml").write_text(text)
    loader.clear_memory_cache()
    assert load_knowledge(data).conditions["gluteal_amnesia"].name == "Sleepy glutes"


def test_a_damaged_cache_is_ignored_and_rewritten(tmp_path: Path, glutewake_home: Path) -> None:
    from glutewake.knowledge import loader

    data = _copy_data(tmp_path)
    expected = load_knowledge(data)
    (cache_file,) = (glutewake_home / "cache").glob("knowledge-*.pickle")
    cache_file.write_bytes(b"not a pickle")
    loader.clear_memory_cache()
    assert load_knowledge(data) == expected
    assert cache_file.read_bytes() != b"not a pickle"


def test_an_invalid_edit_is_reported_not_cached(tmp_path: Path) -> None:
    from glutewake.knowledge import loader

    data = _copy_data(tmp_path)
    (data / "findings.yaml").write_text("- id: x\n  question: [unclosed\n")
    loader.clear_memory_cache()
    with pytest.raises(KnowledgeError, match=r"findings\.yaml is not valid YAML"):
        load_knowledge(data)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    (data / "exercises.yaml").unlink()
    with pytest.raises(KnowledgeError, match=r"cannot read knowledge file .*exercises\.yaml"):
        load_knowledge(data)


def test_is_cached_tells_whether_loading_skips_validation(tmp_path: Path) -> None:
    from glutewake.knowledge import loader
    from glutewake.knowledge.loader import is_cached

    data = _copy_data(tmp_path)
    assert not is_cached(data)
    load_knowledge(data)
    assert is_cached(data)
    (data / "triage.yaml").write_text((data / "triage.yaml").read_text() + "\n# edited\n")
    loader.clear_memory_cache()
    assert not is_cached(data)


def test_every_source_says_where_its_facts_are(kb: Knowledge) -> None:
    """Each reference was checked against the source's text; its notes say under which heading
    each fact used is (issue 23), and which copy was read when the page itself was not stored."""
    for reference in kb.references.values():
        located = [note for note in reference.notes if not note.section.startswith("(")]
        assert located, f"{reference.id}: no note of where its facts are"
        assert all(note.note.strip() for note in reference.notes), reference.id


def test_no_citation_names_a_page_that_does_not_exist(kb: Knowledge) -> None:
    """The NHS has no pages on piriformis syndrome or meralgia paraesthetica; they were cited."""
    urls = [r.url or "" for r in kb.references.values()]
    assert not [u for u in urls if "piriformis-syndrome" in u and "nhs.uk" in u]
    assert not [u for u in urls if "meralgia" in u and "nhs.uk" in u]
