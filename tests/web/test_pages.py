"""The web pages in-process: the symptom check from start to result, saving it, and safety."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from glutewake.knowledge import Knowledge
from glutewake.store import Repository
from tests.plans import checked_clear
from tests.web.conftest import csrf, owner_client


def text(page: str) -> str:
    """What a reader sees: tags dropped, entities decoded, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def begin(
    client: TestClient, age: str = "34", sex: str = "female", duration: str = "3", unit: str = "weeks"
) -> str:
    form = {"age": age, "sex": sex, "duration": duration, "unit": unit, "csrf_token": csrf(client, "/check")}
    response = client.post("/check/begin", data=form)
    assert response.status_code == 303
    return str(response.headers["location"])


def answer_screen(client: TestClient, screen: str, yes: set[str], rest: str = "no") -> str:
    """Answer the screen at the page `screen` as a person would: tick `yes` on a checklist (the
    rest `rest`), or answer a single question; where the next page is."""
    action = re.search(r'<form method="post" action="(/check/answer/[^"]+)"', screen)
    step = re.search(r'name="step" value="([^"]+)"', screen)
    token = re.search(r'name="csrf_token" value="([^"]+)"', screen)
    assert action is not None
    assert step is not None
    assert token is not None
    items = re.findall(r'name="yes" value="([a-z0-9_]+)"', screen)
    if items:  # a checklist
        form: dict[str, object] = {"yes": [f for f in items if f in yes], "answer": rest}
    else:  # one question: the step is its finding
        form = {"answer": "yes" if step.group(1) in yes else rest}
    response = client.post(
        action.group(1), data={"step": step.group(1), "csrf_token": token.group(1), **form}
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def answer(client: TestClient, page: str, yes: set[str], kb: Knowledge) -> str:
    """Answer screens from `page` (ticking `yes`, no to the rest) until the result; the result URL."""
    while "/check/q/" in page:
        response = client.get(page)
        if response.status_code == 303:
            return str(response.headers["location"])
        page = answer_screen(client, response.text, yes)
    return page


def test_the_start_page_says_what_it_does_and_the_safety_notice(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = text(response.text)
    assert "Wake up glutes that sitting has switched off" in page
    assert "Call 999 or go to A&E at once if you get" in page
    assert "numbness, tingling or less feeling in the saddle area" in page
    assert 'href="/check"' in response.text


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for path in ("/", "/check", "/api/findings", "/nowhere"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"
        # the time the app spent, once (bench/web.py reads it)
        assert re.fullmatch(r"app;dur=[0-9]+\.[0-9]{2}", headers["server-timing"])
        assert len(headers.get_list("content-security-policy")) == 1, "each header once"


def test_bad_details_are_explained_and_kept(client: TestClient) -> None:
    form = {"age": "old", "sex": "", "duration": "3", "unit": "weeks", "csrf_token": csrf(client, "/check")}
    response = client.post("/check/begin", data=form)
    assert response.status_code == 422
    page = text(response.text)
    assert "Please give your age in years" in page
    assert "Please choose one of the options" in page
    assert 'value="3"' in response.text, "what was typed is kept"


def test_red_flags_come_first_and_an_emergency_ends_the_questions(client: TestClient, kb: Knowledge) -> None:
    first = client.get(begin(client))
    assert first.status_code == 200
    assert "Do you have any of these now?" in first.text
    assert 'type="checkbox" id="item-saddle_numbness"' in first.text
    assert "Safety question" in first.text
    assert "The saddle area is the skin" in first.text
    assert "Screen 1 of about" in first.text
    next_page = client.get(answer_screen(client, first.text, {"saddle_numbness"}))
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


def test_not_sure_on_a_checklist_is_never_green(client: TestClient, kb: Knowledge) -> None:
    first = client.get(begin(client)).text
    after = answer_screen(client, first, set(), rest="unknown")
    result_url = answer(client, after, {"numb_when_sitting", "eases_on_standing"}, kb)
    page = text(client.get(result_url).text)
    assert "A warning sign could not be ruled out" in page
    assert "Not ruled out: numbness, tingling or less feeling in the saddle area" in page
    assert "toilet paper" in page, "says how to check the saddle area"
    assert "Looks suitable for self-care" not in page


def test_back_goes_to_the_previous_question_without_losing_answers(client: TestClient, kb: Knowledge) -> None:
    first = begin(client)
    page = client.get(first).text
    second = answer_screen(client, page, set())
    second_page = client.get(second).text
    assert "Do any of these apply to you?" in second_page
    back = re.search(r'href="(/check/q/[^"]+)">Back', second_page)
    assert back is not None
    assert client.get(back.group(1)).text == page.replace(
        first.removeprefix("/check/q/"), back.group(1).removeprefix("/check/q/")
    ), "the same screen, as it was"


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
    assert "Save and build my plan" in page, "a self-care result leads on to the plan"
    saved = client.post("/check/save", data={"token": token, "csrf_token": csrf.group(1)})
    assert saved.status_code == 303
    assert "Saved to your history" in client.get(saved.headers["location"]).text
    to_plan = client.post("/check/save", data={"token": token, "csrf_token": csrf.group(1), "then": "plan"})
    assert to_plan.headers["location"] == "/selftests?then=plan", "the optional self-tests come on the way"
    runs = repo_for(database_url).triage_runs()
    assert [run.data["result"]["urgency"] for run in runs] == ["self_care", "self_care"]


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
        kind = {".js": "javascript", ".css": "css", ".svg": "image/svg+xml"}[name[name.rindex(".") :]]
        assert kind in response.headers["content-type"]
        assert len(response.content) > 100


def test_the_first_check_asks_where_the_user_lives_once(database_url: str, glutewake_home: object) -> None:
    from glutewake.config import config_path
    from glutewake.web import create_app
    from tests.fakes import FakeClock

    config_path().unlink(missing_ok=True)
    with owner_client(create_app(database_url, FakeClock()), follow_redirects=False) as fresh:
        page = fresh.get("/check")
        assert "Where do you live?" in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        bad = fresh.post(
            "/region", data={"region": "atlantis", "next": "/check", "csrf_token": token.group(1)}
        )
        assert bad.status_code == 422
        assert "Please choose where you live" in bad.text
        saved = fresh.post("/region", data={"region": "au", "next": "/check", "csrf_token": token.group(1)})
        assert saved.headers["location"] == "/check"
        assert "Your age in years" in fresh.get("/check").text, "asked once"
        start = text(fresh.get("/").text)
        assert "Call 000" in start
        assert "999" not in start


REGION_NUMBERS = {
    "uk": ["999", "111"],
    "ie": ["112"],
    "us": ["911"],
    "au": ["000", "1800 022 222"],
    "nz": ["111", "0800 611 116"],
}


def test_every_page_names_the_users_regions_numbers_and_no_other(client: TestClient, kb: Knowledge) -> None:
    from glutewake.app.region import save_region

    every = {number for numbers in REGION_NUMBERS.values() for number in numbers}
    for region, own in REGION_NUMBERS.items():
        save_region(region)
        emergency = answer_screen(client, client.get(begin(client)).text, {"bladder_change"})
        result_url = client.get(emergency).headers["location"]
        shown = " ".join(
            text(client.get(path).text)
            for path in ("/", "/check", result_url, "/exercises/glute_bridge", "/nowhere")
        )
        assert own[0] in shown, region
        for number in every - set(own) - set(kb.regions[region].numbers):
            assert not re.search(rf"(?<![\d ]){re.escape(number)}(?!\d)", shown), f"{region} shows {number}"


def test_no_page_tells_a_person_to_run_a_terminal_command(client: TestClient) -> None:
    for path in (
        "/",
        "/check",
        "/plan",
        "/session",
        "/session?next=1",
        "/progress",
        "/coach",
        "/data",
        "/checkin",
    ):
        shown = text(client.get(path).text)
        assert "`glutewake" not in shown, path
        assert "run glutewake" not in shown.lower(), path


def test_the_icon_is_served_where_browsers_look_for_it(client: TestClient) -> None:
    page = client.get("/").text
    assert '<link rel="icon" href="/static/icon.svg"' in page
    for path in ("/favicon.ico", "/static/icon.svg"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("image/svg+xml")


def test_the_navigation_marks_the_page_you_are_on(client: TestClient) -> None:
    for path, label in (
        ("/plan", "My plan"),
        ("/exercises/glute_bridge", "Exercises"),
        ("/progress", "Progress"),
    ):
        page = client.get(path).text
        current = re.findall(r'<a href="([^"]+)" aria-current="page">([^<]+)</a>', page)
        assert [text for _, text in current] == [label], path
    assert 'aria-current="page"' in client.get("/").text.split("<nav")[0], "the wordmark, on the start page"


def test_a_page_title_is_plain_text(client: TestClient) -> None:
    for path in ("/", "/selftests", "/plan", "/checkin", "/exercises", "/progress", "/coach", "/data"):
        title = re.search(r"<title>(.*?)</title>", client.get(path).text, re.S)
        assert title is not None, path
        assert "<" not in title.group(1), path


def test_a_missing_page_says_so_in_words_and_offers_the_way_on(client: TestClient) -> None:
    for path in ("/nothing-here", "/exercises/no_such_exercise"):
        response = client.get(path)
        assert response.status_code == 404
        page = text(response.text)
        assert "Page not found" in page
        assert "Not Found" not in page
        assert 'href="/">Go to the start page</a>' in response.text


PAGES = ("/", "/check", "/plan", "/session", "/checkin", "/progress", "/exercises", "/exercises/glute_bridge",
         "/selftests", "/coach", "/data", "/region", "/nothing-here")  # fmt: skip


def test_no_page_shows_terminal_commands_or_raw_status_words(client: TestClient) -> None:
    for path in PAGES:
        page = client.get(path).text
        words = text(page)
        assert "<code>glutewake" not in page, path
        assert "`glutewake" not in words, path
        assert "run glutewake" not in words.lower(), path
        for raw in ("Activity from:", "timer only", "progressed:", "regressed:"):
            assert raw not in words, (path, raw)


def test_every_exercise_is_drawn_in_the_library_and_on_its_page(client: TestClient, kb: Knowledge) -> None:
    library = client.get("/exercises").text
    for exercise in kb.exercises.values():
        assert f'src="/figures/{exercise.id}.svg?size=thumb"' in library, exercise.id
        key = next(pose.label for pose in exercise.figure.poses if pose.key)
        page = client.get(f"/exercises/{exercise.id}").text
        assert (
            f'<img src="/figures/{exercise.id}.svg" width="480" height="360" alt="{exercise.name}: {key}">'
            in page.replace("&#39;", "'")
        )
    drawing = client.get("/figures/glute_bridge.svg")
    assert drawing.status_code == 200
    assert drawing.headers["content-type"].startswith("image/svg+xml")
    assert drawing.headers["content-security-policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert "@keyframes" in drawing.text
    assert "prefers-color-scheme:dark" in drawing.text
    assert "@keyframes" not in client.get("/figures/glute_bridge.svg?still=1").text
    assert client.get("/figures/no_such_thing.svg").status_code == 404


def test_the_first_run_goes_from_the_check_through_the_self_tests_to_the_plan(
    client: TestClient, database_url: str, repo_for: Callable[[str], Repository]
) -> None:
    checked_clear(repo_for(database_url))  # the check, saved with "Save and build my plan"
    page = client.get("/selftests?then=plan").text
    assert 'href="/plan">Skip: build my plan now</a>' in page
    assert '<input type="hidden" name="then" value="plan">' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    scored = client.post("/selftests", data={"csrf_token": token.group(1), "then": "plan", "left": "2"})
    assert scored.status_code == 200
    assert '<a class="button primary" href="/plan">Build my plan</a>' in scored.text
    alone = client.get("/selftests").text  # from the menu: no first-run wording
    assert "Skip: build my plan now" not in alone


def test_the_destructive_button_looks_different_from_the_others(client: TestClient) -> None:
    page = client.get("/data").text
    assert '<button class="button danger" type="submit">Delete everything</button>' in page
    assert ".button.danger" in client.get("/static/style.css").text


def test_a_long_number_in_any_form_box_is_refused_with_a_page_not_an_error(client: TestClient) -> None:
    big = "9" * 40
    for form in (
        {"age": "40", "sex": "female", "duration": big, "unit": "weeks"},
        {"age": big, "sex": "male", "duration": "2", "unit": "days"},
    ):
        response = client.post("/check/begin", data={**form, "csrf_token": csrf(client, "/check")})
        assert response.status_code == 422, form
        assert "<h1>" in response.text, form
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/checkin").text)
    assert token is not None
    for path, form in (("/checkin", {"pain": big, "numbness": "2"}), ("/coach/settings", {"interval_minutes": big}),
                       ("/plan", {"minutes": big}), ("/selftests", {"left": big})):  # fmt: skip
        response = client.post(path, data={"csrf_token": token.group(1), **form})
        assert 400 <= response.status_code < 500, path
        assert response.headers["content-type"].startswith("text/html"), path


def test_no_answer_ever_appears_in_an_address(client: TestClient, kb: Knowledge) -> None:
    """Addresses land in the browser's history and in proxies' logs: the check's answers travel
    only in posted forms and sealed tokens, which nobody can read or change."""
    import base64
    import zlib

    addresses = [begin(client, age="71", sex="male")]
    addresses.append(answer_screen(client, client.get(addresses[0]).text, {"saddle_numbness"}))
    while "/check/q/" in addresses[-1]:
        response = client.get(addresses[-1])
        redirected = response.status_code == 303
        addresses.append(
            response.headers["location"] if redirected else answer_screen(client, response.text, set())
        )
    assert "/check/result/" in addresses[-1]
    assert "Emergency" in client.get(addresses[-1]).text
    for address in addresses:
        token = address.rsplit("/", 1)[1]
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert b"saddle" not in raw
        for attempt in (raw, raw[12:]):
            try:
                decoded = zlib.decompress(attempt)
            except zlib.error:
                continue
            raise AssertionError(f"the address unpacks to {decoded[:40]!r}")
    token = addresses[-1].rsplit("/", 1)[1]
    flipped = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    assert client.get(f"/check/result/{flipped}").status_code == 400, "a changed token is refused"


def test_a_sealed_check_opens_only_for_whom_it_was_sealed(kb: Knowledge) -> None:
    """On a clinic server every patient's pages share one key: a check's address sealed for one
    patient is damaged for any other (who might have been shown it)."""
    import pytest

    from glutewake.core.triage import Case
    from glutewake.web.state import BadState, decode_case, encode_case

    key = bytes(range(32))
    token = encode_case(Case(40, "male", 10, {"saddle_numbness": True}), key, "patient 7 12")
    assert decode_case(token, kb, key, "patient 7 12").answers == {"saddle_numbness": True}
    with pytest.raises(BadState):
        decode_case(token, kb, key, "patient 8 13")
