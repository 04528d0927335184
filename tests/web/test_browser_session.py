"""The guided session player in a real Chromium, on a fake clock that the test moves.

Playwright's clock replaces the page's timers, so a session's minutes pass in milliseconds:
the test sees the countdowns, the ring, pausing, skipping, the keys, saving each set, going on
after leaving the page, and the feedback form.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from glutewake.clock import SystemClock
from glutewake.store import Store, connect
from tests.plans import save_ready_plan, tiny_plan
from tests.servers import running
from tests.web.browsing import browser, page, serious_violations, shoot

__all__ = ["browser", "page"]  # fixtures, used by name

BRIDGE_REP = 7  # glute bridge tempo: 2 s up, 2 s hold, 3 s down
CURL_REP = 8


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'player.db'}"
    repo = Store(connect(url), SystemClock()).owner()
    save_ready_plan(repo, tiny_plan(date.today()))
    repo.close()
    return url


@pytest.fixture
def site(store: str, glutewake_home: Path) -> Iterator[str]:
    with running("--database-url", store, "serve", "--no-browser", "--port", "0", home=glutewake_home) as (
        url,
        _,
    ):
        yield url


def sets_saved(store: str) -> list[tuple[str, int | None, int | None]]:
    repo = Store(connect(store), SystemClock()).owner()
    try:
        log = repo.session_for(repo.current_plan().session_ids[date.today()])  # type: ignore[union-attr]
        assert log is not None
        return [(s.exercise_id, s.reps, s.seconds) for s in repo.sets_of(log[0])]
    finally:
        repo.close()


# Records what the page says aloud and each tone it plays, then lets them happen as usual.
LISTEN = """
window.__spoken = [];
window.__tones = 0;
const speak = speechSynthesis.speak.bind(speechSynthesis);
speechSynthesis.speak = (utterance) => { window.__spoken.push(utterance.text); speak(utterance); };
const oscillator = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () { window.__tones += 1; return oscillator.call(this); };
"""


def open_player(page: Page, site: str) -> None:
    page.add_init_script(LISTEN)
    page.clock.install()
    page.goto(site + "session")
    page.clock.pause_at(datetime.now() + timedelta(seconds=2))


def test_a_whole_session_with_timers_keys_and_feedback(page: Page, site: str, store: str) -> None:
    open_player(page, site)
    what = page.locator("#what")
    ring = page.get_by_role("progressbar")
    page.get_by_role("button", name="Start the guided session").click()
    expect(what).to_have_text("Get ready")
    expect(what).to_be_focused()
    expect(page.locator("#count")).to_have_text("5")
    expect(page.get_by_role("button", name="Done with this set")).to_be_hidden()  # only during a set
    shoot(page, "session-get-ready")

    page.clock.run_for(5_000)
    expect(what).to_have_text("Glute bridge")
    spoken = page.evaluate("window.__spoken")
    assert spoken[0] == "Get ready."
    assert spoken[1].startswith("Glute bridge, set 1 of 1. ")
    assert page.evaluate("window.__tones") == 2, "a tone at the start and at the first set"
    expect(page.locator("#detail")).to_have_text("Set 1 of 1: 2 reps.")
    expect(page.locator("#count")).to_have_text("1")
    page.clock.run_for(BRIDGE_REP * 1000 // 2)
    quarter = re.compile("2[4-6]")  # a quarter through the set, to the timer's 200 ms tick
    expect(ring).to_have_attribute("aria-valuenow", quarter)
    expect(ring).to_have_attribute("aria-valuetext", "rep 1 of 2")
    shoot(page, "session-set")

    page.keyboard.press("p")  # pause: time stands still
    expect(page.get_by_text("Paused.", exact=False).first).to_be_visible()
    page.clock.run_for(60_000)
    expect(ring).to_have_attribute("aria-valuenow", quarter)
    expect(what).to_have_text("Glute bridge")
    page.keyboard.press("Space")  # go on
    page.clock.run_for(BRIDGE_REP * 2000 - BRIDGE_REP * 1000 // 2 + 200)  # the rest of the set
    expect(what).to_have_text("Next: Pelvic curl")
    expect(page.get_by_role("status")).to_have_text("Saved: 1 set done.")

    page.keyboard.press("v")  # voice off
    expect(page.get_by_label("Spoken cues")).not_to_be_checked()
    said = len(page.evaluate("window.__spoken"))
    page.keyboard.press("Enter")  # Enter skips a countdown
    expect(what).to_have_text("Pelvic curl")
    assert len(page.evaluate("window.__spoken")) == said, "nothing spoken with the voice off"
    page.clock.run_for(CURL_REP * 1000 + 200)
    expect(page.locator("#count")).to_have_text("2")
    page.keyboard.press("d")  # done early, after one rep
    expect(what).to_have_text("Next: Side plank")
    page.get_by_role("button", name="Skip").click()
    expect(page.locator("#detail")).to_have_text("Set 1 of 1: hold 2 s.")
    expect(page.locator("#count")).to_have_text("2")
    page.clock.run_for(2_400)

    form_title = page.get_by_role("heading", name="Well done: session complete")
    expect(form_title).to_be_visible()
    expect(form_title).to_be_focused()
    assert sets_saved(store) == [("glute_bridge", 2, None), ("pelvic_curl", 1, None), ("side_plank", None, 2)]
    page.get_by_label("How hard was it overall?").fill("5")
    page.get_by_label("Any pain?").fill("1")
    page.get_by_label("Buttocks").check()
    page.clock.resume()
    assert serious_violations(page) == []
    shoot(page, "session-feedback")
    page.get_by_role("button", name="Save how it felt").click()
    expect(page.get_by_role("heading", name="Your plan changed")).to_be_visible()
    expect(page.locator("main")).to_contain_text("progressed: the last session felt easy")


def test_leaving_mid_session_keeps_the_sets_and_offers_to_go_on(page: Page, site: str, store: str) -> None:
    open_player(page, site)
    page.get_by_role("button", name="Start the guided session").click()
    expect(page.locator("#what")).to_have_text("Get ready")
    page.keyboard.press("s")  # skip the get-ready countdown
    page.clock.run_for(BRIDGE_REP * 2000 + 400)
    expect(page.get_by_role("status")).to_have_text("Saved: 1 set done.")
    page.goto(site)  # leave the page mid-session

    open_player(page, site)
    expect(
        page.get_by_text("You stopped part-way through this session: 1 set done and kept.")
    ).to_be_visible()
    page.clock.resume()  # axe-core needs its own timers to run
    assert serious_violations(page) == []
    page.clock.pause_at(datetime.now() + timedelta(seconds=2))
    page.get_by_role("button", name="Go on from where I stopped").click()
    expect(page.locator("#what")).to_have_text("Get ready")
    page.clock.run_for(5_200)
    expect(page.locator("#what")).to_have_text("Pelvic curl")  # not the glute bridge again
    page.keyboard.press("q")
    expect(page.get_by_role("heading", name="Stopped for now")).to_be_focused()
    assert sets_saved(store) == [("glute_bridge", 2, None)]


def test_the_voice_switch_is_remembered(page: Page, site: str) -> None:
    page.goto(site + "session")
    voice = page.get_by_label("Spoken cues")
    expect(voice).to_be_checked()
    voice.uncheck()
    page.reload()
    expect(page.get_by_label("Spoken cues")).not_to_be_checked()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_the_player_shows_the_current_exercise_drawn_and_keeps_its_controls_in_view(
    page: Page, site: str, store: str, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)  # type: ignore[arg-type]
    open_player(page, site)
    page.get_by_role("button", name="Start the guided session").click()
    figure = page.locator("#figure")
    expect(figure).to_have_attribute("src", "/figures/glute_bridge.svg")  # the get-ready shows what is coming
    page.clock.run_for(5_000)
    expect(page.locator("#what")).to_have_text("Glute bridge")
    expect(figure).to_be_visible()
    assert (figure.get_attribute("alt") or "").startswith("Glute bridge: ")
    drawn = "document.getElementById('figure').complete && document.getElementById('figure').naturalWidth > 0"
    for _ in range(100):  # real time: the page's own clock is the test's, but loading is not
        if page.evaluate(drawn):
            break
        time.sleep(0.1)
    assert page.evaluate(drawn), "the drawing loaded"
    for name in ("Pause", "Done with this set", "Skip", "Stop for now"):
        expect(page.get_by_role("button", name=name)).to_be_in_viewport()
    page.keyboard.press("p")
    expect(page.get_by_text("Paused.", exact=False).first).to_be_in_viewport()
    shoot(page, f"session-figure-{viewport['width']}")
