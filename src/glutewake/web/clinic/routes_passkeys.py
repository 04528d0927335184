"""Passkey ceremonies, for the page's script (static/passkeys.js): options out, the browser's answer in.

Each pair is `.../options` (the challenge) and the route itself (the passkey's answer, JSON).
A signed-in session's requests carry its form token in `X-CSRF-Token`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from glutewake.app.clinic import passkeys
from glutewake.app.clinic.signin import IDLE, NewSession, SignInRefused, TooManyAttempts
from glutewake.app.refusals import InputError
from glutewake.identity import Who
from glutewake.web.clinic.routes_signin import address, device, home_of, refusal_status
from glutewake.web.security import require_csrf

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
CHALLENGE_COOKIE = "glutewake_passkey"


def _party(request: Request, who: Who | None = None) -> passkeys.Party:
    clinic = request.app.state.clinic
    name = clinic.store.clinic_name(who.clinic_id) if who is not None else "glutewake"
    return passkeys.Party(
        urlsplit(clinic.base_url).hostname or "localhost",
        f"glutewake {name}".strip(),
        request.app.state.origin,
    )


def _json(text: str, status: int = 200) -> Response:
    return Response(text, status_code=status, media_type="application/json")


def _refusal(error: Exception) -> Response:
    return JSONResponse(
        {"detail": str(error)},
        status_code=refusal_status(error) if not isinstance(error, InputError) else 400,
    )


def _done(request: Request, new: NewSession | None, fallback: str) -> Response:
    response = JSONResponse({"next": home_of(new) if new is not None else fallback})
    if new is not None:
        patient = new.account.role == "patient"
        response.set_cookie(
            request.app.state.cookie,
            new.cookie,
            max_age=int(IDLE["patient"].total_seconds()) if patient else None,
            httponly=True,
            secure=request.app.state.secure,
            samesite="lax",
            path="/",
        )
    return response


def _checked(request: Request) -> Who:
    require_csrf(request, request.headers.get("x-csrf-token"))
    who: Who = request.state.who
    return who


@router.post("/signin/passkey/new/options")
def new_options(request: Request) -> Response:
    who = _checked(request)
    return _json(passkeys.registration_options(request.app.state.clinic, who, _party(request, who)))


@router.post("/signin/passkey/new")
async def new_passkey(request: Request) -> Response:
    who = _checked(request)
    credential = (await request.body()).decode("utf-8", "replace")
    try:
        new = passkeys.add_passkey(request.app.state.clinic, who, credential, _party(request, who))
    except InputError as error:
        return _refusal(error)
    return _done(request, new, "/account?done=passkey")


@router.post("/signin/second-factor/passkey/options")
def second_factor_options(request: Request) -> Response:
    who = _checked(request)
    try:
        return _json(passkeys.second_factor_options(request.app.state.clinic, who, _party(request, who)))
    except InputError as error:
        return _refusal(error)


@router.post("/signin/second-factor/passkey")
async def second_factor(request: Request) -> Response:
    who = _checked(request)
    credential = (await request.body()).decode("utf-8", "replace")
    try:
        new = passkeys.verify_second_factor(
            request.app.state.clinic, who, credential, _party(request, who), address(request)
        )
    except (InputError, SignInRefused, TooManyAttempts) as error:
        return _refusal(error)
    return _done(request, new, "/")


@router.post("/signin/passkey/options")
def sign_in_options(request: Request) -> Response:
    options, challenge = passkeys.sign_in_options(_party(request))
    response = _json(options)
    key = request.app.state.csrf_key.csrf_for("passkey challenge").encode()
    now = int(request.app.state.clock.now().timestamp())
    response.set_cookie(
        CHALLENGE_COOKIE,
        passkeys.seal_challenge(key, challenge, now),
        max_age=passkeys.CHALLENGE_SECONDS,
        httponly=True,
        secure=request.app.state.secure,
        samesite="strict",
        path="/signin/passkey",
    )
    return response


@router.post("/signin/passkey")
async def sign_in(request: Request) -> Response:
    key = request.app.state.csrf_key.csrf_for("passkey challenge").encode()
    now = int(request.app.state.clock.now().timestamp())
    challenge = passkeys.open_challenge(key, request.cookies.get(CHALLENGE_COOKIE, ""), now)
    credential = (await request.body()).decode("utf-8", "replace")
    try:
        new = passkeys.sign_in_with_passkey(
            request.app.state.clinic,
            credential,
            challenge,
            _party(request),
            address(request),
            device(request),
        )
    except (InputError, SignInRefused, TooManyAttempts) as error:
        return _refusal(error)
    response = _done(request, new, "/")
    response.delete_cookie(CHALLENGE_COOKIE, path="/signin/passkey")
    return response
