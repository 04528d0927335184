"""axe-core on every clinic page the end-to-end journey does not pass through, in Chromium, in
light and dark, at phone width (the journey covers the rest)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser

from glutewake.identity import credentials
from tests.clinic.conftest import World
from tests.web.browsing import PHONE, browser, serious_violations, serving, shoot

__all__ = ["browser"]  # the fixture


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_other_clinic_pages_have_no_serious_accessibility_problems(
    browser: Browser, clinic_db: str, world: World, scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glutewake.app.region import REGION_ENV
    from glutewake.web.clinic import create_clinic_app
    from tests.clinic.serving import free_port

    monkeypatch.setenv(REGION_ENV, "uk")
    port = free_port()
    app = create_clinic_app(clinic_db, f"http://127.0.0.1:{port}/", clock=world.clock, outbox=world.outbox)
    world.store.add_token(credentials.digest("reset-token"), world.cleo.id, "reset", timedelta(hours=1))
    admin_cookie = credentials.new_token()
    world.store.start_session(credentials.digest(admin_cookie), world.admin.id, "full", "axe")
    with serving(app, port) as url:
        context = browser.new_context(viewport=PHONE, base_url=url, color_scheme=scheme)  # type: ignore[arg-type]
        page = context.new_page()
        found: dict[str, Any] = {}
        for name, path in [
            ("code", "/signin/code"),
            ("ask-reset", "/signin/reset"),
            ("reset", "/signin/reset?token=reset-token"),
            ("invite-used", "/signin/invite?token=nothing"),
        ]:
            page.goto(path)
            found[name] = serious_violations(page)
            shoot(page, f"clinic-{name}-{scheme}")
        page.goto("/signin")
        page.get_by_label("Your email address").fill("pat@example.org")
        page.get_by_role("button", name="Email me a sign-in link").click()
        page.get_by_role("heading", name="Check your email").wait_for()
        found["sent"] = serious_violations(page)
        page.goto("/signin/code")
        page.get_by_label("Your code").fill("AAAAA-BBBBB")
        page.get_by_label("Your year of birth, in four digits").fill("1980")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("alert").wait_for()
        found["code-refused"] = serious_violations(page)
        context.add_cookies([{"name": "glutewake_clinic", "value": admin_cookie, "url": url}])
        page.goto("/admin/audit")
        found["audit"] = serious_violations(page)
        shoot(page, f"clinic-audit-{scheme}")
        page.goto("/admin")
        page.get_by_role("button", name="Remove Cal Clinician").click()
        page.get_by_role("heading", name="Remove Cal Clinician?").wait_for()
        found["confirm-remove"] = serious_violations(page)
        shoot(page, f"clinic-confirm-remove-{scheme}")
        page.goto("/staff/patients/999999")
        found["not-found"] = serious_violations(page)
        context.close()
    app.state.engine.dispose()
    assert {name: problems for name, problems in found.items() if problems} == {}
