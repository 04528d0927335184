"""The browsers signed in to the personal app, each of which can be listed and signed out alone.

A sign-in link gives the browser a random session value (its cookie). The data directory's
`sessions.json` (mode 0600) keeps only a digest of each value, with when it began, when it
was last used and what browser it was, so a cookie is worth something only while its entry is
there: signing out, `glutewake sessions end`, a new token or thirty days end it. The file is
read again whenever it changes, so a session ended from the terminal ends at once in the
running app.

Time is a parameter (seconds since the epoch); nothing here reads a clock.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = ["SESSION_SECONDS", "BrowserSession", "SessionBook"]

SESSION_SECONDS = 30 * 24 * 3600  # how long a browser stays signed in; `glutewake` signs in again
TOUCH_SECONDS = 600  # "last used" is written at most this often


@dataclass(frozen=True)
class BrowserSession:
    digest: str  # sha256 of the cookie's value; the value itself is kept nowhere
    began: int
    last_used: int
    browser: str  # "Chromium on Linux": to tell one's own browsers apart, nothing more

    @property
    def id(self) -> str:
        """A short name to end it by (not enough to sign in with)."""
        return self.digest[:8]


class SessionBook:
    """The sessions in `path`; safe to use from the app's threads."""

    def __init__(self, path: Path) -> None:
        self.path = path  # in the data directory: `SessionBook.of(home)`
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None  # the file's (mtime_ns, size) when last read
        self._sessions: dict[str, BrowserSession] = {}

    @classmethod
    def of(cls, home: Path) -> SessionBook:
        """The book in the data directory `home`."""
        return cls(home / "sessions.json")

    def begin(self, now: int, browser: str) -> str:
        """A new session; the cookie's value, which only the browser keeps."""
        value = secrets.token_urlsafe(32)
        with self._changing():
            digest = _digest(value)
            self._sessions[digest] = BrowserSession(digest, now, now, browser[:80])
            self._save(now)
        return value

    def find(self, value: str, now: int) -> BrowserSession | None:
        """The live session whose cookie this is, else None (its "last used" is brought up to date)."""
        if not value or len(value) > 100:
            return None
        with self._lock:
            self._refresh()
            found = self._sessions.get(_digest(value))
            if found is None or not _live(found, now):
                return None
        if now - found.last_used >= TOUCH_SECONDS:
            with contextlib.suppress(OSError), self._changing():  # a disk that refuses costs the date only
                kept = self._sessions.get(found.digest)
                if kept is None:  # ended meanwhile, by another process
                    return None
                found = BrowserSession(kept.digest, kept.began, now, kept.browser)
                self._sessions[found.digest] = found
                self._save(now)
        return found

    def sessions(self, now: int) -> list[BrowserSession]:
        """The live sessions, the most recently used first."""
        with self._lock:
            self._refresh()
            live = [s for s in self._sessions.values() if _live(s, now)]
        return sorted(live, key=lambda s: (-s.last_used, s.digest))

    def end(self, session_id: str, now: int) -> bool:
        """End the session of this id (or digest); whether there was one."""
        with self._changing():
            chosen = [d for d in self._sessions if session_id and d.startswith(session_id)]
            if len(chosen) != 1:
                return False
            del self._sessions[chosen[0]]
            self._save(now)
            return True

    def end_all(self, now: int, keep: str = "") -> int:
        """End every session (except the one whose digest is `keep`); how many ended."""
        with self._changing():
            ended = [d for d in self._sessions if d != keep and _live(self._sessions[d], now)]
            self._sessions = {d: s for d, s in self._sessions.items() if d == keep}
            self._save(now)
            return len(ended)

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """Hold the book, in this process and against other processes (the running app and
        `glutewake sessions`), and read it afresh, so that no change is written over another."""
        with self._lock:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                try:
                    import fcntl
                except ImportError:  # Windows: one process at a time is all this can promise
                    fcntl = None  # type: ignore[assignment]
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_EX)
                self._seen = None
                self._refresh()
                yield
            finally:
                os.close(handle)  # closing releases the lock

    def _refresh(self) -> None:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._seen, self._sessions = None, {}
            return
        if self._seen == (stat.st_mtime_ns, stat.st_size):
            return
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))["sessions"]
            sessions = {row["digest"]: BrowserSession(**row) for row in rows}
        except (OSError, ValueError, KeyError, TypeError):
            sessions = {}  # a damaged file signs every browser out; it never lets one in
        self._seen, self._sessions = (stat.st_mtime_ns, stat.st_size), sessions

    def _save(self, now: int) -> None:
        from glutewake.privatefile import write_private

        rows = [asdict(s) for s in self._sessions.values() if _live(s, now)]
        write_private(self.path, json.dumps({"sessions": rows}, indent=1).encode())
        stat = self.path.stat()
        self._seen = (stat.st_mtime_ns, stat.st_size)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _live(session: BrowserSession, now: int) -> bool:
    return 0 <= now - session.began <= SESSION_SECONDS
