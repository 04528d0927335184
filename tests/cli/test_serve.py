"""`glutewake` and `glutewake serve`: the web app in its own process, on this computer only."""

from __future__ import annotations

import json
import socket
import urllib.request
from pathlib import Path

from tests.servers import owner_headers, running


def get(url: str, home: Path | None = None) -> str:
    request = urllib.request.Request(url, headers=owner_headers(home) if home else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return str(response.read().decode())


def test_plain_glutewake_serves_the_app_with_the_safety_notice(glutewake_home: Path) -> None:
    with running("--no-browser", home=glutewake_home) as (url, lines):
        assert url.startswith("http://127.0.0.1:")
        assert any("not a diagnosis" in line and "999" in line for line in lines)
        assert any("Sign in with this link" in line and "/signin?code=" in line for line in lines)
        assert "Check my symptoms" in get(url, glutewake_home)
        assert json.loads(get(url + "api/health")) == {"status": "ok"}
        coach = json.loads(get(url + "api/coach", glutewake_home))  # the coach runs inside the app
        assert coach["phase"] in ("away", "sitting")


def test_a_port_in_use_means_another_port(glutewake_home: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        with running("serve", "--no-browser", "--port", str(busy), home=glutewake_home) as (url, lines):
            assert f":{busy}/" not in url
            assert any(f"port {busy} was in use" in line for line in lines)
            assert "glutewake" in get(url, glutewake_home)


def test_serving_beyond_this_computer_warns_first(glutewake_home: Path) -> None:
    # 127.0.0.2 is still this machine, but not the default address, so the warning shows.
    with running("serve", "--no-browser", "--host", "127.0.0.2", "--port", "0", home=glutewake_home) as (
        url,
        lines,
    ):
        assert lines[0].startswith("Warning: serving on 127.0.0.2")
        assert "not encrypted" in lines[0]
        assert url.startswith("http://127.0.0.2:")
