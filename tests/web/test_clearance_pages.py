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
    key = client.app.state.owner.sealing_key  # type: ignore[attr-defined]
    token = encode_case(Case(35, "female", 21, answers), key, "owner 1 0")  # as the owner's pages seal it
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
    for path in ("/", "/plan", "/session", "/session?next=1", "/selftests", "/checkin", "/progress", "/exercises",
                 "/exercises/squat"):  # fmt: skip
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
    # the form is gone; a request crafted anyway is refused, and the plan kept for later stays
    crafted = {"csrf_token": csrf(client, "/checkin"), "equipment": "none", "minutes": "20"}
    assert client.post("/plan", data=crafted).status_code == 409
    assert client.post("/api/plan", json={"equipment": "none"}).status_code == 409
    assert "Your plan is kept for later" in text(client.get("/plan").text)
    assert client.get("/plan.ics").status_code == 409


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


def test_a_session_begun_before_the_result_takes_no_more_sets_and_its_calendar_goes(
    client: TestClient,
) -> None:
    save_check(client, CLEAR)
    build_plan(client)
    assert client.get("/plan.ics").status_code == 200
    session = client.get("/api/session").json()
    started = client.post(
        "/api/session/start", json={"planned_session_id": session["planned_session_id"]}
    ).json()
    first = next(n for n, step in enumerate(session["steps"]) if step["kind"] == "set")
    save_check(client, {**CLEAR, "bladder_change": True})
    refused = client.post(f"/api/session/{started['session_log_id']}/sets", json={"index": first, "reps": 5})
    assert refused.status_code == 409
    assert "found signs that need emergency help" in refused.json()["detail"]
    calendar = client.get("/plan.ics")
    assert calendar.status_code == 409


def test_a_calm_check_in_after_an_emergency_result_does_not_say_keep_going(client: TestClient) -> None:
    save_check(client, {**CLEAR, "saddle_numbness": True})
    form: dict[str, str] = {"csrf_token": csrf(client, "/checkin"), "pain": "2", "numbness": "3"}
    form |= {"activity_0": "sitting through a film", "activity_0_score": "6"}
    from glutewake.core.progress import rescreen_findings

    form |= dict.fromkeys(rescreen_findings(knowledge("uk")), "no")
    words = text(client.post("/checkin", data=form).text)
    assert "Keep going with your plan" not in words
    assert "Emergency: call 999 or go to A&E now" in words


def test_self_tests_that_are_exercise_are_not_kept_from_a_form_or_the_api_while_ruled_out(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    save_check(client, {**CLEAR, "saddle_numbness": True})
    assert client.post("/api/selftests", json={"squeeze_seconds": {"left": 3, "right": 4}}).status_code == 409
    form = {"csrf_token": csrf(client, "/checkin"), "left": "3", "right": "4"}
    assert client.post("/selftests", data=form).status_code == 409
    assert repo_for(database_url).selftest_results() == []
