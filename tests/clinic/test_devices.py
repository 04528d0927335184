"""Naming a session's device from its User-Agent, row by row."""

from __future__ import annotations

import pytest

from glutewake.web.clinic.devices import device_name

ROWS = [
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
     "Chrome on Android"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
     "Safari on iPhone"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0",
     "Edge on Windows"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on a Mac"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36",
     "Chrome on Linux"),
    ("curl/8.5.0", "curl/8.5.0"),
    ("", "an unnamed browser"),
    ("<script>alert(1)</script>", "scriptalert1/script"),
]  # fmt: skip


@pytest.mark.parametrize(("agent", "name"), ROWS)
def test_device_name(agent: str, name: str) -> None:
    assert device_name(agent) == name
