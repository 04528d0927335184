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


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_clinicians_pages_have_no_serious_accessibility_problems(
    browser: Browser, clinic_db: str, world: World, scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard (with an alert and a proposed change), the record, the assessment, the
    programme editor (with a conflict to confirm), the templates and the erase page."""
    from glutewake.app.clinic import prescribing
    from glutewake.app.region import REGION_ENV
    from glutewake.core.prescription import Prescribed, Prescription
    from glutewake.web.clinic import create_clinic_app
    from tests.clinic.conftest import sign_in as sign_client_in
    from tests.clinic.serving import free_port
    from tests.clinic.test_care import _assess, _cleo, _done_session, _prescribe

    monkeypatch.setenv(REGION_ENV, "uk")
    port = free_port()
    app = create_clinic_app(clinic_db, f"http://127.0.0.1:{port}/", clock=world.clock, outbox=world.outbox)
    from fastapi.testclient import TestClient

    with TestClient(app, base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as client:
        sign_client_in(client, world.store, world.cleo)
        _assess(client, world)
        _prescribe(world, progression="approval")
        _done_session(world, pain=6)
        prescribing.save_template(
            world.clinic, _cleo(world), "Early wake-up", Prescription((Prescribed("clamshell", 2, reps=10),))
        )
        _assess(client, world, f_pregnant_or_recent_birth="yes")
    cookie = credentials.new_token()
    world.store.start_session(credentials.digest(cookie), world.cleo.id, "full", "axe")
    found: dict[str, Any] = {}
    with serving(app, port) as url:
        context = browser.new_context(viewport=PHONE, base_url=url, color_scheme=scheme)  # type: ignore[arg-type]
        context.add_cookies([{"name": "glutewake_clinic", "value": cookie, "url": url}])
        page = context.new_page()
        pid = world.pat.id
        for name, path in [
            ("dashboard", "/staff"),
            ("record", f"/staff/patients/{pid}"),
            ("assess", f"/staff/patients/{pid}/assess"),
            ("prescribe", f"/staff/patients/{pid}/prescribe?from=template:1"),
            ("templates", "/staff/templates"),
            ("erase", f"/staff/patients/{pid}/erase"),
        ]:
            page.goto(path)
            found[name] = serious_violations(page)
            shoot(page, f"clinic-{name}-{scheme}")
        page.goto(f"/staff/patients/{pid}/prescribe?from=template:1")
        page.get_by_label("Add from the library (type to search)").fill("Glute bridge")
        page.get_by_role("button", name="Add exercise").click()
        page.get_by_role("button", name="Prescribe this programme").click()
        page.get_by_role("heading", name="Ruled out by the latest symptom check").wait_for()
        found["conflict"] = serious_violations(page)
        shoot(page, f"clinic-prescribe-conflict-{scheme}")
        context.close()
    app.state.engine.dispose()
    assert {name: problems for name, problems in found.items() if problems} == {}
