"""Schemathesis against the clinic server's own OpenAPI schema, with each kind of credential: no
input makes the API fail (5xx), responses keep the schema's promises, and a credential gets
nothing its holder may not have."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.clinic.conftest import World

# Which credential the schema's calls carry, per test below.
_CREDENTIALS: dict[str, dict[str, str]] = {}


@pytest.fixture
def clinic_schema(app: Any, world: World) -> Iterator[Any]:
    from glutewake.app.clinic.linking import link_computer
    from glutewake.identity import Who, credentials

    cookie = credentials.new_token()
    world.store.start_session(credentials.digest(cookie), world.pat.id, "full", "fuzzer")
    staff = credentials.new_token()
    world.store.start_session(credentials.digest(staff), world.cleo.id, "full", "fuzzer")
    admin = credentials.new_token()
    world.store.start_session(credentials.digest(admin), world.admin.id, "full", "fuzzer")
    pat = Who(
        world.pat.person_id or 0,
        "patient",
        "session",
        "",
        account_id=world.pat.id,
        clinic_id=world.pat.clinic_id,
    )
    _CREDENTIALS.update(
        {
            "patient": {"Cookie": f"glutewake_clinic={cookie}"},
            "clinician": {"Cookie": f"glutewake_clinic={staff}"},
            "admin": {"Cookie": f"glutewake_clinic={admin}"},
            "computer": {
                "Authorization": f"Bearer {link_computer(world.clinic, pat, 'Fuzzing laptop').token}"
            },
        }
    )
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    _CREDENTIALS.clear()


schema = schemathesis.pytest.from_fixture("clinic_schema")
# On the clinic server these take one credential and refuse the others.
_LINKED = {"/api/clinic/link", "/api/clinic/sitting"}


@schema.parametrize()
@settings(max_examples=15, deadline=None)
def test_a_patient_never_makes_the_api_fail(case: schemathesis.Case) -> None:
    if case.path in _LINKED:
        response = case.call(headers=_CREDENTIALS["patient"])
        assert response.status_code in (400, 401, 405), "a browser session cannot act as a linked computer"
        return
    # A schema-valid plan request still gets its documented refusal: the patient has no check yet.
    excluded = [positive_data_acceptance] if case.path == "/api/plan" and case.method == "POST" else []
    case.call_and_validate(headers=_CREDENTIALS["patient"], excluded_checks=excluded)


@schema.parametrize()
@settings(max_examples=10, deadline=None)
def test_a_linked_computer_reaches_only_its_routes(case: schemathesis.Case) -> None:
    response = case.call(headers=_CREDENTIALS["computer"])
    if case.path in _LINKED:
        assert response.status_code < 500, response.text
    elif case.path != "/api/health":
        assert response.status_code in (400, 401, 405), (case.method, case.path, response.status_code)


@schema.parametrize()
@settings(max_examples=10, deadline=None)
def test_staff_and_strangers_get_no_patients_records_from_the_api(case: schemathesis.Case) -> None:
    if case.path == "/api/health":
        return
    for who in ("clinician", "admin", None):
        response = case.call(headers=_CREDENTIALS[who] if who else {})
        # Staff hold no records of their own: the patients' API is "not found" for them;
        # without a credential it is 401. Never a 5xx, never data.
        assert response.status_code in (400, 401, 404, 405, 422), (
            who,
            case.method,
            case.path,
            response.status_code,
        )
