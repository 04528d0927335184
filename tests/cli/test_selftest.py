"""`glutewake selftest`: guided with a fake clock, or scored from a file."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from glutewake.cli import main
from tests.fakes import FakeClock


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
