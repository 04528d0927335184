"""Security for a local web app: strict response headers and CSRF protection for forms.

Forms carry a token that must match the token cookie (double submit, SameSite=Strict).
JSON API writes must be sent as application/json, which a cross-site form cannot do
without a CORS preflight that this app never grants.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

__all__ = ["CSRF_COOKIE", "csrf_ok", "csrf_token", "require_csrf", "security_headers"]

CSRF_COOKIE = "glutewake_csrf"

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """The headers above on every response, and Server-Timing with the time spent in the app."""
    started = time.perf_counter()
    response = await call_next(request)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
    return response


def csrf_token(request: Request) -> str:
    """The token for this browser: the cookie's, or a new one (set on the response by the page)."""
    existing = request.cookies.get(CSRF_COOKIE)
    return existing if existing and len(existing) >= 32 else secrets.token_urlsafe(32)


def csrf_ok(request: Request, submitted: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(cookie) and bool(submitted) and secrets.compare_digest(cookie or "", submitted or "")


def require_csrf(request: Request, submitted: str | None) -> None:
    """Refuse (403) a form that does not carry this browser's token."""
    from fastapi import HTTPException

    if not csrf_ok(request, submitted):
        raise HTTPException(
            403, "This form has expired or did not come from glutewake. Please go back and try again."
        )
