"""What the sitting coach costs while it runs: CPU, memory, and how often it wakes.

Starts a real X server (Xvfb), runs the real coach on its X11 backend for a while (default
10 minutes) with a mouse nudge now and then, and reads the coach's own counters from /proc:
CPU seconds (user + system), peak resident memory, and voluntary context switches, which
count the times it woke from sleep.

    python3 bench/coach_footprint.py [--minutes N]

Goal (issue 4): under 0.2% of one core on average, and under 60 MB of memory.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                              pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        return server, ":" + announced.readline().strip()


def counters(pid: int) -> dict[str, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    switches = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        task_status = (task / "status").read_text()
        switches += int(
            next(
                line.split()[1]
                for line in task_status.splitlines()
                if line.startswith("voluntary_ctxt_switches")
            )
        )
    return {
        "cpu_seconds": (int(fields[11]) + int(fields[12])) / ticks,
        "peak_rss_mb": int(status["VmHWM"].split()[0]) / 1024,
        "rss_mb": int(status["VmRSS"].split()[0]) / 1024,
        "wakeups": switches,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to run the coach (default 10)")
    minutes = parser.parse_args().minutes
    if not shutil.which("Xvfb") or not shutil.which("xdotool"):
        sys.exit("needs Xvfb and xdotool (apt-get install xvfb xdotool)")
    beside = Path(sys.executable).with_name("glutewake")
    glutewake = str(beside) if beside.exists() else "glutewake"
    server, display = start_xvfb()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DISPLAY": display, "GLUTEWAKE_HOME": home}
        coach = subprocess.Popen([glutewake, "coach", "--no-terminal", "--no-desktop"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        try:
            while not (Path(home) / "coach.sock").exists():
                if coach.poll() is not None:
                    sys.exit(f"the coach stopped: {coach.stderr.read().decode() if coach.stderr else ''}")
                time.sleep(0.1)
            started = counters(coach.pid)
            began = time.monotonic()
            nudge = 0
            while (elapsed := time.monotonic() - began) < minutes * 60:
                time.sleep(min(20.0, minutes * 60 - elapsed))
                nudge += 1
                subprocess.run(["xdotool", "mousemove", str(100 + nudge % 50), "100"], env=env, check=True)
            ended = counters(coach.pid)
            wall = time.monotonic() - began
        finally:
            coach.terminate()
            coach.wait(timeout=30)
            server.terminate()
    cpu = ended["cpu_seconds"] - started["cpu_seconds"]
    print(f"coach ran {wall / 60:.1f} min on X11 (Xvfb), a mouse nudge every 20 s")
    print(f"  CPU used:         {cpu:.2f} s = {100 * cpu / wall:.3f}% of one core   (goal < 0.2%)")
    print(
        f"  memory:           peak {ended['peak_rss_mb']:.1f} MB, now {ended['rss_mb']:.1f} MB   (goal < 60 MB)"
    )
    print(f"  wake-ups:         {(ended['wakeups'] - started['wakeups']) / (wall / 60):.1f} per minute")
    print(f"  start-up CPU:     {started['cpu_seconds']:.2f} s (not counted above)")


if __name__ == "__main__":
    main()
