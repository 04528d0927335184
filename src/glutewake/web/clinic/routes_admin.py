"""A clinic admin's pages: the clinic's staff (invite, remove, reset a second factor) and the audit log."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from glutewake.app.clinic import accounts
from glutewake.app.clinic.audit import audit_log
from glutewake.app.refusals import InputError
from glutewake.identity import Who
from glutewake.web.security import require_csrf
from glutewake.web.views import FormText, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _admin(request: Request, status: int = 200, **extra: object) -> Response:
    who: Who = request.state.who
    store = request.app.state.clinic.store
    staff = store.staff(who.clinic_id)
    patients = store.patients_in(who.clinic_id)
    context = {"staff": staff, "patients": patients, "typed": {}, "me": who.account_id, **extra}
    return render(request, "clinic_admin.html", context, status)


@router.get("/admin", response_class=HTMLResponse)
def admin_home(request: Request, done: str = "") -> Response:
    return _admin(request, done=done)


@router.post("/admin/clinicians")
def invite(
    request: Request,
    name: FormText = "",
    email: FormText = "",
    role: FormText = "clinician",
    csrf_token: FormText = "",
) -> Response:
    require_csrf(request, csrf_token)
    try:
        if role not in ("clinician", "admin"):
            raise InputError("choose clinician or admin")
        account = accounts.invite_clinician(
            request.app.state.clinic, request.state.who, email, name, admin=role == "admin"
        )
    except InputError as error:
        typed = {"name": name, "email": email, "role": role}
        return _admin(request, 422, error=str(error).capitalize() + ".", typed=typed)
    return _admin(request, invited=account)


def _act(request: Request, action: str, account_id: int) -> Response:
    clinic = request.app.state.clinic
    try:
        if action == "remove":
            accounts.remove_clinician(clinic, request.state.who, account_id)
        else:
            accounts.reset_second_factor(clinic, request.state.who, account_id)
    except accounts.NotFound:
        raise HTTPException(404) from None
    except InputError as error:
        return _admin(request, 422, error=str(error).capitalize() + ".")
    return RedirectResponse(f"/admin?done={action}", status_code=303)


@router.post("/admin/clinicians/{account_id}/remove")
def remove(request: Request, account_id: int, csrf_token: FormText = "", confirm: FormText = "") -> Response:
    """Asks first: a removed account cannot be brought back (invite them again instead)."""
    require_csrf(request, csrf_token)
    if confirm != "yes":
        member = request.app.state.clinic.store.account(account_id)
        return render(request, "clinic_confirm_remove.html", {"member": member})
    return _act(request, "remove", account_id)


@router.post("/admin/clinicians/{account_id}/reset-second-factor")
def reset_second_factor(request: Request, account_id: int, csrf_token: FormText = "") -> Response:
    require_csrf(request, csrf_token)
    return _act(request, "reset", account_id)


@router.get("/admin/audit", response_class=HTMLResponse)
def audit(request: Request) -> Response:
    who: Who = request.state.who
    entries = list(audit_log(request.app.state.clinic, who, limit=500))
    return render(request, "clinic_audit.html", {"entries": entries})


_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _cell(value: object) -> object:
    """A value a spreadsheet shows as text, never runs as a formula (a name may begin with "=").

    Applied to every cell: a leading ' makes Excel, LibreOffice and Google Sheets keep the text
    as it is (OWASP's advice), whatever comes after, spaces or a fullwidth sign included."""
    text = str(value)
    return f"'{text}" if text.lstrip(" ")[:1] in _FORMULA else value


@router.get("/admin/audit.csv")
def audit_csv(request: Request) -> Response:
    """The whole log, streamed as CSV (newest first)."""
    who: Who = request.state.who
    entries = audit_log(request.app.state.clinic, who, limit=None)

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["at (UTC)", "who", "action", "patient account", "patient", "what"])
        for entry in entries:
            cells = [
                entry.at.isoformat(),
                entry.actor,
                entry.action,
                entry.patient_id or "",
                entry.patient or "",
                entry.what,
            ]
            writer.writerow([_cell(cell) for cell in cells])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    name = f"glutewake-audit-{request.app.state.clock.now():%Y-%m-%d}.csv"
    return StreamingResponse(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
