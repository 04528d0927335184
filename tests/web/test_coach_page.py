"""The coach inside the web app: its page, the prompt answered in the page, pause, one coach only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from glutewake.web import create_app
from tests.fakes import FakeActivity, FakeClock


@pytest.fixture
def coached(tmp_path: Path) -> Iterator[tuple[TestClient, FakeClock]]:
    clock = FakeClock()
    app = create_app(
        f"sqlite:///{tmp_path / 'coach.db'}", clock, coach=True, coach_source=FakeActivity(), coach_loop=False
    )
    with TestClient(app, follow_redirects=False) as client:
        yield client, clock


def sit(client: TestClient, clock: FakeClock, minutes: int) -> None:
    runner = client.app.state.coach  # type: ignore[attr-defined]
    if runner.state.last_sample is None:
        runner.sample()  # sitting down at 09:00
    for _ in range(minutes * 2):
        clock.wall += timedelta(seconds=30)
        runner.sample()


def csrf(client: TestClient) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/coach").text)
    assert found is not None
    return found.group(1)


def test_without_the_coach_the_page_says_how_to_start_it(tmp_path: Path) -> None:
    with TestClient(create_app(f"sqlite:///{tmp_path / 'x.db'}", FakeClock())) as client:
        assert "start it with `glutewake coach`" in client.get("/coach").text
        assert client.get("/api/coach").status_code == 409


def test_the_prompt_shows_in_the_page_and_is_answered_there(coached: tuple[TestClient, FakeClock]) -> None:
    client, clock = coached
    sit(client, clock, 10)
    page = client.get("/coach").text
    assert "sitting for 10 min, next break in 15 min" in page
    assert 'http-equiv="refresh"' not in page, (
        "no auto-refresh: timing stays under the user's control (WCAG 2.2.1)"
    )
    sit(client, clock, 16)
    page = client.get("/coach").text
    assert "Time for a glute break" in page
    assert "Stand up and squeeze your glutes for 10 seconds, 3 times." in page
    assert client.get("/api/coach").json()["prompt"]["can_postpone"] is True
    assert client.post("/coach/done", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/coach/done", data={"csrf_token": csrf(client)}).status_code == 303
    page = client.get("/coach").text
    assert "Time for a glute break" not in page
    assert re.search(r"09:00 to 09:2\d: 2\d min", page), "today's bout is on the timeline"


def test_an_answer_with_no_prompt_is_explained(coached: tuple[TestClient, FakeClock]) -> None:
    client, clock = coached
    sit(client, clock, 1)
    response = client.post("/coach/skip", data={"csrf_token": csrf(client)})
    assert "Skip is not possible while sitting" in client.get(response.headers["location"]).text


def test_pause_and_resume_from_the_page(coached: tuple[TestClient, FakeClock]) -> None:
    client, clock = coached
    sit(client, clock, 1)
    client.post("/coach/pause", data={"csrf_token": csrf(client), "minutes": "45"})
    assert "Resume prompts" in client.get("/coach").text
    client.post("/coach/resume", data={"csrf_token": csrf(client)})
    assert "Pause prompts for" in client.get("/coach").text


def test_only_one_coach_per_user(coached: tuple[TestClient, FakeClock], tmp_path: Path) -> None:
    second = create_app(
        f"sqlite:///{tmp_path / 'other.db'}",
        FakeClock(),
        coach=True,
        coach_source=FakeActivity(),
        coach_loop=False,
    )
    with TestClient(second) as client:
        assert "A coach is already running for you" in client.get("/coach").text
