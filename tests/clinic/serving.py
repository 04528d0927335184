"""The clinic as it runs for real, for tests: `glutewake clinic init`, `serve` with worker processes,
`worker` sending to a real SMTP server on this machine (aiosmtpd), and a plain HTTP client."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from tests.servers import running

PASSWORD = "three random words here"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def wait_for(self, to: str, timeout: float = 30) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if message["To"] == to:
                    return message
            time.sleep(0.1)
        raise AssertionError(f"no email to {to} within {timeout} s; got {[m['To'] for m in self.messages]}")


class Browser:
    """A browser that opens a new connection for every request (so the server's workers share them)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "", parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=20)
        headers = {"Host": f"{self.host}:{self.port}", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie, _, _ = value.partition(";")
                key, _, val = cookie.partition("=")
                if val.strip('"'):
                    self.cookies[key] = val.strip('"')
                else:
                    self.cookies.pop(key, None)
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def token(self, path: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.request("GET", path)[2])
        assert found is not None, path
        return found.group(1)


@contextmanager
def clinic_running(
    database_url: str,
    smtp_port: int,
    tmp_path: Path,
    *,
    workers: int = 2,
    options: tuple[str, ...] = (),
    host: str = "127.0.0.1",
) -> Iterator[tuple[str, int]]:
    """Set up a clinic (Riverside Physio, admin@riverside.example), run its queue worker and serve
    it; yield its address and the port it listens on. Passkeys need a host name (`localhost`),
    not an address."""
    secret_file = tmp_path / "password"
    secret_file.write_text(PASSWORD + "\n")
    port = free_port()
    base = f"http://{host}:{port}"
    init = subprocess.run(
        ["glutewake", "clinic", "init", "--database-url", database_url, "--name", "Riverside Physio",
         "--admin-email", "admin@riverside.example", "--password-file", str(secret_file), "--base-url", base],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    assert f"{base}/signin/staff" in init.stdout
    smtp = f"smtp://127.0.0.1:{smtp_port}?from=glutewake@riverside.example"
    worker = subprocess.Popen(
        ["glutewake", "clinic", "worker", "--database-url", database_url, "--smtp-url", smtp, "--base-url", base],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        with running(
            "clinic", "serve", "--database-url", database_url, "--base-url", base, "--workers", str(workers),
            "--port", str(port), *options, home=tmp_path / "home",
        ) as (url, _lines):  # fmt: skip
            yield url.replace("127.0.0.1", host), port
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        assert worker.stdout is not None
        worker.stdout.close()


def email_link(message: Any) -> str:
    found = re.search(r"http://\S+", message.get_payload(decode=True).decode())
    assert found is not None
    return found.group(0)


def path_of(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"
