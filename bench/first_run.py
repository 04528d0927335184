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
from tests.web.test_browser import answer_until_result, start_check

YES = {"numb_when_sitting", "eases_on_standing"}


def first_run(page: Page, url: str) -> None:
    start_check(page, url)  # the start page, the region (asked once), who and how long
    answer_until_result(page, YES)
    page.get_by_role("button", name="Save and build my plan").click()
    page.get_by_role("link", name="Skip: build my plan now").click()
    page.get_by_role("button", name="Build the plan").click()
    page.get_by_role("link", name="Start today's session").click()
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
