"""A clinic's patient on their phone does what the personal app does, for their own records: the
check, a plan, a whole guided session and how it felt, and their progress; their clinician then
sees none of it as theirs to change, and another patient sees none of it at all."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, expect

from glutewake.identity import credentials
from tests.clinic.conftest import World
from tests.web.browsing import PHONE, browser, serious_violations, serving, shoot
from tests.web.test_browser import answer_until_result

__all__ = ["browser"]  # the fixture


def test_a_patient_at_phone_width_runs_a_whole_session(
    browser: Browser, clinic_db: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glutewake.app.region import REGION_ENV
    from glutewake.store import Repository
    from glutewake.web.clinic import create_clinic_app
    from tests.clinic.serving import free_port

    monkeypatch.setenv(REGION_ENV, "uk")
    port = free_port()
    app = create_clinic_app(clinic_db, f"http://127.0.0.1:{port}/", clock=world.clock, outbox=world.outbox)
    cookie = credentials.new_token()
    world.store.start_session(credentials.digest(cookie), world.pat.id, "full", "phone")
    with serving(app, port) as url:
        context = browser.new_context(viewport=PHONE, base_url=url, is_mobile=True, has_touch=True)
        context.add_cookies([{"name": "glutewake_clinic", "value": cookie, "url": url}])
        page = context.new_page()
        page.clock.install()
        page.goto("/")
        page.get_by_role("link", name="Start the symptom check").first.click()
        page.get_by_label("Your age in years").fill("46")
        page.get_by_label("Female").check()
        page.get_by_label("How long have you had these symptoms?").fill("6")
        page.get_by_role("button", name="Start the questions").click()
        answer_until_result(page, {"numb_when_sitting", "eases_on_standing", "glutes_hard_to_activate"})
        page.get_by_role("button", name="Save and build my plan").click()
        page.get_by_role("link", name="Skip: build my plan now").click()
        page.get_by_label("Kit I have").select_option("none")
        page.get_by_role("button", name="Build the plan").click()
        expect(page.get_by_role("table")).to_contain_text("Wake-up")
        shoot(page, "clinic-patient-plan")
        page.get_by_role("link", name="Start today's session").click()
        page.clock.pause_at(datetime.now() + timedelta(seconds=60))
        page.get_by_role("button", name="Start the guided session").click()
        expect(page.locator("#what")).to_have_text("Get ready")  # the session has started on the server
        page.clock.run_for(45 * 60 * 1000)
        expect(page.get_by_role("heading", name="Well done: session complete")).to_be_visible()
        page.clock.resume()
        page.get_by_label("How hard was it overall?").fill("5")
        page.get_by_label("Any pain?").fill("1")
        page.get_by_role("button", name="Save how it felt").click()
        expect(page.get_by_role("heading", name="Saved: thank you")).to_be_visible()
        assert serious_violations(page) == []
        page.goto("/progress")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        shoot(page, "clinic-patient-progress")
        context.close()
    pat = Repository(app.state.engine, world.clock, world.pat.person_id or 0)
    peg = Repository(app.state.engine, world.clock, world.peg.person_id or 0)
    try:
        assert pat.session_totals().sessions_done == 1, "the session is in the patient's own records"
        assert peg.session_totals().sessions_done == 0
        assert pat.current_plan() is not None
        assert peg.current_plan() is None
    finally:
        app.state.engine.dispose()  # after the last query: a query after it would open a new pool
