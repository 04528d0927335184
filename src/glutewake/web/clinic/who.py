"""Who is asking, on the clinic server: the one dependency every route goes through.

It finds the session from the cookie (in the database, so any worker can), looks the route up
in `identity.rules.CLINIC_ACCESS` and applies `identity.rules.decide`. A refusal is a sign-in
page, the next step of a half-done sign-in, or 404; never 403, which would say the record
exists. Reads and changes of a patient's records by staff, and changes by the patient, go to
the audit log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from glutewake.app.clinic.accounts import describe
from glutewake.app.clinic.linking import linked_who
from glutewake.app.clinic.signin import identify
from glutewake.identity import Who
from glutewake.identity.rules import CLINIC_ACCESS, decide
from glutewake.web.who import NotSignedIn

if TYPE_CHECKING:
    from glutewake.app.clinic.accounts import Clinic

__all__ = ["FinishSignIn", "GoHome", "clinic_who", "cookie_name"]

_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_WRITES = frozenset({"POST", "PUT", "PATCH"})


class FinishSignIn(Exception):
    """A staff sign-in is half done: the next step first."""

    def __init__(self, stage: str) -> None:
        super().__init__(stage)
        self.stage = stage


class GoHome(Exception):
    """Signed in, but this page is for another kind of account: their own home page instead."""


def cookie_name(secure: bool) -> str:
    # __Host-: the browser keeps it only from this host, over https, for the whole site.
    return "__Host-glutewake" if secure else "glutewake_clinic"


def _named(request: Request, name: str) -> int | None:
    raw = request.path_params.get(name, "")
    return int(raw) if isinstance(raw, str) and raw.isdecimal() and len(raw) < 10 else None


async def clinic_who(request: Request) -> Who | None:
    route = request.scope.get("route")
    path = getattr(route, "path", "")
    rule = CLINIC_ACCESS.get(path)
    clinic: Clinic = request.app.state.clinic
    cookie = request.cookies.get(request.app.state.cookie, "")
    scheme, _, bearer = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and bearer.strip():
        who = await run_in_threadpool(linked_who, clinic, bearer.strip())
    else:
        who = await run_in_threadpool(identify, clinic, cookie) if cookie else None
    request.state.who = who
    if request.method not in _SAFE:
        # A browser names the page a form came from (null: another site, under same-origin
        # referrers); a script without a browser sends none, and needs a session all the same.
        origin = request.headers.get("origin")
        if origin is not None and origin.rstrip("/") != request.app.state.origin:
            raise HTTPException(
                403, "This form did not come from this clinic's glutewake. Go back and try again."
            )
    cares = False
    patient_id = _named(request, "patient_id")
    staff_id = _named(request, "account_id")
    if who is not None and who.stage == "full":
        if rule in ("their-patient", "clinic-patient") and patient_id is not None:
            cares = await run_in_threadpool(clinic.store.cares_for, who.account_id, patient_id)
            if not cares and rule == "clinic-patient" and who.role == "admin":
                cares = await run_in_threadpool(clinic.store.is_patient_of, patient_id, who.clinic_id)
        elif rule == "their-staff" and staff_id is not None:
            cares = await run_in_threadpool(clinic.store.is_staff_of, staff_id, who.clinic_id)
    decision = decide(rule, who, cares=cares)
    if decision == "sign-in":
        raise NotSignedIn
    if decision == "finish-sign-in":
        assert who is not None
        raise FinishSignIn(who.stage)
    if decision == "home":
        raise GoHome
    if decision == "not-found":
        raise HTTPException(404)
    assert who is not None or rule == "anyone"
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.url.path.startswith("/api/") and request.method in _WRITES and kind != "application/json":
        raise HTTPException(415, "send the body as JSON, with the header Content-Type: application/json")
    if who is not None and rule in ("their-patient", "clinic-patient"):
        action = "read" if request.method in _SAFE else "change"
        await run_in_threadpool(_audit, clinic, who, action, f"{request.method} {path}", patient_id)
    elif who is not None and rule in ("patient", "linked-computer") and request.method not in _SAFE:
        await run_in_threadpool(_audit, clinic, who, "change", f"{request.method} {path}", who.account_id)
    return who


def _audit(clinic: Clinic, who: Who, action: str, what: str, patient_id: int | None) -> None:
    clinic.store.audit(who.clinic_id, who.account_id, describe(who), action, what, patient_id)
