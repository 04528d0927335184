"""One's own account on the clinic server: who you are, your clinicians, your signed-in sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from glutewake.app.clinic import signin
from glutewake.app.refusals import InputError
from glutewake.identity import Who
from glutewake.web.security import require_csrf
from glutewake.web.views import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, done: str = "") -> Response:
    who: Who = request.state.who
    clinic = request.app.state.clinic
    account = clinic.store.account(who.account_id)
    context = {
        "account": account,
        "sessions": signin.sessions(clinic, who),
        "current": who.session,
        "clinicians": clinic.store.clinicians_of(who.account_id) if who.role == "patient" else [],
        "done": done,
    }
    return render(request, "clinic_account.html", context)


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
