"""macOS: idle time from Quartz's event source counters, through pyobjc."""

from __future__ import annotations

import sys
from typing import Any

from glutewake.runtime.activity import Unavailable

__all__ = ["MacSource"]


class MacSource:
    name = "macos"

    def __init__(self) -> None:
        if sys.platform != "darwin":
            raise Unavailable("only on macOS")
        try:
            import Quartz
        except ImportError as error:
            raise Unavailable(
                "pyobjc's Quartz is not installed (pip install pyobjc-framework-Quartz)"
            ) from error
        self._quartz: Any = Quartz

    def idle_seconds(self) -> float:
        q = self._quartz
        return float(
            q.CGEventSourceSecondsSinceLastEventType(
                q.kCGEventSourceStateCombinedSessionState, q.kCGAnyInputEventType
            )
        )

    def fullscreen(self) -> bool:
        return False

    def close(self) -> None:
        pass
