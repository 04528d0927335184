"""`glutewake check`: the triage from a file and as an interview."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from glutewake.cli import main
from glutewake.codec import dump
from glutewake.core.flow import answer_step, next_step
from glutewake.core.triage import Case, triage
from glutewake.knowledge import Knowledge

SELF_CARE = {
    "age": 32,
    "sex": "female",
    "duration_days": 60,
    "answers": {"numb_when_sitting": True, "eases_on_standing": True, "saddle_numbness": False},
}


@pytest.fixture(autouse=True)
def _lives_in_the_uk(glutewake_home: Path) -> None:
    """The first-check region question is answered (its own test below asks it)."""
    from glutewake.app.region import save_region

    save_region("uk")


def test_the_first_interactive_check_asks_where_the_user_lives_once(glutewake_home: Path) -> None:
    from glutewake.config import config_path

    config_path().unlink()
    first = CliRunner().invoke(main, ["check"], input="6\n45\n2\n3 days\n1\n")
    assert first.exit_code == 0, first.output
    assert "Where do you live?" in first.output
    assert "Emergency: call 000 or go to the emergency department now" in flat(first.output)
    again = CliRunner().invoke(main, ["check"], input="45\n2\n3 days\n1\n")
    assert "Where do you live?" not in again.output


def flat(text: str) -> str:
    """Output with Rich's line wrapping folded away."""
    return " ".join(text.split())


def write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "case.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_json_output_is_the_triage_result_and_nothing_else(tmp_path: Path, kb: Knowledge) -> None:
    result = CliRunner().invoke(main, ["check", "--answers", write(tmp_path, SELF_CARE), "--json"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    printed = json.loads(result.stdout)
    assert printed == dump(triage(Case(**SELF_CARE), kb))  # type: ignore[arg-type]
    assert printed["urgency"] == "self_care"
    assert printed["causes"][0] == {
        "id": "gluteal_amnesia",
        "likelihood": "likely",
        "because": ["numb_when_sitting", "eases_on_standing"],
    }


def test_answers_can_come_from_standard_input() -> None:
    case = {**SELF_CARE, "answers": {"bladder_change": True}}
    result = CliRunner().invoke(main, ["check", "--answers", "-", "--json"], input=json.dumps(case))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["urgency"] == "emergency"


def test_the_readable_result_shows_banner_causes_reasons_and_notice(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--answers", write(tmp_path, SELF_CARE)])
    assert result.exit_code == 0
    out = flat(result.output)
    assert "Looks suitable for self-care" in out
    assert "Gluteal amnesia (likely)" in out
    assert "because: your bottom goes numb when you sit; the numbness goes away soon after standing" in out
    assert "What would change this advice" in out
    assert "not a diagnosis" in out


BAD: list[Any] = [
    pytest.param(
        {**SELF_CARE, "answers": {"numb_bum": True}},
        "answers.numb_bum: unknown finding id",
        id="unknown finding",
    ),
    pytest.param({**SELF_CARE, "age": "thirty"}, "age: must be a whole number", id="wrong type"),
    pytest.param({k: v for k, v in SELF_CARE.items() if k != "age"}, "age: missing", id="missing age"),
    pytest.param("{not json", "is not valid JSON", id="not JSON"),
]


@pytest.mark.parametrize(("data", "message"), BAD)
def test_bad_input_exits_2_and_names_the_problem(tmp_path: Path, data: Any, message: str) -> None:
    result = CliRunner().invoke(main, ["check", "--answers", write(tmp_path, data), "--json"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "glutewake learn findings" in result.stderr
    answer = json.loads(result.stdout)  # asked for JSON: the error comes as JSON too
    assert answer["exit_code"] == 2
    assert message in answer["error"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--json"], "--json needs --answers FILE"),
        (["learn", "zzz", "--json"], "nothing called 'zzz'"),
        (["plan", "--bogus", "--json"], "No such option '--bogus'"),
        (["coach", "status", "--json"], "No coach is running"),
    ],
)
def test_asked_for_json_every_answer_is_json_errors_too(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (1, 2)
    answer = json.loads(result.stdout)
    assert message in (answer.get("error") or answer.get("message"))


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--answers", str(tmp_path / "nope.json"), "--json"])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr


def test_json_without_answers_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["check", "--json"])
    assert result.exit_code == 2
    assert "--json needs --answers" in result.stderr


def interview_input(
    kb: Knowledge, case: Case, yes: set[str], dont_know: set[str] = frozenset(), *, one_by_one: bool = False
) -> tuple[str, Case]:  # type: ignore[assignment]
    """The keystrokes for an interview that ticks `yes`, is not sure about a screen with any of
    `dont_know` (or, `one_by_one`, about just those: `?N`), and otherwise answers n (none of these)."""
    keys = [str(case.age), "1" if case.sex == "female" else "2", f"{case.duration_days} days"]
    while (step := next_step(case, kb)) is not None:
        ticked = [f.id for f in step.findings if f.id in yes]
        doubts = [f.id for f in step.findings if f.id in dont_know]
        unsure = bool(doubts) and not one_by_one
        if step.kind == "question":
            keys.append("y" if ticked else "?" if doubts else "n")
            case = answer_step(case, step, ticked, None if doubts else False)
            continue
        numbers = [str(n) for n, f in enumerate(step.findings, start=1) if f.id in yes]
        if one_by_one:
            numbers += [f"?{n}" for n, f in enumerate(step.findings, start=1) if f.id in dont_know]
        keys.append(" ".join([*numbers, "?"] if unsure else numbers) or "n")
        case = answer_step(case, step, ticked, None if unsure else False, doubts)
    return "\n".join(keys) + "\n", case


def test_interview_self_care_path(kb: Knowledge) -> None:
    start = Case(32, "female", 20, {})
    keys, final = interview_input(kb, start, yes={"numb_when_sitting", "eases_on_standing"})
    result = CliRunner().invoke(main, ["check"], input=keys)
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert out.index("First, some safety questions.") < out.index("Do you have any of these now?")
    assert out.index("Screen 1 of about") < out.index("Now, about your symptoms.")
    assert "Looks suitable for self-care" in out
    assert "Gluteal amnesia (likely)" in out
    assert "42" not in out.split("Screen 1 of about")[1][:4], "the counter counts screens, not questions"
    assert len(final.answers) < len(kb.findings), "questions that cannot change the result are skipped"


def test_not_sure_on_a_safety_screen_is_not_green_and_says_what_to_check(kb: Knowledge) -> None:
    keys, _ = interview_input(
        kb,
        Case(32, "female", 20, {}),
        yes={"numb_when_sitting", "eases_on_standing"},
        dont_know={"saddle_numbness"},
    )
    out = flat(CliRunner().invoke(main, ["check"], input=keys).output)
    assert "A warning sign could not be ruled out: get medical help today" in out
    assert "Not ruled out: numbness, tingling or less feeling in the saddle area" in out
    assert "Looks suitable for self-care" not in out


def test_not_sure_of_one_warning_sign_leaves_the_others_on_its_screen_answered_no(kb: Knowledge) -> None:
    keys, final = interview_input(
        kb,
        Case(32, "female", 20, {}),
        yes={"numb_when_sitting", "eases_on_standing"},
        dont_know={"saddle_numbness"},
        one_by_one=True,
    )
    assert "?" in keys
    result = CliRunner().invoke(main, ["check"], input=keys)
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "Not sure of one? Put ? before its number (1 3 ?2)" in out
    assert "Not ruled out: numbness, tingling or less feeling in the saddle area" in out
    assert out.count("Not ruled out:") == 1, "only the one the person was not sure of"
    assert "Looks suitable for self-care" not in out
    assert final.answers["saddle_numbness"] is None
    assert [f for f, a in final.answers.items() if a is None] == ["saddle_numbness"]


def test_interview_stops_at_the_first_emergency_sign(kb: Knowledge) -> None:
    result = CliRunner().invoke(main, ["check"], input="45\n2\n3 days\n2\n")
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "Emergency: call 999 or go to A&E now" in out
    assert "do not drive yourself" in out
    assert "Do any of these apply to you?" not in out
    assert "Cauda equina syndrome (likely)" in out


def test_interview_explains_unclear_words_and_re_asks_unclear_replies(kb: Knowledge) -> None:
    result = CliRunner().invoke(main, ["check"], input="abc\n45\n9\n2\nsoon\n2 weeks\nmaybe\n12\n1\n")
    out = flat(result.output)
    assert "Please type a whole number from 0 to 120" in out
    assert "Please type a number from 1 to 3" in out
    assert 'for example "5 days"' in out
    assert "Please type numbers from 1 to 10, ? before a number, n, or ?" in out
    assert "The saddle area is the skin" in out
    assert "Emergency" in out


def test_the_interview_wraps_to_a_narrow_terminal(kb: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    result = CliRunner().invoke(main, ["check"], input="45\n2\n3 days\n1\n")
    checklist = result.output.split("Do you have any of these now?")[1].split("Type the numbers")[0]
    assert max(len(line) for line in checklist.splitlines()) <= 60
    assert "feeli\n" not in result.output


def test_the_installed_command_runs_the_triage_from_a_file(tmp_path: Path) -> None:
    done = subprocess.run(
        ["glutewake", "check", "--answers", write(tmp_path, SELF_CARE), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["urgency"] == "self_care"


def test_ending_the_interview_early_says_so_and_exits_1() -> None:
    result = CliRunner().invoke(main, ["check"], input="45\n")  # then end of input, as Ctrl-D
    assert result.exit_code == 1
    assert "The check stopped; nothing was saved. Run `glutewake check` to start again." in result.stderr
