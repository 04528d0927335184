"""Who may do what on the clinic server: every route of the app, asked by every kind of account,
for their own records and for someone else's.

The expectations are written out here by hand, rule by rule, not computed by the code under
test; a route without an entry in `CLINIC_ACCESS` fails the first test.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from glutewake.identity.rules import CLINIC_ACCESS
from glutewake.store import Repository
from glutewake.web.app import all_routes
from tests.clinic.conftest import World, form_token, sign_in
from tests.plans import tiny_plan

ROLES = (
    "signed out",
    "the patient",
    "another patient",
    "their clinician",
    "another clinician",
    "another clinic's clinician",
    "the admin",
    "another clinic's admin",
    "the patient's linked computer",  # by the token the patient made for it
)

# rule -> role -> what happens: "answers" (the route runs), "sign-in", "home" (sent to their own
# home page; an API says 404), "not found".
_SESSIONS = ROLES[1:-1]
_SIGNED_IN = {**dict.fromkeys(_SESSIONS, "answers"), "the patient's linked computer": "sign-in"}
_ONLY_SESSIONS = {"the patient's linked computer": "sign-in"}
EXPECTED: dict[str, dict[str, str]] = {
    "anyone": dict.fromkeys(ROLES, "answers"),
    "second-factor": {"signed out": "sign-in", **dict.fromkeys(_SESSIONS, "home"), **_ONLY_SESSIONS},
    "enrol": {"signed out": "sign-in", **_SIGNED_IN},
    "signed-in": {"signed out": "sign-in", **_SIGNED_IN},
    "patient": {
        "signed out": "sign-in",
        "the patient": "answers",
        "another patient": "answers",  # acting on their own records: the next table checks whose
        **dict.fromkeys(ROLES[3:-1], "home"),
        **_ONLY_SESSIONS,
    },
    "staff": {
        "signed out": "sign-in",
        "the patient": "not found",
        "another patient": "not found",
        **dict.fromkeys(ROLES[3:-1], "answers"),
        **_ONLY_SESSIONS,
    },
    "admin": {
        "signed out": "sign-in",
        **dict.fromkeys(ROLES[1:6], "not found"),
        "the admin": "answers",
        "another clinic's admin": "answers",
        **_ONLY_SESSIONS,
    },
    "their-patient": {
        "signed out": "sign-in",
        **dict.fromkeys(ROLES[1:], "not found"),
        "their clinician": "answers",
        **_ONLY_SESSIONS,
    },
    "their-staff": {  # the route names Cal, a clinician of clinic A
        "signed out": "sign-in",
        **dict.fromkeys(ROLES[1:], "not found"),
        "the admin": "answers",
        **_ONLY_SESSIONS,
    },
    "clinic-patient": {  # the patient's data rights: their clinician, or their clinic's admin
        "signed out": "sign-in",
        **dict.fromkeys(ROLES[1:], "not found"),
        "their clinician": "answers",
        "the admin": "answers",
        **_ONLY_SESSIONS,
    },
    "linked-computer": {**dict.fromkeys(ROLES[:-1], "sign-in"), "the patient's linked computer": "answers"},
}
# Routes that name one record: "another patient" asks for the patient's session, "another
# clinic's admin" for a member of clinic A's staff.
SOMEONE_ELSES = {"{session_log_id}": {"another patient": "not found"}}
# Bodies that get past validation, so that whose record it is decides.
BODIES = {
    "/api/session/{session_log_id}/sets": {"index": 0, "reps": 2},
    "/api/session/{session_log_id}/finish": {"completed": False},
    "/api/session/{session_log_id}/feedback": {"rpe": 3, "pain": 1, "felt": []},
}


def _accounts(world: World) -> dict[str, Any]:
    return {
        "signed out": None,
        "the patient": world.pat,
        "another patient": world.peg,
        "their clinician": world.cleo,
        "another clinician": world.cal,
        "another clinic's clinician": world.bea,
        "the admin": world.admin,
        "another clinic's admin": world.b_admin,
        "the patient's linked computer": None,
    }


def _outcome(path: str, response: Any) -> str:
    location = response.headers.get("location", "")
    if response.status_code == 401 or location.startswith("/signin"):
        return "sign-in"
    if response.status_code == 303 and location in ("/", "/staff", "/admin"):
        return "home"
    if response.status_code == 404:
        return "not found"
    return "answers"


def test_every_clinic_route_has_an_entry_in_the_table(app: Any) -> None:
    paths = {route.path for route in all_routes(app)}
    assert paths - set(CLINIC_ACCESS) == set(), "add these routes to CLINIC_ACCESS in identity/rules.py"
    assert set(CLINIC_ACCESS) - paths == set(), "the table names routes the clinic app does not have"


def test_the_table_gives_every_rule_an_expectation() -> None:
    assert set(CLINIC_ACCESS.values()) <= set(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_rules_allow(
    app: Any, client: TestClient, world: World, role: str
) -> None:
    for patient in (world.pat, world.peg):  # each with a plan, so that the plan's pages answer
        Repository(app.state.engine, world.clock, patient.person_id).save_plan(
            tiny_plan(world.clock.now().date()), None
        )
    own_log = Repository(app.state.engine, world.clock, world.pat.person_id).start_session(None, guided=False)
    values = {
        "patient_id": str(world.pat.id),
        "account_id": str(world.cal.id),
        "session_log_id": str(own_log),
        "exercise_id": "glute_bridge",
        "condition_id": "gluteal_amnesia",
        "token": "e30",
        "action": "snooze",
        "token_id": "1",
        "source": "checkin",
        "source_id": "1",
        "questionnaire": "psfs",
        "follow_up_id": "1",
        "template_id": "1",
    }
    sign_in(client, world.store, _accounts(world)[role])
    if role == "the patient's linked computer":
        from glutewake.app.clinic.linking import link_computer
        from glutewake.identity import Who

        pat = Who(
            world.pat.person_id or 0,
            "patient",
            "session",
            "",
            account_id=world.pat.id,
            clinic_id=world.pat.clinic_id,
        )
        client.headers["Authorization"] = f"Bearer {link_computer(world.clinic, pat, 'Work laptop').token}"
    wrong: list[str] = []
    for route in all_routes(app):
        rule = CLINIC_ACCESS[route.path]
        expected = EXPECTED[rule][role]
        for name, overrides in SOMEONE_ELSES.items():
            if name in route.path:
                expected = overrides.get(role, expected)
        if route.path.startswith("/api/") and expected == "home":
            expected = "not found"
        path = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], route.path)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            if method == "GET":
                response = client.get(path)
            elif route.path == "/session/{session_log_id}/feedback" and role in _SESSIONS:
                token = form_token(client, "/account")
                response = client.post(path, data={"rpe": "3", "pain": "1", "csrf_token": token})
            else:
                response = client.request(method, path, json=BODIES.get(route.path, {}))
            got = _outcome(route.path, response)
            # An open route never asks to sign in (a failed sign-in itself answers 401).
            opened = got != "sign-in" or route.path.startswith("/signin")
            if not (opened if rule == "anyone" else got == expected):
                wrong.append(f"{method} {route.path}: {got} ({response.status_code}), expected {expected}")
    assert wrong == []


def test_a_clinician_cannot_reach_another_clinics_patient_by_guessing_ids(
    client: TestClient, world: World
) -> None:
    sign_in(client, world.store, world.cleo)
    for patient in (world.peg, world.bob):
        assert client.get(f"/staff/patients/{patient.id}").status_code == 404
    for guess in ("0", "999999", "-1", "abc", "1e3"):
        assert client.get(f"/staff/patients/{guess}").status_code in (404, 422)
    page = client.get(f"/staff/patients/{world.pat.id}")
    assert page.status_code == 200
    assert "Pat Patient" in page.text


def test_a_patient_only_ever_acts_on_their_own_records(client: TestClient, world: World) -> None:
    sign_in(client, world.store, world.pat)
    saved = client.post(
        "/api/checkins", json={"pain": 3, "numbness": 4, "psfs": {"sitting through a film": 4}}
    )
    assert saved.status_code == 200, saved.text
    sign_in(client, world.store, world.peg)
    assert client.get("/api/progress").json()["pain"]["latest"] is None, "Peg sees nothing of Pat's"
    sign_in(client, world.store, world.pat)
    assert client.get("/api/progress").json()["pain"]["latest"] == 3
