"""Running glutewake as a real server for tests: its own process, its own data directory."""

from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def resolve_localhost_names() -> None:
    """Let this process's HTTP clients resolve `*.localhost` to this computer (RFC 6761), as
    browsers and most Linux desktops (systemd's nss-myhostname) do and this container's resolver
    does not: the app prints its browser address as `glutewake-....localhost`. Idempotent."""
    import socket

    real = socket.getaddrinfo
    if getattr(real, "resolves_localhost", False):
        return

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if isinstance(host, str) and host.lower().endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    getaddrinfo.resolves_localhost = True  # type: ignore[attr-defined]
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]


def signin_link(home: Path, url: str) -> str:
    """A fresh one-time sign-in link for the server at `url`, as `glutewake open` makes it."""
    from glutewake.identity import load_owner_secret

    return f"{url}signin?code={load_owner_secret(home).signin_code(int(time.time()))}"


def owner_headers(home: Path) -> dict[str, str]:
    """What a script sends to act as the owner."""
    from glutewake.identity import load_owner_secret

    return {"Authorization": f"Bearer {load_owner_secret(home).token}"}


@contextmanager
def running(
    *args: str, home: Path, command: tuple[str, ...] = ("glutewake",), env: dict[str, str] | None = None
) -> Iterator[tuple[str, list[str]]]:
    """Start glutewake (`command`) with `args`; yield its URL and the lines it printed first."""
    resolve_localhost_names()  # the address it prints is its browser name
    environment = {**os.environ, "GLUTEWAKE_HOME": str(home), **(env or {})}
    server = subprocess.Popen(
        [*command, *args], env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert server.stdout is not None
    lines: list[str] = []
    try:
        for _ in range(8):
            lines.append(server.stdout.readline().rstrip())
            found = re.search(r"running at (http://\S+/)", lines[-1])
            if found:
                break
        else:
            raise AssertionError(f"glutewake did not say where it runs: {lines}")
        url = found.group(1)
        _wait_until_it_answers(server, url, lines)
        yield url, lines
    finally:
        server.terminate()
        server.wait(timeout=15)
        server.stdout.close()


def _wait_until_it_answers(server: subprocess.Popen[str], url: str, lines: list[str]) -> None:
    """The socket opens a moment after the message; on a busy machine (the suite runs on several
    workers) that moment can be seconds. Wait for it, and say why if it never comes."""
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "api/health", timeout=2).close()
            return
        except OSError as error:
            if server.poll() is not None:
                raise AssertionError(
                    f"glutewake stopped before it answered ({server.returncode}): {lines}"
                ) from error
            if time.monotonic() > deadline:
                raise AssertionError(f"glutewake did not answer at {url} within 60 s: {lines}") from error
            time.sleep(0.1)
