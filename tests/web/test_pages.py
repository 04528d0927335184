"""The web pages in-process: the symptom check from start to result, saving it, and safety."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from glutewake.knowledge import Knowledge
from glutewake.store import Repository


def text(page: str) -> str:
    """What a reader sees: tags dropped, entities decoded, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def begin(
    client: TestClient, age: str = "34", sex: str = "female", duration: str = "3", unit: str = "weeks"
) -> str:
    response = client.get("/check/begin", params={"age": age, "sex": sex, "duration": duration, "unit": unit})
    assert response.status_code == 303
    return str(response.headers["location"])


def answer(client: TestClient, page: str, yes: set[str], kb: Knowledge) -> str:
    """Answer questions from `page` (yes to `yes`, no to the rest) until the result; the result URL."""
    while "/check/q/" in page:
        response = client.get(page)
        if response.status_code == 303:
            return str(response.headers["location"])
        finding = re.search(r"finding=([a-z0-9_]+)&amp;answer=yes", response.text)
        assert finding is not None
        choice = "yes" if finding.group(1) in yes else "no"
        link = re.search(
            rf'href="(/check/answer/[^"]+finding={finding.group(1)}&amp;answer={choice})"', response.text
        )
        assert link is not None
        page = str(client.get(link.group(1).replace("&amp;", "&")).headers["location"])
    return page


def test_the_start_page_says_what_it_does_and_the_safety_notice(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = text(response.text)
    assert "Wake up glutes that sitting has switched off" in page
    assert "Call 999 or go to A&E now" in page
    assert 'href="/check"' in response.text


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/check", "/api/findings", "/nowhere"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_bad_details_are_explained_and_kept(client: TestClient) -> None:
    response = client.get("/check/begin", params={"age": "old", "sex": "", "duration": "3", "unit": "weeks"})
    assert response.status_code == 422
    page = text(response.text)
    assert "Please give your age in years" in page
    assert "Please choose one of the options" in page
    assert 'value="3"' in response.text, "what was typed is kept"


def test_red_flags_come_first_and_an_emergency_ends_the_questions(client: TestClient, kb: Knowledge) -> None:
    first = client.get(begin(client))
    assert first.status_code == 200
    assert kb.findings["saddle_numbness"].question in first.text
    assert "Safety question" in first.text
    assert "The saddle area is the skin" in first.text
    link = re.search(r'href="(/check/answer/[^"]+answer=yes)"', first.text)
    assert link is not None
    after = client.get(link.group(1).replace("&amp;", "&"))
    next_page = client.get(after.headers["location"])
    assert next_page.status_code == 303, "no more questions once it is an emergency"
    result = client.get(next_page.headers["location"])
    assert 'class="banner emergency" role="alert"' in result.text
    assert "Emergency: call 999 or go to A&amp;E now" in result.text
    assert "Cauda equina syndrome" in result.text


def test_a_self_care_path_to_the_result(client: TestClient, kb: Knowledge) -> None:
    result_url = answer(
        client, begin(client), {"numb_when_sitting", "eases_on_standing", "glutes_hard_to_activate"}, kb
    )
    result = client.get(result_url)
    page = text(result.text)
    assert "Looks suitable for self-care" in page
    assert "Gluteal amnesia (likely)" in page
    assert "because: your bottom goes numb when you sit" in page
    assert "not a diagnosis" in page


def test_back_goes_to_the_previous_question_without_losing_answers(client: TestClient, kb: Knowledge) -> None:
    first = begin(client)
    page = client.get(first).text
    link = re.search(r'href="(/check/answer/[^"]+answer=no)"', page)
    assert link is not None
    second = client.get(link.group(1).replace("&amp;", "&")).headers["location"]
    second_page = client.get(second).text
    assert kb.findings["bladder_change"].question in second_page
    back = re.search(r'href="(/check/q/[^"]+)">Back', second_page)
    assert back is not None
    assert back.group(1) == first


def test_a_damaged_link_says_so(client: TestClient) -> None:
    response = client.get("/check/q/not-a-real-token")
    assert response.status_code == 400
    assert "link is damaged" in response.text


def test_saving_needs_the_form_token_and_then_keeps_the_result(
    client: TestClient, kb: Knowledge, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    result_url = answer(client, begin(client), {"numb_when_sitting", "eases_on_standing"}, kb)
    token = result_url.rsplit("/", 1)[1]
    refused = client.post("/check/save", data={"token": token, "csrf_token": "forged"})
    assert refused.status_code == 403
    assert repo_for(database_url).triage_runs() == []
    page = client.get(result_url).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf is not None
    saved = client.post("/check/save", data={"token": token, "csrf_token": csrf.group(1)})
    assert saved.status_code == 303
    assert "Saved to your history" in client.get(saved.headers["location"]).text
    (run,) = repo_for(database_url).triage_runs()
    assert run.data["result"]["urgency"] == "self_care"


def test_unknown_pages_are_404_pages(client: TestClient) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_the_exercise_library_filters_and_links_to_each_exercise(client: TestClient) -> None:
    seated = client.get("/exercises", params={"position": "seated"})
    assert "2 exercises" in seated.text
    assert 'href="/exercises/seated_glute_squeeze"' in seated.text
    assert "Squat" not in text(seated.text)
    no_kit = text(client.get("/exercises", params={"equipment": "none", "level": "1"}).text)
    assert "Clamshell with band" not in no_kit
    assert "Pelvic curl" in no_kit
    detail = client.get("/exercises/glute_bridge")
    page = text(detail.text)
    for words in (
        "3 × 10 reps",
        "lift 2 s, hold 2 s, lower 3 s",
        "How to",
        "Feel it",
        "Avoid",
        "Easier: Pelvic curl",
    ):
        assert words in page
    assert client.get("/exercises/moonwalk").status_code == 404


def test_every_script_and_stylesheet_a_page_names_is_served_by_the_app(client: TestClient) -> None:
    """htmx and Chart.js come from the package (copied from npm at build), never from a CDN."""
    names: set[str] = set()
    for path in ("/", "/exercises", "/progress", "/coach", "/session"):
        page = client.get(path).text
        names |= set(re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page))
    assert "/static/vendor/htmx.min.js" in names
    for name in names:
        assert name.startswith("/static/"), f"{name} is not served by glutewake itself"
        response = client.get(name)
        assert response.status_code == 200, name
        kind = "javascript" if name.endswith(".js") else "css"
        assert kind in response.headers["content-type"]
        assert len(response.content) > 100
