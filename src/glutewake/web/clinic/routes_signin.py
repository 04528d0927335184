"""Signing in to the clinic server: patients by emailed link or paper code, staff by password and
a second factor; choosing a password from an invitation or a reset link; signing out.

A link from an email opens a page with a button, and only the button's POST uses the link up,
so a mail scanner that opens links cannot spend it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from glutewake.app.clinic import signin
from glutewake.app.clinic.signin import IDLE, NewSession, SignInRefused, TooManyAttempts
from glutewake.app.refusals import InputError
from glutewake.identity import Who, credentials
from glutewake.web.security import require_csrf
from glutewake.web.views import FormText, render

__all__ = ["address", "device", "home_of", "refusal_status", "router", "signed_in_response"]

router = APIRouter(include_in_schema=False)

Token = Annotated[str, Query(max_length=100)]


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def device(request: Request) -> str:
    return request.headers.get("user-agent", "")[:200] or "an unnamed browser"


def refusal_status(error: Exception) -> int:
    return 429 if isinstance(error, TooManyAttempts) else 401 if isinstance(error, SignInRefused) else 422


def signed_in_response(request: Request, new: NewSession, target: str) -> Response:
    response = RedirectResponse(target, status_code=303)
    patient = new.account.role == "patient"
    response.set_cookie(
        request.app.state.cookie,
        new.cookie,
        max_age=int(IDLE["patient"].total_seconds()) if patient else None,  # staff: until the browser closes
        httponly=True,
        secure=request.app.state.secure,
        samesite="lax",  # sent when a link in an email opens the app
        path="/",
    )
    return response


def home_of(new: NewSession) -> str:
    if new.stage == "enrol":
        return "/signin/enrol"
    if new.stage == "second_factor":
        return "/signin/second-factor"
    return {"patient": "/", "clinician": "/staff", "admin": "/admin"}[new.account.role]


@router.get("/signin", response_class=HTMLResponse)
def signin_page(request: Request, token: Token = "") -> Response:
    return render(request, "clinic_signin.html", {"mode": "link" if token else "start", "token": token})


@router.post("/signin")
def signin_post(request: Request, token: FormText = "", email: FormText = "") -> Response:
    clinic = request.app.state.clinic
    try:
        if token:
            new = signin.sign_in_with_link(clinic, token, device(request))
            return signed_in_response(request, new, home_of(new))
        signin.request_link(clinic, email, address(request))
    except (SignInRefused, TooManyAttempts, InputError) as error:
        context = {"mode": "start", "error": str(error), "email": email}
        return render(request, "clinic_signin.html", context, refusal_status(error))
    return render(request, "clinic_sent.html", {"what": "sign-in link", "email": email.strip()})


@router.get("/signin/code", response_class=HTMLResponse)
def code_page(request: Request) -> Response:
    return render(request, "clinic_code.html", {})


@router.post("/signin/code")
def code_post(request: Request, code: FormText = "", birth_year: FormText = "") -> Response:
    try:
        new = signin.sign_in_with_code(
            request.app.state.clinic, code, birth_year, address(request), device(request)
        )
    except (SignInRefused, TooManyAttempts) as error:
        context = {"error": str(error), "code": code, "birth_year": birth_year}
        return render(request, "clinic_code.html", context, refusal_status(error))
    return signed_in_response(request, new, home_of(new))


@router.get("/signin/staff", response_class=HTMLResponse)
def staff_page(request: Request, reset: bool = False) -> Response:
    return render(request, "clinic_staff_signin.html", {"reset": reset})


@router.post("/signin/staff")
def staff_post(request: Request, email: FormText = "", password: FormText = "") -> Response:
    try:
        new = signin.sign_in_with_password(
            request.app.state.clinic, email, password, address(request), device(request)
        )
    except (SignInRefused, TooManyAttempts) as error:
        return render(
            request, "clinic_staff_signin.html", {"error": str(error), "email": email}, refusal_status(error)
        )
    return signed_in_response(request, new, home_of(new))


def _who(request: Request) -> Who:
    who: Who = request.state.who
    return who


@router.get("/signin/second-factor", response_class=HTMLResponse)
def second_factor_page(request: Request) -> Response:
    return render(request, "clinic_second_factor.html", _factors(request))


def _factors(request: Request) -> dict[str, bool]:
    """Which second factors the half-signed-in member of staff has."""
    account = request.app.state.clinic.store.account(_who(request).account_id)
    return {
        "has_passkey": bool(account and account.passkeys),
        "has_totp": bool(account and account.totp_secret),
    }


@router.post("/signin/second-factor")
def second_factor_post(request: Request, code: FormText = "", csrf_token: FormText = "") -> Response:
    require_csrf(request, csrf_token)
    clock = request.app.state.clock
    try:
        new = signin.give_second_factor(
            request.app.state.clinic, _who(request), code, address(request), clock.now().timestamp()
        )
    except (SignInRefused, TooManyAttempts) as error:
        context = {"error": str(error), **_factors(request)}
        return render(request, "clinic_second_factor.html", context, refusal_status(error))
    return signed_in_response(request, new, home_of(new))


def _enrol_page(request: Request, secret: str, error: str = "", status: int = 200) -> Response:
    import segno

    who = _who(request)
    account = request.app.state.clinic.store.account(who.account_id)
    clinic_name = request.app.state.clinic.store.clinic_name(who.clinic_id)
    uri = credentials.totp_uri(secret, account.email or who.name, f"glutewake {clinic_name}")
    qr = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", omitsize=False)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    context = {"secret": secret, "grouped": grouped, "qr": qr, "error": error, "first": who.stage == "enrol"}
    return render(request, "clinic_enrol.html", context, status)


@router.get("/signin/enrol", response_class=HTMLResponse)
def enrol_page(request: Request) -> Response:
    return _enrol_page(request, credentials.new_totp_secret())


@router.post("/signin/enrol")
def enrol_post(
    request: Request, secret: FormText = "", code: FormText = "", csrf_token: FormText = ""
) -> Response:
    require_csrf(request, csrf_token)
    clock = request.app.state.clock
    try:
        new = signin.enrol_authenticator(
            request.app.state.clinic, _who(request), secret, code, clock.now().timestamp()
        )
    except InputError as error:
        return _enrol_page(
            request, secret if secret.isalnum() else credentials.new_totp_secret(), str(error), 422
        )
    if new is None:
        return RedirectResponse("/account?done=authenticator", status_code=303)
    return signed_in_response(request, new, home_of(new))


@router.get("/signin/invite", response_class=HTMLResponse)
def invite_page(request: Request, token: Token = "") -> Response:
    account = signin.invited(request.app.state.clinic, token) if token else None
    context = {"token": token, "account": account}
    return render(request, "clinic_password.html", {**context, "mode": "invite"}, 200 if account else 404)


@router.post("/signin/invite")
def invite_post(request: Request, token: FormText = "", password: FormText = "") -> Response:
    clinic = request.app.state.clinic
    try:
        new = signin.accept_invite(clinic, token, password, device(request))
    except (SignInRefused, InputError) as error:
        context = {
            "token": token,
            "account": signin.invited(clinic, token),
            "error": str(error),
            "mode": "invite",
        }
        return render(request, "clinic_password.html", context, refusal_status(error))
    return signed_in_response(request, new, home_of(new))


@router.get("/signin/reset", response_class=HTMLResponse)
def reset_page(request: Request, token: Token = "") -> Response:
    return render(
        request, "clinic_password.html", {"token": token, "mode": "reset" if token else "ask-reset"}
    )


@router.post("/signin/reset")
def reset_post(
    request: Request, token: FormText = "", password: FormText = "", email: FormText = ""
) -> Response:
    clinic = request.app.state.clinic
    try:
        if not token:
            signin.request_reset(clinic, email, address(request))
            return render(
                request, "clinic_sent.html", {"what": "link to choose a new password", "email": email}
            )
        signin.reset_password(clinic, token, password)
    except (SignInRefused, TooManyAttempts, InputError) as error:
        context = {
            "token": token,
            "error": str(error),
            "mode": "reset" if token else "ask-reset",
            "email": email,
        }
        return render(request, "clinic_password.html", context, refusal_status(error))
    return RedirectResponse("/signin/staff?reset=1", status_code=303)


@router.post("/signout")
def signout(request: Request, csrf_token: FormText = "") -> Response:
    require_csrf(request, csrf_token)
    signin.sign_out(request.app.state.clinic, _who(request))
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(request.app.state.cookie, path="/", secure=request.app.state.secure, httponly=True)
    return response
