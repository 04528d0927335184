"""Signing in and out of the personal app.

A one-time link (printed or opened by `glutewake` and `glutewake open`) starts a browser
session at the app's own host name (`identity/owner.py`); a link opened at 127.0.0.1 or
localhost is passed on there first, unused. The data page lists the signed-in browsers; any of
them, or all the others, can be signed out (`glutewake sessions` does the same in a terminal).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from glutewake.app.region import knowledge
from glutewake.identity.browser_sessions import SESSION_SECONDS, BrowserSession, SessionBook
from glutewake.web.deps import AppClock
from glutewake.web.hosts import LOCAL_HOSTS
from glutewake.web.security import require_csrf
from glutewake.web.who import SESSION_COOKIE, Owner, cookie_values, owner_secret

__all__ = ["browser_name", "router", "signed_in_browsers"]

router = APIRouter(include_in_schema=False)


@router.get("/signin")
def signin(
    request: Request,
    clock: AppClock,
    code: str = Query("", max_length=200),
    done: str = Query("", max_length=20),
) -> Response:
    secret = owner_secret(request)
    if not code and done == "signed-out":
        return _signin_page(request, "signed-out")
    now = int(clock.now().timestamp())
    nonce = secret.signin_nonce(code, now) if code else None
    used: set[str] = request.app.state.used_signins
    if nonce is None or nonce in used:
        return _signin_page(request, "expired" if code else "")
    host, port = request.url.hostname or "", request.url.port
    if host.lower() in LOCAL_HOSTS:
        # Cookies for 127.0.0.1 would reach every program on this computer's other ports; the
        # link goes on to the app's own name, unused. Only a genuine link learns that name.
        where = f"{secret.host_name}:{port}" if port else secret.host_name
        return RedirectResponse(f"http://{where}/signin?{urlencode({'code': code})}", status_code=303)
    used.add(nonce)
    book = _sessions(request)
    for earlier in cookie_values(request.headers.get("cookie", ""), SESSION_COOKIE):
        found = book.find(earlier, now)  # this browser's earlier session: replaced, not left listed
        if found is not None:
            book.end(found.digest, now)
    value = book.begin(now, browser_name(request.headers.get("user-agent", "")))
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE, value, max_age=SESSION_SECONDS, httponly=True, samesite="strict", path="/"
    )
    return response


@router.post("/signout")
def signout(request: Request, who: Owner, clock: AppClock, csrf_token: str = Form("")) -> Response:
    """Sign this browser out."""
    require_csrf(request, csrf_token)
    if who.how == "session":
        _sessions(request).end(who.session, int(clock.now().timestamp()))
    response = RedirectResponse("/signin?done=signed-out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/sessions/end")
def end_sessions(
    request: Request, who: Owner, clock: AppClock, csrf_token: str = Form(""), session: str = Form("")
) -> Response:
    """Sign out one other browser (`session`: its id), or every other (`session` = "others")."""
    require_csrf(request, csrf_token)
    now = int(clock.now().timestamp())
    book = _sessions(request)
    if session == "others":
        book.end_all(now, keep=who.session)
    elif session and not who.session.startswith(session):
        book.end(session, now)
    return RedirectResponse("/data?done=signed-out#browsers", status_code=303)


@router.get("/api/sessions")
def list_sessions(request: Request, who: Owner) -> dict[str, object]:
    """The browsers signed in: when each began and was last used, and which is this one."""
    return {"sessions": signed_in_browsers(request, who)}


def signed_in_browsers(request: Request, who: Owner) -> list[dict[str, object]]:
    """The browsers signed in, the most recently used first (the data page lists them too);
    times in the person's own zone."""
    now = request.app.state.clock.now()
    zone = now.tzinfo
    return [_described(s, who.session, zone) for s in _sessions(request).sessions(int(now.timestamp()))]


def _described(session: BrowserSession, current: str, zone: tzinfo | None) -> dict[str, object]:
    def when(seconds: int) -> datetime:
        return datetime.fromtimestamp(seconds, zone)

    return {
        "id": session.id,
        "browser": session.browser,
        "began": when(session.began).isoformat(),
        "last_used": when(session.last_used).isoformat(),
        "began_shown": f"{when(session.began):%-d %b, %H:%M}",
        "last_used_shown": f"{when(session.last_used):%-d %b, %H:%M}",
        "this_browser": session.digest == current,
    }


def _sessions(request: Request) -> SessionBook:
    book: SessionBook = request.app.state.sessions
    return book


def _signin_page(request: Request, state: str) -> Response:
    context = {"kb": knowledge(), "expired": state == "expired", "signed_out": state == "signed-out"}
    page: Response = request.app.state.templates.TemplateResponse(
        request, "signin.html", context, status_code=200 if state == "signed-out" else 401
    )
    return page


_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))  # fmt: skip
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))  # fmt: skip


def browser_name(agent: str) -> str:
    """ "Firefox on Linux", from a User-Agent header, to tell one's browsers apart (never trusted)."""
    browser = next((name for mark, name in _BROWSERS if mark in agent), "A browser")
    system = next((name for mark, name in _SYSTEMS if mark in agent), "")
    headless = " (headless)" if re.search(r"Headless", agent) else ""
    return f"{browser}{headless} on {system}" if system else f"{browser}{headless}"
