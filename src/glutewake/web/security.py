"""Security for a local web app: strict response headers, no caching, CSRF protection for forms.

Forms carry a token signed with the owner's secret and bound to the caller's session
(`identity.owner`). JSON API writes must be sent as application/json (`web/who.py` checks it),
which a cross-site page cannot do without a CORS preflight that this app never grants.
"""

from __future__ import annotations

import secrets

from starlette.requests import Request

__all__ = [
    "CLINIC_HEADERS",
    "HEADERS",
    "camera_page",
    "csrf_ok",
    "csrf_token",
    "require_csrf",
]

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
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


# The session page's camera coach: the page may ask for the camera, and compile the pose model's
# WebAssembly (served from /static/vendor/pose/, like every script). Frames stay in the page:
# connect-src is still this server alone, and nothing it sends carries an image.
def camera_page(headers: dict[str, str]) -> dict[str, str]:
    """The app's headers (`HEADERS` or `CLINIC_HEADERS`) as the session page needs them."""
    policy = headers["Content-Security-Policy"].replace(
        "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", 1
    )
    return {
        "Content-Security-Policy": policy,
        "Permissions-Policy": headers["Permissions-Policy"].replace("camera=()", "camera=(self)", 1),
    }


# The clinic server's: the same, except that a same-origin form says where it came from (a
# browser sends `Origin: null` under no-referrer, so the origin check could not tell); no
# address (with a sign-in link's token in it) ever goes to another site; and HTTPS only, for a
# year, once a browser has seen the clinic over HTTPS (browsers ignore it over plain HTTP).
CLINIC_HEADERS = {
    **HEADERS,
    "Referrer-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=31536000",
}


def csrf_token(request: Request) -> str:
    """This caller's anti-forgery token: signed with the app's key (the owner's secret; a clinic
    server's own) and bound to the session, so that a cookie planted from another port cannot forge one."""
    who = getattr(request.state, "who", None)
    key = request.app.state.csrf_key
    return str(key.csrf_for(who.session if who is not None else "nobody"))


def csrf_ok(request: Request, submitted: str | None) -> bool:
    who = getattr(request.state, "who", None)
    return (
        who is not None and bool(submitted) and secrets.compare_digest(csrf_token(request), submitted or "")
    )


def require_csrf(request: Request, submitted: str | None) -> None:
    """Refuse (403) a form that does not carry this caller's token."""
    from fastapi import HTTPException

    if not csrf_ok(request, submitted):
        raise HTTPException(
            403, "This form has expired or did not come from glutewake. Please go back and try again."
        )
