"""The two attacks that need a real browser: a website rebinding its name to this computer, and a
page on another port of 127.0.0.1 tossing cookies and posting forms and JSON at glutewake."""

from __future__ import annotations

import http.server
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
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


class _Listener(http.server.BaseHTTPRequestHandler):
    """Another account's server on another port: it keeps every cookie it is sent, and tries to
    plant its own session cookie (for its host, and for every *.localhost name)."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Listener.seen.append(self.headers.get("Cookie", ""))
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Set-Cookie", "glutewake_session=tossed-by-the-attacker; Path=/; Max-Age=3600")
        self.send_header(
            "Set-Cookie", "glutewake_session=tossed-wide; Domain=localhost; Path=/; Max-Age=3600"
        )
        self.end_headers()
        self.wfile.write(b"<!doctype html><title>free stickers</title><p>Nothing to see")

    def log_message(self, *args: object) -> None:
        pass


def test_a_server_on_another_port_receives_no_session_and_tosses_none_in(
    browser: Browser, victim: str, glutewake_home: Path
) -> None:
    """The attack as found: the owner, signed in through a real sign-in link, follows links to a
    page another account serves on another port (at 127.0.0.1, localhost and a *.localhost
    name). That server gets no cookie worth anything, and the owner stays signed in."""
    import urllib.error
    import urllib.request

    from tests.servers import signin_link

    port = urlsplit(victim).port
    loopback = f"http://127.0.0.1:{port}/"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    other = server.server_address[1]
    _Listener.seen = []
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(signin_link(glutewake_home, loopback))  # as `glutewake open` opens it
        assert urlsplit(page.url).hostname == urlsplit(victim).hostname, "signed in at the app's own name"
        assert "Wake up glutes" in page.content()
        for host in ("127.0.0.1", "localhost", "evil.localhost", "glutewake.localhost"):
            page.goto(f"http://{host}:{other}/")
            assert "free stickers" in page.title()
        page.goto(victim + "data")
        assert "Signed-in browsers" in page.content(), "the tossed cookies signed nobody out"
        stolen = [value for value in _Listener.seen if value]
        assert all("tossed" in value for value in stolen), stolen  # only what it planted itself
        owners = [
            f"{c['name']}={c['value']}" for c in context.cookies() if c["domain"] == urlsplit(victim).hostname
        ]
        assert len(owners) == 1
        # Replayed as curl would: what the other server got, anywhere; the owner's own cookie at
        # 127.0.0.1 (as if it had leaked there): all refused.
        for cookie, url in [*((c, u) for c in stolen for u in (loopback, victim)), (owners[0], loopback)]:
            request = urllib.request.Request(url + "api/data", headers={"Cookie": cookie})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=10)
            refused.value.close()  # its socket, else closed by the collector in a later test
            assert refused.value.code == 401
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def test_each_browser_can_be_signed_out_alone(browser: Browser, victim: str, glutewake_home: Path) -> None:
    """Two browsers signed in: the data page lists both; signing the other out ends it at once,
    and `glutewake sessions end --all` (another process) ends the rest."""
    import subprocess

    from tests.servers import signin_link

    contexts = [browser.new_context(viewport=DESKTOP) for _ in range(2)]
    mine, other = (context.new_page() for context in contexts)
    try:
        for page in (mine, other):
            page.goto(signin_link(glutewake_home, victim))
            assert "Wake up glutes" in page.content()
        mine.goto(victim + "data")
        rows = mine.locator("#browsers + p + table tbody tr")
        assert rows.count() == 2
        assert mine.locator("text=(this browser)").count() == 1
        mine.locator("tr:not(:has-text('this browser')) button:has-text('Sign out')").click()
        mine.wait_for_url("**/data?done=signed-out*")
        assert rows.count() == 1
        other.goto(victim + "plan")
        assert "Please sign in first" in other.content()
        listed = subprocess.run(["glutewake", "sessions"], env={**os.environ, "GLUTEWAKE_HOME": str(glutewake_home)},
                                capture_output=True, text=True, check=True)  # fmt: skip
        assert "Chrom" in listed.stdout
        ended = subprocess.run(["glutewake", "sessions", "end", "--all"],
                               env={**os.environ, "GLUTEWAKE_HOME": str(glutewake_home)},
                               capture_output=True, text=True, check=True)  # fmt: skip
        assert "Signed out 1 browser." in ended.stdout
        mine.goto(victim + "plan")
        assert "Please sign in first" in mine.content()
    finally:
        for context in contexts:
            context.close()
