"""`glutewake` and `glutewake serve`: the web app in its own process, on this computer only."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.servers import owner_headers, running


def get(url: str, home: Path | None = None) -> str:
    request = urllib.request.Request(url, headers=owner_headers(home) if home else {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return str(response.read().decode())


def test_plain_glutewake_serves_the_app_with_the_safety_notice(glutewake_home: Path) -> None:
    with running("--no-browser", home=glutewake_home) as (url, lines):
        assert re.fullmatch(r"http://glutewake-[a-z2-7]{16}\.localhost:[0-9]+/", url), url
        assert any("Scripts reach it at http://127.0.0.1:" in line for line in lines)
        assert any("not a diagnosis" in line and "999" in line for line in lines)
        assert any("Sign in with this link" in line and "/signin?code=" in line for line in lines)
        assert "Start the symptom check" in get(url, glutewake_home)
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


def _coach_cli(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "GLUTEWAKE_HOME": str(home), **(env or {})}
    return subprocess.run(
        ["glutewake", "coach", *args], env=environment, capture_output=True, text=True, check=False
    )


def test_the_coach_inside_the_app_answers_the_coach_commands(glutewake_home: Path) -> None:
    """`glutewake coach status|pause|resume` reach the coach the web app runs, and a second
    coach is refused because one is running, as it says."""
    with running("--no-browser", home=glutewake_home) as (url, _):
        status = _coach_cli(glutewake_home, "status", "--json")
        assert status.returncode == 0, status.stdout + status.stderr
        assert json.loads(status.stdout)["phase"] in ("away", "sitting")
        assert _coach_cli(glutewake_home, "pause", "20m").returncode == 0
        seen_by_the_page = json.loads(get(url + "api/coach", glutewake_home))
        assert seen_by_the_page["quiet_until"] is not None, "the pause reached the app's own coach"
        assert _coach_cli(glutewake_home, "resume").returncode == 0
        assert json.loads(get(url + "api/coach", glutewake_home))["quiet_until"] is None
        second = _coach_cli(glutewake_home, "--timer-only", "--no-desktop")
        assert second.returncode == 1
        assert "already running" in second.stderr


# Run glutewake as it would run where there is no fcntl and no termios (Windows): importing
# either fails, so the coach must use its other lock and key input.
_AS_ON_WINDOWS = (
    "import sys\n"
    "sys.modules['fcntl'] = None\n"
    "sys.modules['termios'] = None\n"
    "from glutewake.cli import main\n"
    "main(sys.argv[1:], prog_name='glutewake')\n"
)


def test_serve_works_without_fcntl_and_termios_with_the_windows_control_channel(glutewake_home: Path) -> None:
    windows = {"GLUTEWAKE_COACH_CONTROL": "tcp"}
    command = (sys.executable, "-c", _AS_ON_WINDOWS)
    with running("serve", "--no-browser", home=glutewake_home, command=command, env=windows) as (url, _):
        assert "Start the symptom check" in get(url, glutewake_home)
        coach = json.loads(get(url + "api/coach", glutewake_home))
        assert coach["phase"] in ("away", "sitting"), "the coach runs inside the app"
        assert not (glutewake_home / "coach.sock").exists()
        assert (glutewake_home / "coach.control").stat().st_mode & 0o777 == 0o600
        status = _coach_cli(glutewake_home, "status", "--json", env=windows)
        assert status.returncode == 0, status.stdout + status.stderr
        assert json.loads(status.stdout)["phase"] == coach["phase"]
        assert _coach_cli(glutewake_home, "pause", "10m", env=windows).returncode == 0
        assert json.loads(get(url + "api/coach", glutewake_home))["quiet_until"] is not None


def test_the_app_holds_its_port_on_both_loopback_addresses(glutewake_home: Path) -> None:
    """Browsers try ::1 first for a *.localhost name: no other program may sit on the app's port
    there, before the app starts (it then picks another port) or after."""
    with socket.socket(socket.AF_INET6) as squatter:
        squatter.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        squatter.bind(("::1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        with running("serve", "--no-browser", "--port", str(taken), home=glutewake_home) as (url, lines):
            port = int(url.rsplit(":", 1)[1].strip("/"))
            assert port != taken
            assert any(f"port {taken} was in use" in line for line in lines)
            for family, address in ((socket.AF_INET6, "::1"), (socket.AF_INET, "127.0.0.1")):
                with socket.socket(family) as late, pytest.raises(OSError, match="in use"):
                    late.bind((address, port))
            assert "glutewake" in get(f"http://[::1]:{port}/", glutewake_home)


def test_a_cookie_from_before_a_restart_is_worth_nothing(glutewake_home: Path) -> None:
    """While the app is stopped any program may listen on its port and be sent the browser's
    cookie: each start ends the sessions from before."""
    import urllib.error

    from glutewake.identity import load_owner_secret
    from glutewake.identity.browser_sessions import SessionBook

    glutewake_home.mkdir(parents=True, exist_ok=True)
    cookie = SessionBook.of(glutewake_home).begin(int(time.time()), "Firefox on Linux")
    name = load_owner_secret(glutewake_home).host_name
    with running("serve", "--no-browser", "--port", "0", home=glutewake_home) as (url, lines):
        assert any("Browsers signed in before were signed out (1)" in line for line in lines)
        port = url.rsplit(":", 1)[1].strip("/")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/sessions",
            headers={"Host": f"{name}:{port}", "Cookie": f"glutewake_session={cookie}"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        refused.value.close()
        assert refused.value.code == 401


def test_the_apps_connections_send_small_replies_at_once() -> None:
    """The sockets the app listens on are TCP sockets that say so, so asyncio turns Nagle's
    algorithm off on each connection: without it every keep-alive reply waited for the
    client's delayed ACK (about 40 ms; bench/web.py's start page fell from 468 to 22 per second)."""
    import asyncio

    from glutewake.cli.serve import _listen

    async def nodelay_of_an_accepted_connection() -> list[int]:
        seen: list[int] = []
        held = _listen("127.0.0.1", 0)
        servers = []
        for listening in held:
            accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

            class Probe(asyncio.Protocol):
                def connection_made(
                    self, transport: asyncio.BaseTransport, done: asyncio.Future[int] = accepted
                ) -> None:
                    done.set_result(
                        transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                    )

            servers.append(await asyncio.get_running_loop().create_server(Probe, sock=listening))
            address = listening.getsockname()
            _, writer = await asyncio.open_connection(address[0], address[1])
            seen.append(await asyncio.wait_for(accepted, 5))
            writer.close()
        for server in servers:
            server.close()
        return seen

    assert all(flag == 1 for flag in asyncio.run(nodelay_of_an_accepted_connection()))
