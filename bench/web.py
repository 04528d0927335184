"""How fast the web app answers with five years of one person's records.

Fills a SQLite store with the five-year history of bench/history.py, starts the real app
(`glutewake serve`) in its own process, then:
- times the progress page and /api/progress on the server (the app's Server-Timing header),
  over N requests each: median and p95;
- drives the start page from a second process (keep-alive connections on loopback) for a
  few seconds and reports requests per second for the one worker.

    python3 bench/web.py [--requests N] [--seconds S]

Goal (issue 5): progress page p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tests.servers import owner_headers, running

from history import fill, five_years


def server_times(url: str, path: str, count: int, headers: dict[str, str]) -> list[float]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    times = []
    for _ in range(count):
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, (path, response.status)
        timing = response.getheader("Server-Timing") or ""
        times.append(float(timing.split("dur=")[1]))
    connection.close()
    return times


def hammer(url: str, seconds: float, headers: dict[str, str], done: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    count, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        connection.request("GET", "/", headers=headers)
        response = connection.getresponse()
        response.read()
        count += response.status == 200
    done.put(count)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="how long to drive the start page (default 10)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        url_db = f"sqlite:///{home}/five-years.db"
        history = five_years(date.today())
        fill(url_db, history)
        print(
            f"store: {len(history['session_logs'])} sessions, {len(history['set_logs'])} sets, {len(history['checkins'])} check-ins"
        )
        with running("--database-url", url_db, "serve", "--no-browser", "--port", "0", home=Path(home)) as (
            url,
            _,
        ):
            owner = owner_headers(Path(home))  # every request carries the token, as a script's would
            url = f"http://127.0.0.1:{urlsplit(url).port}/"  # where scripts reach it
            server_times(url, "/progress", 5, owner)  # warm up
            for path in ("/progress", "/api/progress"):
                times = server_times(url, path, args.requests, owner)
                verdict = (
                    ("  goal p95 < 100 ms: " + ("met" if p95(times) < 100 else "MISSED"))
                    if path == "/progress"
                    else ""
                )
                print(
                    f"{path:<16} server time median {statistics.median(times):6.1f} ms, p95 {p95(times):6.1f} ms{verdict}"
                )
            spawn = multiprocessing.get_context("spawn")  # a fresh process: the load is not this one's
            done = spawn.Queue()
            loader = spawn.Process(target=hammer, args=(url, args.seconds, owner, done))
            loader.start()
            count = done.get(timeout=args.seconds + 60)
            loader.join()
            print(
                f"start page: {count / args.seconds:.0f} requests per second (one worker, one keep-alive client, loopback)"
            )


if __name__ == "__main__":
    main()
