"""How fast the web app answers with five years of one person's records.

Fills a SQLite store with the five-year history of bench/history.py, starts the real app
(`glutewake serve`) in its own process, then:
- times the progress page and /api/progress on the server (the app's Server-Timing header),
  over N requests each: median and p95;
- drives the start page, signed in with the token, side by side with a bare FastAPI page of
  the same size (bench/bare_page.py, its yardstick), at 1 and at 32 keep-alive connections on
  loopback, in alternating rounds, and reports requests per second for the one worker each.
  With `wrk` installed (Debian: apt install wrk) it drives both; without it, the bench's own
  client drives the 1-connection rounds only.

    python3 bench/web.py [--requests N] [--seconds S] [--rounds R]

Goals: progress page p95 under 100 ms (issue 5); the start page at least 70% of the bare page
at 1 and at 32 connections (issue 25).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import re
import shutil
import socket
import statistics
import subprocess
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


def wrk(url: str, connections: int, seconds: float, headers: dict[str, str]) -> float:
    """Requests per second that wrk (one thread) gets from `url`."""
    flags = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:.0f}s", *flags, url]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    if "Non-2xx" in done.stdout:
        raise SystemExit(f"{url} answered with errors under load:\n{done.stdout}")
    found = re.search(r"Requests/sec:\s+([0-9.]+)", done.stdout)
    assert found is not None, done.stdout
    return float(found.group(1))


def own_client(url: str, seconds: float, headers: dict[str, str]) -> float:
    """Requests per second one keep-alive connection gets, from a fresh process."""
    spawn = multiprocessing.get_context("spawn")  # a fresh process: the load is not this one's
    done: multiprocessing.Queue[int] = spawn.Queue()
    loader = spawn.Process(target=hammer, args=(url, seconds, headers, done))
    loader.start()
    count: int = done.get(timeout=seconds + 60)
    loader.join()
    return count / seconds


def side_by_side(url: str, headers: dict[str, str], seconds: float, rounds: int) -> None:
    """The start page against a bare FastAPI page of the same size, in alternating rounds."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", "/", headers=headers)
    size = len(connection.getresponse().read())
    connection.close()
    with tempfile.TemporaryDirectory() as spare:
        with socket.socket() as probe:  # a port free now, for the bare page
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        bare = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("bare_page.py")), str(port), str(size)],
            cwd=spare,
        )
        try:
            bare_url = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + 30
            while True:
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            have_wrk = shutil.which("wrk") is not None
            print(f"start page ({size} bytes) against a bare FastAPI page of the same size,"
                  f" {rounds} alternating rounds of {seconds:.0f} s, medians"
                  f" ({'wrk' if have_wrk else 'the bench client; install wrk for 32 connections'}):")  # fmt: skip
            for connections in (1, 32) if have_wrk else (1,):
                ours: list[float] = []
                theirs: list[float] = []
                for _ in range(rounds):
                    for target, into, sent in ((bare_url, theirs, {}), (url, ours, headers)):
                        rate = (
                            wrk(target, connections, seconds, sent)
                            if have_wrk
                            else own_client(target, seconds, sent)
                        )
                        into.append(rate)
                share = statistics.median(ours) / statistics.median(theirs)
                print(
                    f"  {connections:>2} connection{'s' if connections > 1 else ' '}: glutewake"
                    f" {statistics.median(ours):6.0f}/s, bare {statistics.median(theirs):6.0f}/s:"
                    f" {share:4.0%}  goal >= 70%: {'met' if share >= 0.7 else 'MISSED'}"
                )
        finally:
            bare.terminate()
            bare.wait(timeout=10)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page (default 200)")
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="each round's length, in seconds (default 5)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each (default 3)")
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
            side_by_side(url, owner, args.seconds, args.rounds)


if __name__ == "__main__":
    main()
