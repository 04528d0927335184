"""The real coach, in its own process, killed with SIGKILL in the middle of a stretch of sitting:
the stretch is kept to within a minute, the next coach carries on with it, and `coach status`
counts today's breaks as `glutewake stats` does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from glutewake.app.coach import record_effects
from glutewake.app.context import acting_for
from glutewake.clock import SystemClock
from glutewake.core.coach import BreakTaken
from glutewake.runtime.coach_host import CHECKPOINT_FILE
from glutewake.store import Store, connect


def wait_until(what: str, ready: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = ready()
        if found:
            return found
        assert time.monotonic() < deadline, f"{what} never happened"
        time.sleep(0.2)


def kept_active_seconds(path: Path) -> float:
    try:
        return float(json.loads(path.read_text())["bout_active"])
    except (OSError, ValueError, KeyError):
        return 0.0


def test_a_coach_killed_mid_stretch_keeps_it_and_the_next_one_carries_on(
    glutewake_home: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    env = {**os.environ, "GLUTEWAKE_HOME": str(glutewake_home), "GLUTEWAKE_DATABASE_URL": url}
    store = Store(connect(url), SystemClock())
    repo = store.owner()
    started = datetime.now().astimezone()
    record_effects(acting_for(repo), [BreakTaken(started, "natural")])  # a break kept earlier today

    def glutewake(*args: str) -> Any:
        done = subprocess.run(["glutewake", *args], env=env, capture_output=True, text=True, check=True)
        return json.loads(done.stdout)

    def answer(*args: str) -> Any:
        done = subprocess.run(["glutewake", *args], env=env, capture_output=True, text=True, check=False)
        return json.loads(done.stdout) if done.returncode == 0 else None

    def coach() -> subprocess.Popen[str]:
        return subprocess.Popen(
            ["glutewake", "coach", "--timer-only", "--no-desktop"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    first = coach()
    try:
        checkpoint = glutewake_home / CHECKPOINT_FILE
        wait_until("a checkpoint with some sitting", lambda: kept_active_seconds(checkpoint) >= 30, 60)
        time.sleep(2)
    finally:
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=15)
    killed_at = datetime.now().astimezone()
    assert first.returncode == -signal.SIGKILL

    stats = glutewake("stats", "--json")
    assert (stats["bouts"], stats["breaks_natural"]) == (1, 1), "the stretch is there after the kill"
    sat = (killed_at - started).total_seconds()
    assert sat - 60 <= stats["active_seconds"] <= sat, "lost under a minute of it"
    [(start, end, _)] = repo.bouts_between(started - timedelta(hours=1), killed_at + timedelta(hours=1))
    assert killed_at - end <= timedelta(minutes=1)

    second = coach()
    try:
        status = wait_until("the second coach answering", lambda: answer("coach", "status", "--json"), 30)
        stats = glutewake("stats", "--json")
        assert status["phase"] == "sitting"
        assert status["sitting_minutes"] >= 0.5, "it carries on with the stretch"
        assert status["today"]["natural_breaks"] == stats["breaks_natural"] == 1
        assert status["today"]["followed"] == stats["breaks_prompted"] == 0
        assert status["today"]["prompts"] == stats["prompts"] == 0
        assert status["saving"]["ok"] is True
    finally:
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=15)
    assert second.returncode == 0
    stats = glutewake("stats", "--json")
    assert stats["bouts"] == 1, "one stretch, carried on, not two"
    [(again, _, _)] = repo.bouts_between(started - timedelta(hours=1), datetime.now().astimezone())
    assert again == start
    assert not (glutewake_home / CHECKPOINT_FILE).exists()
    repo.close()
