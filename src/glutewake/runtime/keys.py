"""Single keypresses with a timeout, for the guided session and the terminal prompt.

On a POSIX terminal, input switches to cbreak mode (keys arrive at once, Ctrl-C still works)
and is restored on exit. On a Windows console, keys come from `msvcrt`. Elsewhere (a pipe, or
a terminal glutewake cannot switch), keys are read as they come. Which one is chosen at run
time, from what this Python has.
"""

from __future__ import annotations

import os
import select
import sys
import time
from types import TracebackType
from typing import IO, Any, Protocol

__all__ = ["KeySource", "Keys"]


class KeySource(Protocol):
    def read(self, timeout: float | None = None) -> str | None:
        """The next key (Enter as "\\n", letters lower-cased), or None when `timeout` passes first."""
        ...


def _key(raw: str) -> str:
    return "\n" if raw in ("\r", "\n") else raw.lower()


class Keys:
    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdin
        self.fd = self.stream.fileno()
        self.tty = os.isatty(self.fd)
        self._saved: Any = None
        self._console: Any = None  # msvcrt, on a Windows console

    def __enter__(self) -> Keys:
        if not self.tty:
            return self
        try:
            import termios
            import tty
        except ImportError:
            try:
                import msvcrt
            except ImportError:
                return self  # a terminal we cannot switch: keys come line by line
            self._console = msvcrt
            return self
        self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def read(self, timeout: float | None = None) -> str | None:
        """The next key (Enter as "\\n", letters lower-cased), or None when `timeout` passes first."""
        if self._console is not None:
            return self._read_console(timeout)
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(self.fd, 1)
        if not data:
            raise EOFError
        return _key(data.decode(errors="ignore"))

    def _read_console(self, timeout: float | None) -> str | None:  # pragma: no cover - Windows only
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._console.kbhit():
            if deadline is not None and time.monotonic() >= deadline:
                return None
            time.sleep(0.02)
        return _key(self._console.getwch())
