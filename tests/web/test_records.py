"""The plan and data pages: building a plan, its calendar file, export, import and delete."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi.testclient import TestClient
from icalendar import Calendar

from glutewake.codec import dump
from glutewake.core.triage import Case, triage
from glutewake.knowledge import Knowledge
from glutewake.store import Repository
from tests.web.conftest import csrf


def checked(repo: Repository, kb: Knowledge) -> None:
    case = Case(34, "female", 30, {"numb_when_sitting": True, "eases_on_standing": True})
    repo.add_triage_run(dump(case), dump(triage(case, kb)))


def test_the_plan_page_asks_for_the_check_first(client: TestClient) -> None:
    page = client.get("/plan").text
    assert 'href="/check">Start the symptom check</a>' in page
    assert "Build my plan" not in page


def test_building_a_plan_then_its_calendar_and_file(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository], kb: Knowledge
) -> None:
    checked(repo_for(database_url), kb)
    token = csrf(client, "/plan")
    assert client.post("/plan", data={"csrf_token": "forged", "equipment": "band"}).status_code == 403
    built = client.post(
        "/plan", data={"csrf_token": token, "equipment": "band", "minutes": "20", "days": ["mon", "thu"]}
    )
    assert built.status_code == 303
    page = client.get("/plan").text
    assert "<caption>Sessions from 23 Nov 2026</caption>" in page
    assert 'aria-current="date"' in page
    assert "Wake-up" in page
    assert 'href="/exercises/glute_bridge"' in page
    assert "<summary>Mon 23 Nov: Wake-up</summary>" in page  # each session in full
    assert "<dt>Warm-up</dt>" in page
    assert "<dt>Stretches</dt>" in page
    ics = client.get("/plan.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    events = list(Calendar.from_ical(ics.content).walk("VEVENT"))
    assert {event.decoded("dtstart").weekday() for event in events} == {0, 3}


def test_bad_plan_choices_are_refused(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository], kb: Knowledge
) -> None:
    checked(repo_for(database_url), kb)
    token = csrf(client, "/plan")
    assert (
        client.post("/plan", data={"csrf_token": token, "equipment": "rocket", "minutes": "20"}).status_code
        == 422
    )
    assert (
        client.post("/plan", data={"csrf_token": token, "equipment": "band", "minutes": "500"}).status_code
        == 422
    )
    assert client.get("/plan.ics").status_code == 404


def test_export_import_and_delete_through_the_data_page(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository], kb: Knowledge
) -> None:
    repo = repo_for(database_url)
    checked(repo, kb)
    exported = client.get("/data/export")
    assert exported.headers["content-disposition"].startswith('attachment; filename="glutewake-export-')
    document = exported.json()
    assert document["format"] == "glutewake-export"
    token = csrf(client, "/data")
    not_confirmed = client.post("/data/forget", data={"csrf_token": token})
    assert not_confirmed.status_code == 422
    assert not repo.is_empty()
    assert client.post("/data/forget", data={"csrf_token": token, "confirm": "yes"}).status_code == 303
    assert repo.is_empty()
    files = {"file": ("backup.json", json.dumps(document).encode(), "application/json")}
    assert client.post("/data/import", data={"csrf_token": token}, files=files).status_code == 303
    assert "Your records are imported." in client.get("/data?done=imported").text
    assert len(repo.triage_runs()) == 1
    again = client.post("/data/import", data={"csrf_token": token}, files=files)
    assert again.status_code == 422
    assert "already has records" in again.text


def test_a_file_that_is_not_an_export_is_explained(client: TestClient) -> None:
    token = csrf(client, "/data")
    files = {"file": ("notes.txt", b"my notes", "text/plain")}
    response = client.post("/data/import", data={"csrf_token": token}, files=files)
    assert response.status_code == 422
    assert "is not valid JSON" in response.text
