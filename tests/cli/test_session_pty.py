"""The CLI in a real terminal (a pty): guided sessions (timers, reps, quitting, kill -9,
resuming, the status line at 60 and 100 columns), Ctrl-C, and questions asked before a change."""

from __future__ import annotations

import io
import os
import re
import signal
import time
from datetime import date, timedelta
from pathlib import Path

import pexpect
import pytest

from glutewake.clock import SystemClock
from glutewake.store import SessionRecord, SetRecord, Store, connect
from tests.plans import save_ready_plan, tiny_plan


@pytest.fixture
def store(tmp_path: Path, glutewake_home: Path) -> str:
    url = f"sqlite:///{tmp_path / 'session.db'}"
    repo = Store(connect(url), SystemClock()).owner()
    save_ready_plan(repo, tiny_plan(date.today()))
    repo.close()
    return url


def _as_at_a_terminal() -> None:
    """Ctrl-C interrupts, as in a person's terminal, even when the test run itself was started
    in the background (where a shell sets SIGINT to be ignored, and children inherit that)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn(url: str, home: Path, *args: str, columns: int = 120) -> pexpect.spawn:
    env = {**os.environ, "GLUTEWAKE_HOME": str(home), "GLUTEWAKE_DATABASE_URL": url}
    env.pop("COLUMNS", None)  # the width comes from the terminal itself, as for a person
    child = pexpect.spawn(
        "glutewake", list(args or ["session"]), env=env, encoding="utf-8", timeout=30,
        dimensions=(40, columns), preexec_fn=_as_at_a_terminal,
    )  # fmt: skip
    child.logfile_read = io.StringIO()  # the whole transcript, for checks after the fact
    return child


def waiting_for_an_answer(child: pexpect.spawn) -> None:
    """Wait until the program is blocked reading its terminal, as a person finds it who presses
    Ctrl-C at a question. A Ctrl-C in the moment between the question's last character and the read
    is only acted on once the read returns: CPython's `input()` writes the prompt itself, past
    the last point at which it looks for signals (on a busy machine, that moment can be long)."""
    read = {"x86_64": "0", "aarch64": "63"}.get(os.uname().machine)  # the read(2) system call
    deadline = time.monotonic() + 30
    while read is not None:
        if Path(f"/proc/{child.pid}/syscall").read_text().split()[:2] == [read, "0x0"]:  # read(0, ...)
            return
        assert time.monotonic() < deadline, "the program never waited for an answer"
        time.sleep(0.01)


def sessions(url: str) -> list[SessionRecord]:
    engine = connect(url)
    rows = Store(engine, SystemClock()).owner().session_logs()
    engine.dispose()
    return rows


def do_reps(child: pexpect.spawn, count: int) -> None:
    child.expect(f"Rep 0/{count}")
    for _ in range(count):
        child.send("\r")
    child.expect(f"Rep {count}/{count}: done")


def test_a_whole_session_with_timers_bell_and_feedback(store: str, glutewake_home: Path) -> None:
    child = spawn(store, glutewake_home)
    child.expect("Get ready")
    child.send("s")  # skip the get-ready countdown
    child.expect("Glute bridge: set 1 of 1. Cue:")
    do_reps(child, 2)
    child.expect("Next: Pelvic curl")
    child.send("\r")  # Enter skips a countdown too
    do_reps(child, 2)
    child.expect("Next: Side plank")
    child.send("s")
    child.expect(r"Hold \[")
    child.expect("Hold: done", timeout=10)
    child.expect("Session complete: 3 sets done, none skipped.")
    child.expect("How hard was it")
    child.sendline("5")
    child.expect("Any pain")
    child.sendline("1")
    child.expect("Where did you feel the work")
    child.sendline("1")
    child.expect("Saved: effort 5/10, pain 1/10, felt in the buttocks.")
    child.expect("Your plan changed: progressed: the last session felt easy")
    child.expect(r"Next session: \w+day \d\d \w\w\w\.")  # two days on
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    transcript = child.logfile_read.getvalue()
    assert transcript.count("\a") >= 4, "the bell rings at each set and at the end of each timer"
    (done,) = sessions(store)
    assert (done.status, done.sets, done.rpe, done.pain) == ("completed", 3, 5, 1)


def test_killed_mid_session_keeps_the_sets_done_and_resumes(store: str, glutewake_home: Path) -> None:
    child = spawn(store, glutewake_home)
    child.expect("Get ready")
    child.send("s")
    do_reps(child, 2)
    child.expect("Next: Pelvic curl")
    child.send("s")
    child.expect("Rep 0/2")
    child.kill(signal.SIGKILL)
    child.close()
    (interrupted,) = sessions(store)
    assert (interrupted.status, interrupted.sets) == ("in_progress", 1)

    child = spawn(store, glutewake_home)
    child.expect("where you stopped: 1 set already done.")
    child.expect("Pelvic curl: set 1 of 1")
    do_reps(child, 2)
    child.expect("Next: Side plank")
    child.send("s")
    child.expect("Hold: done", timeout=10)
    child.expect("How hard was it")
    child.sendline("6")
    child.expect("Any pain")
    child.sendline("0")
    child.expect("Where did you feel")
    child.sendline("1")
    child.expect(pexpect.EOF)
    (resumed,) = sessions(store)
    assert (resumed.status, resumed.sets) == ("completed", 3)


def test_quitting_keeps_what_was_done(store: str, glutewake_home: Path) -> None:
    child = spawn(store, glutewake_home)
    child.expect("Get ready")
    child.send("s")
    do_reps(child, 2)
    child.expect("Next: Pelvic curl")
    child.send("q")
    child.expect(r"Stopped. What you did is kept \(1 set\). `glutewake session` goes on from there")
    child.expect(pexpect.EOF)
    (quit_session,) = sessions(store)
    assert (quit_session.status, quit_session.sets) == ("quit", 1)

    child = spawn(store, glutewake_home)
    child.expect("where you stopped: 1 set already done.")
    child.expect("Pelvic curl: set 1 of 1")
    child.send("q")
    child.expect(pexpect.EOF)
    (same_session,) = sessions(store)
    assert (same_session.status, same_session.sets) == ("quit", 1)


def test_pause_stops_the_clock(store: str, glutewake_home: Path) -> None:
    child = spawn(store, glutewake_home)
    child.expect("Get ready")
    child.send("p")
    child.expect("Paused")
    with pytest.raises(pexpect.TIMEOUT):
        child.expect("Starting in: done", timeout=6)  # the 5-second countdown waits while paused
    child.send("p")
    child.expect("Starting in: done", timeout=10)
    child.send("q")
    child.expect(pexpect.EOF)


def status_lines(transcript: str) -> list[str]:
    """Every status line as drawn in place: after a carriage return, before the next or a newline."""
    return [part.split("\n")[0] for part in transcript.split("\r")[1:] if part.split("\n")[0]]


@pytest.mark.parametrize("columns", [60, 100])
def test_the_status_line_fits_the_terminal_and_is_redrawn_cleanly(
    store: str, glutewake_home: Path, columns: int
) -> None:
    child = spawn(store, glutewake_home, columns=columns)
    child.expect("Starting in")
    child.expect("Starting in: done", timeout=10)  # a whole countdown, redrawn each quarter second
    do_reps(child, 2)
    child.expect("Next: Pelvic curl")
    child.send("q")
    child.expect(pexpect.EOF)
    transcript = child.logfile_read.getvalue()
    drawn = [line for line in status_lines(transcript) if line.startswith(("Starting in", "Rep "))]
    assert len(drawn) > 10
    for line in drawn:
        assert line.endswith("\x1b[K"), f"not cleared to the end of the line: {line!r}"
        assert len(line.removesuffix("\x1b[K")) < columns, f"wraps at {columns} columns: {line!r}"
    assert "\rStarting in: done.\x1b[K\r\n" in transcript
    assert "\rRep 2/2: done.\x1b[K\r\n" in transcript
    # redrawn in place: the countdown's lines are all on one terminal line, not one per second
    before_reps = transcript.split("Glute bridge: set 1")[0]
    assert before_reps.count("\n") <= 4


def test_a_session_with_every_set_skipped_says_so_and_names_the_next(
    store: str, glutewake_home: Path
) -> None:
    child = spawn(store, glutewake_home)
    for _ in range(3):
        child.expect("Starting in")
        child.send("s")  # skip the countdown
        child.expect(r"set 1 of 1")
        child.send("s")  # and the set
    child.expect(r"every set was skipped \(3\), so none was recorded as done")
    child.expect(r"Next session: \w+day")
    child.expect(pexpect.EOF)
    transcript = child.logfile_read.getvalue()
    assert "complete" not in transcript
    assert "Well done" not in transcript
    assert "How hard was it" not in transcript, "no feedback on a session nothing was done of"
    (skipped,) = sessions(store)
    assert (skipped.status, skipped.sets) == ("completed", 0)


def test_a_session_left_part_way_on_an_earlier_day_is_offered_first(
    tmp_path: Path, glutewake_home: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'earlier.db'}"
    repo = Store(connect(url), SystemClock()).owner()
    yesterday = date.today() - timedelta(days=1)  # tiny_plan: a session yesterday, the next tomorrow
    save_ready_plan(repo, tiny_plan(yesterday))
    active = repo.current_plan()
    assert active is not None
    log = repo.start_session(active.session_ids[yesterday], guided=True)
    repo.log_set(log, SetRecord("glute_bridge", None, 2, None))
    repo.finish_session(log, "quit")
    repo.close()

    today = spawn(url, glutewake_home, "today")
    today.expect(f"You stopped part-way through the session of {yesterday:%A %d %b}.")
    today.expect("Go on from where you stopped with `glutewake session`.")
    today.expect(pexpect.EOF)

    child = spawn(url, glutewake_home)
    child.expect(f"Resuming the session of {yesterday:%A %d %b} where you stopped: 1 set already done.")
    child.expect("Pelvic curl: set 1 of 1")
    child.send("q")
    child.expect(pexpect.EOF)

    abandon = spawn(url, glutewake_home, "session", "--abandon")
    abandon.expect(rf"Left the session of {yesterday:%A %d %b} as it was \(1 set kept\)\.")
    abandon.expect(f"Next session: {yesterday + timedelta(days=2):%A %d %b}.")
    abandon.expect(pexpect.EOF)
    assert [(s.status, s.sets) for s in sessions(url)] == [("abandoned", 1)]


def test_ctrl_c_in_a_session_keeps_the_sets_and_exits_130(store: str, glutewake_home: Path) -> None:
    child = spawn(store, glutewake_home)
    child.expect("Get ready")
    child.send("s")
    do_reps(child, 2)
    child.expect("Next: Pelvic curl")
    child.sendintr()
    child.expect(r"Stopped. What you did is kept \(1 set\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in child.logfile_read.getvalue()
    (stopped,) = sessions(store)
    assert (stopped.status, stopped.sets) == ("quit", 1)


def test_ctrl_c_at_the_feedback_questions_keeps_the_session_and_exits_130(
    store: str, glutewake_home: Path
) -> None:
    child = spawn(store, glutewake_home)
    for count in (2, 2):
        child.expect("Starting in")
        child.send("s")
        do_reps(child, count)
    child.expect("Starting in")
    child.send("s")
    child.expect("Hold: done", timeout=10)
    child.expect("How hard was it")
    waiting_for_an_answer(child)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    transcript = child.logfile_read.getvalue()
    assert "Stopped (Ctrl-C); whatever was already saved is kept." in transcript
    assert "Aborted!" not in transcript
    assert "Traceback" not in transcript
    (done,) = sessions(store)
    assert (done.status, done.sets, done.rpe) == ("completed", 3, None)


@pytest.mark.parametrize(
    ("args", "prompt", "message"),
    [
        (["selftest"], "Do this test now?", "The self-tests stopped; nothing was saved."),
        (["check"], "How old are you?", "The check stopped; nothing was saved."),
        (["checkin"], "Pain right now", "The check-in stopped; nothing was saved."),
    ],
)
def test_ctrl_c_at_any_prompt_is_one_line_and_exit_130(
    store: str, glutewake_home: Path, args: list[str], prompt: str, message: str
) -> None:
    from glutewake.app.region import save_region

    save_region("uk")  # so the check asks its own questions first
    child = spawn(store, glutewake_home, *args)
    child.expect(prompt)
    waiting_for_an_answer(child)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    transcript = child.logfile_read.getvalue()
    assert message in transcript
    assert "Aborted!" not in transcript
    assert "Traceback" not in transcript


def test_ctrl_c_during_the_squeeze_countdown_exits_130(store: str, glutewake_home: Path) -> None:
    child = spawn(store, glutewake_home, "selftest", "--only", "single_leg_squeeze")
    child.expect("Do this test now?")
    child.sendline("y")
    child.expect(r"\(s to skip\)")
    child.sendline("")
    child.expect("3…")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "The self-tests stopped; nothing was saved." in child.logfile_read.getvalue()


def test_rebuilding_the_plan_from_a_new_choice_asks_first(store: str, glutewake_home: Path) -> None:
    repo = Store(connect(store), SystemClock()).owner()
    before = repo.current_plan()
    repo.close()
    child = spawn(store, glutewake_home, "plan", "--minutes", "30")
    child.expect(
        r"Changing the minutes builds a new plan from \w+day \d\d \w\w\w, replacing your current one"
    )
    child.sendline("n")
    child.expect("Nothing was changed.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    repo = Store(connect(store), SystemClock()).owner()
    assert repo.current_plan() == before
    repo.close()


def test_a_second_export_asks_before_overwriting(tmp_path: Path, store: str, glutewake_home: Path) -> None:
    target = tmp_path / "backup.json"
    target.write_text("the first export")
    child = spawn(store, glutewake_home, "export", str(target))
    child.expect("backup.json already exists. Overwrite it?")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert target.read_text() == "the first export"
    child = spawn(store, glutewake_home, "export", str(target))
    child.expect("Overwrite it?")
    child.sendline("y")
    child.expect("Exported your records to")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert target.read_text().startswith("{")


def _keep_check(url: str, answers: dict[str, bool | None]) -> None:
    from glutewake.app.checks import record_triage, triage_case
    from glutewake.app.context import acting_for
    from glutewake.core.triage import Case

    engine = connect(url)
    case = Case(40, "female", 10, answers)
    record_triage(acting_for(Store(engine, SystemClock()).owner(), "uk"), case, triage_case(case))
    engine.dispose()


@pytest.mark.parametrize("columns", [40, 60, 100])
def test_after_an_emergency_result_no_command_starts_exercise_at_any_width(
    store: str, glutewake_home: Path, columns: int
) -> None:
    """The terminal leads with the check's banner and number and starts nothing (exit 3), with no
    word of the banner broken across lines, at a phone-narrow 40 columns too."""
    _keep_check(store, {"numb_when_sitting": True, "saddle_numbness": True})
    for command in (["session"], ["session", "--next"], ["today"], ["selftest"]):
        child = spawn(store, glutewake_home, *command, columns=columns)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 3, command
        shown = re.sub(r"\x1b\[[0-9;]*m", "", child.logfile_read.getvalue())  # colours off
        screen = " ".join(re.sub("[│╭╮╰╯─]", " ", shown).split())
        assert "Emergency: call 999 or go to A&E now" in screen, command  # no word broken at the edge
        assert "Phone 999 now." in screen, command
        for started in ("Get ready", "Rep 0/", "Single-leg stand", "Hold ["):
            assert started not in screen, (command, started)
    assert sessions(store) == []


def test_a_warning_sign_at_check_in_brings_the_banner_at_once_with_no_more_screens(
    store: str, glutewake_home: Path
) -> None:
    child = spawn(
        store, glutewake_home, "checkin", "--pain", "2", "--numbness", "2", "--psfs", "film=5", columns=60
    )
    child.expect("Do you have any of these now")
    child.expect(r"Type the numbers")
    child.sendline("2")  # new trouble peeing
    child.expect("Emergency: call 999")
    child.expect("Phone 999 now.")
    child.expect(pexpect.EOF)
    child.close()
    transcript = child.logfile_read.getvalue()
    assert "Do you have any of these as well" not in transcript, "no further screens"
    assert "Have you noticed any of these" not in transcript
    child = spawn(store, glutewake_home, "today", columns=60)
    child.expect("Emergency: call 999")
    child.expect("Phone 999 now.")
    child.expect(pexpect.EOF)


def test_after_a_gentle_result_today_lists_only_gentle_exercises(store: str, glutewake_home: Path) -> None:
    from glutewake.app.region import knowledge

    kb = knowledge("uk")
    _keep_check(store, {"numb_when_sitting": True, "eases_on_standing": True, "getting_worse": True})
    child = spawn(store, glutewake_home, "today", columns=60)
    child.expect(pexpect.EOF)
    child.close()
    shown = " ".join(child.logfile_read.getvalue().split())
    listed = [e for e in kb.exercises.values() if f"{e.name}:" in shown]
    assert listed
    assert all(e.min_exercise_level == "gentle" for e in listed), [e.id for e in listed]
