"""The JSON API: results match the core, bad input is a 422 per field, unknown ids are 404."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from glutewake.codec import dump
from glutewake.core.triage import Case, triage
from glutewake.knowledge import Knowledge
from glutewake.web import create_app
from tests.fakes import FakeClock
from tests.web.conftest import owner_client

CASE = {
    "age": 34,
    "sex": "female",
    "duration_days": 21,
    "answers": {"numb_when_sitting": True, "eases_on_standing": True},
}


@pytest.fixture
def api(tmp_path: Any) -> Iterator[TestClient]:
    with owner_client(create_app(f"sqlite:///{tmp_path / 'api.db'}", FakeClock())) as client:
        yield client


def test_triage_matches_the_core(api: TestClient, kb: Knowledge) -> None:
    response = api.post("/api/triage", json=CASE)
    assert response.status_code == 200
    assert response.json() == {**dump(triage(Case(**CASE), kb)), "saved_id": None}  # type: ignore[arg-type]


def test_next_question_starts_with_the_red_flag_screen(api: TestClient, kb: Knowledge) -> None:
    body = api.post("/api/triage/next", json={**CASE, "answers": {}}).json()
    assert body["question"]["id"] == "saddle_numbness"
    assert body["remaining"] > 10
    screen = body["screen"]
    assert screen["kind"] == "checklist"
    assert screen["safety"] is True
    assert screen["title"] == "Do you have any of these now?"
    assert [q["id"] for q in screen["questions"]] == list(kb.triage.screens[0].findings)
    assert screen["questions"][0]["question"] == body["question"]["question"]
    emergency = api.post("/api/triage/next", json={**CASE, "answers": {"bladder_change": True}}).json()
    assert emergency["question"] is None
    assert emergency["screen"] is None
    assert emergency["result"]["urgency"] == "emergency"


def test_the_api_takes_a_region(api: TestClient) -> None:
    body = {**CASE, "answers": {"bladder_change": True}, "region": "us"}
    result = api.post("/api/triage", json=body).json()
    assert result["title"] == "Emergency: call 911 or go to the emergency room now"
    assert not any("999" in line for line in result["advice"]["now"])
    refused = api.post("/api/triage", json={**body, "region": "mars"})
    assert refused.status_code == 422


@pytest.mark.parametrize(
    ("body", "loc", "words"),
    [
        (
            {**CASE, "answers": {"numb_bum": True}},
            ["body", "answers", "numb_bum"],
            "Extra inputs are not permitted",
        ),
        ({**CASE, "answers": {"fever": "yes"}}, ["body", "answers", "fever"], "boolean"),
        ({**CASE, "duration_days": False}, ["body", "duration_days"], "not true or false"),
        ({**CASE, "age": "thirty"}, ["body", "age"], "integer"),
        ({**CASE, "age": 34.5}, ["body", "age"], "integer"),
        ({k: v for k, v in CASE.items() if k != "age"}, ["body", "age"], "required"),
        ({**CASE, "sex": "f"}, ["body", "sex"], "female"),
        ({**CASE, "colour": "blue"}, ["body", "colour"], "Extra inputs"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    api: TestClient, body: dict[str, Any], loc: list[str], words: str
) -> None:
    response = api.post("/api/triage", json=body)
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert any(p["loc"] == loc and words in p["msg"] for p in problems), problems


def test_knowledge_endpoints_and_404s(api: TestClient, kb: Knowledge) -> None:
    assert len(api.get("/api/findings").json()) == len(kb.findings)
    sciatica = api.get("/api/conditions/sciatica").json()
    assert sciatica["name"] == "Sciatica"
    assert any(
        line.startswith("Call 999 or go to A&E at once if you get") for line in sciatica["when_to_get_help"]
    )
    assert api.get("/api/conditions/nope").status_code == 404
    assert api.get("/api/exercises/nope").json() == {"detail": "no exercise called 'nope'"}
    seated = api.get("/api/exercises", params={"position": "seated"}).json()
    assert {e["id"] for e in seated} == {"seated_glute_squeeze", "single_leg_seated_squeeze"}
    no_kit = {e["id"] for e in api.get("/api/exercises", params={"equipment": "none"}).json()}
    assert "clamshell_band" not in no_kit
    assert "glute_bridge" in no_kit
    assert api.get("/api/exercises", params={"level": 9}).status_code == 422


def test_the_openapi_schema_describes_the_api(api: TestClient) -> None:
    schema = api.get("/openapi.json").json()
    assert {
        "/api/triage",
        "/api/triage/next",
        "/api/findings",
        "/api/conditions/{condition_id}",
        "/api/exercises",
    } <= set(schema["paths"])
    assert not any(path.startswith("/check") for path in schema["paths"]), "pages are not part of the API"
