"""`glutewake checkin` and `glutewake progress` end to end, on both engines."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from click.testing import CliRunner

from glutewake.cli import main
from glutewake.store import Repository
from tests.cli.runner import SELF_CARE_CASE
from tests.cli.runner import run as run_cli
from tests.fakes import FakeClock

CASE = SELF_CARE_CASE

run = partial(run_cli, flat=True)


def planned(url: str) -> None:
    assert run(url, "check", "--answers", "-", "--save", stdin=json.dumps(CASE))[0] == 0
    assert run(url, "plan", "--new")[0] == 0


def test_interactive_checkin_names_activities_once_then_rates_them(
    database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    planned(database_url)
    keys = "3\n4\nsitting through a film\ndriving\nputting on socks\n\n6\n5\n7\n" + "n\n" * 3
    code, out, _ = run(database_url, "checkin", stdin=keys)
    assert code == 0, out
    assert "Check-in saved." in out
    profile = repo_for(database_url).profile()
    assert profile is not None
    assert profile.psfs_activities == ("sitting through a film", "driving", "putting on socks")
    code, out, _ = run(database_url, "checkin", stdin="2\n3\n7\n6\n8\n" + "n\n" * 3)
    assert code == 0
    assert "Name three to five" not in out


def test_a_red_flag_sends_back_to_triage_and_pauses_the_plan(database_url: str) -> None:
    planned(database_url)
    code, out, _ = run(
        database_url,
        "checkin",
        "--pain",
        "2",
        "--numbness",
        "2",
        "--psfs",
        "film=5",
        "--red-flag",
        "bladder_change",
    )
    assert code == 0
    # The same urgency and words as the symptom check gives for the same sign.
    check = run(
        database_url,
        "check",
        "--answers",
        "-",
        stdin=json.dumps({**CASE, "answers": {"bladder_change": True}}),
    )[1]
    assert "Emergency: call 999 or go to A&E now" in out
    assert "Emergency: call 999 or go to A&E now" in check
    assert "You reported: new trouble peeing, not feeling when you need to go, or leaking." in out
    assert "do not drive yourself" in out
    assert "No exercise until a clinician has seen you; then run `glutewake check` again." in out
    # afterwards, every command that offers exercise leads with the same banner and number
    for command in ("today", "session"):
        code, later, _ = run(database_url, command)
        assert code == 3
        assert "Emergency: call 999 or go to A&E now" in later
        assert "Phone 999 now." in later


def test_unknown_red_flag_id_is_rejected(database_url: str, repo_for: Callable[[str], Repository]) -> None:
    code, _, err = run(
        database_url,
        "checkin",
        "--pain",
        "2",
        "--numbness",
        "2",
        "--psfs",
        "a=5",
        "--red-flag",
        "cancer_history",
    )
    assert code == 2
    assert "cancer_history is not a warning sign" in err
    assert repo_for(database_url).checkins() == []


def test_progress_shows_trends_adherence_and_json(database_url: str) -> None:
    planned(database_url)
    clock = FakeClock()
    for week, pain in enumerate((7, 6, 4)):
        clock.wall += timedelta(days=7 * bool(week))
        assert (
            run(
                database_url,
                "checkin",
                "--pain",
                str(pain),
                "--numbness",
                "3",
                "--psfs",
                "film=5",
                "--no-red-flags",
                clock=clock,
            )[0]
            == 0
        )
    code, out, _ = run(database_url, "log", "glute_bridge", "3x10")
    assert code == 0
    code, out, _ = run(database_url, "progress", clock=clock)
    assert code == 0
    assert "Pain (0-10)" in out
    assert "now 4.0, started 7.0: better by 3.0 (a meaningful change)" in out
    assert "Sessions done / planned" in out
    data = json.loads(CliRunner().invoke(main, ["--database-url", database_url, "progress", "--json"],
                                         obj={"clock": clock}).stdout)  # fmt: skip
    assert data["pain"]["change"] == -3
    assert data["sets_done"] == 3


def test_progress_with_nothing_recorded_says_how_to_start(database_url: str) -> None:
    assert "Nothing to show yet" in run(database_url, "progress")[1]


def test_a_new_weak_leg_after_a_cancer_is_an_emergency_at_a_check_in(database_url: str) -> None:
    case = {**CASE, "answers": {**CASE["answers"], "cancer_history": True}}
    assert run(database_url, "check", "--answers", "-", "--save", stdin=json.dumps(case))[0] == 0
    keys = "2\n2\nfilm\nsocks\ndriving\n\n5\n5\n5\n" + "n\n" + "1\n" + "n\n"  # a weak leg
    code, out, _ = run(database_url, "checkin", stdin=keys)
    assert code == 0, out
    assert "Emergency: call 999 or go to A&E now" in out
    assert "acute oncology" in out


def test_not_sure_at_a_check_in_is_not_reassuring(database_url: str) -> None:
    planned(database_url)
    keys = "2\n2\nfilm\nsocks\ndriving\n\n5\n5\n5\n" + "?\n" + "n\n" * 2
    code, out, _ = run(database_url, "checkin", stdin=keys)
    assert code == 0, out
    assert "A warning sign could not be ruled out: get medical help today" in out
    assert "Check-in saved." not in out


def test_not_sure_of_one_sign_at_a_check_in_names_that_one(database_url: str) -> None:
    planned(database_url)
    keys = "2\n2\nfilm\nsocks\ndriving\n\n5\n5\n5\n" + "?1\n" + "n\n" * 2
    code, out, _ = run(database_url, "checkin", stdin=keys)
    assert code == 0, out
    assert "A warning sign could not be ruled out: get medical help today" in out
    assert " ".join(out.split()).count("Not ruled out:") == 1
