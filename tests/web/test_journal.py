"""The self-test and check-in pages: scored by the core, kept in the store, safety first."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from glutewake.core.progress import rescreen_findings
from glutewake.knowledge import load_knowledge
from glutewake.store import Repository
from tests.fakes import FakeClock
from tests.plans import checked_clear
from tests.web.conftest import csrf


@pytest.fixture
def checked(database_url: str, repo_for: Callable[[str], Repository]) -> None:
    """A clear symptom check: the standing and bridge tests are exercise, offered after one."""
    checked_clear(repo_for(database_url))


def test_the_self_test_page_shows_every_test(client: TestClient, checked: None) -> None:
    page = client.get("/selftests").text
    for name in ("Single-leg stand squeeze test", "Glute bridge test", "Side-on mirror check", "Clench test"):
        assert name in page


def test_self_tests_are_scored_per_side_and_kept(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository], checked: None
) -> None:
    token = csrf(client, "/selftests")
    form = {"csrf_token": token, "left": "3", "right": "0.8", "bridge": ["hamstrings"], "belt": "tilted_forward",
            "both": "yes", "clench_left": "no", "clench_right": "yes"}  # fmt: skip
    response = client.post("/selftests", data=form)
    assert response.status_code == 200
    assert "left: slow to activate (about 3 s), hard to squeeze on its own" in response.text
    assert "Your left side is the weaker one" in response.text
    (stored,) = repo_for(database_url).selftest_results()
    assert stored.data["weaker_side"] == "left"


def test_bad_self_test_answers_are_explained(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository], checked: None
) -> None:
    token = csrf(client, "/selftests")
    form = {"csrf_token": token, "left": "soon", "right": "2.5", "bridge": ["glutes", "lower_back"],
            "belt": "level", "both": "yes", "clench_left": "yes", "clench_right": "no", "signs": ["tight_hips"]}  # fmt: skip
    response = client.post("/selftests", data=form)
    assert response.status_code == 422
    assert "Please give the left side&#39;s time in seconds, from 0 to 120 (for example 2.5)" in response.text
    assert "squeeze" not in response.text.split('role="alert"')[1].split("</div>")[0], "plain words"
    page = response.text  # every other answer is still there
    assert 'name="right" inputmode="decimal" size="5" value="2.5"' in page
    assert 'value="soon"' in page
    for name, value in (("bridge", "glutes"), ("bridge", "lower_back"), ("belt", "level"), ("both", "yes"),
                        ("clench_left", "yes"), ("clench_right", "no")):  # fmt: skip
        assert f'name="{name}" value="{value}" checked' in page, (name, value)
    assert 'name="signs" value="tight_hips" checked' in page
    assert repo_for(database_url).selftest_results() == []
    assert client.post("/selftests", data={"csrf_token": "forged", "left": "1"}).status_code == 403


NO_WARNING_SIGNS = dict.fromkeys(rescreen_findings(load_knowledge()), "no")


def test_a_calm_check_in_is_saved_and_the_activities_remembered(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository], checked: None
) -> None:
    token = csrf(client, "/checkin")
    form = {
        "csrf_token": token,
        "pain": "3",
        "numbness": "4",
        "activity_0": "sitting through a film",
        "activity_0_score": "6",
        **NO_WARNING_SIGNS,
    }
    response = client.post("/checkin", data=form)
    assert response.status_code == 200
    assert "Check-in saved" in response.text
    assert repo_for(database_url).checkins()[0].data["psfs"] == {"sitting through a film": 6}
    assert 'value="sitting through a film"' in client.get("/checkin").text


def test_a_warning_sign_at_check_in_sends_back_to_the_check(client: TestClient) -> None:
    token = csrf(client, "/checkin")
    form = {
        "csrf_token": token,
        "pain": "2",
        "numbness": "2",
        "activity_0": "film",
        "activity_0_score": "5",
        **NO_WARNING_SIGNS,
        "bladder_change": "yes",
    }
    response = client.post("/checkin", data=form)
    assert 'class="banner emergency" role="alert"' in response.text
    assert "Emergency: call 999 or go to A&amp;E now" in response.text, "the check's own words"
    assert "new trouble peeing" in response.text
    assert 'href="/check"' in response.text


def test_no_warning_sign_is_answered_for_the_user(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    page = client.get("/checkin").text
    assert " checked" not in page, "nothing is preselected"
    form = {"csrf_token": csrf(client, "/checkin"), "pain": "2", "numbness": "2", "activity_0": "film",
            "activity_0_score": "5", **NO_WARNING_SIGNS}  # fmt: skip
    del form["saddle_numbness"]
    refused = client.post("/checkin", data=form)
    assert refused.status_code == 422
    assert "Please answer every safety question" in refused.text
    assert repo_for(database_url).checkins() == []
    unsure = client.post("/checkin", data={**form, "saddle_numbness": "unknown"})
    assert "A warning sign could not be ruled out" in unsure.text


def test_a_check_in_missing_scores_is_refused(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    token = csrf(client, "/checkin")
    response = client.post("/checkin", data={"csrf_token": token, "pain": "eleven", "numbness": "2"})
    assert response.status_code == 422
    assert "Please give pain as a whole number from 0 to 10." in response.text
    assert "Please name at least one everyday activity" in response.text
    assert repo_for(database_url).checkins() == []


def test_progress_shows_trends_against_the_minimal_important_change(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    assert "Nothing to show yet" in client.get("/progress").text
    repo = repo_for(database_url)
    assert isinstance(repo.clock, FakeClock)
    for pain in (7, 6, 4):  # three weekly check-ins, pain falling
        repo.add_checkin(pain, 3, {"film": 5}, {}, "ok")
        repo.clock.wall += timedelta(days=7)
    page = " ".join(client.get("/progress").text.split())
    assert "now 4.0, started 7.0: better by 3.0, a meaningful change" in page
    assert "<caption>Week by week (weekly means)</caption>" in page
    charts = json.loads(re.search(r'id="chart-data">(.*?)</script>', page).group(1))  # type: ignore[union-attr]
    assert charts["pain"] == [7.0, 6.0, 4.0]
    assert charts["numbness"] == [3.0, 3.0, 3.0]
    assert len(charts["weeks"]) == 3
    assert '<script src="/static/vendor/chart.umd.min.js" defer></script>' in page
    data = client.get("/api/progress").json()
    assert data["pain"]["change"] == -3
    assert data["minimal_important_change"] == 2.0


def test_a_refused_check_in_keeps_everything_typed_and_says_why(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    form = {"csrf_token": csrf(client, "/checkin"), "pain": "3", "numbness": "6",
            "activity_0": "sitting through a film", "activity_0_score": "4",
            "activity_1": "", "activity_1_score": "7",  # a score with no name
            "activity_2": "x" * 9300, "activity_2_score": "5", **NO_WARNING_SIGNS}  # fmt: skip
    refused = client.post("/checkin", data=form)
    assert refused.status_code == 422
    page = refused.text
    assert "Please name activity 2, the one you scored 7." in page
    assert "Please keep activity 3&#39;s name to 80 characters." in page
    assert 'name="pain" type="number" min="0" max="10" required value="3"' in page
    assert 'name="numbness" type="number" min="0" max="10" required value="6"' in page
    assert 'value="sitting through a film" maxlength="80"' in page
    assert 'name="activity_1_score" type="number" min="0" max="10" size="3" value="7"' in page
    assert "x" * 161 not in page, "a long name is not echoed whole"
    assert page.count(" checked") == len(NO_WARNING_SIGNS), "the safety answers given are kept"
    assert repo_for(database_url).checkin_scores() == [], "nothing is saved"


def test_progress_with_little_data_does_not_contradict_itself(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    repo = repo_for(database_url)
    log = repo.start_session(None, guided=False)  # a session logged by hand, on no planned day
    repo.finish_session(log, "completed")
    page = client.get("/progress").text
    assert "1 done" in page
    assert "in a row" not in page, "no streak is claimed without planned sessions"
    assert "Nothing to show yet" not in page
    assert '<table class="weekly">' not in page, "no table of headers only"
    assert 'href="/checkin">Check in now</a>' in page


def test_before_any_check_the_standing_and_bridge_tests_are_left_out_and_refused(client: TestClient) -> None:
    page = client.get("/selftests").text
    assert "Start with the symptom check" in page
    assert "Single-leg stand squeeze test" not in page
    assert "Side-on mirror check" in page
    form = {"csrf_token": csrf(client, "/selftests"), "left": "3", "right": "0.8"}
    refused = client.post("/selftests", data=form)
    assert refused.status_code == 409
    assert "left out" in refused.text
