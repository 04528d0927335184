"""Problems with the computer, not the input: one clear line, exit 2, nothing lost, no traceback."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from glutewake.cli import main


def glutewake(*args: str, home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GLUTEWAKE_HOME": str(home)}
    return subprocess.run(
        ["glutewake", *args], env=env, input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_serving_a_damaged_database_says_so_before_running(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"this is not a database" * 100)
    done = glutewake(
        "--database-url", f"sqlite:///{damaged}", "serve", "--no-browser", "--port", "0", home=tmp_path / "h"
    )
    assert "not a database" in one_line(done)
    assert "running at" not in done.stdout
    assert damaged.read_bytes().startswith(b"this is not a database"), "nothing was changed"


def test_a_data_directory_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    line = one_line(glutewake("log", "glute_bridge", "3x10", home=blocker / "home"))
    assert "Not a directory" in line or "File exists" in line
    assert "nothing was changed" in line


def test_a_read_only_database(tmp_path: Path) -> None:
    home = tmp_path / "h"
    assert glutewake("log", "glute_bridge", "3x10", home=home).returncode == 0
    # Opened read-only, as on a read-only disk (as root, file modes alone would not stop a write).
    read_only = f"sqlite:///{home / 'glutewake.db'}?mode=ro"
    line = one_line(glutewake("--database-url", read_only, "log", "glute_bridge", "3x10", home=home))
    assert "read-only" in line
    export = glutewake("--database-url", read_only, "export", "-", home=home)
    assert export.returncode == 0, "reading still works"
    assert sum(len(s["sets"]) for s in json.loads(export.stdout)["sessions"]) == 3, "nothing was lost"


def test_exporting_into_a_missing_folder(tmp_path: Path) -> None:
    home = tmp_path / "h"
    assert glutewake("log", "glute_bridge", "3x10", home=home).returncode == 0
    line = one_line(glutewake("export", str(tmp_path / "nowhere" / "x.json"), home=home))
    assert "the folder" in line
    assert "does not exist" in line
    assert not list(tmp_path.glob("**/*.tmp"))


def test_an_export_is_private_and_a_readable_data_directory_is_fixed(tmp_path: Path) -> None:
    home = tmp_path / "h"
    assert glutewake("log", "glute_bridge", "3x10", home=home).returncode == 0
    exported = tmp_path / "export.json"
    assert glutewake("export", str(exported), home=home).returncode == 0
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    home.chmod(0o755)
    (home / "glutewake.db").chmod(0o644)
    done = glutewake("history", home=home)
    assert done.returncode == 0
    assert "is now private to you" in done.stderr
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / "glutewake.db").stat().st_mode) == 0o600


def test_a_poisoned_import_exits_2_and_keeps_the_store_empty(tmp_path: Path) -> None:
    document = {"format": "glutewake-export", "version": 1, "tables": {"checkins": 5}}
    (tmp_path / "bad.json").write_text(json.dumps(document))
    result = CliRunner().invoke(main, ["import", str(tmp_path / "bad.json")])
    assert result.exit_code == 2
    assert "checkins must be a list of records" in result.stderr


def test_open_without_a_running_app(tmp_path: Path) -> None:
    assert "the web app is not running" in one_line(glutewake("open", "--no-browser", home=tmp_path / "h"))


@pytest.mark.parametrize("args", [["learn", "exercises"], ["history"], ["--help"], ["learn", "--help"]])
def test_output_into_a_reader_that_stopped_reading_ends_quietly(
    args: list[str], glutewake_home: Path
) -> None:
    """`glutewake learn exercises | head -1`: the reader is gone before glutewake writes, which
    is no error of the person's (exit 0, nothing on standard error)."""
    env = {**os.environ, "GLUTEWAKE_HOME": str(glutewake_home)}
    command = subprocess.Popen(["glutewake", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert command.stdout is not None
    assert command.stderr is not None
    command.stdout.close()  # before it has started: whatever it writes finds no reader
    errors = command.stderr.read().decode()
    command.stderr.close()
    assert command.wait(timeout=60) == 0, errors
    assert errors == ""
