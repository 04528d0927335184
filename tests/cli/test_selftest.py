"""`glutewake selftest`: guided with a fake clock, or scored from a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from glutewake.cli import main
from tests.fakes import FakeClock
from tests.plans import checked_clear


@pytest.fixture(autouse=True)
def a_clear_check(glutewake_home: Path) -> None:
    """The self-tests that are exercise (standing on one leg, a bridge) come after a clear check."""
    from glutewake.app.context import open_store

    repo = open_store()
    checked_clear(repo)
    repo.close()


def keep_check(answers: dict[str, bool | None]) -> None:
    from glutewake.app.checks import record_triage, triage_case
    from glutewake.app.context import acting_for, open_store
    from glutewake.core.triage import Case

    repo = open_store()
    case = Case(40, "male", 10, answers)
    record_triage(acting_for(repo), case, triage_case(case))
    repo.close()


def flat(text: str) -> str:
    return " ".join(text.split())


# Keystrokes: do the squeeze test; left: ready, Enter when firm; right: ready, Enter when firm;
# bridge: hamstrings; mirror: forward; clench: both yes, left no, right yes; checklist: 7 items.
GUIDED = (
    "\n".join(
        [
            "y",
            "",
            "",
            "",
            "",
            "y",
            "2",
            "y",
            "2",
            "y",
            "y",
            "n",
            "y",
            "y",
            "y",
            "n",
            "n",
            "n",
            "y",
            "n",
            "n",
        ]
    )
    + "\n"
)


def test_guided_run_times_each_side_and_scores_every_test() -> None:
    clock = FakeClock(reads=[0, 3.0, 0, 0.6])  # left firms after 3 s, right after 0.6 s
    result = CliRunner().invoke(main, ["selftest"], input=GUIDED, obj={"clock": clock})
    assert result.exit_code == 0, result.output
    assert clock.slept == [1, 1, 1, 1, 1, 1], "a three-second get-ready countdown per side"
    out = flat(result.output)
    assert "Single-leg stand squeeze test" in out
    assert "left: slow to activate (about 3 s), hard to squeeze on its own │" in out
    assert "right: switches on quickly" in out
    assert "Your left side is the weaker one" in out
    assert "The backs of your thighs are doing the glutes' job" in out
    assert "pelvis may tip forward" in out
    assert "not a diagnosis" in out


def test_json_mode_keeps_prompts_off_standard_output() -> None:
    keys = "y\n\n\n\n7\n"  # squeeze only: left 0.4 s by Enter, right typed as 7 seconds
    result = CliRunner().invoke(
        main,
        ["selftest", "--only", "single_leg_squeeze", "--json"],
        input=keys,
        obj={"clock": FakeClock(reads=[0, 0.4])},
    )
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["sides"]["left"] == {"status": "normal", "seconds": 0.4, "clench_alone": None}
    assert printed["sides"]["right"]["status"] == "very_slow"
    assert printed["weaker_side"] == "right"
    assert "Squeeze!" in result.stderr


def test_a_side_can_be_skipped_and_never_firming_is_recorded() -> None:
    result = CliRunner().invoke(
        main,
        ["selftest", "--only", "single_leg_squeeze", "--json"],
        input="y\ns\n\nn\n",
        obj={"clock": FakeClock()},
    )
    printed = json.loads(result.stdout)
    assert printed["sides"]["left"]["status"] == "unknown"
    assert printed["sides"]["right"] == {"status": "not_firm", "seconds": None, "clench_alone": None}


def test_scores_answers_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"squeeze_seconds": {"left": 2.0, "right": 0.5}, "bridge_felt": ["glutes"]}))
    result = CliRunner().invoke(main, ["selftest", "--answers", str(path), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["weaker_side"] == "left"


def test_bad_answers_file_exits_2_naming_the_field(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"belt_line": "sideways"}))
    result = CliRunner().invoke(main, ["selftest", "--answers", str(path), "--json"])
    assert result.exit_code == 2
    assert "belt_line: must be one of" in result.stderr


def test_unknown_test_name_exits_2() -> None:
    result = CliRunner().invoke(main, ["selftest", "--only", "squat_test"])
    assert result.exit_code == 2
    assert "no self-test called squat_test" in result.stderr


def test_ending_early_says_so_and_exits_1() -> None:
    result = CliRunner().invoke(main, ["selftest"], input="y\n", obj={"clock": FakeClock()})
    assert result.exit_code == 1
    assert "The self-tests stopped; nothing was saved." in result.stderr


class CtrlCClock(FakeClock):
    """A clock during whose sleep the person presses Ctrl-C (SIGINT raises KeyboardInterrupt)."""

    def sleep(self, seconds: float) -> None:
        raise KeyboardInterrupt


def test_ctrl_c_during_the_countdown_says_so_and_exits_130() -> None:
    result = CliRunner().invoke(
        main, ["selftest", "--only", "single_leg_squeeze"], input="y\n\n", obj={"clock": CtrlCClock()}
    )
    assert result.exit_code == 130
    assert "The self-tests stopped; nothing was saved." in result.stderr
    assert "Aborted!" not in result.output + result.stderr


def test_after_an_emergency_result_no_self_test_starts_and_the_number_comes_first() -> None:
    keep_check({"numb_when_sitting": True, "saddle_numbness": True})
    clock = FakeClock()
    result = CliRunner().invoke(main, ["selftest"], input=GUIDED, obj={"clock": clock})
    assert result.exit_code == 3
    out = flat(result.output)
    assert out.index("Emergency: call 999 or go to A&E now") < out.index("Phone 999 now.")
    assert "Single-leg stand" not in out
    assert clock.slept == [], "no countdown: nothing was started"


def test_while_exercise_is_paused_the_standing_and_bridge_tests_are_left_out() -> None:
    from glutewake.app.context import acting_for, open_store
    from glutewake.app.journal import record_checkin
    from glutewake.core.progress import Checkin

    repo = open_store()
    ctx = acting_for(repo)
    today = repo.clock.now().date()
    record_checkin(ctx, Checkin(today, 2, 2, {"sitting": 7}, {}))
    assert record_checkin(ctx, Checkin(today, 7, 2, {"sitting": 7}, {})).outcome == "worse"
    repo.close()
    answers = "\n".join(["1", "y", "y", "y", "n", "n", "n", "n", "n", "n", "n"]) + "\n"
    result = CliRunner().invoke(main, ["selftest"], input=answers, obj={"clock": FakeClock()})
    out = flat(result.output)
    assert "Left out for now: Single-leg stand squeeze test, Glute bridge test." in out
    assert "Side-on mirror check" in out


def test_scored_answers_of_the_standing_test_are_not_kept_while_exercise_is_ruled_out(tmp_path: Path) -> None:
    keep_check({"numb_when_sitting": True, "saddle_numbness": True})
    answers = tmp_path / "st.json"
    answers.write_text(json.dumps({"squeeze_seconds": {"left": 3, "right": 4}}))
    result = CliRunner().invoke(
        main, ["selftest", "--answers", str(answers), "--save"], obj={"clock": FakeClock()}
    )
    assert result.exit_code == 3
    assert "Emergency: call 999" in flat(result.output)
