"""Signing in: a one-time link (printed or opened by `glutewake` and `glutewake open`) sets the
browser's session cookie."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from glutewake.app.region import knowledge
from glutewake.identity.owner import SESSION_SECONDS
from glutewake.web.deps import AppClock
from glutewake.web.who import SESSION_COOKIE, owner_secret

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/signin")
def signin(request: Request, clock: AppClock, code: str = Query("", max_length=200)) -> Response:
    secret = owner_secret(request)
    now = int(clock.now().timestamp())
    nonce = secret.signin_nonce(code, now) if code else None
    used: set[str] = request.app.state.used_signins
    if nonce is None or nonce in used:
        context = {"kb": knowledge(), "expired": bool(code)}
        page: Response = request.app.state.templates.TemplateResponse(
            request, "signin.html", context, status_code=401
        )
        return page
    used.add(nonce)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        secret.new_session(now),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        path="/",
    )
    return response
