"""X11: idle time from the MIT-SCREEN-SAVER extension, full screen from the window manager."""

from __future__ import annotations

import os
from typing import Any

from glutewake.runtime.activity import Unavailable

__all__ = ["X11Source"]


class X11Source:
    name = "x11"

    def __init__(self, display: str | None = None) -> None:
        display = display or os.environ.get("DISPLAY")
        if not display:
            raise Unavailable("no X display (DISPLAY is not set)")
        try:
            import Xlib.display
            import Xlib.error
        except ImportError as error:
            raise Unavailable("python-xlib is not installed (pip install python-xlib)") from error
        try:
            self._display: Any = Xlib.display.Display(display)
        except (Xlib.error.DisplayError, Xlib.error.ConnectionClosedError, OSError) as error:
            raise Unavailable(f"cannot open X display {display}: {error}") from error
        if not self._display.has_extension("MIT-SCREEN-SAVER"):
            self._display.close()
            raise Unavailable(f"X display {display} has no MIT-SCREEN-SAVER extension to report idle time")
        self._root = self._display.screen().root
        self._atoms = {name: self._display.intern_atom(name) for name in
                       ("_NET_ACTIVE_WINDOW", "_NET_WM_STATE", "_NET_WM_STATE_FULLSCREEN")}  # fmt: skip

    def idle_seconds(self) -> float:
        return float(self._root.screensaver_query_info().idle) / 1000.0

    def fullscreen(self) -> bool:
        """Whether the focused window asks to be full screen (needs an EWMH window manager)."""
        try:
            active = self._root.get_full_property(self._atoms["_NET_ACTIVE_WINDOW"], 0)
            if not active or not active.value or not active.value[0]:
                return False
            window = self._display.create_resource_object("window", active.value[0])
            state = window.get_full_property(self._atoms["_NET_WM_STATE"], 0)
            return bool(state) and self._atoms["_NET_WM_STATE_FULLSCREEN"] in state.value
        except Exception:
            return False

    def close(self) -> None:
        self._display.close()
