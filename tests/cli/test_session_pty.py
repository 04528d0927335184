"""Guided sessions in a real terminal (a pty): timers, reps, quitting, kill -9, resuming."""

from __future__ import annotations

import io
import os
import signal
from datetime import date
from pathlib import Path

import pexpect
import pytest

from glutewake.clock import SystemClock
from glutewake.store import SessionRecord, Store, connect
from tests.plans import tiny_plan


@pytest.fixture
def store(tmp_path: Path, glutewake_home: Path) -> str:
    url = f"sqlite:///{tmp_path / 'session.db'}"
    repo = Store(connect(url), SystemClock()).owner()
    repo.save_plan(tiny_plan(date.today()), None)
    repo.close()
    return url


def spawn(url: str, home: Path) -> pexpect.spawn:
    env = {**os.environ, "GLUTEWAKE_HOME": str(home), "GLUTEWAKE_DATABASE_URL": url, "COLUMNS": "120"}
    child = pexpect.spawn(
        "glutewake", ["session"], env=env, encoding="utf-8", timeout=30, dimensions=(40, 120)
    )
    child.logfile_read = io.StringIO()  # the whole transcript, for checks after the fact
    return child


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
    child.expect("session complete")
    child.expect("How hard was it")
    child.sendline("5")
    child.expect("Any pain")
    child.sendline("1")
    child.expect("Where did you feel the work")
    child.sendline("1")
    child.expect("Your plan changed: progressed: the last session felt easy")
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
    child.expect("Resuming where you stopped: 1 set already done.")
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
    child.expect(r"Stopped. What you did is kept \(1 set\)")
    child.expect(pexpect.EOF)
    (quit_session,) = sessions(store)
    assert (quit_session.status, quit_session.sets) == ("quit", 1)

    child = spawn(store, glutewake_home)
    child.expect("Resuming where you stopped: 1 set already done.")
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
