"""The terminal session player on a fake clock and scripted keys: timers without real waiting.

The player takes its clock as a parameter, so a 45-second hold is run here in no time, and
a pause is seen to stop the clock. The key input works without termios too (as on Windows).
"""

from __future__ import annotations

import os
import sys

import pytest

from glutewake.cli.session import _Player
from glutewake.core.session import Step
from glutewake.knowledge import Knowledge
from tests.fakes import FakeClock


class ScriptedKeys:
    """Keys pressed at given moments; waiting for a key lets the fake clock run on."""

    def __init__(self, clock: FakeClock, presses: list[tuple[float, str]]) -> None:
        self.clock, self.presses = clock, presses

    def read(self, timeout: float | None = None) -> str | None:
        if self.presses and (timeout is None or self.presses[0][0] <= self.clock.counter + timeout):
            at, key = self.presses.pop(0)
            self.clock.counter = max(self.clock.counter, at)
            return key
        if timeout is None:
            raise EOFError
        self.clock.counter += timeout
        return None


def player(kb: Knowledge, clock: FakeClock, presses: list[tuple[float, str]]) -> _Player:
    played = _Player(kb, clock, bell=False)
    played.keys = ScriptedKeys(clock, presses)
    return played


def test_a_hold_runs_its_full_time_on_the_given_clock(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = FakeClock()
    hold = Step("set", exercise_id="side_plank", set_number=1, sets=2, hold_seconds=45)
    assert player(kb, clock, []).run(hold) == (None, 45)
    assert 45 <= clock.counter < 45.5
    assert "Hold: done." in capsys.readouterr().out


def test_a_pause_stops_the_timer_and_it_goes_on_after(kb: Knowledge) -> None:
    clock = FakeClock()
    rest = Step("rest", seconds=30)
    # pause 10 s in, go on 60 s later: the other 20 s of the rest follow, so it ends at 90 s
    assert player(kb, clock, [(10.0, "p"), (70.0, "\n")]).run(rest) == "done"
    assert 90 <= clock.counter < 90.5


def test_skipping_a_rest_ends_it_at_once(kb: Knowledge) -> None:
    clock = FakeClock()
    assert player(kb, clock, [(3.0, "s")]).run(Step("rest", seconds=60)) == "skip"
    assert clock.counter == 3.0


def test_keys_come_without_termios_as_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    from glutewake.runtime.keys import Keys

    monkeypatch.setitem(sys.modules, "termios", None)
    monkeypatch.setitem(sys.modules, "tty", None)
    monkeypatch.setitem(sys.modules, "msvcrt", None)
    leader, follower = os.openpty()
    with os.fdopen(follower, "r") as terminal, Keys(terminal) as keys:
        assert keys.tty
        assert keys.read(0.05) is None
        os.write(leader, b"P\n")
        assert keys.read(1) == "p"
        assert keys.read(1) == "\n"
    os.close(leader)


def redraws(out: str) -> list[str]:
    """Each status line as drawn: what follows a carriage return, up to the next one or a newline."""
    return [part.split("\n")[0] for part in out.split("\r")[1:] if part.split("\n")[0]]


@pytest.mark.parametrize("columns", [60, 100])
def test_the_status_line_fits_the_terminal_and_clears_what_was_there(
    kb: Knowledge, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    clock = FakeClock()
    steps = [
        (Step("get_ready", seconds=5), [(1.0, "s")]),
        (Step("set", exercise_id="glute_bridge", set_number=1, sets=3, reps=10), [(2.0, "\n")] * 10),
        (Step("rest", seconds=30), [(3.0, "p"), (4.0, "p")]),
        (Step("set", exercise_id="side_plank", set_number=1, sets=2, side="left", hold_seconds=3), []),
    ]
    for step, presses in steps:
        player(kb, clock, presses).run(step)
    out = capsys.readouterr().out
    drawn = redraws(out)
    assert any(line.startswith("Rep 10/10: done.") for line in drawn)
    for line in drawn:
        text = line.removesuffix("\x1b[K")
        assert line.endswith("\x1b[K"), f"not cleared to the end of the line: {line!r}"
        assert len(text) < columns, f"wider than {columns} columns: {text!r}"
    # the last state is drawn alone: no leftovers of the longer line before it
    assert "\rRep 10/10: done.\x1b[K\n" in out
    assert "\rStarting in: skipped.\x1b[K\n" in out
    if columns >= 100:
        assert "(Enter = rep, d = done, s = skip, p = pause, q = quit)" in out, "the full help when it fits"
        assert "] 30 s   (s = skip, p = pause, q = quit)" in out, "the 20-wide bar and the full help"
    else:
        assert "(Enter rep, d done, s skip, p pause, q quit)" in out, "a shorter help, not a cut one"


def test_a_very_narrow_terminal_still_gets_one_line(
    kb: Knowledge, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "24")
    clock = FakeClock()
    player(kb, clock, []).run(Step("rest", seconds=3))
    for line in redraws(capsys.readouterr().out):
        assert len(line.removesuffix("\x1b[K")) < 24


def test_between_the_sides_of_a_hold_the_player_says_switch_and_waits(
    kb: Knowledge, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = FakeClock()
    switch = Step("get_ready", seconds=5, exercise_id="side_plank", side="right")
    assert player(kb, clock, []).run(switch) == "done"
    assert 5 <= clock.counter < 5.5
    assert "Switch sides: turn over for your right side." in capsys.readouterr().out
