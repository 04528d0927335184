"""The X11 backend against a real X server (Xvfb), with input from xdotool."""

from __future__ import annotations

import subprocess
import time

import pytest

from glutewake.runtime.activity import Unavailable, detect
from glutewake.runtime.activity.x11 import X11Source


def xdotool(display: str, *args: str) -> None:
    subprocess.run(["xdotool", *args], env={"DISPLAY": display}, check=True)


def test_idle_time_grows_and_input_resets_it(x_display: str) -> None:
    source = X11Source(x_display)
    xdotool(x_display, "mousemove", "10", "10")
    first = source.idle_seconds()
    assert first < 1.0
    time.sleep(1.5)
    grown = source.idle_seconds()
    assert grown >= first + 1.2
    xdotool(x_display, "mousemove", "300", "200")
    assert source.idle_seconds() < 0.5
    time.sleep(1.0)
    xdotool(x_display, "key", "shift")
    assert source.idle_seconds() < 0.5
    source.close()


def test_no_full_screen_window_on_a_bare_server(x_display: str) -> None:
    source = X11Source(x_display)
    assert source.fullscreen() is False
    source.close()


def test_detect_picks_x11_and_reports_it(x_display: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPLAY", x_display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", "")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
    source, probes = detect()
    assert source is not None, probes
    assert source.name == "x11"
    assert probes[-1].works
    assert "idle for" in probes[-1].detail
    source.close()


def test_without_a_display_it_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(Unavailable, match="DISPLAY is not set"):
        X11Source()


# python-xlib leaves its TCP socket open when a display cannot be reached; that is its leak, not ours.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_display_that_is_not_there_is_reported() -> None:
    with pytest.raises(Unavailable, match="cannot open X display :987"):
        X11Source(":987")
