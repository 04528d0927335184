"""The coach inside the web app: its page, the prompt answered in the page, pause, one coach only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from glutewake.store import Store, connect
from glutewake.web import create_app
from tests.fakes import FakeActivity, FakeClock
from tests.plans import checked_clear
from tests.web.conftest import owner_client


@pytest.fixture
def coached(tmp_path: Path) -> Iterator[tuple[TestClient, FakeClock]]:
    clock = FakeClock()
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    checked_clear(Store(connect(url), clock).owner())  # a clear check: the breaks offer desk moves
    app = create_app(url, clock, coach=True, coach_source=FakeActivity(), coach_loop=False)
    with owner_client(app, follow_redirects=False) as client:
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
    with owner_client(create_app(f"sqlite:///{tmp_path / 'x.db'}", FakeClock())) as client:
        assert "The sitting coach is not running inside this window" in client.get("/coach").text
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
    with owner_client(second) as client:
        assert "A coach is already running for you" in client.get("/coach").text


def version(page: str, fragment: str) -> str:
    found = re.search(rf'hx-get="/coach/{fragment}\?v=([0-9a-f]+)"', page)
    assert found is not None, f"no polling of /coach/{fragment}"
    return found.group(1)


def test_the_page_polls_for_the_prompt_and_hears_nothing_until_it_changes(
    coached: tuple[TestClient, FakeClock],
) -> None:
    client, clock = coached
    sit(client, clock, 10)
    page = client.get("/coach").text
    quiet = version(page, "prompt")
    assert client.get(f"/coach/prompt?v={quiet}").status_code == 204
    assert client.get(f"/coach/status?v={version(page, 'status')}").status_code == 204
    sit(client, clock, 16)
    fired = client.get(f"/coach/prompt?v={quiet}")
    assert fired.status_code == 200
    assert 'role="alert"' in fired.text
    assert 'data-prompt="Stand up and squeeze your glutes' in fired.text
    assert client.get(f"/coach/prompt?v={version(fired.text, 'prompt')}").status_code == 204
    status = client.get(f"/coach/status?v={version(page, 'status')}")
    assert "sitting for 26 min, break overdue by 1 min" in status.text
    assert "<html" not in status.text, "a fragment, not a page"


def test_settings_from_the_page_take_effect_at_once_and_are_kept(
    coached: tuple[TestClient, FakeClock], glutewake_home: Path
) -> None:
    client, _ = coached
    form = {"csrf_token": csrf(client), "interval_minutes": "40", "work_days": ["mon", "tue", "sat"],
            "work_start": "07:30", "work_end": "16:00"}  # fmt: skip
    saved = client.post("/coach/settings", data=form)
    assert saved.status_code == 303
    assert "Settings saved." in client.get(saved.headers["location"]).text
    settings = client.app.state.coach.rules.settings  # type: ignore[attr-defined]
    assert (settings.interval_minutes, settings.work_days) == (40, (0, 1, 5))
    config = (glutewake_home / "config.toml").read_text()
    assert "interval_minutes = 40" in config
    assert 'work_start = "07:30"' in config
    assert client.get("/api/coach/settings").json() == {
        "interval_minutes": 40, "work_days": ["mon", "tue", "sat"], "work_start": "07:30", "work_end": "16:00",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"interval_minutes": "5"}, "interval minutes: must be a whole number from 15 to 60"),
        ({"interval_minutes": "soon"}, "interval minutes: must be a whole number from 15 to 60"),
        ({"work_days": []}, "work days: must list weekdays such as mon,tue,wed,thu,fri"),
        ({"work_start": "17:00", "work_end": "09:00"}, "work end: must be after work_start"),
        ({"work_start": "nine"}, "work start: must be a time such as 08:00"),
    ],
)
def test_bad_settings_are_explained_and_nothing_changes(
    coached: tuple[TestClient, FakeClock], glutewake_home: Path, change: dict[str, object], says: str
) -> None:
    client, _ = coached
    form = {"csrf_token": csrf(client), "interval_minutes": "30", "work_days": ["mon"],
            "work_start": "08:00", "work_end": "18:00", **change}  # fmt: skip
    response = client.post("/coach/settings", data=form)
    assert response.status_code == 422
    assert says in " ".join(response.text.split())
    assert not (glutewake_home / "config.toml").exists()
    assert client.app.state.coach.rules.settings.interval_minutes == 25  # type: ignore[attr-defined]
    page = response.text  # the form shows what was typed, not the saved settings
    typed = {**form, **change}
    assert (
        f'name="interval_minutes" type="number" min="15" max="60" required value="{typed["interval_minutes"]}"'
        in page
    )
    assert f'name="work_start" type="time" required value="{typed["work_start"]}"' in page
    assert f'name="work_end" type="time" required value="{typed["work_end"]}"' in page


def test_the_api_answers_pauses_and_changes_settings(coached: tuple[TestClient, FakeClock]) -> None:
    client, clock = coached
    sit(client, clock, 1)
    assert client.post("/api/coach", json={"action": "skip"}).status_code == 409
    assert client.post("/api/coach", json={"action": "nap"}).status_code == 404
    paused = client.post("/api/coach", json={"action": "pause", "minutes": 10})
    assert paused.json()["quiet_until"] == "2026-11-23T09:11:00+00:00"
    assert client.post("/api/coach", json={"action": "resume"}).json()["quiet_until"] is None
    bad = client.put("/api/coach/settings", json={"interval_minutes": 90, "work_days": ["mon"],
                                                  "work_start": "08:00", "work_end": "18:00"})  # fmt: skip
    assert bad.status_code == 422
    good = client.put("/api/coach/settings", json={"interval_minutes": 20, "work_days": ["mon"],
                                                   "work_start": "08:00", "work_end": "18:00"})  # fmt: skip
    assert good.json()["interval_minutes"] == 20
    assert client.get("/api/coach").json()["next_break_minutes"] == 19.0


def test_todays_bouts_are_drawn_on_the_working_day(coached: tuple[TestClient, FakeClock]) -> None:
    client, clock = coached
    sit(client, clock, 30)
    client.post("/coach/done", data={"csrf_token": csrf(client)})
    page = client.get("/coach").text
    bout = re.search(r'<rect class="bout" x="([\d.]+)" y="0" width="([\d.]+)"', page)
    assert bout is not None
    # 09:00 on a 08:00-18:00 day is a tenth of the way along; 2x minutes is about 50 of 1000
    assert float(bout.group(1)) == 100.0
    assert 40 <= float(bout.group(2)) <= 60


def test_settings_saved_without_a_coach_here_say_when_they_apply(
    tmp_path: Path, glutewake_home: Path
) -> None:
    with owner_client(
        create_app(f"sqlite:///{tmp_path / 'x.db'}", FakeClock()), follow_redirects=False
    ) as client:
        form = {"csrf_token": csrf(client), "interval_minutes": "45", "work_days": ["mon"],
                "work_start": "09:00", "work_end": "17:00"}  # fmt: skip
        saved = client.post("/coach/settings", data=form)
        page = " ".join(client.get(saved.headers["location"]).text.split())
    assert "picks them up when restarted" in page
    assert 'value="45"' in page
    assert "interval_minutes = 45" in (glutewake_home / "config.toml").read_text()
