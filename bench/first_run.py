"""A new user's first run, timed: from the start page to the first set of the first session.

Starts the real app (`glutewake serve`) on a fresh data directory and drives Debian's Chromium
with Playwright through the shortest path a new user takes: the symptom check (a plain case of
sleepy glutes), the result, saving it and building the plan (the self-tests skipped), and the
first session, up to the moment the countdown to its first set starts (the countdown itself,
5 seconds, is not counted: the figure is the user's path, not a timer).

Prints the number of screens (page loads) and the seconds it took, on the real clock.

    python3 bench/first_run.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import Page, sync_playwright
from tests.servers import owner_headers, running

YES = {"numb_when_sitting", "eases_on_standing"}


def click_first(page: Page, role: str, *names: str) -> str:
    """Click the first of `names` the page has (the wording differs between versions)."""
    for name in names:
        target = page.get_by_role(role, name=name, exact=True)  # type: ignore[arg-type]
        if target.count():
            target.first.click()
            return name
    raise AssertionError(f"none of {names} on {page.url}")


def first_run(page: Page, url: str) -> None:
    page.goto(url)
    click_first(page, "link", "Start the symptom check", "Check my symptoms")
    if "Where do you live?" in page.inner_text("main"):
        page.get_by_label("Country or area").select_option("uk")
        page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Your age in years").fill("34")
    page.get_by_label("Female").check()
    page.get_by_label("How long have you had these symptoms?").fill("3")
    page.get_by_role("button", name="Start the questions").click()
    while "/check/q/" in page.url:
        before = page.url
        boxes = page.locator('input[type="checkbox"][name="yes"]')
        if boxes.count():
            for n in range(boxes.count()):
                if boxes.nth(n).get_attribute("value") in YES:
                    boxes.nth(n).check()
            page.get_by_role("button", name="Continue: the rest do not apply").click()
        else:
            href = page.get_by_role("link", name="Yes", exact=True).get_attribute("href") or ""
            page.get_by_role(
                "link", name="Yes" if any(f"step={f}&" in href for f in YES) else "No", exact=True
            ).click()
        page.wait_for_url(lambda now, left=before: now != left)
    page.get_by_role("button", name="Save and build my plan").click()
    if page.get_by_role("link", name="Skip: build my plan now").count():
        page.get_by_role("link", name="Skip: build my plan now").click()
    page.get_by_role("button", name="Build the plan").click()
    click_first(page, "link", "Start today's session", "Do today's session")
    page.get_by_role("button", name="Start the guided session").click()
    page.wait_for_selector("#what:text('Get ready')")  # the first set follows its 5 s countdown


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs (default 3), each on a fresh data directory"
    )
    runs = parser.parse_args().runs
    seconds, screens = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for _ in range(runs):
            home = Path(tempfile.mkdtemp())
            with running("serve", "--no-browser", "--port", "0", home=home) as (url, _):
                context = browser.new_context(
                    viewport={"width": 1280, "height": 800}, extra_http_headers=owner_headers(home)
                )
                page = context.new_page()
                loads: list[str] = []
                page.on("load", lambda loaded, found=loads: found.append(loaded.url))
                started = time.perf_counter()
                first_run(page, url)
                seconds.append(time.perf_counter() - started)
                screens.append(len(loads))
                context.close()
        browser.close()
    print(
        f"first run, start page to the first set: {statistics.median(screens):.0f} screens, "
        f"{statistics.median(seconds):.1f} s (median of {runs}; {', '.join(f'{s:.1f}' for s in seconds)} s)"
    )


if __name__ == "__main__":
    main()
