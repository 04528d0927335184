"""The store's change watch, which decides whether a value derived from the records may be kept:
a kept answer must never outlive a change, whatever happens to the watcher's own connection."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from glutewake.store import Store, connect
from glutewake.store.changes import ChangeWatch
from tests.fakes import FakeClock


def commit(path: Path, note: str) -> None:
    """A write by another connection, as a `glutewake` command in another process makes."""
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE IF NOT EXISTS notes (text TEXT)")
        other.execute("INSERT INTO notes VALUES (?)", (note,))
    other.close()


def test_a_commit_by_anyone_else_changes_the_version(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    commit(path, "first")
    watch = ChangeWatch(path)
    before = watch.version()
    assert before is not None
    assert watch.version() == before, "nothing changed"
    commit(path, "second")
    assert watch.version() != before
    watch.close()


def test_a_version_seen_before_a_reconnect_is_never_seen_again(tmp_path: Path) -> None:
    """SQLite's number starts again on a new connection: after the watcher's connection is lost
    and opened again, no version may equal one seen before, even with writes between."""
    path = tmp_path / "store.db"
    commit(path, "first")
    watch = ChangeWatch(path)
    seen = {watch.version()}
    for round_ in range(3):
        watch.close()  # as after an error reading it
        commit(path, f"while away {round_}")
        now = watch.version()
        assert now is not None
        assert now not in seen
        seen.add(now)
    watch.close()


def test_a_busy_store_gets_no_version_at_once(tmp_path: Path) -> None:
    """A page asks on the event loop: a store another process holds exclusively (possible in
    rollback-journal mode) answers None at once, never after a wait."""
    path = tmp_path / "store.db"
    commit(path, "first")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE'); c.execute(\"INSERT INTO notes VALUES ('held')\")\n"
            "print('held', flush=True); time.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        watch = ChangeWatch(path)
        started = time.monotonic()
        assert watch.version() is None
        assert time.monotonic() - started < 1.0
        watch.close()
    finally:
        holder.kill()
        holder.communicate()


def test_the_watch_never_creates_a_store(tmp_path: Path) -> None:
    path = tmp_path / "moved-aside.db"
    watch = ChangeWatch(path)
    assert watch.version() is None
    assert not path.exists()


def test_a_kept_value_is_dropped_when_the_version_cannot_be_read(tmp_path: Path) -> None:
    """After one failed read of the version, what was kept is derived again, not trusted."""
    url = f"sqlite:///{tmp_path / 'glutewake.db'}"
    records = Store(connect(url), FakeClock()).owner()
    derived: list[str] = []

    def derive() -> str:
        derived.append("again")
        return "answer"

    records.kept("k", derive)
    records.kept("k", derive)
    assert derived == ["again"], "kept while nothing changed"
    from glutewake.store.engine import _FILES

    watch = _FILES[records.engine].changes
    watch.close()  # as a failed read does; the next version is a new one
    records.kept("k", derive)
    assert derived == ["again", "again"]
    assert records.peek("k") == (True, "answer")
    records.close()


def test_closing_the_store_closes_the_watch(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'glutewake.db'}"
    records = Store(connect(url), FakeClock()).owner()
    assert records.version() is not None
    from glutewake.store.engine import _FILES

    watch = _FILES[records.engine].changes
    records.close()
    assert watch._connection is None
