"""Where "is the person at the keyboard?" comes from: one interface, one module per platform.

Every source answers `idle_seconds()`, the time since the last keyboard or mouse input,
from the system's own idle counter: nothing here sees what is typed. `detect()` tries the
backends that fit this platform, in order, and reports on each (`glutewake coach doctor`).
When none works, the timer-only source counts clock time instead, and says so.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

__all__ = ["ActivitySource", "Probe", "Unavailable", "detect"]


class Unavailable(RuntimeError):
    """This backend cannot work here; the message says why, in plain words."""


class ActivitySource(Protocol):
    name: str

    def idle_seconds(self) -> float: ...

    def fullscreen(self) -> bool: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Probe:
    backend: str
    works: bool
    detail: str


def _x11() -> ActivitySource:
    from glutewake.runtime.activity.x11 import X11Source

    return X11Source()


def _gnome() -> ActivitySource:
    from glutewake.runtime.activity.gnome import GnomeSource

    return GnomeSource()


def _windows() -> ActivitySource:
    from glutewake.runtime.activity.windows import WindowsSource

    return WindowsSource()


def _macos() -> ActivitySource:
    from glutewake.runtime.activity.macos import MacSource

    return MacSource()


def _candidates() -> list[tuple[str, Callable[[], ActivitySource]]]:
    if sys.platform == "win32":
        return [("windows (GetLastInputInfo)", _windows)]
    if sys.platform == "darwin":
        return [("macos (Quartz)", _macos)]
    found: list[tuple[str, Callable[[], ActivitySource]]] = []
    desktop = os.environ.get("XDG_CURRENT_DESKTOP", "").lower()
    if "gnome" in desktop or os.environ.get("WAYLAND_DISPLAY"):
        found.append(("gnome (Mutter IdleMonitor over D-Bus)", _gnome))
    found.append(("x11 (XScreenSaver)", _x11))
    if ("gnome (Mutter IdleMonitor over D-Bus)", _gnome) not in found:
        found.append(("gnome (Mutter IdleMonitor over D-Bus)", _gnome))
    return found


def detect() -> tuple[ActivitySource | None, list[Probe]]:
    """The first backend that works here, and what each one tried said."""
    probes: list[Probe] = []
    for name, make in _candidates():
        try:
            source = make()
            idle = source.idle_seconds()
        except Unavailable as error:
            probes.append(Probe(name, False, str(error)))
            continue
        probes.append(Probe(name, True, f"working: idle for {idle:.0f} s now"))
        return source, probes
    return None, probes
