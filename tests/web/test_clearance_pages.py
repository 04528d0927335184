"""Every page that offers exercise obeys what the person may do now (issue 23): after a saved
emergency or "not sure" result no page offers or starts a workout, each leads with what to do
and the number to call; after a gentle result only gentle exercises are offered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from glutewake.app.region import knowledge
from glutewake.core.triage import Case
from glutewake.store import Repository
from glutewake.web.state import encode_case
from tests.web.conftest import csrf
from tests.web.test_pages import text

NONE_SAID = {f.id: False for f in knowledge("uk").findings.values() if f.group == "red_flag"}
CLEAR = {**NONE_SAID, "numb_when_sitting": True, "eases_on_standing": True}
RESULTS_THAT_RULE_EXERCISE_OUT = [
    pytest.param(
        {**CLEAR, "saddle_numbness": True}, "Emergency: call 999 or go to A&E now", "999", id="emergency"
    ),
    pytest.param(
        {**CLEAR, "saddle_numbness": None},
        "A warning sign could not be ruled out: get medical help today",
        "111",
        id="not sure about saddle numbness",
    ),
]
# What would offer or start a workout, in the pages' own words.
OFFERS = (
    "Start today's session",
    "Do the next session now",
    "Go on with it",
    "Do it now",
    "Start the guided session",
)


def save_check(client: TestClient, answers: dict[str, Any], then: str = "") -> None:
    token = encode_case(Case(35, "female", 21, answers))
    response = client.post(
        "/check/save",
        data={"token": token, "then": then, "csrf_token": csrf(client, f"/check/result/{token}")},
    )
    assert response.status_code == 303


def build_plan(client: TestClient, equipment: str = "gym") -> None:
    response = client.post(
        "/plan", data={"csrf_token": csrf(client, "/plan"), "equipment": equipment, "minutes": "40"}
    )
    assert response.status_code == 303


@pytest.mark.parametrize(("answers", "title", "number"), RESULTS_THAT_RULE_EXERCISE_OUT)
def test_after_the_result_no_page_offers_exercise_and_each_leads_with_what_to_do(
    client: TestClient, answers: dict[str, Any], title: str, number: str
) -> None:
    save_check(client, CLEAR)
    build_plan(client)
    assert "Start today's session" in text(client.get("/plan").text), "the plan was on offer before"
    save_check(client, answers)
    for path in ("/", "/plan", "/session", "/session?next=1", "/selftests"):
        page = client.get(path).text
        words = text(page)
        assert title in words, path
        assert f'href="tel:{number}"' in page, path
        assert words.index(title) < words.index("Call " + number), path
        for offer in OFFERS:
            assert offer not in words, (path, offer)
    assert 'id="player"' not in client.get("/session").text
    assert 'name="left"' not in client.get("/selftests").text, "no standing test"
    session = client.get("/api/session").json()
    assert session["due"] is False
    assert session["clearance"]["exercise"] == "none"
    assert session["clearance"]["call"] == number
    assert client.post("/api/session/start", json={"planned_session_id": 1}).status_code == 409
    assert client.get("/api/clearance").json()["title"] == title
    # the form is gone; a request crafted anyway builds no workout
    crafted = {"csrf_token": csrf(client, "/checkin"), "equipment": "none", "minutes": "20"}
    assert client.post("/plan", data=crafted).status_code in (303, 409)
    assert "Start today's session" not in text(client.get("/plan").text)


def test_a_gentle_result_keeps_only_gentle_exercises_and_says_what_changed(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    kb = knowledge("uk")
    save_check(client, CLEAR)
    build_plan(client)
    save_check(client, {**CLEAR, "getting_worse": True}, then="plan")  # a GP result: gentle movement only
    active = repo_for(database_url).current_plan()
    assert active is not None
    today = client.app.state.clock.now().date()  # type: ignore[attr-defined]
    offered = {b.exercise_id for s in active.plan.sessions if s.day >= today for b in s.blocks}
    assert offered
    assert all(kb.exercises[e].min_exercise_level == "gentle" for e in offered)
    page = text(client.get("/plan").text)
    assert "made gentle" in page
    session = client.get("/api/session").json()
    assert session["due"] is True
    assert all(kb.exercises[e].min_exercise_level == "gentle" for e in session["exercises"])
    assert client.get("/api/clearance").json()["exercise"] == "gentle"


def test_a_warning_sign_at_check_in_shows_the_checks_own_banner_and_number_at_once(
    client: TestClient,
) -> None:
    save_check(client, CLEAR)
    build_plan(client)
    form: dict[str, str] = {"csrf_token": csrf(client, "/checkin"), "pain": "2", "numbness": "3"}
    form |= {"activity_0": "sitting through a film", "activity_0_score": "6"}
    from glutewake.core.progress import rescreen_findings

    form |= dict.fromkeys(rescreen_findings(knowledge("uk")), "no")
    form["bladder_change"] = "yes"
    response = client.post("/checkin", data=form)
    assert response.status_code == 200
    words = text(response.text)
    assert "Emergency: call 999 or go to A&E now" in words
    assert 'href="tel:999"' in response.text
    assert words.index("Emergency: call 999") < words.index("Your check-in is saved")
    for path in ("/", "/plan", "/session"):
        assert "Emergency: call 999 or go to A&E now" in text(client.get(path).text), path


def test_a_result_that_allows_more_offers_a_new_plan_and_never_builds_one_unasked(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    save_check(client, {**CLEAR, "getting_worse": True})
    build_plan(client)
    before = repo_for(database_url).current_plan()
    save_check(client, CLEAR)
    after = repo_for(database_url).current_plan()
    assert before is not None
    assert after is not None
    assert after.plan == before.plan
    assert "allows more than this plan was built for" in text(client.get("/plan").text)
