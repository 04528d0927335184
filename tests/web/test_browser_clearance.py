"""After a result that rules exercise out, in real Chromium at phone width: the number to call
comes first, as a tap-to-call link, and no page starts a workout (issue 23)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.browsing import PHONE, browser, page, serious_violations, shoot, site
from tests.web.test_browser import answer_until_result, start_check

__all__ = ["browser", "page", "site"]  # fixtures, used by name

CLEAR = {"numb_when_sitting", "eases_on_standing"}


def save_and_build_a_plan(page: Page, site: str) -> None:
    start_check(page, site)
    answer_until_result(page, CLEAR)
    page.get_by_role("button", name="Save and build my plan").click()
    page.get_by_role("link", name="Skip: build my plan now").click()
    page.get_by_role("button", name="Build the plan").click()
    expect(page.get_by_role("link", name="Start today's session")).to_be_visible()


@pytest.mark.parametrize(
    ("ticked", "title", "number"),
    [
        (
            "Numbness, tingling or less feeling in the saddle area",
            "Emergency: call 999 or go to A&E now",
            "999",
        ),
        ("New trouble peeing", "Emergency: call 999 or go to A&E now", "999"),
    ],
    ids=["saddle numbness", "bladder change"],
)
def test_on_a_phone_the_number_to_call_comes_first_and_no_page_starts_a_workout(
    page: Page, site: str, ticked: str, title: str, number: str
) -> None:
    save_and_build_a_plan(page, site)
    start_check(page, site)
    page.get_by_label(ticked, exact=False).check()
    page.get_by_role("button", name="Continue: the rest do not apply").click()
    page.get_by_role("button", name="Save this result").click()
    page.set_viewport_size(PHONE)
    for path, name in (("", "start"), ("plan", "plan"), ("session", "session"), ("selftests", "selftests")):
        page.goto(site + path)
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text(title)
        call = alert.get_by_role("link", name=f"Call {number}")
        expect(call).to_have_attribute("href", f"tel:{number}")
        box = call.bounding_box()
        assert box is not None
        assert box["y"] + box["height"] <= PHONE["height"], f"{path}: the number is on the first screen"
        main = page.inner_text("main")
        for offer in (
            "Start today's session",
            "Do the next session now",
            "Go on with it",
            "Start the guided session",
        ):
            assert offer not in main, (path, offer)
        assert serious_violations(page) == [], path
        shoot(page, f"clearance-emergency-{name}")
    assert page.locator("#player").count() == 0 or not page.locator("#start").is_visible()


def test_after_a_gentle_result_the_player_offers_only_gentle_exercises(page: Page, site: str) -> None:
    from glutewake.app.region import knowledge

    kb = knowledge("uk")
    save_and_build_a_plan(page, site)
    start_check(page, site)
    answer_until_result(page, {*CLEAR, "getting_worse"})  # a GP result: gentle movement only
    expect(page.get_by_role("heading", level=1)).to_contain_text("See a GP or physiotherapist")
    page.get_by_role("button", name="Save this result only").click()
    page.goto(site + "plan")
    expect(page.locator("main")).to_contain_text("made gentle")
    page.goto(site + "session")
    names = page.locator("#player-data").inner_text()
    gentle = {e.name for e in kb.exercises.values() if e.min_exercise_level == "gentle"}
    harder = {e.name for e in kb.exercises.values() if e.min_exercise_level == "full"}
    offered = {
        name for name in gentle | harder if f'"name": "{name}"' in names or f'"name":"{name}"' in names
    }
    assert offered
    assert offered <= gentle, offered & harder
    shoot(page, "clearance-gentle-session")
