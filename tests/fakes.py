"""Fakes for the boundaries glutewake does not own, injected rather than patched."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime


class FakeClock:
    """A clock that never waits: `sleep` only records and advances time.

    `reads` scripts how far the monotonic counter moves on each read (then it stands still),
    so a test can say "the person pressed Enter 2.5 seconds after the timer started".
    """

    def __init__(self, start: datetime | None = None, reads: Iterable[float] = ()) -> None:
        self.wall = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        self.counter = 0.0
        self.reads = list(reads)
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        if self.reads:
            self.counter += self.reads.pop(0)
        return self.counter

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.counter += seconds


class FakeActivity:
    """An activity source whose idle time the test sets."""

    name = "fake"

    def __init__(self, idle_seconds: float = 0.0) -> None:
        self.idle = idle_seconds
        self.full_screen = False

    def idle_seconds(self) -> float:
        return self.idle

    def fullscreen(self) -> bool:
        return self.full_screen

    def close(self) -> None:
        pass
