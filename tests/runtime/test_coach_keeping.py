"""The coach keeps its record through a full disk and through being killed.

A full disk is a real one where this machine lets a test mount a small tmpfs (as ./scripts/test
runs, as root); where it does not, the store's writes fail at the boundary with the error SQLite
gives on a full disk. A killed coach is a runner dropped without stopping; the real process,
killed with SIGKILL, is in tests/cli/test_coach_kill.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from glutewake.app.coach import coach_rules, record_effects, stats_between
from glutewake.app.coach import coach_settings as _settings
from glutewake.app.context import acting_for
from glutewake.cli import main
from glutewake.core.coach import BreakTaken, Phase
from glutewake.runtime.coach_host import CHECKPOINT_FILE, CoachRunner, ask_running_coach, hosted_coach
from glutewake.runtime.notify import FakeNotifier
from glutewake.store import Repository, Store, connect
from tests.fakes import FakeActivity, FakeClock

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class _WritesFail(Repository):
    """The store's writes fail as on a full disk while `full` (only where no tmpfs can be mounted)."""

    full = False

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        if self.full:
            raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))
        with super()._writing() as db:
            yield db


class SmallDisk:
    """The data directory and the store on a small file system that a test fills up and frees."""

    def __init__(self, root: Path, mounted: bool) -> None:
        self.root, self.mounted = root, mounted
        self.home = root / "home"
        self.home.mkdir(mode=0o700)
        self.url = f"sqlite:///{root / 'glutewake.db'}"
        self.repos: list[Repository] = []

    def repo(self) -> Repository:
        """The owner's records on this disk (each call: a new connection, as a new process would)."""
        owner = Store(connect(self.url), FakeClock()).owner()
        if not self.mounted:
            owner = _WritesFail(owner.engine, owner.clock, owner.person_id)
        self.repos.append(owner)
        return owner

    def fill(self) -> None:
        if not self.mounted:
            _WritesFail.full = True
            return
        descriptor = os.open(self.root / "ballast", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(descriptor, b"\0" * 65536)
        except OSError:
            pass
        try:
            while True:  # the last few bytes too
                os.write(descriptor, b"\0")
        except OSError:
            pass
        finally:
            os.close(descriptor)

    def free(self) -> None:
        _WritesFail.full = False
        (self.root / "ballast").unlink(missing_ok=True)


@contextlib.contextmanager
def small_disk_in(tmp_path: Path) -> Iterator[SmallDisk]:
    """A 4 MB tmpfs (where this machine lets a test mount one), removed afterwards."""
    root = tmp_path / "disk"
    root.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(root)]
    try:
        mounted = subprocess.run(mount, capture_output=True, check=False).returncode == 0
    except OSError:  # no mount command here
        mounted = False
    disk = SmallDisk(root, mounted)
    try:
        yield disk
    finally:
        _WritesFail.full = False
        for repo in disk.repos:
            repo.close()
        if mounted:
            subprocess.run(["umount", "-l", str(root)], capture_output=True, check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk_in(tmp_path) as disk:
        yield disk


def coach_on(
    repo: Repository, home: Path | None, clock: FakeClock
) -> tuple[CoachRunner, FakeActivity, FakeNotifier]:
    activity, notifier = FakeActivity(), FakeNotifier()
    run = CoachRunner(activity, [notifier], acting_for(repo), coach_rules(_settings()), clock)
    if home is not None:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        run.carry_on(home)  # what hosting it does once it holds the lock
    return run, activity, notifier


def sit(run: CoachRunner, clock: FakeClock, minutes: float) -> None:
    for _ in range(round(minutes * 2)):
        clock.wall += timedelta(seconds=30)
        run.sample()


def today(repo: Repository) -> tuple[int, int, int, float]:
    figures = stats_between(acting_for(repo), MONDAY_9, MONDAY_9 + timedelta(days=1))
    return figures.prompts, figures.breaks_prompted, figures.bouts, figures.active_seconds


# --- a full disk ------------------------------------------------------------------------------------


def test_a_stretch_ending_on_a_full_disk_is_kept_once_there_is_room(small_disk: SmallDisk) -> None:
    clock = FakeClock(MONDAY_9)
    run, _, notifier = coach_on(small_disk.repo(), small_disk.home, clock)
    run.sample()
    sit(run, clock, 10)
    small_disk.fill()
    sit(run, clock, 15)
    assert len(notifier.shown) == 1, "the prompt shows though it cannot be saved"
    assert run.answer("done") is None, "the stretch ends on a full disk, and the coach carries on"
    status = run.status()
    assert status["saving"]["ok"] is False
    assert "disk is full" in status["saving"]["problem"]  # SQLite's words, or the store's
    assert status["saving"]["unsaved"] == 4  # the prompt, its answer, the stretch, the break
    assert status["saving"]["failing_since"].startswith("2026-11-23T09:1")
    assert status["today"] == {"prompts": 1, "followed": 1, "natural_breaks": 0}, "counted, not yet saved"
    line = run.status_line()
    assert "cannot save since 09:1" in line
    assert "keeping 4 records in memory and trying again" in line
    sit(run, clock, 5)  # sitting down again, the disk still full: the coach goes on counting
    assert run.state.phase == Phase.SITTING
    small_disk.free()
    sit(run, clock, 1)  # the next try, within a minute
    status = run.status()
    assert status["saving"] == {
        "ok": True,
        "unsaved": 0,
        "problem": None,
        "failing_since": None,
        "next_try": None,
    }
    assert "cannot save" not in run.status_line()
    check = small_disk.repo()  # what `glutewake stats` reads, from another connection
    prompts, followed, bouts, active = today(check)
    assert (prompts, followed, bouts) == (1, 1, 2), "the ended stretch, and the one going on"
    assert active == pytest.approx((25 + 6) * 60, abs=60)
    run.stop()
    assert today(check)[2] == 2


def test_writing_is_tried_again_a_little_later_each_time_up_to_a_minute(small_disk: SmallDisk) -> None:
    clock = FakeClock(MONDAY_9)
    run, _, _ = coach_on(small_disk.repo(), small_disk.home, clock)
    run.sample()
    sit(run, clock, 1)
    small_disk.fill()
    clock.wall += timedelta(seconds=30)
    failed_at: list[datetime] = []
    for _ in range(40):  # the run loop: sample, then wait until it asks to be woken
        wake = run.sample()
        if run.saving.failures > len(failed_at):
            failed_at.append(clock.wall)
        assert run.saving.next_try is not None
        assert wake <= run.saving.next_try
        clock.wall = wake
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(failed_at)]
    assert gaps[:6] == [5, 10, 20, 40, 60, 60]
    small_disk.free()
    clock.wall = run.sample()
    run.sample()
    assert run.status()["saving"]["ok"] is True


def test_a_problem_saving_shows_in_coach_status(small_disk: SmallDisk, glutewake_home: Path) -> None:
    clock = FakeClock(MONDAY_9)
    run, _, _ = coach_on(small_disk.repo(), None, clock)
    run.sample()
    sit(run, clock, 3)
    small_disk.fill()
    run.pause(None)
    sit(run, clock, 1)
    run.inbox = asyncio.Queue()  # made on the loop that runs it (here, asyncio.run below)

    async def ask() -> str:
        async with hosted_coach(glutewake_home, run):
            assert await asyncio.to_thread(ask_running_coach, glutewake_home, {"command": "status"})
            result = await asyncio.to_thread(CliRunner().invoke, main, ["coach", "status"])
            return str(result.stdout)

    shown = " ".join(asyncio.run(ask()).split())  # as read, whatever the terminal's width
    assert "not saving since 09:03: " in shown
    assert "disk is full" in shown
    assert "; the stretch in progress kept in memory, next try at 09:0" in shown


# --- killed mid-stretch -----------------------------------------------------------------------------


def test_killed_and_restarted_soon_the_coach_carries_on_with_the_stretch(tmp_path: Path) -> None:
    url, home = f"sqlite:///{tmp_path / 'glutewake.db'}", tmp_path / "home"
    clock = FakeClock(MONDAY_9)
    first, _, _ = coach_on(Store(connect(url), FakeClock()).owner(), home, clock)
    first.sample()
    sit(first, clock, 40)
    sit(first, clock, 0.5)  # killed here, at 09:40:30, some seconds after this sample
    assert (home / CHECKPOINT_FILE).exists()
    kept = Store(connect(url), FakeClock()).owner()
    _, _, bouts, active = today(kept)
    assert bouts == 1
    assert 40.5 * 60 - active <= 60, "a kill loses under a minute"
    clock.wall += timedelta(seconds=50)  # a service manager starts it again
    second, _, _ = coach_on(kept, home, clock)
    assert second.state.phase == Phase.SITTING
    assert second.status()["sitting_minutes"] >= 40
    sit(second, clock, 5)
    second.stop()
    _, _, bouts, active = today(kept)
    assert bouts == 1, "one stretch, not two"
    assert active == pytest.approx((40.5 + 5) * 60 + 50, abs=60)
    assert not (home / CHECKPOINT_FILE).exists(), "a coach that stops cleanly leaves no checkpoint"


def test_a_stretch_whose_coach_never_came_back_ends_at_its_last_save(tmp_path: Path) -> None:
    url, home = f"sqlite:///{tmp_path / 'glutewake.db'}", tmp_path / "home"
    clock = FakeClock(MONDAY_9)
    first, _, _ = coach_on(Store(connect(url), FakeClock()).owner(), home, clock)
    first.sample()
    sit(first, clock, 40)
    killed_at = clock.wall + timedelta(seconds=20)
    clock.wall += timedelta(hours=3)  # a power cut over lunch
    kept = Store(connect(url), FakeClock()).owner()
    second, _, _ = coach_on(kept, home, clock)
    assert second.state.phase == Phase.AWAY
    assert not (home / CHECKPOINT_FILE).exists()
    bout = acting_for(kept).records.bouts_between(MONDAY_9, MONDAY_9 + timedelta(days=1))
    assert len(bout) == 1
    start, end, active = bout[0]
    assert start == MONDAY_9
    assert timedelta(0) <= killed_at - end <= timedelta(minutes=1), "ends at its last save, not now"
    assert 40 * 60 - active <= 60


def test_after_a_restart_coach_status_counts_the_breaks_stats_counts(tmp_path: Path) -> None:
    url, home = f"sqlite:///{tmp_path / 'glutewake.db'}", tmp_path / "home"
    clock = FakeClock(MONDAY_9)
    first, activity, _ = coach_on(Store(connect(url), FakeClock()).owner(), home, clock)
    first.sample()
    sit(first, clock, 10)
    activity.idle = 150
    clock.wall += timedelta(seconds=150)
    first.sample()  # a natural break, kept
    activity.idle = 0
    sit(first, clock, 10)
    clock.wall += timedelta(seconds=40)  # killed, then started again
    kept = Store(connect(url), FakeClock()).owner()
    second, _, _ = coach_on(kept, home, clock)
    figures = stats_between(acting_for(kept), MONDAY_9, MONDAY_9 + timedelta(days=1))
    assert figures.breaks_natural == 1
    assert second.status()["today"] == {"prompts": 0, "followed": 0, "natural_breaks": 1}
    assert "breaks today 1" in second.status_line()


def test_a_break_kept_by_another_coach_earlier_today_counts_too(tmp_path: Path) -> None:
    repo = Store(connect(f"sqlite:///{tmp_path / 'glutewake.db'}"), FakeClock()).owner()
    record_effects(acting_for(repo), [BreakTaken(MONDAY_9 - timedelta(minutes=30), "natural")])
    run, _, _ = coach_on(repo, tmp_path / "home", FakeClock(MONDAY_9))
    run.sample()
    assert run.status()["today"]["natural_breaks"] == 1
    repo.close()


def test_an_unreadable_checkpoint_is_set_aside_and_the_coach_starts_afresh(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / CHECKPOINT_FILE).write_text("{not json")
    repo = Store(connect(f"sqlite:///{tmp_path / 'glutewake.db'}"), FakeClock()).owner()
    clock = FakeClock(MONDAY_9)
    run, _, _ = coach_on(repo, home, clock)
    assert run.state.phase == Phase.AWAY
    run.sample()
    sit(run, clock, 2)
    assert today(repo)[2] == 1
    repo.close()
