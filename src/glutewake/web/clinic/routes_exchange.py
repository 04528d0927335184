"""What leaves the server about one patient: the PDF report, FHIR, the whole record; and erasing
the patient (a confirmation page first)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from glutewake.app.clinic import exchange
from glutewake.app.clinic.accounts import NotFound, clinic_patient
from glutewake.app.refusals import InputError
from glutewake.web.security import require_csrf
from glutewake.web.views import FormText, render, sentence

__all__ = ["router"]

router = APIRouter()


def _file_name(name: str, suffix: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in name).strip("-").lower() or "patient"
    return f"{safe}-{suffix}"


def _fhir(request: Request, patient_id: int) -> dict[str, Any]:
    try:
        return exchange.fhir_record(
            request.app.state.clinic, request.state.who, patient_id, request.app.state.clock.now()
        )
    except NotFound:
        raise HTTPException(404) from None


@router.get(
    "/api/clinic/patients/{patient_id}/fhir",
    tags=["clinic"],
    summary="A patient's record as a FHIR R4B Bundle (their clinician, or their clinic's admin)",
    response_class=JSONResponse,
    responses={
        200: {
            "description": "A FHIR R4B Bundle of type collection",
            "content": {"application/fhir+json": {}},
        },
        404: {"description": "No such patient of yours"},
    },
)
def fhir_api(request: Request, patient_id: int) -> JSONResponse:
    return JSONResponse(_fhir(request, patient_id), media_type="application/fhir+json")


@router.get("/staff/patients/{patient_id}/fhir", include_in_schema=False)
def fhir_download(request: Request, patient_id: int) -> Response:
    data = _fhir(request, patient_id)
    name = data["entry"][0]["resource"]["name"][0]["text"]
    return Response(
        json.dumps(data, indent=1),
        media_type="application/fhir+json",
        headers={"Content-Disposition": f'attachment; filename="{_file_name(name, "fhir.json")}"'},
    )


@router.get("/staff/patients/{patient_id}/export", include_in_schema=False)
def export_download(request: Request, patient_id: int) -> Response:
    try:
        patient = clinic_patient(request.app.state.clinic, request.state.who, patient_id)
        document = exchange.export_record(request.app.state.clinic, request.state.who, patient_id)
    except NotFound:
        raise HTTPException(404) from None
    return Response(
        json.dumps(document, indent=1),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{_file_name(patient.display_name, "glutewake.json")}"'
        },
    )


@router.post("/staff/patients/{patient_id}/report.pdf", include_in_schema=False)
def report(
    request: Request,
    patient_id: int,
    purpose: FormText = "progress",
    summary: Annotated[str, Form(max_length=6000)] = "",
    csrf_token: FormText = "",
) -> Response:
    require_csrf(request, csrf_token)
    clinic, who = request.app.state.clinic, request.state.who
    try:
        pdf = exchange.progress_report_pdf(
            clinic, who, patient_id, purpose, summary, request.app.state.clock.now()
        )
        patient = clinic_patient(clinic, who, patient_id)
    except NotFound:
        raise HTTPException(404) from None
    except InputError as error:
        from glutewake.web.clinic.routes_care import record_page

        return record_page(request, patient_id, 422, error=sentence(str(error)))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{_file_name(patient.display_name, purpose + ".pdf")}"'
        },
    )


@router.get("/staff/patients/{patient_id}/erase", response_class=HTMLResponse, include_in_schema=False)
def erase_page(request: Request, patient_id: int) -> Response:
    try:
        patient = clinic_patient(request.app.state.clinic, request.state.who, patient_id)
    except NotFound:
        raise HTTPException(404) from None
    return render(
        request, "clinic_erase.html", {"patient": patient, "error": None, "back": _back(request, patient_id)}
    )


def _back(request: Request, patient_id: int) -> str:
    """Where "back" leads: the record for their clinician, the admin page for an admin who is not."""
    if request.app.state.clinic.store.cares_for(request.state.who.account_id, patient_id):
        return f"/staff/patients/{patient_id}"
    return "/admin#patients"


@router.post("/staff/patients/{patient_id}/erase", include_in_schema=False)
def erase(request: Request, patient_id: int, name: FormText = "", csrf_token: FormText = "") -> Response:
    require_csrf(request, csrf_token)
    clinic, who = request.app.state.clinic, request.state.who
    try:
        patient = clinic_patient(clinic, who, patient_id)
        exchange.erase_patient(clinic, who, patient_id, name)
    except NotFound:
        raise HTTPException(404) from None
    except InputError as error:
        context = {"patient": patient, "error": sentence(str(error)), "back": _back(request, patient_id)}
        return render(request, "clinic_erase.html", context, 422)
    if who.role == "admin" and not clinic.store.patients_of(who.account_id):
        return RedirectResponse("/admin", status_code=303)
    return RedirectResponse("/staff?done=erased+the+patient+and+their+records", status_code=303)
