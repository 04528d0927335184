"""Who is asking: the one dependency every route goes through (the app adds it to all of them).

It reads the owner's token (`Authorization: Bearer ...`) or a browser session's cookie (sent
to the app's own host name, never to 127.0.0.1 or localhost: see `identity/owner.py`), looks
the route up in the authorization table, and refuses a request that may not pass:
401 with a sign-in page for a browser, 401 JSON for the API. Routes that act for the person
take `Owner` (the typed result) as a parameter.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from glutewake.identity import OwnerSecret, Who
from glutewake.identity.browser_sessions import SessionBook
from glutewake.identity.rules import access_for
from glutewake.web.hosts import LOCAL_HOSTS

__all__ = [
    "SESSION_COOKIE",
    "NotSignedIn",
    "Owner",
    "cookie_values",
    "identify",
    "owner_secret",
    "who_is_asking",
]

SESSION_COOKIE = "glutewake_session"
_WRITES = frozenset({"POST", "PUT", "PATCH"})


class NotSignedIn(Exception):
    """The request carries neither the owner's token nor a signed-in session."""


def owner_secret(request: Request) -> OwnerSecret:
    secret: OwnerSecret = request.app.state.owner
    return secret


def identify(
    authorization: str, cookie: str, host: str, secret: OwnerSecret, sessions: SessionBook, now: int
) -> Who | None:
    """The owner, from a bearer token, or from a live session's cookie sent to the app's own
    host name (a cookie sent to 127.0.0.1 or localhost may have come from anywhere); else None."""
    scheme, _, presented = authorization.partition(" ")
    if scheme.lower() == "bearer" and presented and secret.bearer_ok(presented.strip()):
        return Who.owner("bearer", "bearer")
    if _host_name(host) in LOCAL_HOSTS:
        return None
    for value in cookie_values(cookie, SESSION_COOKIE):  # one planted beside it changes nothing
        found = sessions.find(value, now)
        if found is not None:
            return Who.owner("session", found.digest)
    return None


def cookie_values(header: str, name: str) -> list[str]:
    """Every value the Cookie header gives `name` (a browser sends each cookie of that name)."""
    values = []
    for pair in header.split(";"):
        key, equals, value = pair.strip().partition("=")
        if equals and key == name and value:
            values.append(value.strip('"'))
    return values[:8]


def _host_name(host: str) -> str:
    """The name in a Host header, without its port: `[::1]:8765` is `::1`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.partition(":")[0]


def _identify(request: Request, secret: OwnerSecret) -> Who | None:
    now = int(request.app.state.clock.now().timestamp())
    headers = request.headers
    return identify(
        headers.get("authorization", ""),
        headers.get("cookie", ""),
        headers.get("host", ""),
        secret,
        request.app.state.sessions,
        now,
    )


async def who_is_asking(request: Request) -> Who | None:
    """The caller, checked against the route's rule; None on a route open to anyone."""
    route = request.scope.get("route")
    rule = access_for(getattr(route, "path", ""))
    who = _identify(request, owner_secret(request))
    request.state.who = who
    if rule == "anyone":
        return who
    if who is None or rule is None:  # a route nobody listed is closed
        raise NotSignedIn
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.url.path.startswith("/api/") and request.method in _WRITES and kind != "application/json":
        # Checked here, whatever the FastAPI version: a cross-site page can send a simple
        # text/plain or bodiless POST without a preflight, but never application/json.
        raise HTTPException(415, "send the body as JSON, with the header Content-Type: application/json")
    return who


async def _owner(request: Request) -> Who:
    who: Who | None = getattr(request.state, "who", None)
    if who is None:
        raise NotSignedIn
    return who


Owner = Annotated[Who, Depends(_owner)]
