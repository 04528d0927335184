"""Windows: idle time from GetLastInputInfo, through ctypes (no extra packages)."""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from glutewake.runtime.activity import Unavailable

__all__ = ["WindowsSource"]


class _LastInputInfo(ctypes.Structure):
    _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint)]


class WindowsSource:
    name = "windows"

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise Unavailable("only on Windows")
        windll: Any = getattr(ctypes, "windll")  # noqa: B009 (only on Windows; typeshed hides it elsewhere)
        self._user32: Any = windll.user32
        self._kernel32: Any = windll.kernel32

    def idle_seconds(self) -> float:
        info = _LastInputInfo(ctypes.sizeof(_LastInputInfo), 0)
        if not self._user32.GetLastInputInfo(ctypes.byref(info)):
            raise Unavailable("GetLastInputInfo failed")
        elapsed_ms: int = (self._kernel32.GetTickCount() - info.dwTime) & 0xFFFFFFFF  # the tick counter wraps
        return elapsed_ms / 1000.0

    def fullscreen(self) -> bool:
        return False

    def close(self) -> None:
        pass
