"""`glutewake today` and `glutewake log`."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from glutewake.store import Repository
from tests.cli.runner import SELF_CARE_CASE
from tests.cli.runner import run as run_cli

CASE = SELF_CARE_CASE

run = partial(run_cli, flat=True)


def planned(url: str) -> None:
    assert run(url, "check", "--answers", "-", "--save", stdin=json.dumps(CASE))[0] == 0
    assert run(url, "plan", "--new", "--equipment", "band")[0] == 0


def test_today_without_a_check_leads_to_the_check(database_url: str) -> None:
    code, out, _ = run(database_url, "today")
    assert code == 3
    assert "Run `glutewake check` first" in out


def test_today_without_a_plan_says_what_to_do(database_url: str) -> None:
    assert run(database_url, "check", "--answers", "-", "--save", stdin=json.dumps(CASE))[0] == 0
    assert "You have no plan yet. Run `glutewake plan --new`." in run(database_url, "today")[1]


@pytest.mark.parametrize(
    ("answers", "title", "number"),
    [
        ({"saddle_numbness": True}, "Emergency: call 999 or go to A&E now", "Phone 999 now."),
        (
            {"saddle_numbness": None},
            "A warning sign could not be ruled out: get medical help today",
            "Phone 111 now.",
        ),
    ],
    ids=["emergency", "not sure about saddle numbness"],
)
def test_after_a_result_that_rules_exercise_out_no_command_offers_or_starts_a_session(
    database_url: str, answers: dict[str, object], title: str, number: str
) -> None:
    planned(database_url)  # a plan from an earlier, clear check
    case = {**CASE, "answers": {**CASE["answers"], **answers}}  # type: ignore[dict-item]
    assert run(database_url, "check", "--answers", "-", "--save", stdin=json.dumps(case))[0] == 0
    for command in (["today"], ["session"], ["session", "--next"]):
        code, out, _ = run(database_url, *command)
        assert code == 3, command
        assert title in out, command
        assert number in out, command
        assert "Glute bridge" not in out, command
    code, out, _ = run(database_url, "plan")
    assert title in out
    assert "Next session" not in out


def test_today_shows_the_session_its_cues_and_desk_habits(database_url: str) -> None:
    planned(database_url)
    code, out, _ = run(database_url, "today")  # the fake clock says Monday 23 Nov 2026, the plan's first day
    assert code == 0
    for words in (
        "Monday 23 Nov: Wake-up session",
        "Warm-up",
        "Glute bridge: 3 × 10 reps.",
        "Through the day",
        "Stand up every 20 to 30 minutes",
        "glutewake session",
    ):
        assert words in out


def test_log_records_sets_per_side_against_todays_session(
    database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    planned(database_url)
    code, out, _ = run(database_url, "log", "glute_bridge", "3x12", "clamshell", "2x15", "side_plank", "30s")
    assert code == 0
    assert "Logged 9 sets." in out  # 3 + 2 × both sides + 1 × both sides
    repo = repo_for(database_url)
    (entry,) = repo.session_logs()
    assert (entry.status, entry.sets) == ("completed", 9)
    assert entry.planned_day is not None
    sets = repo.sets_of(entry.id)
    assert [(s.exercise_id, s.side, s.reps, s.seconds) for s in sets][-2:] == [
        ("side_plank", "left", None, 30),
        ("side_plank", "right", None, 30),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["glute_brige", "3x12"], "did you mean glute_bridge"),
        (["glute_bridge", "three"], "'three' is not a dose"),
        (["glute_bridge", "0x12"], "is not a dose"),
        (["glute_bridge"], "give each exercise with its dose"),
    ],
)
def test_log_rejects_bad_input_and_stores_nothing(
    database_url: str, repo_for: Callable[[str], Repository], args: list[str], message: str
) -> None:
    code, _, err = run(database_url, "log", *args)
    assert code == 2
    assert message in " ".join(err.split())
    assert repo_for(database_url).session_logs() == []


def test_logging_what_is_beyond_a_gentle_result_keeps_it_and_says_so(
    database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    gentle = {**CASE, "answers": {**CASE["answers"], "getting_worse": True}}  # type: ignore[dict-item]
    assert run(database_url, "check", "--answers", "-", "--save", stdin=json.dumps(gentle))[0] == 0
    code, out, err = run(database_url, "log", "squat", "3x10")
    assert code == 0
    assert "Keep to gentle exercises until then" in " ".join(err.split())
    assert "Logged anyway" in err
    assert "Logged 3 sets" in out
    assert [s.sets for s in repo_for(database_url).session_logs()] == [3]
    quiet = run(database_url, "log", "glute_bridge", "2x10")
    assert quiet[0] == 0
    assert "Logged anyway" not in quiet[2]


def test_a_log_that_fails_part_way_keeps_nothing_and_can_be_given_again(
    tmp_path: Path, repo_for: Callable[[str], Repository]
) -> None:
    """The disk fills (here: SQLite refuses the 11th set, as a full disk would) while 26 sets
    are written: nothing of that session is kept, the person is told, and giving the same
    command again records it once, whole."""
    import sqlite3

    url = f"sqlite:///{tmp_path / 'log.db'}"
    planned(url)
    database = sqlite3.connect(tmp_path / "log.db")
    database.execute(
        "CREATE TRIGGER disk_full BEFORE INSERT ON set_logs WHEN (SELECT count(*) FROM set_logs) >= 10 "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    )
    database.commit()
    entries = ("glute_bridge", "10x12", "clamshell", "8x15")  # 10 + 8 x both sides = 26 sets
    code, _, err = run(url, "log", *entries)
    assert code != 0
    assert "full" in err
    assert repo_for(url).session_logs() == [], "no half session"
    database.execute("DROP TRIGGER disk_full")
    database.commit()
    database.close()
    code, out, _ = run(url, "log", *entries)
    assert (code, out) == (0, "Logged 26 sets.")
    (entry,) = repo_for(url).session_logs()
    assert (entry.status, entry.sets) == ("completed", 26)


def test_a_session_without_a_terminal_is_refused_and_nothing_starts(database_url: str) -> None:
    planned(database_url)
    code, out, err = run(database_url, "session")
    assert code == 2
    assert "the guided session needs a terminal" in err
    assert "\x1b" not in out, "no control codes into a pipe"
    code, out, _ = run(database_url, "today")
    assert code == 0
    assert "Resuming" not in out
    assert "part-way" not in out, "no session was started"
