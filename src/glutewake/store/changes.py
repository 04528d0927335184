"""Whether anything in a store has changed since it was last asked: what lets the app keep a
value derived from the records (what the person may do now) until the records change, instead
of reading them again on every page.

On SQLite, `PRAGMA data_version` on a connection of its own, which never writes, changes
whenever any other connection commits: this app's, a `glutewake` command's, another
process's. The number belongs to that connection and starts again on a new one, so the
version also counts the connections opened: a version is never seen twice. A PostgreSQL
server gives no such number cheaply; there the answer is None, and nothing is kept.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

__all__ = ["ChangeWatch", "Version"]

Version = tuple[int, int]  # (the watcher's connection, counted; SQLite's data_version on it)


class ChangeWatch:
    """A version that changes whenever anything commits to the SQLite file at `path`."""

    def __init__(self, path: Path) -> None:
        self._uri = f"file:{quote(str(path.absolute()))}?mode=ro"  # never creates or writes the file
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._opened = 0

    def version(self) -> Version | None:
        """The current version, or None when it cannot be read at once (the store is busy or
        gone): then nothing may be kept. It never waits for a lock (a page asks it)."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(self._uri, uri=True, timeout=0, check_same_thread=False)
                self._opened += 1
            row = self._connection.execute("PRAGMA data_version").fetchone()
            return (self._opened, int(row[0]))
        except sqlite3.Error:
            self._close()
            return None
        finally:
            self._lock.release()

    def close(self) -> None:
        """Close the watcher's connection (a later `version` opens a new one, with new versions)."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
