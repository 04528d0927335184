"""Prescribing: the programme editor (start from the generated plan, a template or nothing; add,
remove and reorder exercises; set each dose and note, the weeks, phases and weekdays), saving it
as the patient's plan or as a clinic template, and the clinic's templates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from glutewake.app.clinic import prescribing
from glutewake.app.clinic.accounts import NotFound, their_patient
from glutewake.app.refusals import InputError, NoTriage
from glutewake.app.region import knowledge
from glutewake.core.prescription import SECTIONS, Override, PhaseSpan, Prescribed, Prescription, Section
from glutewake.core.programme import Progression
from glutewake.web.security import require_csrf
from glutewake.web.views import RecordId, render, sentence

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_DAY_NUMBERS = tuple(str(n) for n in range(7))
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PHASES = {"wake_up": "Wake-up (activation)", "strengthen": "Strengthen", "load": "Load"}


def _editor(
    request: Request, patient_id: int, prescription: Prescription, code: int = 200, **extra: Any
) -> Response:
    try:
        patient = their_patient(request.app.state.clinic, request.state.who, patient_id)
    except NotFound:
        raise HTTPException(404) from None
    kb = knowledge()
    context = {
        "patient": patient,
        "p": prescription,
        "sections": SECTIONS,
        "weekdays": WEEKDAYS,
        "phases": PHASES,
        "library": sorted(kb.exercises.values(), key=lambda e: (e.kind, e.name)),
        "templates": prescribing.templates(request.app.state.clinic, request.state.who),
        "start": extra.pop("start", request.app.state.clock.now().date()),
        "conflicts": [],
        "errors": [],
        **extra,
    }
    return render(request, "clinic_prescribe.html", context, code)


@router.get("/staff/patients/{patient_id}/prescribe", response_class=HTMLResponse)
def prescribe_page(
    request: Request,
    patient_id: int,
    start_from: Annotated[str, Query(alias="from", max_length=40)] = "current",
) -> Response:
    today = request.app.state.clock.now().date()
    try:
        start = prescribing.starting_point(
            request.app.state.clinic, request.state.who, patient_id, start_from, today
        )
    except NotFound:
        raise HTTPException(404) from None
    except NoTriage as refusal:
        return _editor(request, patient_id, Prescription(()), errors=[sentence(str(refusal))])
    return _editor(request, patient_id, start)


def _text(form: FormData, name: str, limit: int = 500) -> str:
    return str(form.get(name, ""))[:limit].strip()


def _numbers(form: FormData, name: str) -> list[str]:
    return [str(v)[:20].strip() for v in form.getlist(name)]


def _number(text: str, what: str, *, decimal: bool = False) -> float | None:
    if not text:
        return None
    try:
        return float(text.replace(",", ".")) if decimal else int(text)
    except ValueError:
        raise InputError(f"{what}: {text!r} is not a number") from None


def _read(form: FormData) -> Prescription:
    """The prescription the editor's fields describe; `InputError` for a field that is not a number."""
    kb = knowledge()
    ids = [str(v)[:64] for v in form.getlist("exercise_id")]
    columns = {
        name: _numbers(form, name) for name in ("sets", "reps", "hold", "load", "from_week", "to_week")
    }
    sections = [str(v) for v in form.getlist("section")]
    sides = [str(v) for v in form.getlist("per_side")]
    tempos = [str(v)[:10].strip() for v in form.getlist("tempo")]
    notes = [str(v)[:500].strip() for v in form.getlist("note")]
    exercises = []
    for n, exercise_id in enumerate(ids):
        name = kb.exercises[exercise_id].name if exercise_id in kb.exercises else exercise_id

        def cell(column: str, row: int = n) -> str:
            values = columns[column]
            return values[row] if row < len(values) else ""

        section = sections[n] if n < len(sections) and sections[n] in SECTIONS else "main"
        exercises.append(
            Prescribed(
                exercise_id,
                int(_number(cell("sets"), f"{name}, sets") or 0),
                _int(_number(cell("reps"), f"{name}, reps")),
                _int(_number(cell("hold"), f"{name}, hold seconds")),
                n < len(sides) and sides[n] == "yes",
                _number(cell("load"), f"{name}, load", decimal=True),
                (tempos[n] if n < len(tempos) else "") or None,
                (notes[n] if n < len(notes) else "") or None,
                section,  # type: ignore[arg-type]
                int(_number(cell("from_week"), f"{name}, from week") or 1),
                _int(_number(cell("to_week"), f"{name}, to week")),
            )
        )
    phases = []
    for phase, weeks in zip(form.getlist("phase"), _numbers(form, "phase_weeks"), strict=False):
        if str(phase) in PHASES:
            phases.append(PhaseSpan(str(phase), int(_number(weeks, "a phase's weeks") or 0)))  # type: ignore[arg-type]
    weekdays = tuple(sorted({int(str(d)) for d in form.getlist("weekday") if str(d) in _DAY_NUMBERS}))
    overrides = tuple(
        Override(exercise_id, _text(form, f"override_{exercise_id}"))
        for exercise_id in dict.fromkeys(ids)
        if _text(form, f"override_{exercise_id}")
    )
    progression: Progression = "approval" if form.get("progression") == "approval" else "automatic"
    return Prescription(
        tuple(exercises),
        tuple(phases),
        weekdays,
        progression,
        _text(form, "programme_note") or None,
        overrides,
    )


def _read_or_empty(form: FormData) -> Prescription:
    try:
        return _read(form)
    except InputError:
        return Prescription(())


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _edited(form: FormData, prescription: Prescription) -> Prescription:
    """The editor's own buttons: add an exercise or a phase, remove one, move one up or down."""
    action = str(form.get("action", ""))
    rows = list(prescription.exercises)
    kind, _, index_text = action.partition(":")
    known = index_text.isascii() and index_text.isdecimal() and len(index_text) <= 3
    index = int(index_text) if known and int(index_text) < max(len(rows), len(prescription.phases)) else None
    if kind == "add":
        wanted = _text(form, "add_exercise", 200).lower()
        kb = knowledge()
        found = next((e for e in kb.exercises.values() if wanted in (e.id, e.name.lower())), None)
        if found is None:
            raise InputError(
                f"choose an exercise from the library list{f', not {wanted!r}' if wanted else ''}"
            )
        dose = found.dose
        section: Section = "stretches" if found.kind in ("stretch", "release") else "main"
        rows.append(
            Prescribed(found.id, dose.sets, dose.reps, dose.hold_seconds, dose.per_side, section=section)
        )
    elif kind == "remove" and index is not None and index < len(rows):
        rows.pop(index)
    elif kind in ("up", "down") and index is not None and index < len(rows):
        other = index - 1 if kind == "up" else index + 1
        if 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]
    elif kind == "add_phase":
        last = prescription.phases[-1].phase if prescription.phases else "wake_up"
        following = {"wake_up": "strengthen", "strengthen": "load", "load": "load"}[last]
        return replace(prescription, phases=(*prescription.phases, PhaseSpan(following, 2)))  # type: ignore[arg-type]
    elif kind == "remove_phase" and index is not None and index < len(prescription.phases):
        return replace(prescription, phases=tuple(p for n, p in enumerate(prescription.phases) if n != index))
    return replace(prescription, exercises=tuple(rows))


@router.post("/staff/patients/{patient_id}/prescribe", response_class=HTMLResponse)
async def prescribe(request: Request, patient_id: int) -> Response:
    form = await request.form()
    require_csrf(request, str(form.get("csrf_token", "")))
    clinic, who = request.app.state.clinic, request.state.who
    action = str(form.get("action", ""))
    start_text = _text(form, "start", 20)
    today = request.app.state.clock.now().date()
    try:
        start = date.fromisoformat(start_text) if start_text else today
    except ValueError:
        problem = f"“{start_text}” is not a date; write it as {today.isoformat()}."
        return _editor(request, patient_id, _read_or_empty(form), 422, errors=[problem], start=today)
    try:
        prescription = _read(form)
    except InputError as error:
        return _editor(request, patient_id, Prescription(()), 422, errors=[sentence(str(error))], start=start)
    try:
        if action == "save":
            if not today <= start <= today + timedelta(days=365):
                raise InputError("a programme starts between today and a year from now")
            prescribing.prescribe(clinic, who, patient_id, prescription, start)
            return RedirectResponse(
                f"/staff/patients/{patient_id}?done=prescribed+the+programme", status_code=303
            )
        if action == "save_template":
            prescribing.save_template(clinic, who, _text(form, "template_name", 200), prescription)
            return _editor(
                request, patient_id, prescription, status="Saved as a clinic template.", start=start
            )
        return _editor(request, patient_id, _edited(form, prescription), start=start)
    except NotFound:
        raise HTTPException(404) from None
    except prescribing.NeedsConfirmation as refusal:
        return _editor(request, patient_id, prescription, 422, conflicts=refusal.conflicts, start=start,
                       errors=["The latest symptom check rules out some of these exercises. Confirm each one below with your reason, or remove it."])  # fmt: skip
    except (InputError, NoTriage) as refusal:
        return _editor(request, patient_id, prescription, 422, errors=[sentence(str(refusal))], start=start)


@router.get("/staff/templates", response_class=HTMLResponse)
def templates_page(request: Request) -> Response:
    found = prescribing.templates(request.app.state.clinic, request.state.who)
    return render(request, "clinic_templates.html", {"templates": found})


@router.post("/staff/templates/{template_id}/delete")
def delete_template(
    request: Request, template_id: RecordId, csrf_token: Annotated[str, Form(max_length=400)] = ""
) -> Response:
    require_csrf(request, csrf_token)
    try:
        prescribing.delete_template(request.app.state.clinic, request.state.who, template_id)
    except NotFound:
        raise HTTPException(404) from None
    return RedirectResponse("/staff/templates", status_code=303)
