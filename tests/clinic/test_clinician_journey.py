"""The clinician's work end to end in Chromium: an assessment of a new patient, a prescription
from a clinic template with one exercise changed and progression held for approval; the patient
at phone width sees it and does the session, reporting pain 6; the dashboard shows that patient
first with the alert, the proposed change waits there and, once approved, is in the patient's
next session."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, expect

from glutewake.app.clinic import prescribing
from glutewake.core.prescription import Prescribed, Prescription
from glutewake.identity import credentials
from tests.clinic.conftest import World
from tests.clinic.test_care import _cleo
from tests.web.browsing import DESKTOP, PHONE, browser, serious_violations, serving, shoot

__all__ = ["browser"]  # the fixture


def test_assess_prescribe_session_alert_and_approval(
    browser: Browser, clinic_db: str, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glutewake.app.region import REGION_ENV
    from glutewake.web.clinic import create_clinic_app
    from tests.clinic.serving import free_port

    monkeypatch.setenv(REGION_ENV, "uk")
    template = Prescription(
        (Prescribed("glute_bridge", 2, reps=10), Prescribed("clamshell", 1, reps=8, per_side=True)),
    )
    prescribing.save_template(world.clinic, _cleo(world), "Desk worker, week one", template)
    other = world.store.add_account(
        world.cleo.clinic_id, "patient", "Abe Aardvark", birth_year=1970, clinicians=(world.cleo.id,)
    )
    port = free_port()
    app = create_clinic_app(clinic_db, f"http://127.0.0.1:{port}/", clock=world.clock, outbox=world.outbox)
    staff_cookie, patient_cookie = credentials.new_token(), credentials.new_token()
    world.store.start_session(credentials.digest(staff_cookie), world.cleo.id, "full", "desk")
    world.store.start_session(credentials.digest(patient_cookie), world.pat.id, "full", "phone")
    pid = world.pat.id
    with serving(app, port) as url:
        clinician = browser.new_context(viewport=DESKTOP, base_url=url)
        clinician.add_cookies([{"name": "glutewake_clinic", "value": staff_cookie, "url": url}])
        desk = clinician.new_page()
        # 1. the assessment in clinic
        desk.goto(f"/staff/patients/{pid}")
        desk.get_by_role("link", name="Assess in clinic").click()
        desk.get_by_label("Sex", exact=True).select_option("female")
        desk.get_by_label("How long the symptoms have lasted (weeks)").fill("6")
        for finding in ("saddle_numbness", "bladder_change", "bowel_change", "both_legs"):
            desk.locator(f'input[name="f_{finding}"][value="no"]').check()
        for finding in ("numb_when_sitting", "eases_on_standing", "glutes_hard_to_activate"):
            desk.locator(f'input[name="f_{finding}"][value="yes"]').check()
        desk.get_by_label("Examination notes").fill("Slow left glute activation on the single-leg stand.")
        desk.get_by_role("button", name="Sign and save the assessment").click()
        expect(desk.get_by_role("status")).to_contain_text("recorded the assessment")
        expect(desk.locator("body")).to_contain_text("signed by Cleo Clinician")
        # 2. from the template, with the bridge changed, progression held for approval
        desk.get_by_role("link", name="Prescribe a programme").click()
        desk.get_by_role("link", name="template “Desk worker, week one”").click()
        desk.locator("#reps-0").fill("12")
        desk.locator("#note-0").fill("Pause for a breath at the top")
        desk.get_by_label("Tue").check()  # today is a Tuesday
        desk.get_by_label("Needs my approval", exact=False).check()
        assert serious_violations(desk) == []
        desk.get_by_role("button", name="Prescribe this programme").click()
        expect(desk.get_by_role("status")).to_contain_text("prescribed the programme")
        # 3. the patient, on their phone, sees it and does today's session
        patient = browser.new_context(viewport=PHONE, base_url=url, is_mobile=True, has_touch=True)
        patient.add_cookies([{"name": "glutewake_clinic", "value": patient_cookie, "url": url}])
        phone = patient.new_page()
        phone.clock.install()
        phone.goto("/plan")
        expect(phone.locator("main")).to_contain_text("Prescribed by Cleo Clinician")
        expect(phone.locator("main")).to_contain_text("2 × 12 reps")
        expect(phone.locator("main")).to_contain_text("Pause for a breath at the top")
        shoot(phone, "clinic-journey-prescribed-plan")
        phone.get_by_role("link", name="Start today's session").click()
        phone.clock.pause_at(datetime.now() + timedelta(seconds=60))
        phone.get_by_role("button", name="Start the guided session").click()
        expect(phone.locator("#what")).to_have_text("Get ready")
        phone.clock.run_for(45 * 60 * 1000)
        expect(phone.get_by_role("heading", name="Well done: session complete")).to_be_visible()
        phone.clock.resume()
        phone.get_by_label("How hard was it overall?").fill("5")
        phone.get_by_label("Any pain?").fill("6")
        phone.get_by_role("button", name="Save how it felt").click()
        expect(phone.get_by_role("heading", name="Saved: thank you")).to_be_visible()
        # a safety stop is made at once, never proposed: the patient is told to wait
        expect(phone.get_by_role("region", name="Your plan is paused")).to_contain_text(
            "The last session hurt (6/10)"
        )
        expect(phone.locator("main")).to_contain_text("No exercise until your clinician says you can go on")
        phone.goto("/plan")
        expect(phone.locator("main")).not_to_contain_text("Do the next session now")
        expect(phone.locator("main")).not_to_contain_text("Start today's session")
        shoot(phone, "clinic-journey-paused")
        # 4. the dashboard: that patient first, with the alert that the programme is paused
        desk.goto("/staff")
        body = desk.locator("main").inner_text()
        assert body.index("Pat Patient") < body.index("Abe Aardvark")
        expect(desk.locator("main")).to_contain_text("Pain 6/10 after a session")
        expect(desk.locator("main")).to_contain_text("Programme paused for safety")
        assert serious_violations(desk) == []
        shoot(desk, "clinic-journey-dashboard")
        desk.get_by_label("What you did").first.fill("Called her: lighter week, same exercises")
        desk.get_by_role("button", name="Acknowledge").first.click()
        expect(desk.get_by_role("status")).to_contain_text("acknowledged the alert")
        # going on is the clinician's decision, on the patient's record
        desk.goto(f"/staff/patients/{world.pat.id}")
        expect(desk.locator("main")).to_contain_text("Paused for safety")
        desk.get_by_label("Your note", exact=False).fill("Called her: settled, lighter week")
        desk.get_by_role("button", name="Resume the programme").click()
        expect(desk.get_by_role("status")).to_contain_text("resumed the programme")
        # 5. the patient's plan goes on, a step easier
        phone.goto("/plan")
        after = phone.locator("main").inner_text()
        assert "Your plan is paused" not in after
        assert "resumed by Cleo Clinician: Called her: settled, lighter week" in after
        clinician.close()
        patient.close()
    from glutewake.store.clinical import ClinicalRecords

    records = ClinicalRecords(app.state.engine, world.clock, world.pat.person_id or 0)
    try:
        plan = records.current_plan()
        assert plan is not None
        assert plan.plan.prescribed_by == "Cleo Clinician"
        later = [s for s in plan.plan.sessions if s.day > world.clock.now().date()]
        assert later[0].main[0].exercise_id != "glute_bridge" or later[0].main[0].reps == 10  # stepped down
        assert records.acknowledgements()[0].by == "Cleo Clinician"
        assert other.id
    finally:
        app.state.engine.dispose()
