"""A clinician's work on the real clinic app and PostgreSQL: the dashboard puts who needs
attention first, alerts are acknowledged (audited), an assessment in clinic follows the same
triage rules, a programme is prescribed (the triage still rules), changes wait for approval,
questionnaires fall due and follow-ups reach the patient."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from glutewake.app.clinic import prescribing
from glutewake.core.prescription import Override, Prescribed, Prescription
from glutewake.identity import Who
from glutewake.store.clinical import ClinicalRecords
from tests.clinic.conftest import World, form_token, sign_in

CASE = {
    "age": "46",
    "sex": "female",
    "weeks": "6",
    "f_numb_when_sitting": "yes",
    "f_eases_on_standing": "yes",
}


def _cleo(world: World) -> Who:
    return Who(
        0,
        "clinician",
        "session",
        "",
        account_id=world.cleo.id,
        clinic_id=world.cleo.clinic_id,
        name="Cleo Clinician",
    )


def _records(world: World, account: object) -> ClinicalRecords:
    return ClinicalRecords(world.store.engine, world.clock, account.person_id)  # type: ignore[attr-defined]


def _assess(client: TestClient, world: World, **extra: str) -> object:
    token = form_token(client, f"/staff/patients/{world.pat.id}/assess")
    return client.post(f"/staff/patients/{world.pat.id}/assess", data={**CASE, **extra, "csrf_token": token})


def _done_session(world: World, pain: int) -> int:
    records = _records(world, world.pat)
    plan = records.current_plan()
    assert plan is not None
    day = world.clock.now().date()
    log = records.start_session(plan.session_ids.get(day), guided=True)
    from glutewake.store import SetRecord

    session = plan.plan.session_on(day)
    assert session is not None
    for block in session.blocks:  # every planned set done
        for _ in range(block.sets * (2 if block.per_side else 1) + (1 if block.extra_side else 0)):
            records.log_set(log, SetRecord(block.exercise_id, reps=block.reps, seconds=block.hold_seconds))
    records.finish_session(log, "completed")
    from glutewake.app.context import acting_for
    from glutewake.app.sessions import save_feedback

    save_feedback(acting_for(records), log, 3, pain, ["glutes"])
    return log


def test_an_assessment_in_clinic_is_judged_by_the_same_rules_and_signed(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.cleo)
    page = client.get(f"/staff/patients/{world.pat.id}/assess")
    assert page.status_code == 200
    assert "Numbness in the saddle" in page.text or "saddle" in page.text
    saved = _assess(
        client, world, notes="Tender at the piriformis; strength 4/5 on the left.", left="4", right="1.5"
    )
    assert saved.status_code == 303
    record = client.get(saved.headers["location"]).text
    assert "signed by Cleo Clinician" in record
    assert "strength 4/5 on the left" in record
    runs = _records(world, world.pat).triage_runs()
    assert runs[0].data["result"]["urgency"] == "self_care"
    assert _records(world, world.pat).selftest_results(limit=1)  # measured in clinic
    # a red flag answered in clinic wins, however the rest reads
    _assess(client, world, f_saddle_numbness="yes")
    assert _records(world, world.pat).triage_runs(limit=1)[0].data["result"]["urgency"] == "emergency"


def test_a_wrong_assessment_form_says_what_to_fix_and_saves_nothing(client: TestClient, world: World) -> None:
    sign_in(client, world.store, world.cleo)
    bad = _assess(client, world, age="old", weeks="", left="fast")
    assert bad.status_code == 422
    assert "age in whole years" in bad.text
    assert "weeks the symptoms have lasted" in bad.text
    assert "time in seconds, from 0 to 120" in bad.text
    assert _records(world, world.pat).triage_runs() == []


def _prescribe(world: World, progression: str = "automatic") -> None:
    prescription = Prescription(
        (
            Prescribed("glute_bridge", 2, reps=10, note="Slowly"),
            Prescribed("clamshell", 2, reps=10, per_side=True),
        ),
        weekdays=tuple(range(7)),
        progression=progression,  # type: ignore[arg-type]
    )
    prescribing.prescribe(world.clinic, _cleo(world), world.pat.id, prescription, world.clock.now().date())


def test_a_painful_session_puts_the_patient_first_with_the_alert_until_acknowledged(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.cleo)
    _assess(client, world)
    _prescribe(world)
    other = world.store.add_account(
        world.cleo.clinic_id, "patient", "Abe Aardvark", birth_year=1970, clinicians=(world.cleo.id,)
    )
    assert other.id
    before = client.get("/staff").text
    assert before.index("Abe Aardvark") < before.index("Pat Patient")  # by name while nobody needs attention
    log = _done_session(world, pain=6)
    dashboard = client.get("/staff").text
    assert "Warning signs and worsening (1)" in dashboard
    assert dashboard.index("Pat Patient") < dashboard.index("Abe Aardvark")
    assert "Pain 6/10 after a session" in dashboard
    token = form_token(client, "/staff")
    path = f"/staff/patients/{world.pat.id}/alerts/session/{log}"
    empty = client.post(path, data={"note": "  ", "csrf_token": token})
    assert empty.status_code == 422
    assert "say in a few words what you did" in empty.text.lower()
    done = client.post(path, data={"note": "Phoned her: lighter sets this week", "csrf_token": token})
    assert done.status_code == 303
    assert "Pain 6/10 after a session" not in client.get("/staff").text
    audit = client.get("/admin/audit")  # Cleo is no admin: only the log itself tells
    assert audit.status_code == 404
    entries = list(world.store.audit_entries(world.cleo.clinic_id))
    assert any(
        e.what.startswith("acknowledged an alert (session") and e.patient_id == world.pat.id for e in entries
    )
    assert _records(world, world.pat).acknowledgements()[0].note == "Phoned her: lighter sets this week"
    # another clinician's patient's alert cannot be acknowledged through Pat's
    assert (
        client.post(
            f"/staff/patients/{world.peg.id}/alerts/session/{log}", data={"note": "x", "csrf_token": token}
        ).status_code
        == 404
    )


def test_a_prescription_the_triage_rules_out_needs_an_explicit_reason(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.cleo)
    _assess(client, world, f_pregnant_or_recent_birth="yes")
    token = form_token(client, f"/staff/patients/{world.pat.id}/prescribe?from=empty")
    fields = {
        "csrf_token": token, "exercise_id": "glute_bridge", "section": "main", "sets": "2", "reps": "10", "hold": "",
        "per_side": "no", "load": "", "tempo": "2-1-2", "from_week": "1", "to_week": "", "note": "",
        "phase": "wake_up", "phase_weeks": "3", "weekday": ["0", "3"], "progression": "automatic", "action": "save",
    }  # fmt: skip
    refused = client.post(f"/staff/patients/{world.pat.id}/prescribe", data=fields)
    assert refused.status_code == 422
    assert "Glute bridge: not advised with long spells lying flat on your back" in refused.text
    assert _records(world, world.pat).current_plan() is None
    confirmed = client.post(
        f"/staff/patients/{world.pat.id}/prescribe",
        data={**fields, "override_glute_bridge": "Checked in clinic: short sets are fine"},
    )
    assert confirmed.status_code == 303
    plan = _records(world, world.pat).current_plan()
    assert plan is not None
    assert {s.day.weekday() for s in plan.plan.sessions} == {0, 3}
    assert plan.plan.sessions[0].main[0].tempo == "2-1-2"
    assert any("Checked in clinic" in c.reason and c.by == "Cleo Clinician" for c in plan.plan.changes)


def test_the_editor_adds_moves_and_removes_exercises_and_names_bad_doses(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.cleo)
    _assess(client, world)
    path = f"/staff/patients/{world.pat.id}/prescribe"
    page = client.get(f"{path}?from=generated")
    assert page.status_code == 200
    ids = re.findall(r'name="exercise_id" value="([a-z_]+)"', page.text)
    assert len(ids) >= 4  # the generated plan's exercises
    token = form_token(client, f"{path}?from=empty")
    added = client.post(
        path,
        data={
            "csrf_token": token,
            "add_exercise": "Clamshell",
            "action": "add",
            "phase": "wake_up",
            "phase_weeks": "4",
            "weekday": "0",
        },
    )
    assert re.findall(r'name="exercise_id" value="([a-z_]+)"', added.text) == ["clamshell"]
    unknown = client.post(path, data={"csrf_token": token, "add_exercise": "Handstand", "action": "add"})
    assert unknown.status_code == 422
    assert "choose an exercise from the library list" in unknown.text.lower()
    bad = client.post(
        path, data={"csrf_token": token, "exercise_id": "clamshell", "sets": "x", "action": "save"}
    )
    assert bad.status_code == 422
    assert "Clamshell, sets: &#39;x&#39; is not a number" in bad.text or "is not a number" in bad.text
    too_many = client.post(path, data={
        "csrf_token": token, "exercise_id": "clamshell", "section": "main", "sets": "40", "reps": "10",
        "phase": "wake_up", "phase_weeks": "4", "weekday": "0", "action": "save",
    })  # fmt: skip
    assert too_many.status_code == 422
    assert "sets must be from 1 to 10, not 40" in too_many.text


def test_a_template_is_shared_by_the_clinics_clinicians_only(client: TestClient, world: World) -> None:
    prescription = Prescription(
        (Prescribed("clamshell", 3, reps=12, per_side=True),), overrides=(Override("clamshell", "x"),)
    )
    template_id = prescribing.save_template(world.clinic, _cleo(world), "Early glute wake-up", prescription)
    sign_in(client, world.store, world.cal)
    page = client.get("/staff/templates")
    assert "Early glute wake-up" in page.text
    assert "Cleo Clinician" in page.text
    assert prescribing.template(world.clinic, _cleo(world), template_id).prescription.overrides == ()
    sign_in(client, world.store, world.bea)
    assert "Early glute wake-up" not in client.get("/staff/templates").text
    token = form_token(client, "/staff")
    assert (
        client.post(f"/staff/templates/{template_id}/delete", data={"csrf_token": token}).status_code == 404
    )


def test_in_approval_mode_the_change_waits_on_the_dashboard_and_reaches_the_next_session_once_approved(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.cleo)
    _assess(client, world)
    _prescribe(world, progression="approval")
    _done_session(world, pain=0)
    plan = _records(world, world.pat).current_plan()
    assert plan is not None
    assert [c.action for c in plan.plan.pending] == ["progressed"]
    assert all(s.main[0].reps == 10 for s in plan.plan.sessions)
    dashboard = client.get("/staff").text
    assert "Changes waiting for your approval (1)" in dashboard
    key = re.search(r'name="key" value="([^"]+)"', dashboard)
    assert key is not None
    token = form_token(client, "/staff")
    approved = client.post(
        f"/staff/patients/{world.pat.id}/changes",
        data={"key": key.group(1), "decision": "approve", "note": "", "csrf_token": token},
    )
    assert approved.status_code == 303
    after = _records(world, world.pat).current_plan()
    assert after is not None
    assert after.plan.pending == ()
    assert after.plan.sessions[1].main[0].reps == 12
    assert after.plan.changes[-1].by == "Cleo Clinician"
    again = client.post(
        f"/staff/patients/{world.pat.id}/changes",
        data={"key": key.group(1), "decision": "approve", "csrf_token": token},
    )
    assert again.status_code == 409


def test_a_painful_session_pauses_the_programme_at_once_and_only_the_clinician_resumes_it(
    client: TestClient, world: World
) -> None:
    """A safety stop never waits for approval: the patient's pages lead with what to do and offer
    no session; the clinician's alert says the programme is paused; going on is their decision."""
    from tests.web.test_pages import text

    sign_in(client, world.store, world.cleo)
    _assess(client, world)
    _prescribe(world, progression="approval")
    _done_session(world, pain=6)
    paused = _records(world, world.pat).current_plan()
    assert paused is not None
    assert paused.plan.status == "stopped"
    assert paused.plan.pending == (), "a stop is made, never proposed"
    dashboard = text(client.get("/staff").text)
    assert "Programme paused for safety: the last session hurt (6/10)" in dashboard
    assert "it stays paused until you resume it" in dashboard
    # the patient, on their phone
    sign_in(client, world.store, world.pat)
    for path in ("/", "/plan", "/session", "/session?next=1"):
        words = text(client.get(path).text)
        if path != "/":  # the start page leads only with help needed today; its links say the rest
            assert "Your plan is paused The last session hurt (6/10)" in words, path
            assert "No exercise until your clinician says you can go on" in words, path
        for offer in (
            "Do the next session now",
            "Start today's session",
            "Start the guided session",
            "Go on with it",
        ):
            assert offer not in words, (path, offer)
    assert client.get("/api/clearance").json()["resume_by"] == "clinician"
    # the patient's own new, clear check does not lift the clinician's stop
    from glutewake.app.checks import record_triage, triage_case
    from glutewake.app.context import acting_for
    from glutewake.core.triage import Case

    clear = Case(46, "female", 42, {"numb_when_sitting": True, "eases_on_standing": True})
    record_triage(acting_for(_records(world, world.pat)), clear, triage_case(clear))
    assert client.get("/api/clearance").json()["exercise"] == "none"
    # the clinician resumes it, a step easier, with a note
    sign_in(client, world.store, world.cleo)
    record = client.get(f"/staff/patients/{world.pat.id}").text
    assert "Paused for safety" in text(record)
    token = form_token(client, f"/staff/patients/{world.pat.id}")
    resumed = client.post(
        f"/staff/patients/{world.pat.id}/resume",
        data={"note": "Phoned: settled by the evening", "easier": "yes", "csrf_token": token},
    )
    assert resumed.status_code == 303
    after = _records(world, world.pat).current_plan()
    assert after is not None
    assert after.plan.status == "active"
    assert [c.action for c in after.plan.changes[-2:]] == ["resumed", "regressed"]
    assert "Phoned: settled by the evening" in after.plan.changes[-2].reason
    assert any(
        e.what.startswith("resumed the paused programme")
        for e in world.store.audit_entries(world.cleo.clinic_id)
    )
    again = client.post(f"/staff/patients/{world.pat.id}/resume", data={"note": "again", "csrf_token": token})
    assert again.status_code == 409, "only a paused programme is resumed"
    unsaid = client.post(f"/staff/patients/{world.pat.id}/resume", data={"note": "  ", "csrf_token": token})
    assert unsaid.status_code == 422, "a decision is kept with its reason"
    sign_in(client, world.store, world.pat)
    assert client.get("/api/clearance").json()["exercise"] == "full"


def test_a_patients_own_emergency_result_leads_their_pages_and_pauses_the_programme(
    client: TestClient, world: World
) -> None:
    from glutewake.app.checks import record_triage, triage_case
    from glutewake.app.context import acting_for
    from glutewake.core.triage import Case
    from tests.web.test_pages import text

    sign_in(client, world.store, world.cleo)
    _assess(client, world)
    _prescribe(world)
    sign_in(client, world.store, world.pat)
    assert "Start today's session" in text(client.get("/plan").text)
    emergency = Case(46, "female", 42, {"numb_when_sitting": True, "bowel_change": True})
    record_triage(acting_for(_records(world, world.pat)), emergency, triage_case(emergency))
    for path in ("/", "/plan", "/session", "/selftests"):
        page = client.get(path).text
        assert "Emergency: call 999 or go to A&amp;E now" in page, path
        assert 'href="tel:999"' in page, path
        for offer in ("Start today's session", "Do the next session now", "Start the guided session"):
            assert offer not in text(page), (path, offer)
    plan = _records(world, world.pat).current_plan()
    assert plan is not None
    assert plan.plan.status == "stopped", "a check that rules exercise out stops even a clinician's programme"


def test_questionnaires_fall_due_and_follow_ups_reach_the_patient(client: TestClient, world: World) -> None:
    sign_in(client, world.store, world.cleo)
    _assess(client, world)
    _prescribe(world)
    token = form_token(client, f"/staff/patients/{world.pat.id}")
    start = (world.clock.now().date() - timedelta(days=10)).isoformat()
    scheduled = client.post(
        f"/staff/patients/{world.pat.id}/questionnaires",
        data={"questionnaire": "psfs", "every_days": "7", "starts_on": start, "csrf_token": token},
    )
    assert scheduled.status_code == 303
    wrong = client.post(
        f"/staff/patients/{world.pat.id}/questionnaires",
        data={"questionnaire": "odi", "every_days": "7", "csrf_token": token},
    )
    assert wrong.status_code == 422
    when = (world.clock.now() + timedelta(days=6)).strftime("%Y-%m-%dT%H:%M")
    booked = client.post(
        f"/staff/patients/{world.pat.id}/follow-ups",
        data={"at": when, "note": "Bring trainers", "csrf_token": token},
    )
    assert booked.status_code == 303
    past = client.post(
        f"/staff/patients/{world.pat.id}/follow-ups", data={"at": "2020-01-01T10:00", "csrf_token": token}
    )
    assert past.status_code == 422
    dashboard = client.get("/staff").text
    assert "Overdue: Patient-Specific Functional Scale (PSFS)" in dashboard
    record = client.get(f"/staff/patients/{world.pat.id}").text
    assert "overdue" in record
    sign_in(client, world.store, world.pat)
    plan_page = client.get("/plan").text
    assert "Patient-Specific Functional Scale (PSFS) is due" in plan_page
    assert "Bring trainers" in plan_page
    checkin = client.post(
        "/api/checkins", json={"pain": 2, "numbness": 3, "psfs": {"sitting through a film": 6}}
    )
    assert checkin.status_code in (200, 201)
    assert "is due" not in client.get("/plan").text


def test_each_alert_is_emailed_to_the_clinicians_once_and_a_due_questionnaire_reminds_the_patient(
    client: TestClient, world: World
) -> None:
    from glutewake.app.clinic.notices import send_notices

    sign_in(client, world.store, world.cleo)
    _assess(client, world)
    _prescribe(world)
    _records(world, world.pat).schedule("nprs_pain", 7, world.clock.now().date(), "Cleo Clinician")
    world.outbox.sent.clear()
    _done_session(world, pain=7)
    assert send_notices(world.clinic, world.clock.now()) == 2
    alert, reminder = sorted(world.outbox.sent, key=lambda e: e.to)
    assert alert.to == "cleo@riverside.example"
    assert "Pat Patient" not in alert.subject + alert.body, "an email names no patient"
    assert f"/staff/patients/{world.pat.id}" in alert.body
    assert "7/10" not in alert.body, "no health record in an email"
    assert reminder.to == "pat@example.org"
    assert "Pain rating (NPRS)" in reminder.body
    assert send_notices(world.clinic, world.clock.now()) == 0, "once per patient per event"
    world.clock.wall += timedelta(days=2)  # an event more than a day old is never emailed late
    assert send_notices(world.clinic, world.clock.now()) == 0


def _full_history(client: TestClient, world: World) -> None:
    sign_in(client, world.store, world.cleo)
    _assess(client, world, notes="Weak left glute medius.")
    _prescribe(world)
    for day in range(5):
        _records(world, world.pat).add_checkin(
            6 - day, 5 - day, {"sitting through a film": 3 + day}, {}, "ok"
        )
        world.clock.wall += timedelta(days=1)
    _done_session(world, pain=2)
    sign_in(client, world.store, world.cleo)  # a new session: five days passed


def test_the_fhir_export_is_a_valid_r4b_bundle_with_the_programme_and_scores(
    client: TestClient, world: World
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    _full_history(client, world)
    response = client.get(f"/api/clinic/patients/{world.pat.id}/fhir")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate(response.json())
    kinds = [entry.resource.__resource_type__ for entry in bundle.entry]
    assert kinds.count("Patient") == 1
    assert kinds.count("CarePlan") == 1
    assert kinds.count("ServiceRequest") == 2  # the bridge and the clamshell
    assert kinds.count("Observation") == 2 * 5
    assert kinds.count("QuestionnaireResponse") == 3 * 5
    requests = [e.resource for e in bundle.entry if e.resource.__resource_type__ == "ServiceRequest"]
    bridge = next(r for r in requests if r.code.text == "Glute bridge")
    assert bridge.patientInstruction.startswith("Glute bridge: 2 × 10 reps")
    assert bridge.note[0].text == "Slowly"
    assert bridge.occurrenceTiming.repeat.dayOfWeek == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    pain = next(e.resource for e in bundle.entry if e.resource.__resource_type__ == "Observation")
    assert pain.code.coding[0].system == "http://loinc.org"
    assert pain.code.coding[0].code == "72514-3"
    assert pain.valueInteger == 6
    sign_in(client, world.store, world.cal)
    assert client.get(f"/api/clinic/patients/{world.pat.id}/fhir").status_code == 404


def test_the_progress_report_reads_back_as_a_pdf_with_the_record(client: TestClient, world: World) -> None:
    import io

    from pypdf import PdfReader

    _full_history(client, world)
    token = form_token(client, f"/staff/patients/{world.pat.id}")
    response = client.post(
        f"/staff/patients/{world.pat.id}/report.pdf",
        data={
            "purpose": "discharge",
            "summary": "Goals met; discharged to home exercise.",
            "csrf_token": token,
        },
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in ("Discharge summary: Pat Patient", "Riverside Physio", "Weak left glute medius", "Glute bridge",
                     "Goals met; discharged to home exercise", "Pain (NPRS", "Adherence"):  # fmt: skip
        assert expected in text, expected
    assert 1 <= len(reader.pages) <= 4
    wrong = client.post(
        f"/staff/patients/{world.pat.id}/report.pdf", data={"purpose": "poem", "csrf_token": token}
    )
    assert wrong.status_code == 422


def test_an_admin_exports_and_erases_a_patient_and_the_audit_keeps_no_health_record(
    client: TestClient, world: World
) -> None:
    _full_history(client, world)
    sign_in(client, world.store, world.admin)
    assert "Pat Patient" in client.get("/admin").text
    exported = client.get(f"/staff/patients/{world.pat.id}/export")
    assert exported.status_code == 200
    document = exported.json()
    assert document["format"] == "glutewake-export"
    assert len(document["checkins"]) == 5
    token = form_token(client, f"/staff/patients/{world.pat.id}/erase")
    wrong = client.post(f"/staff/patients/{world.pat.id}/erase", data={"name": "Pat", "csrf_token": token})
    assert wrong.status_code == 422
    assert world.store.account(world.pat.id) is not None
    gone = client.post(
        f"/staff/patients/{world.pat.id}/erase", data={"name": "pat patient", "csrf_token": token}
    )
    assert gone.status_code == 303
    assert world.store.account(world.pat.id) is None
    assert _records(world, world.pat).is_empty()
    last = next(iter(world.store.audit_entries(world.admin.clinic_id)))
    assert last.what == f"erased a patient's account and records (account {world.pat.id})"
    assert client.get(f"/staff/patients/{world.pat.id}").status_code == 404
    assert world.store.account(world.peg.id) is not None, "nobody else's records"


def test_out_of_range_input_is_refused_with_a_message_never_a_server_error(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.cleo)
    _assess(client, world)
    pid = world.pat.id
    token = form_token(client, f"/staff/patients/{pid}")
    far = client.post(
        f"/staff/patients/{pid}/questionnaires",
        data={"questionnaire": "psfs", "every_days": "7", "starts_on": "9999-12-30", "csrf_token": token},
    )
    assert far.status_code == 422
    assert "within a year of today" in far.text
    path = f"/staff/patients/{pid}/prescribe"
    fields = {"csrf_token": token, "exercise_id": "clamshell", "section": "main", "sets": "2", "reps": "10",
              "phase": "wake_up", "phase_weeks": "4", "weekday": "0"}  # fmt: skip
    huge = client.post(path, data={**fields, "action": "up:" + "9" * 5000})
    assert huge.status_code == 200  # an index no row has: nothing moves
    later = client.post(path, data={**fields, "action": "save", "start": "9999-12-31"})
    assert later.status_code == 422
    assert "between today and a year from now" in later.text
    not_a_date = client.post(path, data={**fields, "action": "save", "start": "31/12/2026"})
    assert not_a_date.status_code == 422
    assert "is not a date" in not_a_date.text
    odd = _assess(client, world, left="²")
    assert odd.status_code == 422  # type: ignore[attr-defined]
    when = (world.clock.now() + timedelta(days=3)).replace(hour=14, minute=30)
    booked = client.post(
        f"/staff/patients/{pid}/follow-ups",
        data={"at": when.strftime("%Y-%m-%dT%H:%M") + "+02:00", "csrf_token": token},
    )
    assert booked.status_code == 303
    assert _records(world, world.pat).follow_ups()[0].at.hour == 12, "an offset is kept, as UTC"
