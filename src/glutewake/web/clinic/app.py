"""The clinic server's app: the patient's pages and API (the personal app's routes, acting for the
signed-in patient's own records), and the sign-in, account, staff and admin pages.

Everything a request needs lives in PostgreSQL (sessions, rate limits, the queue), so the app
holds no state one worker needs from another; `glutewake clinic serve --workers N` runs N.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from glutewake.app.clinic.accounts import Clinic
from glutewake.app.context import acting_for
from glutewake.identity import OwnerSecret, Who
from glutewake.store.clinic import ClinicStore
from glutewake.store.clinical import ClinicalRecords
from glutewake.web.app import build_app
from glutewake.web.clinic.devices import device_name
from glutewake.web.clinic.who import FinishSignIn, GoHome, clinic_who, cookie_name
from glutewake.web.security import CLINIC_HEADERS
from glutewake.web.views import render
from glutewake.web.who import NotSignedIn

if TYPE_CHECKING:
    from glutewake.app.clinic.mail import Outbox
    from glutewake.clock import Clock

__all__ = ["ENVIRONMENT", "create_clinic_app", "from_environment"]

# How `glutewake clinic serve` hands its settings to each worker process it starts.
ENVIRONMENT = {
    "database_url": "GLUTEWAKE_CLINIC_DATABASE_URL",
    "base_url": "GLUTEWAKE_CLINIC_BASE_URL",
}

_PATIENT_NAV = (
    ("/plan", "My programme"),
    ("/session", "Session"),
    ("/checkin", "Check-in"),
    ("/progress", "Progress"),
    ("/check", "Symptom check"),
    ("/selftests", "Self-tests"),
    ("/exercises", "Exercises"),
    ("/account", "Account"),
)


def _navigation(request: Request) -> tuple[tuple[str, str], ...]:
    who: Who | None = getattr(request.state, "who", None)
    if who is None or who.stage != "full":
        return ()
    if who.role == "patient":
        return _PATIENT_NAV
    admin = (("/admin", "Clinic admin"),) if who.role == "admin" else ()
    return (("/staff", "My patients"), *admin, ("/account", "Account"))


def create_clinic_app(
    database_url: str,
    base_url: str,
    *,
    clock: Clock | None = None,
    outbox: Outbox | None = None,
    allowed_hosts: Iterable[str] = (),
) -> FastAPI:
    """The clinic app on `database_url` (PostgreSQL, schema up to date), served at `base_url`.

    `outbox` is where emails go (by default the task queue, for `glutewake clinic worker`).
    """
    from glutewake.clock import SystemClock
    from glutewake.store.engine import connect

    parts = urlsplit(base_url)
    secure = parts.scheme == "https"
    base = f"{parts.scheme}://{parts.netloc}/"
    engine = connect(database_url, migrate=False)
    the_clock = clock or SystemClock()
    store = ClinicStore(engine, the_clock)
    if outbox is None:
        from glutewake.runtime.jobs import QueueOutbox

        outbox = QueueOutbox(database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        close = getattr(outbox, "close", None)
        if close is not None:
            close()
        engine.dispose()

    hosts = (*allowed_hosts, parts.hostname or "localhost")
    app = build_app(lifespan, clinic_who, the_clock, hosts, CLINIC_HEADERS)
    app.state.clinic = Clinic(store, outbox, base)
    app.state.engine = engine
    app.state.csrf_key = OwnerSecret(store.server_secret("csrf"))
    app.state.cookie = cookie_name(secure)
    app.state.secure = secure
    app.state.origin = base.rstrip("/")
    app.state.coach = None  # a clinic server never runs the desktop coach
    app.state.context_for = lambda request: _patient_context(app, request)
    app.state.signed_in = _VerifiedSession(app.state.clinic, app.state.cookie)
    app.state.import_paths = frozenset()  # no imports here: a signed-in body may be 1 MB anywhere
    app.state.templates.env.globals["navigation"] = _navigation
    app.state.templates.env.globals["personal_app"] = False  # one region, no desktop coach or data page
    app.state.templates.env.globals["clinic_name"] = _clinic_names(store)
    app.state.templates.env.filters["device"] = device_name

    from glutewake.web import (
        routes_api,
        routes_api_records,
        routes_journal,
        routes_pages,
        routes_records,
        routes_session,
    )
    from glutewake.web.clinic import (
        routes_account,
        routes_admin,
        routes_care,
        routes_exchange,
        routes_link,
        routes_passkeys,
        routes_prescribe,
        routes_signin,
        routes_staff,
    )

    for module in (
        routes_signin,
        routes_passkeys,
        routes_account,
        routes_staff,
        routes_care,
        routes_prescribe,
        routes_exchange,
        routes_admin,
        routes_link,
        routes_api,
        routes_api_records,
        routes_pages,
        routes_records,
        routes_journal,
        routes_session,
    ):
        app.include_router(module.router)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, error: NotSignedIn) -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        if request.method == "GET":
            return RedirectResponse("/signin", status_code=303)
        return render(request, "clinic_signin.html", {"mode": "start", "expired": True}, 401)

    @app.exception_handler(FinishSignIn)
    async def finish_sign_in(request: Request, error: FinishSignIn) -> Response:
        target = "/signin/enrol" if error.stage == "enrol" else "/signin/second-factor"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": f"finish signing in first: {target}"}, status_code=401)
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(GoHome)
    async def go_home(request: Request, error: GoHome) -> Response:
        who: Who | None = getattr(request.state, "who", None)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        return RedirectResponse(
            "/" if who is not None and who.role == "patient" else "/staff", status_code=303
        )

    return app


def _patient_context(app: FastAPI, request: Request) -> Any:
    who: Who | None = getattr(request.state, "who", None)
    if who is None or who.role != "patient" or not who.person_id:
        raise HTTPException(404)
    return acting_for(ClinicalRecords(app.state.engine, app.state.clock, who.person_id))


class _VerifiedSession:
    """The gate's `signed_in`: whether the headers carry the cookie of a live, fully signed-in
    session, as the database says (asked only for a body over the anonymous limit). A session
    found live is remembered for a few seconds, so a run of large bodies costs one lookup."""

    REMEMBER = 10.0  # seconds
    MOST = 4096  # sessions remembered at once

    def __init__(self, clinic: Clinic, cookie: str) -> None:
        self.clinic = clinic
        self.cookie = cookie
        self.live: dict[str, float] = {}  # the cookie's digest: until when it counts as live

    def __call__(self, headers: dict[bytes, bytes]) -> bool:
        from http.cookies import CookieError, SimpleCookie

        from glutewake.app.clinic.signin import identify
        from glutewake.identity import credentials

        cookies: SimpleCookie = SimpleCookie()
        try:
            cookies.load(headers.get(b"cookie", b"").decode("latin-1"))
        except CookieError:  # a cookie header it cannot parse carries no session
            return False
        value = cookies[self.cookie].value if self.cookie in cookies else ""
        if not value or len(value) > 100:
            return False
        digest = credentials.digest(value)
        now = time.monotonic()  # how long to trust a lookup: the machine's, not the app's, clock
        if self.live.get(digest, 0.0) > now:
            return True
        who = identify(self.clinic, value)
        if who is None or who.stage != "full":
            return False
        if len(self.live) >= self.MOST:
            self.live.clear()
        self.live[digest] = now + self.REMEMBER
        return True


def _clinic_names(store: ClinicStore) -> Any:
    names: dict[int, str] = {}

    def clinic_name(clinic_id: int) -> str:
        if clinic_id not in names:
            names[clinic_id] = store.clinic_name(clinic_id)
        return names[clinic_id]

    return clinic_name


def from_environment() -> FastAPI:
    """The app as each worker of `glutewake clinic serve` builds it, from its environment."""
    settings = {key: os.environ.get(name, "") for key, name in ENVIRONMENT.items()}
    missing = [ENVIRONMENT[key] for key, value in settings.items() if not value]
    if missing:
        raise SystemExit(
            f"glutewake clinic: {', '.join(missing)} not set; start it with `glutewake clinic serve`"
        )
    return create_clinic_app(settings["database_url"], settings["base_url"])
