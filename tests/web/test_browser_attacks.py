"""The two attacks that need a real browser: a website rebinding its name to this computer, and a
page on another port of 127.0.0.1 tossing cookies and posting forms and JSON at glutewake."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser

from tests.servers import owner_headers, running
from tests.web.browsing import CHROMIUM, DESKTOP, browser, signed_in_cookie

__all__ = ["browser"]  # a fixture, used by name


@pytest.fixture
def victim(glutewake_home: Path) -> Iterator[str]:
    with running("--database-url", f"sqlite:///{glutewake_home / 'glutewake.db'}", "serve", "--no-browser",
                 "--port", "0", home=glutewake_home) as (url, _):  # fmt: skip
        yield url


def records(url: str, home: Path) -> dict[str, list[object]]:
    import urllib.request

    request = urllib.request.Request(url + "api/data", headers=owner_headers(home))
    with urllib.request.urlopen(request, timeout=10) as response:
        document: dict[str, list[object]] = json.loads(response.read())
    return {name: value for name, value in document.items() if isinstance(value, list)}


class _Attacker(http.server.BaseHTTPRequestHandler):
    page = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        # A server on another port of the same host may set cookies for that host.
        self.send_header("Set-Cookie", "glutewake_session=forged-by-the-attacker; Path=/")
        self.send_header("Set-Cookie", "glutewake_csrf=attacker-token; Path=/")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def attacker(victim: str) -> Iterator[str]:
    target = victim.rstrip("/")
    _Attacker.page = f"""<!doctype html><title>free stickers</title>
<form id="f" method="post" action="{target}/checkin">
  <input name="csrf_token" value="attacker-token"><input name="pain" value="10"><input name="numbness" value="10">
  <input name="activity_0" value="film"><input name="activity_0_score" value="0">
</form>
<script>
  document.cookie = "glutewake_csrf=attacker-token; path=/";
  fetch("{target}/api/checkins", {{method: "POST", credentials: "include", mode: "no-cors",
    body: JSON.stringify({{pain: 10, numbness: 10, psfs: {{film: 0}}}})}});
  fetch("{target}/api/coach", {{method: "POST", credentials: "include", mode: "no-cors"}});
  setTimeout(() => document.getElementById("f").submit(), 300);
</script>""".encode()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Attacker)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_on_another_port_cannot_forge_a_check_in(
    browser: Browser, victim: str, attacker: str, glutewake_home: Path
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    context.add_cookies([signed_in_cookie(glutewake_home)])
    page = context.new_page()
    try:
        page.goto(victim)  # the owner is signed in
        assert "Wake up glutes" in page.content()
        page.goto(attacker)
        page.wait_for_url(victim.rstrip("/") + "/checkin", timeout=10_000)  # the form was submitted
        assert "Check-in saved" not in page.content()
        time.sleep(0.5)  # the fetches were sent before the form
    finally:
        context.close()
    tables = records(victim, glutewake_home)
    assert tables.get("checkins", []) == [], "no check-in was saved, by form or by fetch"
    assert tables.get("coach_events", []) == [] or all(
        "pause" not in json.dumps(e) for e in tables["coach_events"]
    )


def test_a_website_rebound_to_this_computer_reads_nothing(
    browser: Browser, victim: str, glutewake_home: Path
) -> None:
    import urllib.request

    case = json.dumps({"age": 34, "sex": "female", "duration_days": 21, "answers": {}}).encode()
    headers = {**owner_headers(glutewake_home), "Content-Type": "application/json"}
    urllib.request.urlopen(
        urllib.request.Request(victim + "api/triage?save=true", case, headers), timeout=10
    ).close()
    port = urlsplit(victim).port
    rebinding = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        # evil.example now resolves to this computer, as after a DNS rebinding.
        args=["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP evil.example 127.0.0.1"],
    )
    try:
        page = rebinding.new_page()
        response = page.goto(f"http://evil.example:{port}/api/data")
        assert response is not None
        assert response.status == 421
        assert "glutewake answers only at" in page.content()
        deleted = page.evaluate(
            f"fetch('http://evil.example:{port}/api/data?confirm=yes', {{method: 'DELETE'}}).then(r => r.status)"
        )
        assert deleted == 421
    finally:
        rebinding.close()
    assert len(records(victim, glutewake_home)["checks"]) == 1, "nothing was read or deleted"
