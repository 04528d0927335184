"""The CLI and the web give the same answers for the same inputs: both call one use case.

Each test does one thing through `glutewake ...` and through the web app's API, each on a
store of its own, and compares what they answered or kept.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from glutewake.app.region import save_region
from glutewake.knowledge import load_knowledge
from glutewake.knowledge.vocabulary import EQUIPMENT, POSITIONS
from glutewake.store import Repository, Store, connect
from glutewake.web import create_app
from tests.cli.runner import SELF_CARE_CASE, run
from tests.fakes import FakeClock
from tests.web.conftest import csrf, owner_client


@pytest.fixture
def cli_store(tmp_path: Path) -> str:
    save_region("uk")
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    save_region("uk")
    url = f"sqlite:///{tmp_path / 'web.db'}"
    with owner_client(create_app(url, FakeClock())) as client:
        yield client, url


def records(url: str) -> Repository:
    return Store(connect(url), FakeClock()).owner()


FILTERS = list(itertools.product(["", *POSITIONS], ["", *EQUIPMENT], ["", "1", "2"]))


def test_the_exercise_filter_means_the_same_in_both(web: tuple[TestClient, str]) -> None:
    from click.testing import CliRunner

    from glutewake.cli import main

    client, _ = web
    for position, equipment, level in FILTERS:
        options = [
            *(("--position", position) if position else ()),
            *(("--equipment", equipment) if equipment else ()),
            *(("--level", level) if level else ()),
        ]
        result = CliRunner(env={"COLUMNS": "200"}).invoke(main, ["learn", "exercises", *options])
        assert result.exit_code == 0, result.output
        listed = set(re.findall(r"^│ ([a-z0-9_]+) ", result.stdout, flags=re.M))
        query = {k: v for k, v in (("position", position), ("equipment", equipment), ("level", level)) if v}
        served = {item["id"] for item in client.get("/api/exercises", params=query).json()}
        page = client.get("/exercises", params=query).text
        shown = set(re.findall(r'href="/exercises/([a-z0-9_]+)"', page))
        assert listed == served == shown, (position, equipment, level)


def test_building_a_plan_gives_the_same_plan(
    cli_store: str, web: tuple[TestClient, str], tmp_path: Path
) -> None:
    client, _ = web
    answers = tmp_path / "case.json"
    answers.write_text(json.dumps(SELF_CARE_CASE))
    assert run(cli_store, "check", "--answers", str(answers), "--save")[0] == 0
    assert client.post("/api/triage?save=true", json=SELF_CARE_CASE).status_code == 200
    code, out, err = run(cli_store, "plan", "--new", "--equipment", "band", "--minutes", "25", "--days", "mon,thu", "--json")  # fmt: skip
    assert code == 0, err
    from_web = client.post("/api/plan", json={"equipment": "band", "minutes": 25, "days": ["mon", "thu"]})
    assert from_web.status_code == 200, from_web.text
    assert json.loads(out) == from_web.json()
    assert records(cli_store).profile() == records(web[1]).profile()
    often = load_knowledge().programme.maintenance_often  # from programme.yaml, said the same in both
    assert f"keep it up {often}" in run(cli_store, "plan", flat=True)[1]
    assert f"Keep it up {often}" in client.get("/plan").text


def test_a_check_in_is_kept_the_same_way(cli_store: str, web: tuple[TestClient, str]) -> None:
    client, url = web
    code, _, err = run(
        cli_store, "checkin", "--pain", "3", "--numbness", "4", "--psfs", "sitting through a film=6", "--no-red-flags"
    )  # fmt: skip
    assert code == 0, err
    from glutewake.core.progress import rescreen_findings

    signs = dict.fromkeys(rescreen_findings(load_knowledge()), False)  # what --no-red-flags answers
    reply = client.post(
        "/api/checkins",
        json={"pain": 3, "numbness": 4, "psfs": {"sitting through a film": 6}, "warning_signs": signs},
    )
    assert reply.status_code == 200, reply.text
    kept_by_cli, kept_by_web = records(cli_store), records(url)
    assert [c.data for c in kept_by_cli.checkins()] == [c.data for c in kept_by_web.checkins()]
    assert kept_by_cli.profile() == kept_by_web.profile()
    profile = kept_by_web.profile()
    assert profile is not None
    assert profile.psfs_activities == ("sitting through a film",), "named once, asked again next time"


def test_coach_settings_are_written_the_same_way(web: tuple[TestClient, str], glutewake_home: Path) -> None:
    from click.testing import CliRunner

    from glutewake.cli import main

    client, _ = web
    config = glutewake_home / "config.toml"
    for key, value in (("interval", "30"), ("work-days", "mon,tue,thu"), ("work-start", "08:30")):
        assert CliRunner().invoke(main, ["coach", "config", key, value]).exit_code == 0
    by_cli = config.read_text()
    reply = client.put(
        "/api/coach/settings",
        json={
            "interval_minutes": 30,
            "work_days": ["mon", "tue", "thu"],
            "work_start": "08:30",
            "work_end": "18:00",
        },
    )
    assert reply.status_code == 200, reply.text
    assert config.read_text() == by_cli
    shown = CliRunner().invoke(main, ["coach", "config", "work-days"]).stdout.strip()
    assert shown == "mon,tue,thu"


# --- the symptom check: the same screens, in the same order, for the same answers ----------------

POLICIES = ["none", "not sure", "first"]  # how a screen is answered: none apply; not sure; the first applies


def _web_screens(client: TestClient, policy: str) -> list[tuple[str, str, bool, str]]:
    """(progress, title, safety, the CLI's keys) for each screen the web asks, answering by `policy`."""
    form = {
        "age": "52",
        "sex": "female",
        "duration": "6",
        "unit": "weeks",
        "csrf_token": csrf(client, "/check"),
    }
    page = client.post("/check/begin", data=form)
    seen = []
    while "/check/result/" not in str(page.url):
        html = page.text
        progress = re.search(r"Screen \d+ of about \d+", html)
        assert progress is not None, html[:500]
        title = re.sub(r"<[^>]+>", "", re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)).strip()  # type: ignore[union-attr]
        safety = 'class="tag">Safety question' in html
        step = re.search(r'name="step" value="([^"]+)"', html)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert step is not None
        assert token is not None
        checklist = 'type="checkbox"' in html
        sealed = str(page.url).rsplit("/", 1)[1]
        params: dict[str, Any] = {"step": step.group(1), "csrf_token": token.group(1)}
        if policy == "not sure":
            params["answer"], keys = "unknown", "?"
        elif policy == "first" and not safety:
            first = re.search(r'name="yes" value="([^"]+)"', html)
            params.update(
                {"answer": "no", "yes": first.group(1)} if checklist and first else {"answer": "yes"}
            )
            keys = "1" if checklist else "y"
        else:
            params["answer"], keys = "no", "n"
        seen.append((progress.group(0), html_text(title), safety, keys))
        page = client.post(f"/check/answer/{sealed}", data=params)
        assert page.status_code == 200, page.text[:300]
    return seen


def html_text(text: str) -> str:
    import html

    return " ".join(html.unescape(text).split())


@pytest.mark.parametrize("policy", POLICIES)
def test_the_check_asks_the_same_screens_in_both(
    web: tuple[TestClient, str], cli_store: str, policy: str
) -> None:
    client, _ = web
    screens = _web_screens(client, policy)
    assert len(screens) >= 3
    keys = "52\n1\n6 weeks\n" + "".join(f"{k}\n" for *_, k in screens)
    from click.testing import CliRunner

    from glutewake.cli import main

    result = CliRunner(env={"COLUMNS": "400"}).invoke(
        main, ["--database-url", cli_store, "check", "--no-save"], input=keys, obj={"clock": FakeClock()}
    )
    assert result.exit_code == 0, result.output[-500:]
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    asked = []
    for n, line in enumerate(lines):
        if re.fullmatch(r"Screen \d+ of about \d+", line):
            asked.append((line, next(x for x in lines[n + 1 :] if x)))
    assert asked == [(progress, title) for progress, title, *_ in screens]
