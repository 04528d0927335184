"""The clinic as it runs for real: `glutewake clinic init`, `serve` with two worker processes and
`worker`, on PostgreSQL, sending email to a real SMTP server on this machine (aiosmtpd)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pyotp

from tests.clinic.serving import PASSWORD, Browser, Mailbox, clinic_running, email_link, path_of


def test_a_clinic_runs_on_two_workers_with_a_queue_worker_sending_its_email(
    server_db: str, mailbox: tuple[Mailbox, int], tmp_path: Path
) -> None:
    box, smtp_port = mailbox
    options = ("--trusted-proxy", "10.0.0.1")
    with clinic_running(server_db, smtp_port, tmp_path, workers=2, options=options) as (url, port):
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
        link = email_link(email)
        assert link.startswith(f"http://127.0.0.1:{port}/signin/invite?token=")
        cleo = Browser(url)
        assert "choose your password" in cleo.request("GET", path_of(link))[2]

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
