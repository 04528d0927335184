"""A clinician's care of one patient: acknowledging alerts, deciding proposed changes, the
assessment in clinic, clinical notes, questionnaires and follow-up appointments."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from glutewake.app.clinic import care, prescribing
from glutewake.app.clinic.accounts import NotFound, their_patient
from glutewake.app.clinic.dashboard import acknowledge
from glutewake.app.refusals import FieldErrors, InputError
from glutewake.app.region import knowledge
from glutewake.core.attention import Standing
from glutewake.core.numbers import whole_number
from glutewake.core.triage import SEXES
from glutewake.identity import Who
from glutewake.web.forms import selftest_answers
from glutewake.web.security import require_csrf
from glutewake.web.views import FormText, RecordId, render, sentence

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

LongText = Annotated[str, Form(max_length=6000)]
Texts = Annotated[list[str] | None, Form()]


def _back(patient_id: int, status: str) -> Response:
    from urllib.parse import quote

    return RedirectResponse(f"/staff/patients/{patient_id}?done={quote(status)}", status_code=303)


@router.post("/staff/patients/{patient_id}/alerts/{source}/{source_id}")
def acknowledge_alert(
    request: Request,
    patient_id: int,
    source: Literal["checkin", "session", "plan"],
    source_id: RecordId,
    note: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: FormText = "",
) -> Response:
    require_csrf(request, csrf_token)
    try:
        acknowledge(request.app.state.clinic, request.state.who, patient_id, source, source_id, note)
    except NotFound:
        raise HTTPException(404) from None
    except InputError as error:
        return record_page(request, patient_id, 422, error=sentence(str(error)))
    return RedirectResponse("/staff?done=acknowledged+the+alert", status_code=303)


@router.post("/staff/patients/{patient_id}/changes")
def decide_change(
    request: Request,
    patient_id: int,
    key: Annotated[str, Form(max_length=100)] = "",
    decision: Literal["approve", "decline"] = Form(),
    note: Annotated[str, Form(max_length=500)] = "",
    csrf_token: FormText = "",
) -> Response:
    require_csrf(request, csrf_token)
    today = request.app.state.clock.now().date()
    try:
        prescribing.decide(
            request.app.state.clinic,
            request.state.who,
            patient_id,
            key,
            approve=decision == "approve",
            note=note,
            today=today,
        )
    except NotFound as error:
        return record_page(request, patient_id, 409, error=sentence(str(error)))
    return _back(patient_id, "approved the change" if decision == "approve" else "declined the change")


@router.post("/staff/patients/{patient_id}/resume")
def resume_programme(
    request: Request,
    patient_id: int,
    note: Annotated[str, Form(max_length=500)] = "",
    easier: Annotated[str, Form(max_length=10)] = "",
    csrf_token: FormText = "",
) -> Response:
    """Go on with a programme paused for safety; the clinician's decision, with a note."""
    require_csrf(request, csrf_token)
    try:
        prescribing.resume_programme(
            request.app.state.clinic,
            request.state.who,
            patient_id,
            easier=easier == "yes",
            note=note,
            today=request.app.state.clock.now().date(),
        )
    except prescribing.NotPaused as error:
        return record_page(request, patient_id, 409, error=sentence(str(error)))
    except InputError as error:
        return record_page(request, patient_id, 422, error=sentence(str(error)))
    return _back(patient_id, "resumed the programme")


def record_page(request: Request, patient_id: int, http_status: int = 200, **extra: object) -> Response:
    who: Who = request.state.who
    clinic = request.app.state.clinic
    try:
        record = care.patient_record(clinic, who, patient_id, request.app.state.clock.now())
    except NotFound:
        raise HTTPException(404) from None
    from glutewake.core.questionnaires import QUESTIONNAIRES
    from glutewake.web.routes_journal import progress_view

    context = {
        "record": record,
        "patient": record.patient,
        "today": request.app.state.clock.now().date(),
        "questionnaires": QUESTIONNAIRES,
        "changed": Standing.changed,  # whether a (start, now) pair moved by the minimal important change
        **progress_view(record.progress),
        **extra,
    }
    return render(request, "clinic_patient.html", context, http_status)


@router.get("/staff/patients/{patient_id}/assess", response_class=HTMLResponse)
def assess_page(request: Request, patient_id: int) -> Response:
    return _assess_form(request, patient_id, {})


def _assess_form(
    request: Request,
    patient_id: int,
    given: Mapping[str, object],
    code: int = 200,
    errors: list[str] | None = None,
) -> Response:
    try:
        patient = their_patient(request.app.state.clinic, request.state.who, patient_id)
    except NotFound:
        raise HTTPException(404) from None
    from glutewake.core.selftests import SIDES

    kb = knowledge()
    context = {
        "patient": patient,
        "screens": [(screen.title, screen.stage, screen.findings) for screen in kb.triage.screens]
        + [
            (
                "Other questions",
                3,
                tuple(
                    f for f in kb.findings if f not in {x for sc in kb.triage.screens for x in sc.findings}
                ),
            )
        ],
        "findings": kb.findings,
        "sexes": SEXES,
        "given": given,
        "errors": errors or [],
        "sides": SIDES,
        "age": request.app.state.clock.now().year - (patient.birth_year or 0),
    }
    return render(request, "clinic_assess.html", context, code)


@router.post("/staff/patients/{patient_id}/assess", response_class=HTMLResponse)
async def assess(request: Request, patient_id: int) -> Response:
    form = await request.form()
    require_csrf(request, str(form.get("csrf_token", "")))
    given = {
        key: form.getlist(key) if key in ("bridge", "signs") else str(form.get(key, ""))[:6000]
        for key in form
    }
    errors: list[str] = []
    answers: dict[str, bool | None] = {}
    for finding in knowledge().findings:
        value = str(form.get(f"f_{finding}", ""))
        if value in ("yes", "no"):
            answers[finding] = value == "yes"
        elif value == "unsure":
            answers[finding] = None
    weeks = whole_number(str(form.get("weeks", "")), 0, 5200)
    raw_case = {
        "age": whole_number(str(form.get("age", "")), 0, 120),
        "sex": str(form.get("sex", "")),
        "duration_days": None if weeks is None else weeks * 7,
        "answers": answers,
    }
    from glutewake.app.checks import parse_case

    case = None
    try:
        case = parse_case(raw_case)
    except FieldErrors as problems:
        errors += [_case_problem(field) for field, _ in problems.problems]
    selftests, selftest_errors = selftest_answers(given)
    errors += selftest_errors
    if not answers:
        errors.append("Answer at least the questions you asked; leave the rest as not asked.")
    if errors or case is None:
        return _assess_form(request, patient_id, given, 422, errors)
    try:
        result = care.assess(
            request.app.state.clinic,
            request.state.who,
            patient_id,
            case,
            selftests,
            str(form.get("notes", "")),
        )
    except NotFound:
        raise HTTPException(404) from None
    except InputError as error:
        return _assess_form(request, patient_id, given, 422, [sentence(str(error))])
    return _back(patient_id, f"recorded the assessment: {result.title or result.urgency}")


def _case_problem(field: str) -> str:
    return {
        "age": "Give the patient's age in whole years, from 0 to 120.",
        "sex": "Choose the patient's sex.",
        "duration_days": "Give how many weeks the symptoms have lasted, as a whole number.",
    }.get(field, "Some answers could not be read; choose them again from the options shown.")


@router.post("/staff/patients/{patient_id}/notes")
def add_note(request: Request, patient_id: int, text: LongText = "", csrf_token: FormText = "") -> Response:
    require_csrf(request, csrf_token)
    try:
        care.add_note(request.app.state.clinic, request.state.who, patient_id, text)
    except NotFound:
        raise HTTPException(404) from None
    except InputError as error:
        return record_page(request, patient_id, 422, error=sentence(str(error)))
    return _back(patient_id, "saved the note")


@router.post("/staff/patients/{patient_id}/questionnaires")
def schedule(
    request: Request,
    patient_id: int,
    questionnaire: FormText = "",
    every_days: FormText = "7",
    starts_on: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    require_csrf(request, csrf_token)
    try:
        every = whole_number(every_days, 1, 365)
        if every is None:
            raise InputError("give how often in days, a whole number from 1 to 365 (7 for weekly)")
        start = _day(starts_on) if starts_on.strip() else request.app.state.clock.now().date()
        care.schedule(request.app.state.clinic, request.state.who, patient_id, questionnaire, every, start)
    except NotFound:
        raise HTTPException(404) from None
    except InputError as error:
        return record_page(request, patient_id, 422, error=sentence(str(error)))
    return _back(patient_id, "scheduled the questionnaire")


@router.post("/staff/patients/{patient_id}/questionnaires/{questionnaire}/stop")
def unschedule(request: Request, patient_id: int, questionnaire: str, csrf_token: FormText = "") -> Response:
    require_csrf(request, csrf_token)
    try:
        care.unschedule(request.app.state.clinic, request.state.who, patient_id, questionnaire[:40])
    except NotFound:
        raise HTTPException(404) from None
    return _back(patient_id, "stopped the questionnaire")


@router.post("/staff/patients/{patient_id}/follow-ups")
def add_follow_up(
    request: Request, patient_id: int, at: FormText = "", note: FormText = "", csrf_token: FormText = ""
) -> Response:
    require_csrf(request, csrf_token)
    now = request.app.state.clock.now()
    try:
        try:
            given = datetime.fromisoformat(at.strip())
            moment = given.astimezone(UTC) if given.tzinfo else given.replace(tzinfo=UTC)
        except ValueError:
            raise InputError("give the appointment's date and time, such as 2026-12-15 14:30") from None
        care.add_follow_up(request.app.state.clinic, request.state.who, patient_id, moment, note, now)
    except NotFound:
        raise HTTPException(404) from None
    except InputError as error:
        return record_page(request, patient_id, 422, error=sentence(str(error)))
    return _back(patient_id, "booked the follow-up")


@router.post("/staff/patients/{patient_id}/follow-ups/{follow_up_id}/cancel")
def cancel_follow_up(
    request: Request, patient_id: int, follow_up_id: RecordId, csrf_token: FormText = ""
) -> Response:
    require_csrf(request, csrf_token)
    try:
        care.remove_follow_up(request.app.state.clinic, request.state.who, patient_id, follow_up_id)
    except NotFound:
        raise HTTPException(404) from None
    return _back(patient_id, "cancelled the follow-up")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{text.strip()!r} is not a date; write it as 2026-12-01") from None
