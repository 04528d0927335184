"""A clinician's pages: their patients, adding a patient (with a paper code and an emailed link),
one patient's page, a new paper code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from glutewake.app.clinic import accounts
from glutewake.app.clinic.dashboard import dashboard
from glutewake.app.refusals import InputError
from glutewake.core.attention import TIERS
from glutewake.identity import Who
from glutewake.web.security import require_csrf
from glutewake.web.views import FormText, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _list(
    request: Request, code: int = 200, *, search: str = "", only: str = "", **extra: object
) -> Response:
    who: Who = request.state.who
    now = request.app.state.clock.now()
    rows = dashboard(request.app.state.clinic, who, now, search=search, only=only if only in _TIERS else "")
    context = {"rows": rows, "tiers": TIERS, "search": search, "only": only, "typed": {}, **extra}
    return render(request, "clinic_staff.html", context, code)


_TIERS = {tier_id for tier_id, _, _ in TIERS}


@router.get("/staff", response_class=HTMLResponse)
def staff_home(
    request: Request,
    q: Annotated[str, Query(max_length=200)] = "",
    only: Annotated[str, Query(max_length=20)] = "",
    done: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """The dashboard: the clinician's patients, those who need attention first."""
    return _list(request, search=q, only=only, status=f"Done: {done}." if done else "")


@router.post("/staff/patients")
def add_patient(
    request: Request,
    name: FormText = "",
    birth_year: FormText = "",
    email: FormText = "",
    csrf_token: FormText = "",
) -> Response:
    require_csrf(request, csrf_token)
    who: Who = request.state.who
    typed = {"name": name, "birth_year": birth_year, "email": email}
    year = birth_year.strip()
    try:
        if not (year.isdecimal() and len(year) == 4):
            raise InputError("give the year of birth in four digits, such as 1984")
        added = accounts.add_patient(
            request.app.state.clinic, who, name, int(year), email, request.app.state.clock.now().year
        )
    except InputError as error:
        return _list(request, 422, error=str(error).capitalize() + ".", typed=typed)
    return _patient(request, added.account.id, code=added.code, emailed=added.emailed or "")


def _patient(request: Request, patient_id: int, **extra: object) -> Response:
    from glutewake.web.clinic.routes_care import record_page

    return record_page(request, patient_id, 200, **extra)


@router.get("/staff/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(
    request: Request, patient_id: int, done: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    """Everything about one patient on one page."""
    return _patient(request, patient_id, status=done)


@router.post("/staff/patients/{patient_id}/code")
def new_code(request: Request, patient_id: int, csrf_token: FormText = "") -> Response:
    require_csrf(request, csrf_token)
    code = accounts.new_paper_code(request.app.state.clinic, request.state.who, patient_id)
    return _patient(request, patient_id, code=code)
