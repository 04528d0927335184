"""Whether anything in a store has changed since it was last asked: what lets the app keep a
value derived from the records (what the person may do now) until the records change, instead
of reading them again on every page.

On SQLite, `PRAGMA data_version` on a connection of its own, which never writes, changes
whenever any other connection commits: this app's, a `glutewake` command's, another
process's. A PostgreSQL server gives no such number cheaply; there the answer is None, and
nothing is kept.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

__all__ = ["ChangeWatch"]


class ChangeWatch:
    """A number that changes whenever anything commits to the SQLite file at `path`."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    def version(self) -> int | None:
        """The current version, or None when it cannot be read now (then nothing may be kept)."""
        with self._lock:
            try:
                if self._connection is None:
                    self._connection = sqlite3.connect(self._path, timeout=5, check_same_thread=False)
                row = self._connection.execute("PRAGMA data_version").fetchone()
            except sqlite3.Error:
                self.close_locked()
                return None
            return int(row[0])

    def close(self) -> None:
        with self._lock:
            self.close_locked()

    def close_locked(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
