"""Real Chromium for the browser tests: the browser, a page, a served site, screenshots, axe-core.

Debian's Chromium (never a downloaded browser), driven by Playwright. Screenshots of each page
at desktop and phone widths land in .test-artifacts/screenshots/ (not committed).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.servers import running

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[2] / ".test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is not installed; ./scripts/test installs it (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield launched
        launched.close()


@pytest.fixture
def site(glutewake_home: Path, tmp_path: Path) -> Iterator[str]:
    with running("--database-url", f"sqlite:///{tmp_path / 'web.db'}", "serve", "--no-browser", "--port", "0",
                 home=glutewake_home) as (url, _):  # fmt: skip
        yield url


@pytest.fixture
def page(browser: Browser, glutewake_home: Path, site: str) -> Iterator[Page]:
    """A page of a browser the owner has signed in to the running `site` (its session cookie, as
    the sign-in link sets it; a session lasts only while the app runs, so it starts first)."""
    context = browser.new_context(viewport=DESKTOP)
    context.add_cookies([signed_in_cookie(glutewake_home)])
    opened = context.new_page()
    yield opened
    context.close()


def signed_in_cookie(home: Path, issued: float | None = None) -> Any:
    """The session cookie a sign-in sets, at the app's own host name, issued now (or at
    `issued`, by an app's fake clock)."""
    from glutewake.identity import load_owner_secret
    from glutewake.identity.browser_sessions import SessionBook
    from glutewake.web.who import SESSION_COOKIE

    now = int(time.time() if issued is None else issued)
    session = SessionBook(home / "sessions.json").begin(now, "Chromium (headless) on Linux")
    return {"name": SESSION_COOKIE, "value": session, "domain": load_owner_secret(home).host_name, "path": "/",
            "httpOnly": True, "sameSite": "Strict"}  # fmt: skip


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    if size:
        page.set_viewport_size(size)


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page (run through the debugger, so CSP stays on)."""
    if not AXE.exists():
        pytest.fail("axe-core is not installed; ./scripts/test runs npm install")
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        "async () => JSON.stringify(await axe.run(document, {resultTypes: ['violations']}))"
    )
    violations: list[dict[str, Any]] = json.loads(results)["violations"]
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])}
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


@contextmanager
def serving(app: Any, port: int = 0) -> Iterator[str]:
    """Serve an app built in this process (with fakes injected) on loopback (a free port by default)."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        time.sleep(0.01)
    else:
        raise AssertionError("the in-process server did not start")
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        owner = getattr(app.state, "owner", None)  # the personal app: the browser's own name for it
        yield f"http://{owner.host_name if owner else '127.0.0.1'}:{port}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
