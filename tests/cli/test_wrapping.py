"""Every command that prints prose wraps it to the terminal without breaking a word, at 40, 60
and 100 columns: each word of the narrow output is a word of the same output printed wide."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from glutewake.cli import main
from tests.cli.runner import SELF_CARE_CASE
from tests.fakes import FakeClock

WIDTHS = (40, 60, 100)
WIDE = 400
# Each command that prints prose, on a store with a check, a plan, a self-test and a check-in.
COMMANDS: list[list[str]] = [
    ["today"],
    ["plan"],
    ["progress"],
    ["history"],
    ["stats"],
    ["learn"],
    ["learn", "exercises"],
    ["learn", "glute_bridge"],
    ["learn", "sciatica"],
    ["learn", "dead butt syndrome"],
    ["learn", "findings"],
    ["check", "--answers", "CASE"],
    ["sessions"],
    ["config"],
    ["db", "status"],
    ["coach", "status"],
]
_BORDER = re.compile(r"^[\u2500-\u257f\-+|=]+$")  # a table's lines: box drawing, - + | =


def _words(text: str) -> set[str]:
    """The words of `text`: what stands between spaces and table borders, less the borders (and
    a colon after a word, as a narrow terminal lists as "heading: value" what a wide one
    tabulates, and an ellipsis after a whole word, where a summary is shortened between words)."""
    return {
        word.removesuffix("...").removesuffix("…").rstrip(":")
        for word in text.replace("│", " ").split()
        if not _BORDER.match(word)
    }


def _run(url: str, args: list[str], columns: int, case: Path) -> str:
    args = [str(case) if a == "CASE" else a for a in args]
    result = CliRunner().invoke(
        main,
        ["--database-url", url, *args],
        obj={"clock": FakeClock()},
        env={"COLUMNS": str(columns), "LINES": "50"},
    )
    return result.output


@pytest.fixture
def filled(tmp_path: Path) -> tuple[str, Path]:
    """A SQLite store (the words do not depend on the database) with a check and a plan."""
    database_url = f"sqlite:///{tmp_path / 'glutewake.db'}"
    case = tmp_path / "case.json"
    case.write_text(json.dumps(SELF_CARE_CASE))
    for args in (
        ["check", "--answers", str(case), "--save"],
        ["plan", "--new", "--equipment", "band"],
    ):
        result = CliRunner().invoke(main, ["--database-url", database_url, *args], obj={"clock": FakeClock()})
        assert result.exit_code == 0, result.output
    return database_url, case


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_no_word_is_broken_across_lines_at_any_width(args: list[str], filled: tuple[str, Path]) -> None:
    url, case = filled
    # the words as printed wide; and at 119 columns, where the plan is still a list, not a month grid
    wide = _words(_run(url, args, WIDE, case)) | _words(_run(url, args, 119, case))
    assert wide, args
    for columns in WIDTHS:
        out = _run(url, args, columns, case)
        # a line may run over only to hold one word longer than a line (a path, a web address)
        too_long = [line for line in out.splitlines() if len(line) > columns and len(line.split()) > 1]
        assert not too_long, (columns, too_long[:3])
        broken = sorted(_words(out) - wide)
        assert not broken, (columns, broken[:10])


@pytest.mark.parametrize("columns", WIDTHS)
def test_prose_is_fitted_between_words_a_command_whole_a_bullet_hung(columns: int) -> None:
    from glutewake.cli._text import fit

    text = (
        "  • Stop the session whenever you like; run `glutewake session --abandon` to leave it as it is,"
        " or see https://example.org/a/very/long/address/that/cannot/be/broken/anywhere/at/all/ok for more."
    )
    out = fit(text, columns)
    lines = out.splitlines()
    assert " ".join(out.split()) == " ".join(text.split()), "nothing lost, nothing split"
    assert any("`glutewake session --abandon`" in line for line in lines)
    assert all(line.startswith("    ") for line in lines[1:]), "later lines hang under the bullet's text"
    assert all(len(line) <= columns or len(line.split()) == 1 for line in lines)
    dose = fit("  • Kneeling hip flexor stretch: 2 × 30 s each side, then 3 × 10 reps of the bridge.", 40)
    assert "2 × 30 s" in dose
    assert "3 × 10 reps" in dose
