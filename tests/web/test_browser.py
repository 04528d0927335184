"""The web app in a real Chromium (Debian's, driven by Playwright): journeys, accessibility, phones.

Screenshots of each page at desktop and phone widths land in .test-artifacts/screenshots/
(not committed) for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.web.browsing import PHONE, browser, page, serious_violations, shoot, site

__all__ = ["browser", "page", "site"]  # fixtures, used by name


def start_check(page: Page, site: str) -> None:
    page.goto(site)
    page.get_by_role("link", name="Start the symptom check").first.click()
    if "Where do you live?" in page.inner_text("main"):  # asked on first use only
        page.get_by_label("Country or area").select_option("uk")
        page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Your age in years").fill("34")
    page.get_by_label("Female").check()
    page.get_by_label("How long have you had these symptoms?").fill("3")
    page.get_by_role("button", name="Start the questions").click()
    page.wait_for_url("**/check/q/**")  # posted, then sent on to the first screen
    page.wait_for_load_state()


def answer_until_result(page: Page, yes: set[str]) -> None:
    """Answer each screen: tick what is in `yes` on a checklist (the rest no), or Yes / No."""
    while "/check/q/" in page.url:
        before = page.url
        page.wait_for_load_state()
        boxes = page.locator('input[type="checkbox"][name="yes"]')
        if boxes.count():
            for n in range(boxes.count()):
                if boxes.nth(n).get_attribute("value") in yes:
                    boxes.nth(n).check()
            page.get_by_role("button", name="Continue: the rest do not apply").click()
        else:
            step = page.locator('input[name="step"]').get_attribute("value")
            page.get_by_role("button", name="Yes" if step in yes else "No", exact=True).click()
        page.wait_for_url(lambda url, left=before: url != left)  # the next screen, not this one again


def test_emergency_path_shows_the_emergency_action_first(page: Page, site: str) -> None:
    start_check(page, site)
    assert "Safety question" in page.content()
    shoot(page, "question")
    page.get_by_label("Numbness, tingling or less feeling in the saddle area", exact=False).check()
    page.get_by_role("button", name="Continue: the rest do not apply").click()
    alert = page.get_by_role("alert")
    assert "Emergency: call 999 or go to A&E now" in alert.inner_text()
    assert "Cauda equina syndrome" in page.content()
    shoot(page, "result-emergency")


def test_self_care_path_then_saving_the_result(page: Page, site: str) -> None:
    start_check(page, site)
    answer_until_result(page, {"numb_when_sitting", "eases_on_standing", "glutes_hard_to_activate"})
    assert "Looks suitable for self-care" in page.inner_text("main")
    assert "Gluteal amnesia (likely)" in page.inner_text("main")
    shoot(page, "result-self-care")
    page.get_by_role("button", name="Save this result only").click()
    assert "Saved to your history." in page.get_by_role("status").inner_text()
    assert page.get_by_role("link", name="Next: the self-tests and your plan").is_visible()


def test_not_sure_about_the_safety_signs_is_not_green(page: Page, site: str) -> None:
    start_check(page, site)
    page.get_by_role("button", name="I'm not sure about some").click()
    answer_until_result(page, {"numb_when_sitting", "eases_on_standing"})
    alert = page.get_by_role("alert").inner_text()
    assert "A warning sign could not be ruled out" in alert
    assert "Looks suitable for self-care" not in page.inner_text("main")
    shoot(page, "result-unsure")


def test_back_and_forward_keep_the_answers(page: Page, site: str) -> None:
    start_check(page, site)
    page.get_by_role("button", name="None of these").click()
    second_question = page.get_by_role("heading", level=1).inner_text()
    page.go_back()
    page.go_forward()
    assert page.get_by_role("heading", level=1).inner_text() == second_question
    page.get_by_role("link", name="Back to the previous screen").click()
    assert "Do you have any of these now?" in page.get_by_role("heading", level=1).inner_text()


def test_keyboard_only_reaches_the_check(page: Page, site: str) -> None:
    page.goto(site)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Start the symptom check":
            break
    assert page.evaluate("document.activeElement.textContent") == "Start the symptom check"
    page.keyboard.press("Enter")
    page.wait_for_url("**/check", timeout=5000)


def test_pages_fit_a_phone(page: Page, site: str) -> None:
    page.set_viewport_size(PHONE)
    for path in (
        "",
        "check",
        "exercises",
        "exercises/glute_bridge",
        "plan",
        "data",
        "selftests",
        "checkin",
        "progress",
        "session",
        "coach",
    ):
        page.goto(site + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    page.goto(site + "exercises")
    shoot(page, "exercises")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_problems_on_any_page(page: Page, site: str, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    start_check(page, site)
    pages = {"question": page.url}
    page.get_by_role("button", name="None of these").click()
    pages["question-2"] = page.url
    page.get_by_role("button", name="I'm not sure about some").click()
    answer_until_result(page, set())
    pages["result"] = page.url
    for name, path in {"start": "", "check": "check", "exercises": "exercises", "exercise": "exercises/glute_bridge",
                       "data": "data", "self-tests": "selftests", "check-in": "checkin", "coach": "coach",
                       "not found": "nowhere", "plan-empty": "plan"}.items():  # fmt: skip
        pages[name] = site + path
    problems = {}

    def look(name: str) -> None:
        shoot(page, f"page-{name.replace(' ', '-')}-{scheme}")
        found = serious_violations(page)
        if found:
            problems[name] = found

    for name, url in pages.items():
        page.goto(url)
        look(name)
    # and with records: a saved self-care check, a plan, its session, the progress page
    start_check(page, site)
    answer_until_result(page, {"numb_when_sitting", "eases_on_standing"})
    look("result-self-care")
    page.get_by_role("button", name="Save and build my plan").click()
    look("self-tests-first-run")
    page.get_by_role("link", name="Skip: build my plan now").click()
    look("plan-to-build")
    page.get_by_role("button", name="Build the plan").click()
    look("plan")
    for name in ("session", "progress", "checkin"):
        page.goto(site + name)
        look(name + "-with-a-plan")
    assert problems == {}


def test_no_request_leaves_this_computer(page: Page, site: str) -> None:
    outside: list[str] = []
    page.on(
        "request", lambda request: outside.append(request.url) if not request.url.startswith(site) else None
    )
    start_check(page, site)
    page.goto(site + "exercises/glute_bridge")
    assert outside == []


def test_the_library_filters_in_place_and_keeps_the_address(page: Page, site: str) -> None:
    page.goto(site + "exercises")
    everything = page.locator(".library li").count()
    page.evaluate("window.stayed = true")  # gone if the whole page were loaded again
    page.get_by_label("Position").select_option("seated")
    expect(page).to_have_url(re.compile(r"/exercises\?position=seated"))
    expect(page.locator(".library li").first).to_be_visible()
    seated = page.locator(".library li").count()
    assert 0 < seated < everything
    expect(page.get_by_role("status")).to_have_text(f"{seated} exercises")
    assert page.evaluate("window.stayed") is True
    page.go_back()
    expect(page.get_by_role("status")).to_have_text(f"{everything} exercises")
