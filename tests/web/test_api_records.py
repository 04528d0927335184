"""The JSON API over the records: save a check, self-tests, a plan, check-ins, history, and
export, import and delete, on both engines."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from glutewake.store import Repository

SELF_CARE = {
    "age": 34, "sex": "female", "duration_days": 21,
    "answers": {"numb_when_sitting": True, "eases_on_standing": True, "saddle_numbness": False},
}  # fmt: skip


def test_a_whole_journey_through_the_api(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    assert client.post("/api/plan", json={"equipment": "band"}).status_code == 409  # no check yet
    saved = client.post("/api/triage?save=true", json=SELF_CARE).json()
    assert saved["urgency"] == "self_care"
    assert isinstance(saved["saved_id"], int)

    scored = client.post(
        "/api/selftests",
        json={"squeeze_seconds": {"left": 1.5, "right": None}, "clench": {"both": True, "left": True, "right": False}},
    )  # fmt: skip
    assert scored.status_code == 200
    assert scored.json()["sides"]["right"]["status"] == "not_firm"
    assert "left" in scored.json()["sides"]

    plan = client.post("/api/plan", json={"equipment": "band", "minutes": 20, "days": ["mon", "thu"]}).json()
    assert plan["status"] == "active"
    assert {s["day"][:10] for s in plan["sessions"]}
    assert client.get("/api/plan").json() == plan

    verdict = client.post(
        "/api/checkins", json={"pain": 3, "numbness": 4, "psfs": {"Sitting through a film": 5}}
    )
    assert verdict.json() == {"outcome": "ok", "reasons": [], "urgency": None, "title": None, "advice": None}
    kinds = [entry["kind"] for entry in client.get("/api/history").json()]
    assert sorted(kinds) == ["selftest", "triage"]
    assert len(repo_for(database_url).checkins()) == 1


def test_a_warning_sign_at_a_check_in_pauses_the_plan(client: TestClient) -> None:
    client.post("/api/triage?save=true", json=SELF_CARE)
    client.post("/api/plan", json={})
    verdict = client.post(
        "/api/checkins",
        json={"pain": 2, "numbness": 2, "psfs": {"Driving": 6}, "warning_signs": {"saddle_numbness": True}},
    ).json()
    assert verdict["outcome"] == "red_flag"
    assert verdict["urgency"] == "emergency"
    assert verdict["title"] == "Emergency: call 999 or go to A&E now"
    assert client.get("/api/plan").json()["status"] == "stopped"


def test_export_delete_and_import_round_trip(client: TestClient) -> None:
    client.post("/api/triage?save=true", json=SELF_CARE)
    exported = client.get("/api/data").json()
    assert exported["format"] == "glutewake-export"
    assert client.post("/api/data", json=exported).status_code == 422  # the store is not empty
    assert client.delete("/api/data").status_code == 422  # confirm=yes is required
    assert client.delete("/api/data?confirm=yes").json() == {"deleted": True}
    assert client.get("/api/history").json() == []
    assert client.post("/api/data", json=exported).json()["imported"]["triage_runs"] == 1
    assert len(client.get("/api/history").json()) == 1


@pytest.mark.parametrize(
    ("path", "body", "says"),
    [
        ("/api/selftests", {"squeeze_seconds": {"left": 500}}, "less than or equal to 120"),
        ("/api/selftests", {"squeeze_seconds": {"middle": 2}}, "Extra inputs are not permitted"),
        ("/api/selftests", {"signs": ["not_a_sign"]}, "signs"),
        ("/api/selftests", {"clench": {"both": True}}, "Field required"),
        ("/api/plan", {"equipment": "rocket"}, "equipment"),
        ("/api/plan", {"minutes": 5}, "greater than or equal to 10"),
        ("/api/plan", {"days": ["someday"]}, "days"),
        ("/api/checkins", {"pain": 11, "numbness": 0, "psfs": {"x": 1}}, "less than or equal to 10"),
        ("/api/checkins", {"pain": 1, "numbness": 0, "psfs": {}}, "at least 1 item"),
        ("/api/checkins", {"pain": 1, "numbness": 0, "psfs": {"x": 1}, "warning_signs": {"headache": True}}, "headache"),
        ("/api/data", {"format": "something else"}, "not a glutewake export"),
    ],
)  # fmt: skip
def test_bad_bodies_get_a_422_naming_the_problem_and_store_nothing(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository], path: str,
    body: dict[str, object], says: str,
) -> None:  # fmt: skip
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert says in response.text
    assert repo_for(database_url).is_empty()
