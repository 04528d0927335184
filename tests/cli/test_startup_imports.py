"""Start-up stays cheap: each command's module, its `--help`, a typo and a bad option choice
load nothing heavy (bench/startup.py measures the time; this guards the cause, which a noisy
machine cannot hide). Each case runs in a fresh interpreter, as the `glutewake` command does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from glutewake.cli import COMMANDS

# What only some work needs: validating or reading the knowledge base, the store, the web app,
# templates, YAML, the database drivers, the camera's maths, encryption.
HEAVY = (
    "pydantic", "sqlalchemy", "fastapi", "starlette", "uvicorn", "jinja2", "yaml", "psycopg",
    "rich", "numpy", "cryptography", "glutewake.knowledge.schema", "glutewake.store", "glutewake.web.app",
)  # fmt: skip


def heavy_loaded(code: str) -> list[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return loaded


def invoked(*argv: str) -> str:
    return (
        "from click.testing import CliRunner\n"
        "from glutewake.cli import main\n"
        f"result = CliRunner().invoke(main, {list(argv)!r})\n"
        "assert result.exception is None or isinstance(result.exception, SystemExit), result.output\n"
    )


@pytest.mark.parametrize("module", sorted({module for module, _, _ in COMMANDS.values()}))
def test_importing_a_command_loads_nothing_heavy(module: str) -> None:
    assert heavy_loaded(f"import glutewake.cli.{module}") == []


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_commands_help_loads_nothing_heavy(name: str) -> None:
    assert heavy_loaded(invoked(name, "--help")) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        ["chek"],  # a typo, answered with the closest command
        ["plan", "--new", "--equipment", "rowing-machine"],  # a choice that is not one
        ["learn", "--position", "upside-down"],
        ["session", "--side", "middle"],
    ],
    ids=["help", "version", "typo", "plan choice", "learn choice", "session choice"],
)
def test_help_typos_and_bad_choices_load_nothing_heavy(argv: list[str]) -> None:
    assert heavy_loaded(invoked(*argv)) == []


def test_the_probe_sees_a_heavy_import() -> None:
    """The guard itself works: a command that does load the store is seen doing it."""
    assert "sqlalchemy" in heavy_loaded("import glutewake.store")


def test_a_check_reads_the_cached_knowledge_without_validating_or_storing(tmp_path: Path) -> None:
    """`check --answers F --json` needs the knowledge (from its cache) and the triage: neither
    pydantic (validation, done once when the cache is written) nor the store, nor YAML."""
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"age": 34, "sex": "female", "duration_days": 21, "answers": {}}))
    warm = subprocess.run(
        ["glutewake", "check", "--answers", str(case), "--json"], capture_output=True, check=False
    )
    assert warm.returncode == 0, warm.stderr
    loaded = heavy_loaded(invoked("check", "--answers", str(case), "--json"))
    assert loaded == ["glutewake.knowledge.schema"]
