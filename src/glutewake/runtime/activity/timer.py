"""The fallback when no idle counter works: every second counts as sitting (clock time)."""

from __future__ import annotations

__all__ = ["TimerSource"]


class TimerSource:
    name = "timer only"

    def idle_seconds(self) -> float:
        return 0.0

    def fullscreen(self) -> bool:
        return False

    def close(self) -> None:
        pass
