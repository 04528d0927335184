"""The coach page in a real Chromium: the coach fires, the page shows the prompt and notifies.

The app runs in this process with a fake activity source (someone typing all along) and a fake
clock that the test moves on half a minute at a time; the page's own clock is Playwright's, so
its htmx polling runs when the test says.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from glutewake.store import Store, connect
from glutewake.web import create_app
from tests.fakes import FakeActivity, FakeClock
from tests.plans import checked_clear
from tests.web.browsing import DESKTOP, browser, serious_violations, serving, shoot, signed_in_cookie

__all__ = ["browser"]  # a fixture, used by name

# Records each notification the page makes, then makes it as usual.
SPY = """
window.__notifications = [];
const Real = window.Notification;
window.Notification = class extends Real {
  constructor(title, options) { super(title, options); window.__notifications.push([title, options.body]); }
};
"""


@pytest.fixture
def coach_site(tmp_path: Path) -> Iterator[tuple[str, FakeClock, object]]:
    clock = FakeClock()
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    checked_clear(Store(connect(url), clock).owner())  # a clear check: the breaks offer desk moves
    app = create_app(url, clock, coach=True, coach_source=FakeActivity(), coach_loop=False)
    with serving(app) as url:
        yield url, clock, app.state.coach


@pytest.fixture
def notifying_page(
    browser: Browser, coach_site: tuple[str, FakeClock, object], glutewake_home: Path
) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    context.add_cookies([signed_in_cookie(glutewake_home, coach_site[1].now().timestamp())])
    context.grant_permissions(["notifications"], origin=coach_site[0].rstrip("/"))
    context.add_init_script(SPY)
    opened = context.new_page()
    yield opened
    context.close()


def sit(runner: object, clock: FakeClock, minutes: int) -> None:
    sample = runner.sample  # type: ignore[attr-defined]
    sample()
    for _ in range(minutes * 2):
        clock.wall += timedelta(seconds=30)
        sample()


def test_the_page_shows_and_notifies_the_prompt_when_the_coach_fires(
    notifying_page: Page, coach_site: tuple[str, FakeClock, object]
) -> None:
    page = notifying_page
    url, clock, runner = coach_site
    page.clock.install()
    page.goto(url + "coach")
    page.clock.pause_at(datetime.now() + timedelta(seconds=2))
    expect(page.get_by_text("Breaks also show as desktop notifications.")).to_be_visible()
    expect(page.get_by_role("button", name="Also show breaks as desktop notifications")).to_be_hidden()
    expect(page.get_by_role("alert")).to_have_count(0)

    sit(runner, clock, 10)
    page.clock.run_for(10_000)  # the page polls
    expect(page.get_by_text("sitting for 10 min, next break in 15 min")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)

    sit(runner, clock, 16)  # past the 25-minute interval: the coach fires
    page.clock.run_for(5_000)
    prompt = page.get_by_role("alert")
    expect(prompt).to_contain_text("Time for a glute break")
    expect(prompt).to_contain_text("Stand up and squeeze your glutes for 10 seconds, 3 times.")
    page.clock.run_for(100)  # htmx settles the swap a moment later
    assert page.evaluate("window.__notifications") == [
        ["Time for a glute break", "Stand up and squeeze your glutes for 10 seconds, 3 times. "
         "You have been sitting for 25 minutes."]
    ]  # fmt: skip
    page.clock.run_for(15_000)  # more polls, the same prompt: no second notification
    assert page.evaluate("window.__notifications.length") == 1
    page.clock.resume()
    assert serious_violations(page) == []
    shoot(page, "coach-prompt")

    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.locator("svg.timeline rect.bout")).to_have_count(1)


def test_without_permission_the_prompt_still_shows_in_the_page(
    browser: Browser, coach_site: tuple[str, FakeClock, object], glutewake_home: Path
) -> None:
    url, clock, runner = coach_site
    context = browser.new_context(viewport=DESKTOP)
    context.add_cookies([signed_in_cookie(glutewake_home, clock.now().timestamp())])
    page = context.new_page()
    try:
        page.goto(url + "coach")
        expect(page.get_by_role("button", name="Also show breaks as desktop notifications")).to_be_visible()
        sit(runner, clock, 26)
        page.reload()
        expect(page.get_by_role("alert")).to_contain_text("Time for a glute break")
    finally:
        context.close()
