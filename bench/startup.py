"""Start-up time of the glutewake command, side by side with Python importing Click.

Runs `python3 -c pass`, `python3 -c "import click"`, `glutewake --help` and
`glutewake check --answers FILE --json` round-robin, N times each (default 30), and prints
the medians and their ratios to `import click`, the least any Click command costs.
Goals (issue 25): --help within 2.0x, check --json within 2.5x.

    python3 bench/startup.py [--runs N]

glutewake's bytecode is compiled first, as `pip install .` (README's command) does: an
editable install under PYTHONDONTWRITEBYTECODE would otherwise compile every module on
every run, which no installed copy does (and `import click`'s bytecode is installed).

The first `check` in a fresh data directory validates the knowledge base and writes the
cache; that cold run is reported separately and not counted in the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASE = {
    "age": 34,
    "sex": "female",
    "duration_days": 21,
    "answers": {"numb_when_sitting": True, "eases_on_standing": True, "saddle_numbness": False},
}


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30, help="runs of each command (at least 20)")
    runs = max(parser.parse_args().runs, 20)
    # The script installed beside this interpreter, not a wrapper such as a pyenv shim.
    beside = Path(sys.executable).with_name("glutewake")
    glutewake = str(beside) if beside.exists() else shutil.which("glutewake")
    if glutewake is None:
        sys.exit("glutewake is not installed: run `pip install -e .` first")
    import compileall

    from glutewake import __file__ as package_init

    compileall.compile_dir(str(Path(package_init).parent), quiet=1)
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "GLUTEWAKE_HOME": home}
        case_file = Path(home) / "case.json"
        case_file.write_text(json.dumps(CASE))
        commands = {
            "python3 -c pass": [sys.executable, "-c", "pass"],
            "import click": [sys.executable, "-c", "import click"],
            "glutewake --help": [glutewake, "--help"],
            "glutewake check --json": [glutewake, "check", "--answers", str(case_file), "--json"],
        }
        cold = timed(commands["glutewake check --json"], env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, argv in commands.items():
                samples[name].append(timed(argv, env))
    base = statistics.median(samples["import click"])
    print(f"{runs} runs each, medians ({sys.executable}; {glutewake})")
    goals = {"glutewake --help": 2.0, "glutewake check --json": 2.5}
    for name, values in samples.items():
        median = statistics.median(values)
        ratio = median / base
        goal = (
            f"  goal <= {goals[name]:.1f}x: {'met' if ratio <= goals[name] else 'MISSED'}"
            if name in goals
            else ""
        )
        print(f"  {name:<24} {median * 1000:7.1f} ms  {ratio:4.1f}x{goal}")
    print(f"  first check in a new data directory (validates and caches the knowledge): {cold * 1000:.0f} ms")


if __name__ == "__main__":
    main()
