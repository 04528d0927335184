"""The guided session over HTTP: the page, starting, saving sets, going on, finishing, feedback."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from glutewake.store import Repository
from tests.fakes import FakeClock
from tests.plans import checked_clear, save_ready_plan, tiny_plan
from tests.web.conftest import csrf
from tests.web.test_pages import text

TODAY = FakeClock().now().date()
# tiny_plan's steps: 0 get ready, 1 glute bridge, 2 get ready, 3 pelvic curl, 4 get ready, 5 side plank


@pytest.fixture
def planned(client: TestClient, database_url: str, repo_for: Callable[[str], Repository]) -> Repository:
    repo = repo_for(database_url)
    save_ready_plan(repo, tiny_plan(TODAY))
    return repo


def start(client: TestClient) -> dict[str, int]:
    session = client.get("/api/session").json()
    response = client.post("/api/session/start", json={"planned_session_id": session["planned_session_id"]})
    assert response.status_code == 200
    return dict(response.json())


def test_before_the_check_the_page_leads_to_it(client: TestClient) -> None:
    page = text(client.get("/session").text)
    assert "Start with the symptom check" in page
    assert "Start the guided session" not in page
    session = client.get("/api/session").json()
    assert session["due"] is False
    assert session["clearance"]["source"] == "no_check"


def test_with_no_plan_the_page_says_what_to_do(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    checked_clear(repo_for(database_url))
    page = text(client.get("/session").text)
    assert "You have no plan yet" in page
    assert client.get("/api/session").json() == {
        "due": False, "reason": "You have no plan yet. Build it on the My plan page.", "next_day": None,
        "planned_session_id": None, "day": None, "phase": None, "steps": [], "exercises": {},
        "in_progress": None, "motion": {}, "clearance": None,
    }  # fmt: skip


def test_the_page_lists_the_session_and_carries_the_steps_for_the_player(
    client: TestClient, planned: Repository
) -> None:
    response = client.get("/session")
    assert response.status_code == 200
    page = text(response.text)
    assert "Today's session" in page
    assert "Glute bridge : 1 × 2 reps" in page
    assert "Start the guided session" in page
    assert "needs JavaScript" in page  # the <noscript> note
    found = re.search(r'<script type="application/json" id="player-data">(.*?)</script>', response.text, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    assert [s["kind"] for s in data["steps"]] == ["get_ready", "set", "get_ready", "set", "get_ready", "set"]
    assert data["exercises"]["glute_bridge"]["name"] == "Glute bridge"
    assert data["exercises"]["glute_bridge"]["rep_seconds"] >= 2


def test_sets_are_saved_once_each_and_the_page_offers_to_go_on(
    client: TestClient, planned: Repository
) -> None:
    started = start(client)
    assert (started["done_sets"], started["resume_at"]) == (0, 0)
    log = started["session_log_id"]
    assert client.post(f"/api/session/{log}/sets", json={"index": 1, "reps": 2}).json() == {"done_sets": 1}
    # the same step sent again (a retry) is not saved twice
    assert client.post(f"/api/session/{log}/sets", json={"index": 1, "reps": 2}).json() == {"done_sets": 1}
    assert len(planned.sets_of(log)) == 1

    # leaving the page: coming back offers to go on from the next set
    assert client.get("/api/session").json()["in_progress"] == {
        "session_log_id": log, "done_sets": 1, "resume_at": 3,
    }  # fmt: skip
    page = text(client.get("/session").text)
    assert "You stopped part-way through this session: 1 set done and kept" in page
    assert "Go on from where I stopped" in page
    assert start(client) == {"session_log_id": log, "done_sets": 1, "resume_at": 3}


def test_a_whole_session_then_feedback_adapts_the_plan(client: TestClient, planned: Repository) -> None:
    token = csrf(client, "/session")
    log = start(client)["session_log_id"]
    for index, body in ((1, {"reps": 2}), (3, {"reps": 2}), (5, {"seconds": 2})):
        assert client.post(f"/api/session/{log}/sets", json={"index": index, **body}).status_code == 200
    finished = client.post(f"/api/session/{log}/finish", json={"completed": True})
    assert finished.json() == {"status": "completed", "done_sets": 3}
    answer = client.post(
        f"/session/{log}/feedback", data={"csrf_token": token, "rpe": "5", "pain": "1", "felt": ["glutes"]}
    )
    assert answer.status_code == 200
    assert "progressed: the last session felt easy" in text(answer.text)
    again = client.post(f"/api/session/{log}/feedback", json={"rpe": 5, "pain": 1, "felt": []})
    assert again.status_code == 409
    assert client.post(f"/api/session/{log}/sets", json={"index": 1, "reps": 2}).status_code == 409
    # today's session is done: the page points to the next one
    assert "Next session: Wednesday 25 November" in text(client.get("/session").text)
    ahead = text(client.get("/session?next=1").text)
    assert "Next session Wednesday 25 November: Wake-up" in ahead
    assert "Start the guided session" in ahead


def test_painful_feedback_says_to_stop_and_check_again(client: TestClient, planned: Repository) -> None:
    log = start(client)["session_log_id"]
    client.post(f"/api/session/{log}/finish", json={"completed": True})
    token = csrf(client, "/session?next=1")
    page = text(
        client.post(f"/session/{log}/feedback", data={"csrf_token": token, "rpe": "7", "pain": "6"}).text
    )
    assert "do the symptom check again" in page


def test_stopping_part_way_can_be_taken_up_again(client: TestClient, planned: Repository) -> None:
    log = start(client)["session_log_id"]
    client.post(f"/api/session/{log}/sets", json={"index": 1, "reps": 1})
    assert client.post(f"/api/session/{log}/finish", json={"completed": False}).json() == {
        "status": "quit", "done_sets": 1,
    }  # fmt: skip
    assert client.post(f"/api/session/{log}/feedback", json={"rpe": 3, "pain": 0}).status_code == 409
    assert start(client) == {"session_log_id": log, "done_sets": 1, "resume_at": 3}


@pytest.mark.parametrize(
    ("path", "body", "status", "says"),
    [
        ("/api/session/start", {"planned_session_id": 999}, 409, "not the one due"),
        ("/api/session/999/sets", {"index": 1}, 404, "no session 999"),
        ("/api/session/999/finish", {"completed": True}, 404, "no session 999"),
        ("/api/session/999/feedback", {"rpe": 1, "pain": 1}, 404, "no session 999"),
        ("/api/session/{log}/sets", {"index": 0}, 422, "step 0 of this session is not a set"),
        ("/api/session/{log}/sets", {"index": 99}, 422, "step 99 of this session is not a set"),
        ("/api/session/{log}/sets", {"index": 1, "reps": -1}, 422, "greater than or equal to 0"),
        ("/api/session/{log}/sets", {"index": True}, 422, "not true or false"),
        ("/api/session/{log}/feedback", {"rpe": 11, "pain": 0}, 422, "less than or equal to 10"),
        ("/api/session/{log}/feedback", {"rpe": 1, "pain": 0, "felt": ["knees"]}, 422, "glutes"),
        ("/api/session/{log}/finish", {}, 422, "Field required"),
        # the camera coach's flags: only its own checks, only for what it follows, sane times
        (
            "/api/session/{log}/sets",
            {"index": 1, "reps": 2, "camera": {"flags": [{"id": "knees_caving", "t": 1}]}},
            422,
            "'knees_caving' is not a form check of glute_bridge",
        ),
        (
            "/api/session/{log}/sets",
            {"index": 3, "reps": 2, "camera": {}},
            422,
            "does not follow pelvic_curl",
        ),
        ("/api/session/{log}/sets", {"index": 1, "reps": 2, "camera": "yes"}, 422, "valid dictionary"),
        (
            "/api/session/{log}/sets",
            {"index": 1, "reps": 2, "camera": {"flags": [{"id": "hips_not_extended", "t": -1}]}},
            422,
            "greater than or equal to 0",
        ),
        (
            "/api/session/{log}/sets",
            {"index": 1, "reps": 2, "camera": {"flags": [{"id": "hips_not_extended", "t": True}]}},
            422,
            "not true or false",
        ),
        (
            "/api/session/{log}/sets",
            {"index": 1, "reps": 2, "camera": {"flags": [{"id": "hips_not_extended", "t": 1}] * 101}},
            422,
            "at most 100",
        ),
    ],
)
def test_bad_calls_get_a_clear_4xx_and_change_nothing(
    client: TestClient, planned: Repository, path: str, body: dict[str, object], status: int, says: str
) -> None:
    log = start(client)["session_log_id"]
    response = client.post(path.format(log=log), json=body)
    assert response.status_code == status
    assert says in json.dumps(response.json())
    assert planned.sets_of(log) == []
    assert planned.session_log(log).status == "in_progress"  # type: ignore[union-attr]


def test_a_form_post_cannot_drive_the_json_api(client: TestClient, planned: Repository) -> None:
    """Cross-site forms can only send form encodings; the API takes JSON only."""
    session = client.get("/api/session").json()
    forged = client.post(
        "/api/session/start", data={"planned_session_id": str(session["planned_session_id"])}
    )
    assert forged.status_code == 415
    assert client.get("/api/session").json()["in_progress"] is None


def test_the_feedback_form_needs_its_token_and_sane_numbers(client: TestClient, planned: Repository) -> None:
    log = start(client)["session_log_id"]
    client.post(f"/api/session/{log}/finish", json={"completed": True})
    token = csrf(client, "/session?next=1")
    assert (
        client.post(f"/session/{log}/feedback", data={"csrf_token": "x", "rpe": "5", "pain": "1"}).status_code
        == 403
    )
    for bad in ({"rpe": "12", "pain": "1"}, {"rpe": "5"}, {"rpe": "5", "pain": "1", "felt": ["knees"]}):
        assert client.post(f"/session/{log}/feedback", data={"csrf_token": token, **bad}).status_code == 422
    assert planned.session_log(log).has_feedback is False  # type: ignore[union-attr]


def test_the_plan_calendar_marks_each_session_done_or_missed(client: TestClient, planned: Repository) -> None:
    log = start(client)["session_log_id"]
    assert client.post(f"/api/session/{log}/sets", json={"index": 1, "reps": 2}).status_code == 200
    assert client.post(f"/api/session/{log}/finish", json={"completed": True}).status_code == 200
    clock: FakeClock = client.app.state.clock  # type: ignore[attr-defined]
    clock.wall += timedelta(days=3)  # the second session's day has gone by
    cells = re.findall(
        r'<td class="session (\w+)"[^>]*>\s*<span class="day">([^<]+)</span>', client.get("/plan").text
    )
    assert cells == [("done", "Mon 23 Nov"), ("missed", "Wed 25 Nov")]
    page = text(client.get("/plan").text)
    assert "Mon 23 Nov Wake-up Done" in page
    assert "Wed 25 Nov Wake-up Missed" in page


def test_on_a_rest_day_the_plan_names_the_next_session_and_its_day(
    client: TestClient, planned: Repository
) -> None:
    clock: FakeClock = client.app.state.clock  # type: ignore[attr-defined]
    clock.wall += timedelta(days=1)  # Tuesday: no session planned
    page = text(client.get("/plan").text)
    assert "No session today" in page
    assert "Next session: Wednesday 25 November" in page
    assert 'href="/session?next=1">Do the next session now</a>' in client.get("/plan").text


def test_a_session_left_part_way_is_offered_from_the_plan_page_on_a_later_day(
    client: TestClient, planned: Repository
) -> None:
    log = start(client)["session_log_id"]
    assert client.post(f"/api/session/{log}/sets", json={"index": 1, "reps": 2}).status_code == 200
    clock: FakeClock = client.app.state.clock  # type: ignore[attr-defined]
    clock.wall += timedelta(days=1)  # the next day, a rest day
    page = text(client.get("/plan").text)
    assert "You stopped part-way through the session of Monday 23 November" in page
    assert 'href="/session">Go on with it</a>' in client.get("/plan").text
    assert client.get("/api/session").json()["in_progress"]["done_sets"] == 1, (
        "the session page goes on with it"
    )
    session_page = client.get("/session").text  # the nav's Session link, on a day with no session planned
    assert "You stopped part-way through this session: 1 set done and kept." in session_page
    assert "Go on from where I stopped" in session_page


def test_the_player_gets_the_camera_coachs_rules_and_the_page_may_use_the_camera(
    client: TestClient, planned: Repository
) -> None:
    motion = client.get("/api/session").json()["motion"]
    assert sorted(motion) == ["glute_bridge", "side_plank"]  # the pelvic curl has no motion rules
    assert motion["glute_bridge"]["measure"] == {"kind": "angle", "points": ["shoulder", "hip", "knee"]}
    assert {c["id"] for c in motion["glute_bridge"]["checks"]} == {"hips_not_extended", "pelvis_dropping"}
    page = client.get("/session")
    # the session page alone may ask for the camera, and run the pose model's WASM from this server
    assert page.headers["Permissions-Policy"].startswith("camera=(self)")
    assert "script-src 'self' 'wasm-unsafe-eval'" in page.headers["Content-Security-Policy"]
    assert "connect-src 'self'" in page.headers["Content-Security-Policy"]
    assert client.get("/plan").headers["Permissions-Policy"].startswith("camera=()")


def test_a_set_the_camera_counted_keeps_its_count_and_flags_and_nothing_else(
    client: TestClient, planned: Repository
) -> None:
    log = start(client)["session_log_id"]
    flags = [{"id": "hips_not_extended", "t": 4.2, "rep": 2}, {"id": "pelvis_dropping", "t": 6.0, "rep": 3}]
    body = {"index": 1, "reps": 2, "camera": {"flags": flags}}
    assert client.post(f"/api/session/{log}/sets", json=body).json() == {"done_sets": 1}
    # a set timed by the player says nothing of a camera
    assert client.post(f"/api/session/{log}/sets", json={"index": 3, "reps": 2}).json() == {"done_sets": 2}
    hold = {"index": 5, "seconds": 17, "camera": {"flags": []}}
    assert client.post(f"/api/session/{log}/sets", json=hold).json() == {"done_sets": 3}
    bridge, curl, plank = planned.sets_of(log)
    assert (bridge.reps, bridge.counted_by, bridge.form_flags) == (2, "camera", flags)
    assert (curl.reps, curl.counted_by, curl.form_flags) == (2, None, None)
    assert (plank.seconds, plank.counted_by, plank.form_flags) == (17, "camera", [])
    # the export carries what was kept
    exported = client.get("/data/export").json()
    kept = exported["sessions"][-1]["sets"]
    assert [(s["counted_by"], s["form_flags"]) for s in kept] == [
        ("camera", flags),
        (None, None),
        ("camera", []),
    ]
