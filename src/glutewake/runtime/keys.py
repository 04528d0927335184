"""Single keypresses with a timeout, for the guided session (POSIX terminals).

In a terminal, input switches to cbreak mode (keys arrive at once, Ctrl-C still works) and
is restored on exit. Elsewhere (a pipe), keys are read as they come.
"""

from __future__ import annotations

import os
import select
import sys
from types import TracebackType
from typing import IO, Any

__all__ = ["Keys"]


class Keys:
    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stdin
        self.fd = self.stream.fileno()
        self.tty = os.isatty(self.fd)
        self._saved: Any = None

    def __enter__(self) -> Keys:
        if self.tty:
            import termios
            import tty

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
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(self.fd, 1)
        if not data:
            raise EOFError
        key = data.decode(errors="ignore")
        return "\n" if key in ("\r", "\n") else key.lower()
