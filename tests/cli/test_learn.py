"""`glutewake learn`: browsing the knowledge base."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from glutewake.cli import main
from glutewake.knowledge import Knowledge


def learn(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["learn", *args])
    return result.exit_code, " ".join(result.stdout.split()), result.stderr


def test_lists_the_topics() -> None:
    code, out, _ = learn()
    assert code == 0
    assert all(topic in out for topic in ("conditions", "exercises", "selftests", "findings"))


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("dead butt syndrome", "Gluteal amnesia"),
        ("ankylosing spondylitis", "Axial spondyloarthritis"),
        ("Glute bridge", "Glute bridge"),
        ("horse-kick", "Donkey kick"),
        ("clench_test", "Clench test"),
    ],
)
def test_finds_an_item_by_name_id_or_alias(name: str, title: str) -> None:
    code, out, _ = learn(name)
    assert code == 0
    assert title in out


def test_an_exercise_shows_dose_steps_cues_mistakes_and_variations() -> None:
    _, out, _ = learn("glute_bridge")
    for part in (
        "3 × 10 reps",
        "lift 2 s, hold 2 s, lower 3 s",
        "How to",
        "Feel it",
        "Avoid",
        "Easier: Pelvic curl",
        "Harder:",
    ):
        assert part in out


def test_a_condition_shows_what_to_do_when_to_get_help_and_sources() -> None:
    _, out, _ = learn("sciatica")
    assert "What to do" in out
    assert "When to get help" in out
    assert "NHS: Sciatica" in out


def test_exercises_filter_by_position_equipment_and_level(kb: Knowledge) -> None:
    _, seated, _ = learn("exercises", "--position", "seated")
    assert "seated_glute_squeeze" in seated
    assert "squat" not in seated
    _, no_kit, _ = learn("exercises", "--equipment", "none")
    assert "clamshell_band" not in no_kit
    assert "hip_thrust_loaded" not in no_kit
    assert "glute_bridge" in no_kit
    _, band, _ = learn("exercises", "--equipment", "band")
    assert "clamshell_band" in band
    assert "hip_thrust_loaded" not in band
    _, easy, _ = learn("exercises", "--level", "1")
    assert "split_squat" not in easy
    assert "pelvic_curl" in easy


def test_findings_list_every_question_id(kb: Knowledge) -> None:
    result = CliRunner().invoke(main, ["learn", "findings"], env={"COLUMNS": "200"})
    assert all(finding_id in result.stdout for finding_id in kb.findings)


def test_unknown_topic_suggests_and_exits_2() -> None:
    code, _, err = learn("glute brige")
    assert code == 2
    assert "Did you mean: glute_bridge" in err


def test_the_kit_filter_takes_the_kits_a_plan_is_built_for() -> None:
    code, out, _ = learn("exercises", "--position", "seated", "--equipment", "none", "--level", "1")
    assert code == 0  # seated moves need only a chair, which everyone has
    assert "chair" in out
    code, _, err = learn("exercises", "--equipment", "chair")
    assert code == 2
    assert "'none', 'band', 'dumbbells', 'gym'" in err


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("tailbone", "Tailbone pain"),  # a word of the name
        ("numb bum", "Gluteal amnesia"),  # words of the alias "numb bum from sitting"
        ("squeeze test", "Single-leg stand squeeze test"),
        ("TAILB", "Tailbone pain"),  # case-insensitive, the start of a word
        ("sleepy glutes", "Gluteal amnesia"),
    ],
)
def test_finds_an_item_by_words_of_its_names(query: str, title: str) -> None:
    code, out, err = learn(query)
    assert code == 0, err
    assert title in out


def test_words_that_match_several_items_list_them_with_their_ids() -> None:
    code, out, _ = learn("bridge")
    assert code == 0
    for item_id in ("glute_bridge", "single_leg_bridge", "glute_bridge_test"):
        assert item_id in out
    assert "Show one with `glutewake learn ID`" in out


@pytest.mark.parametrize(
    ("query", "suggested"),
    [("tailbon pian", "coccydynia"), ("sciatca", "sciatica"), ("conditons", "the topic conditions")],
)
def test_nothing_found_suggests_what_is_close(query: str, suggested: str) -> None:
    code, _, err = learn(query)
    assert code == 2
    assert f"nothing called {query!r}" in err
    assert suggested in err


def test_the_library_search_is_in_the_application_layer(kb: Knowledge) -> None:
    from glutewake.app.library import search_library

    found = search_library(kb, "numb bum")
    assert [(item.kind, item.id, item.called) for item in found.items] == [
        ("condition", "gluteal_amnesia", "numb bum from sitting")
    ]
    assert search_library(kb, "dead-butt SYNDROME").exact
    assert search_library(kb, "zzz").items == ()


@pytest.mark.parametrize("columns", [60, 80, 100])
@pytest.mark.parametrize("topic", ["conditions", "exercises", "selftests", "findings"])
def test_the_tables_never_cut_the_ids_short(kb: Knowledge, topic: str, columns: int) -> None:
    """A table where the terminal has room, a list where it has not: every id whole either way."""
    result = CliRunner().invoke(main, ["learn", topic], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0
    words = set(result.stdout.replace("│", " ").split())
    items = {"conditions": kb.conditions, "exercises": kb.exercises, "selftests": kb.selftests}
    assert set(items.get(topic, kb.findings)) <= words


def test_an_unknown_kit_is_refused_with_the_choices() -> None:
    code, _, err = learn("exercises", "--equipment", "chairr")
    assert code == 2
    assert (
        "Invalid value for '--equipment': 'chairr' is not one of 'none', 'band', 'dumbbells', 'gym'"
        in " ".join(err.split())
    )


def test_learn_answers_in_json_what_it_shows_in_text(kb: Knowledge) -> None:
    import json

    topics = json.loads(CliRunner().invoke(main, ["learn", "--json"]).stdout)
    assert set(topics["topics"]) == {"conditions", "exercises", "selftests", "findings"}
    easy = json.loads(CliRunner().invoke(main, ["learn", "exercises", "--level", "1", "--json"]).stdout)
    assert easy["exercises"]
    assert all(e["level"] <= 1 for e in easy["exercises"])
    one = json.loads(CliRunner().invoke(main, ["learn", "sciatica", "--json"]).stdout)
    assert [m["item"]["id"] for m in one["matches"]] == ["sciatica"]
    findings = json.loads(CliRunner().invoke(main, ["learn", "findings", "--json"]).stdout)
    assert [f["id"] for f in findings["findings"]] == list(kb.findings)
