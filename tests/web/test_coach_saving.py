"""The coach inside the web app on a disk that fills up: the page and /api/coach say it cannot
save, the prompt is answered all the same, and once there is room everything is kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from glutewake.app.context import acting_for
from glutewake.web import create_app
from tests.fakes import FakeActivity, FakeClock
from tests.runtime.test_coach_keeping import SmallDisk, small_disk_in, today
from tests.web.conftest import csrf, owner_client


@pytest.fixture
def coached_on_a_small_disk(tmp_path: Path) -> Iterator[tuple[TestClient, FakeClock, SmallDisk]]:
    clock = FakeClock()
    with small_disk_in(tmp_path) as disk:
        app = create_app(disk.url, clock, coach=True, coach_source=FakeActivity(), coach_loop=False)
        with owner_client(app, follow_redirects=False) as client:
            client.app.state.coach.records = acting_for(disk.repo())  # type: ignore[attr-defined]
            yield client, clock, disk


def sit(client: TestClient, clock: FakeClock, minutes: int) -> None:
    runner = client.app.state.coach  # type: ignore[attr-defined]
    if runner.state.last_sample is None:
        runner.sample()
    for _ in range(minutes * 2):
        clock.wall += timedelta(seconds=30)
        runner.sample()


def test_a_full_disk_is_said_on_the_page_and_in_the_api_and_nothing_is_lost(
    coached_on_a_small_disk: tuple[TestClient, FakeClock, SmallDisk],
) -> None:
    client, clock, disk = coached_on_a_small_disk
    sit(client, clock, 10)
    token = csrf(client, "/coach")
    disk.fill()
    sit(client, clock, 16)
    assert client.get("/api/coach").json()["prompt"] is not None, "the prompt shows"
    assert client.post("/coach/done", data={"csrf_token": token}).status_code == 303
    status = client.get("/api/coach").json()
    assert status["saving"]["ok"] is False
    assert status["saving"]["unsaved"] == 4
    assert "disk is full" in status["saving"]["problem"]
    assert status["today"]["followed"] == 1
    page = " ".join(client.get("/coach").text.split())
    assert "Your sitting record cannot be saved just now" in page
    assert "free some space on the disk" in page
    assert "glutewake " not in page.split("cannot be saved just now")[1][:300], "no command to run"
    disk.free()
    sit(client, clock, 1)
    status = client.get("/api/coach").json()
    assert status["saving"]["ok"] is True
    assert "cannot be saved" not in client.get("/coach").text
    prompts, followed, bouts, _ = today(disk.repo())
    assert (prompts, followed, bouts) == (1, 1, 2), "the stretch that ended, and the one going on"
