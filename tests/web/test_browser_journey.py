"""A new user's whole journey in a real Chromium: the check, the self-tests, a plan, a full guided
session (on a fake clock the test moves), a check-in, and the progress charts."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from tests.web.browsing import browser, page, serious_violations, shoot, site
from tests.web.test_browser import answer_until_result, start_check

__all__ = ["browser", "page", "site"]  # fixtures, used by name


def chart(page: Page, name: str) -> list[list[float | None]]:
    """The figures each dataset of a drawn chart holds (None where there is no value)."""
    found: list[list[float | None]] = page.evaluate(
        "name => Chart.getChart(document.getElementById(name)).data.datasets.map(d => d.data)", name
    )
    return found


def test_from_the_start_page_to_the_progress_charts(page: Page, site: str) -> None:
    page.clock.install()  # time flows as usual until the test pauses it
    # the check, self-care path, saved, and on to the plan through the (optional) self-tests
    start_check(page, site)
    answer_until_result(page, {"numb_when_sitting", "eases_on_standing", "glutes_hard_to_activate"})
    page.get_by_role("button", name="Save and build my plan").click()
    expect(page.get_by_role("link", name="Skip: build my plan now")).to_be_visible()

    # the self-tests: the stopwatch times the left side, the right is typed in
    page.clock.pause_at(datetime.now() + timedelta(seconds=2))
    page.get_by_role("button", name="Time the left side").click()
    page.clock.run_for(1_500)
    expect(page.get_by_text("1.5 s")).to_be_visible()
    page.get_by_role("button", name="Stop: the left side feels firm").click()
    expect(page.get_by_label("Seconds until the left buttock felt firm")).to_have_value("1.5")
    page.clock.resume()
    page.get_by_label("Seconds until the right buttock felt firm").fill("4")
    shoot(page, "selftests-timed")
    page.get_by_role("button", name="Score my tests and go on").click()
    expect(page.locator("ul.sides")).to_contain_text("right: slow to activate")
    expect(page.locator("ul.sides")).to_contain_text("left: switches on quickly")

    # a plan
    page.get_by_role("link", name="Build my plan").click()
    expect(page.get_by_text("Please do the check")).to_have_count(0)  # the check just done is the one used
    page.get_by_label("Kit I have").select_option("band")
    page.get_by_role("button", name="Build the plan").click()
    expect(page.get_by_role("table")).to_contain_text("Wake-up")
    shoot(page, "plan-built")

    # today's session, all of it, on the page's fake clock
    page.get_by_role("link", name="Start today's session").click()
    page.clock.pause_at(datetime.now() + timedelta(seconds=60))
    page.get_by_role("button", name="Start the guided session").click()
    expect(page.locator("#what")).to_have_text("Get ready")
    page.clock.run_for(45 * 60 * 1000)
    expect(page.get_by_role("heading", name="Well done: session complete")).to_be_visible()
    page.clock.resume()
    page.get_by_label("How hard was it overall?").fill("6")
    page.get_by_label("Any pain?").fill("0")
    page.get_by_label("Buttocks").check()
    page.get_by_role("button", name="Save how it felt").click()
    expect(page.get_by_role("heading", name="Saved: thank you")).to_be_visible()

    # a check-in
    page.get_by_role("link", name="Check-in").click()
    page.get_by_label("Pain right now").fill("2")
    page.get_by_label("Numbness when you sit").fill("3")
    page.get_by_label("Activity 1", exact=True).fill("Sitting through a film")
    page.get_by_label("score for activity 1").fill("6")
    nos = page.locator('input[type="radio"][value="no"]')
    for n in range(nos.count()):
        nos.nth(n).check()
    page.get_by_role("button", name="Save my check-in").click()
    expect(page.get_by_role("status")).to_contain_text("Keep going with your plan")

    # the progress charts, drawn from the same figures as the table
    page.get_by_role("link", name="Progress").click()
    expect(page.locator("#chart-symptoms")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-sessions'))")
    assert chart(page, "chart-symptoms") == [[2], [3]]
    assert chart(page, "chart-psfs") == [[6]]
    planned, done = chart(page, "chart-sessions")
    assert done == [1]
    assert planned[0] is not None
    assert planned[0] >= 1
    assert chart(page, "chart-selftests") == [[3], [2]]  # left quick, right slow
    labels = page.evaluate(
        "Chart.getChart(document.getElementById('chart-selftests')).scales.y.ticks.map(t => t.label)"
    )
    assert labels == ["not firm", "very slow", "slow", "quick"], "each level named on the axis"
    expect(page.get_by_role("figure", name="Active sitting")).to_contain_text("Nothing recorded yet.")
    assert serious_violations(page) == []
    shoot(page, "progress-charts")
