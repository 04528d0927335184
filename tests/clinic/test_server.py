"""The clinic as it runs for real: `glutewake clinic init`, `serve` with two worker processes and
`worker`, on PostgreSQL, sending email to a real SMTP server on this machine (aiosmtpd)."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pyotp
import pytest

from tests.servers import running

PASSWORD = "three random words here"


def _free_port() -> int:
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


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


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


def _database(postgres_server: str) -> Iterator[str]:
    import uuid

    import psycopg

    name = f"server_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.replace("/postgres?", f"/{name}?", 1)
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def server_db(postgres_server: str) -> Iterator[str]:
    yield from _database(postgres_server)


def test_a_clinic_runs_on_two_workers_with_a_queue_worker_sending_its_email(
    server_db: str, mailbox: tuple[Mailbox, int], tmp_path: Path
) -> None:
    box, smtp_port = mailbox
    secret_file = tmp_path / "password"
    secret_file.write_text(PASSWORD + "\n")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    init = subprocess.run(
        ["glutewake", "clinic", "init", "--database-url", server_db, "--name", "Riverside Physio",
         "--admin-email", "admin@riverside.example", "--password-file", str(secret_file), "--base-url", base],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    assert f"{base}/signin/staff" in init.stdout

    home = tmp_path / "home"
    smtp = f"smtp://127.0.0.1:{smtp_port}?from=glutewake@riverside.example"
    worker = subprocess.Popen(
        ["glutewake", "clinic", "worker", "--database-url", server_db, "--smtp-url", smtp],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        with running(
            "clinic", "serve", "--database-url", server_db, "--base-url", base, "--workers", "2",
            "--port", str(port), "--trusted-proxy", "10.0.0.1", home=home,
        ) as (url, _lines):  # fmt: skip
            admin = Browser(url)
            status, headers, _ = admin.request(
                "POST", "/signin/staff", {"email": "admin@riverside.example", "password": PASSWORD}
            )
            assert (status, headers["location"]) == (303, "/signin/enrol")
            page = admin.request("GET", "/signin/enrol")[2]
            secret = re.search(r'name="secret" value="([A-Z2-7]+)"', page).group(1)  # type: ignore[union-attr]
            enrolled = admin.request(
                "POST", "/signin/enrol",
                {"secret": secret, "code": pyotp.TOTP(secret).now(), "csrf_token": admin.token("/signin/enrol")},
            )  # fmt: skip
            assert enrolled[1]["location"] == "/admin"
            # Every request on a new connection: whichever worker takes it knows the session.
            assert [admin.request("GET", "/admin")[0] for _ in range(12)] == [200] * 12

            invited = admin.request(
                "POST", "/admin/clinicians",
                {"name": "Cleo Clinician", "email": "cleo@riverside.example", "role": "clinician",
                 "csrf_token": admin.token("/admin")},
            )  # fmt: skip
            assert invited[0] == 200
            email = box.wait_for("cleo@riverside.example")
            assert email["From"] == "glutewake@riverside.example"
            link = re.search(r"http://\S+", email.get_payload(decode=True).decode()).group(0)  # type: ignore[union-attr]
            assert link.startswith(f"{base}/signin/invite?token=")
            cleo = Browser(url)
            assert (
                "choose your password"
                in cleo.request("GET", urlsplit(link).path + "?" + urlsplit(link).query)[2]
            )

            # Attempts are counted across the workers: the sixth wrong password waits.
            stranger = Browser(url)
            tries = [
                stranger.request(
                    "POST", "/signin/staff", {"email": "admin@riverside.example", "password": "wrong guess!"}
                )[0]
                for _ in range(6)
            ]
            assert tries == [401] * 5 + [429]
            parent = subprocess.run(
                ["pgrep", "-f", f"clinic serve .*--port {port}"], capture_output=True, text=True
            )
            children = subprocess.run(
                ["ps", "--ppid", parent.stdout.split()[0], "-o", "args=", "--cols", "400"],
                capture_output=True,
                text=True,
            ).stdout.splitlines()
            served = [c for c in children if "multiprocessing.spawn" in c]  # not the resource tracker
            assert len(served) == 2, children
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        assert worker.stdout is not None
        worker.stdout.close()
