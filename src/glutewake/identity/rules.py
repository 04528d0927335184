"""Who may use which route: one table per server, checked for every request by the web's `who` dependency.

The personal app: `anyone` needs no sign-in (nothing there reads or changes records); `owner`
needs the owner's token or signed-in session.

The clinic server (`CLINIC_ACCESS`, decided by `decide`):

- `anyone`: the sign-in pages, the health check, the exercises' drawings;
- `second-factor`, `enrol`: half-way through a staff sign-in (password given; the second factor
  still to give, or still to set up);
- `signed-in`: anyone signed in (their own account and sessions);
- `patient`: a patient, acting for their own records (the personal app's pages and API);
- `staff`, `admin`: clinicians and admins; admins only;
- `their-patient`: a clinician (or an admin who is also one) of the patient the route names;
- `their-staff`: an admin of the clinic whose member of staff the route names;
- `clinic-patient`: a clinician of the patient the route names, or an admin of their clinic
  (a patient's data rights: exporting and erasing the whole record);
- `linked-computer`: a patient's own computer, by the token the patient made for it (it may
  only share sitting statistics; a token is good for nothing else).

Anything else is "not found", never "forbidden", so nobody learns that a record exists. A
route missing from the table is refused, and a test enumerates each app's routes and fails
on any without an entry.
"""

from __future__ import annotations

from typing import Literal

from glutewake.identity.who import Who

__all__ = ["ACCESS", "CLINIC_ACCESS", "Access", "ClinicRule", "Decision", "access_for", "decide"]

Access = Literal["anyone", "owner"]
ClinicRule = Literal[
    "anyone",
    "second-factor",
    "enrol",
    "signed-in",
    "patient",
    "staff",
    "admin",
    "their-patient",
    "their-staff",
    "clinic-patient",
    "linked-computer",
]
Decision = Literal["allow", "sign-in", "finish-sign-in", "home", "not-found"]

# No records there: the API's shape, the icon, the exercises' drawings.
_OPEN = ("/api/health", "/favicon.ico", "/figures/{exercise_id}.svg")
# One person's records: the owner's on the personal app, a patient's own on the clinic server.
_RECORDS = (
    # the API
    "/api/triage", "/api/triage/next", "/api/findings", "/api/conditions", "/api/conditions/{condition_id}",
    "/api/exercises", "/api/exercises/{exercise_id}", "/api/progress", "/api/selftests", "/api/plan",
    "/api/checkins", "/api/history", "/api/session", "/api/clearance",
    "/api/session/start", "/api/session/{session_log_id}/sets", "/api/session/{session_log_id}/finish",
    "/api/session/{session_log_id}/feedback",
    # the pages
    "/", "/check", "/check/begin", "/check/q/{token}", "/check/answer/{token}",
    "/check/result/{token}", "/check/save", "/exercises", "/exercises/{exercise_id}", "/plan", "/plan.ics",
    "/selftests", "/checkin", "/progress", "/session", "/session/{session_log_id}/feedback",
)  # fmt: skip
# Only on the owner's own computer: where they live, the sitting coach, moving and deleting the whole store.
_DESKTOP = (
    "/region",
    "/api/data", "/api/coach", "/api/coach/settings", "/data", "/data/export", "/data/import", "/data/forget",
    "/coach", "/coach/status", "/coach/prompt", "/coach/settings", "/coach/{action:coach_action}",
    "/signout", "/sessions/end", "/api/sessions",
)  # fmt: skip

ACCESS: dict[str, Access] = {
    **dict.fromkeys(("/signin", "/openapi.json", *_OPEN), "anyone"),
    **dict.fromkeys((*_RECORDS, *_DESKTOP), "owner"),
}

CLINIC_ACCESS: dict[str, ClinicRule] = {
    **dict.fromkeys(_OPEN, "anyone"),
    **dict.fromkeys(_RECORDS, "patient"),
    # the exercise library holds no records: staff browse it to prescribe from it
    "/exercises": "signed-in",
    "/exercises/{exercise_id}": "signed-in",
    # signing in and out
    "/openapi.json": "anyone",
    "/signin": "anyone",  # a link from an email, or the form asking for one
    "/signin/code": "anyone",  # a paper code and year of birth
    "/signin/staff": "anyone",  # email and password
    "/signin/second-factor": "second-factor",
    "/signin/invite": "anyone",  # a clinician's first visit: choose a password
    "/signin/reset": "anyone",  # a password reset link, or the form asking for one
    "/signin/enrol": "enrol",  # set up an authenticator app (required for staff)
    "/signin/passkey/new/options": "enrol",  # or add a passkey (staff and patients)
    "/signin/passkey/new": "enrol",
    "/signin/second-factor/passkey/options": "second-factor",
    "/signin/second-factor/passkey": "second-factor",
    "/signin/passkey/options": "anyone",  # a patient's passkey on its own
    "/signin/passkey": "anyone",
    "/signout": "signed-in",
    # one's own account
    "/account": "signed-in",
    "/account/sessions/end": "signed-in",
    "/account/computers": "patient",  # link a computer
    "/account/computers/{token_id}/unlink": "patient",
    # a linked computer
    "/api/clinic/link": "linked-computer",
    "/api/clinic/sitting": "linked-computer",
    # staff
    "/staff": "staff",
    "/staff/patients": "staff",  # invite a patient
    "/staff/patients/{patient_id}": "their-patient",
    "/staff/patients/{patient_id}/code": "their-patient",  # a new paper code
    "/staff/patients/{patient_id}/alerts/{source}/{source_id}": "their-patient",  # acknowledge
    "/staff/patients/{patient_id}/changes": "their-patient",  # approve or decline a proposed change
    "/staff/patients/{patient_id}/resume": "their-patient",  # go on with a programme paused for safety
    "/staff/patients/{patient_id}/assess": "their-patient",
    "/staff/patients/{patient_id}/notes": "their-patient",
    "/staff/patients/{patient_id}/questionnaires": "their-patient",
    "/staff/patients/{patient_id}/questionnaires/{questionnaire}/stop": "their-patient",
    "/staff/patients/{patient_id}/follow-ups": "their-patient",
    "/staff/patients/{patient_id}/follow-ups/{follow_up_id}/cancel": "their-patient",
    "/staff/patients/{patient_id}/prescribe": "their-patient",
    "/staff/patients/{patient_id}/report.pdf": "their-patient",
    "/staff/patients/{patient_id}/fhir": "clinic-patient",
    "/staff/patients/{patient_id}/export": "clinic-patient",
    "/staff/patients/{patient_id}/erase": "clinic-patient",
    "/api/clinic/patients/{patient_id}/fhir": "clinic-patient",
    "/staff/templates": "staff",  # the clinic's own templates
    "/staff/templates/{template_id}/delete": "staff",
    "/admin": "admin",
    "/admin/clinicians": "admin",
    "/admin/clinicians/{account_id}/remove": "their-staff",
    "/admin/clinicians/{account_id}/reset-second-factor": "their-staff",
    "/admin/audit": "admin",
    "/admin/audit.csv": "admin",
}

_STAFF = frozenset({"clinician", "admin"})


def access_for(route_path: str) -> Access | None:
    """The personal app's rule for a route (by its path template), or None for a route nobody listed."""
    return ACCESS.get(route_path)


def decide(rule: ClinicRule | None, who: Who | None, *, cares: bool = False) -> Decision:
    """What the clinic server does with a request under `rule` from `who` (None: not signed in).

    `cares`: whether the caller is a clinician of the patient the route names (`their-patient`;
    or an admin of the patient's clinic, for `clinic-patient`), or an admin of the clinic of the
    member of staff it names (`their-staff`).
    """
    if rule == "anyone":
        return "allow"
    if rule is None:  # a route nobody listed is closed to everyone
        return "not-found" if who is not None else "sign-in"
    if who is None:
        return "sign-in"
    if (who.how == "bearer") != (rule == "linked-computer"):  # a token for its routes, a session for the rest
        return "sign-in"
    if rule == "linked-computer":
        return "allow" if who.role == "patient" else "not-found"
    if who.stage != "full":  # half-way through a staff sign-in: only the next step
        return "allow" if rule == who.stage.replace("_", "-") else "finish-sign-in"
    if rule in ("signed-in", "enrol"):
        return "allow"
    if rule == "second-factor":
        return "home"
    if rule == "patient":
        return "allow" if who.role == "patient" else "home"
    if rule == "staff":
        return "allow" if who.role in _STAFF else "not-found"
    if rule == "admin":
        return "allow" if who.role == "admin" else "not-found"
    if rule == "their-staff":
        return "allow" if who.role == "admin" and cares else "not-found"
    return "allow" if who.role in _STAFF and cares else "not-found"  # their-patient, clinic-patient
