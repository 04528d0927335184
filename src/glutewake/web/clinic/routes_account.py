"""One's own account on the clinic server: who you are, your clinicians, your signed-in sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from glutewake.app.clinic import linking, signin
from glutewake.app.refusals import InputError
from glutewake.identity import Who
from glutewake.web.security import require_csrf
from glutewake.web.views import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _page(request: Request, status: int = 200, **extra: object) -> Response:
    who: Who = request.state.who
    clinic = request.app.state.clinic
    patient = who.role == "patient"
    context = {
        "account": clinic.store.account(who.account_id),
        "sessions": signin.sessions(clinic, who),
        "current": who.session,
        "clinicians": clinic.store.clinicians_of(who.account_id) if patient else [],
        "computers": linking.linked_computers(clinic, who) if patient else [],
        "base_url": clinic.base_url,
        "done": "",
        **extra,
    }
    return render(request, "clinic_account.html", context, status)


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, done: str = "") -> Response:
    return _page(request, done=done)


@router.post("/account/computers")
def link_computer(
    request: Request, name: Annotated[str, Form(max_length=100)] = "", csrf_token: Annotated[str, Form()] = ""
) -> Response:
    """A token for glutewake on the patient's own computer, shown once."""
    require_csrf(request, csrf_token)
    try:
        link = linking.link_computer(request.app.state.clinic, request.state.who, name)
    except InputError as error:
        return _page(request, 422, link_error=str(error).capitalize() + ".", typed_name=name)
    return _page(request, new_link=link.token, linked_name=" ".join(name.split()))


@router.post("/account/computers/{token_id}/unlink")
def unlink_computer(request: Request, token_id: int, csrf_token: Annotated[str, Form()] = "") -> Response:
    require_csrf(request, csrf_token)
    try:
        linking.unlink(request.app.state.clinic, request.state.who, token_id)
    except InputError as error:
        raise HTTPException(404, str(error).capitalize() + ".") from None
    return RedirectResponse("/account?done=unlinked", status_code=303)


@router.post("/account/sessions/end")
def end_session(
    request: Request,
    session: Annotated[str, Form(max_length=64)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, csrf_token)
    who: Who = request.state.who
    try:
        signin.end_session(request.app.state.clinic, who, session)
    except InputError as error:
        raise HTTPException(409, str(error).capitalize() + ".") from None
    if session == who.session:
        return RedirectResponse("/signin", status_code=303)
    return RedirectResponse("/account?done=ended", status_code=303)
