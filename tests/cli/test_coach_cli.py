"""`glutewake coach simulate|config|install|uninstall|status|pause|resume` and `glutewake stats`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from glutewake.app.coach import record_effects
from glutewake.app.context import acting_for
from glutewake.cli import main
from glutewake.core.coach import BoutEnded, BreakTaken, PromptAnswered, ShowPrompt
from glutewake.runtime.autostart import autostart_entry
from glutewake.store import Repository
from tests.cli.runner import run


def day(lines: list[dict[str, Any]], tmp_path: Path) -> str:
    path = tmp_path / "day.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return str(path)


def minutes(start: int, end: int, idle: float = 0, date: str = "2026-11-23T") -> list[dict[str, Any]]:
    return [
        {"t": f"{date}{9 + m // 60:02d}:{m % 60:02d}:00", "idle_seconds": idle} for m in range(start, end)
    ]


def simulate(path: str, *extra: str) -> tuple[int, Any, str]:
    result = CliRunner().invoke(main, ["coach", "simulate", "--events", path, "--json", *extra])
    return result.exit_code, json.loads(result.stdout) if result.exit_code == 0 else None, result.stderr


def test_simulate_a_day_end_to_end(tmp_path: Path) -> None:
    lines = [*minutes(0, 26), {"t": "2026-11-23T09:26:10", "event": "done"}]
    lines += minutes(27, 40) + [
        {"t": f"2026-11-23T09:{m}:00", "idle_seconds": (m - 40) * 60 + 30} for m in range(40, 44)
    ]
    lines += minutes(44, 120)
    code, report, _ = simulate(day(lines, tmp_path))
    assert code == 0
    assert [(p["at"][11:16], p["exercise_id"]) for p in report["prompts"]] == [
        ("09:25", "standing_glute_squeeze"),
        ("10:09", "walking_in_place"),
    ]
    stats = report["stats"]
    assert (stats["bouts"], stats["breaks_prompted"], stats["breaks_natural"], stats["prompts"]) == (
        3,
        1,
        1,
        2,
    )
    assert stats["longest_bout_seconds"] == 75 * 60
    assert stats["prolonged_seconds"] == 75 * 60
    assert stats["prompts_followed"] == 0.5


def test_simulate_postpones_twice_then_the_prompt_stays(tmp_path: Path) -> None:
    def answer(time_: str, event: str) -> dict[str, Any]:
        return {"t": f"2026-11-23T{time_}", "event": event}

    lines = [*minutes(0, 26), answer("09:25:30", "postpone")]  # prompt at 09:25
    lines += [*minutes(26, 32), answer("09:31:30", "postpone")]  # snoozed to 09:30:30, prompt at 09:31
    # a third postpone is refused, so the prompt stays until it is skipped
    lines += [*minutes(32, 38), answer("09:37:30", "postpone"), answer("09:37:40", "skip")]
    lines += minutes(38, 40)
    code, report, _ = simulate(day(lines, tmp_path))
    assert code == 0
    assert [p["at"][11:16] for p in report["prompts"]] == ["09:25", "09:31", "09:37"]
    assert report["prompts"][1]["exercise_id"] in ("seated_glute_squeeze", "single_leg_seated_squeeze")
    assert (report["stats"]["postponed"], report["stats"]["skipped"]) == (2, 1)


def test_simulate_honours_lock_and_working_hours(tmp_path: Path) -> None:
    lines = [
        *minutes(0, 10),
        {"t": "2026-11-23T09:10:00", "event": "lock"},
        {"t": "2026-11-23T09:20:00", "event": "unlock"},
    ]
    lines += minutes(20, 40)
    lines += [{"t": f"2026-11-28T10:{m:02d}:00", "idle_seconds": 0} for m in range(59)]  # a Saturday
    code, report, _ = simulate(day(lines, tmp_path), "--interval", "15")
    assert code == 0
    assert [p["at"][:16] for p in report["prompts"]] == ["2026-11-23T09:35"]
    assert report["stats"]["breaks_natural"] == 1


def test_simulate_reports_bad_lines_by_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"t": "2026-11-23T09:00:00", "idle_seconds": 0}\nnot json\n{"t": "2026-11-23T08:00:00", "idle_seconds": 0}\n'
                    '{"t": "2026-11-23T09:05:00", "event": "dance"}\n')  # fmt: skip
    code, _, err = simulate(str(path))
    assert code == 2
    assert "line 2: needs a JSON object" in err
    assert "line 3: is earlier than the line before" in err
    assert 'line 4: needs "idle_seconds"' in err


def test_config_shows_changes_and_refuses_bad_values(glutewake_home: Path) -> None:
    runner = CliRunner()
    assert "interval       25" in runner.invoke(main, ["coach", "config"]).stdout
    assert runner.invoke(main, ["coach", "config", "interval", "30"]).exit_code == 0
    assert runner.invoke(main, ["coach", "config", "interval"]).stdout.strip() == "30"
    bad = runner.invoke(main, ["coach", "config", "work-end", "07:00"])
    assert bad.exit_code == 2
    assert "must be after work_start" in bad.stderr
    assert "interval_minutes = 30" in (glutewake_home / "config.toml").read_text()
    assert 'work_end = "18:00"' in (glutewake_home / "config.toml").read_text()


def test_a_broken_config_file_is_reported(glutewake_home: Path, tmp_path: Path) -> None:
    glutewake_home.mkdir(parents=True)
    (glutewake_home / "config.toml").write_text("[coach]\ninterval_minutes = 'often'\n")
    result = CliRunner().invoke(main, ["coach", "simulate", "--events", day(minutes(0, 2), tmp_path)])
    assert result.exit_code == 2
    assert "[coach] interval_minutes: must be a whole number from 15 to 60" in " ".join(result.stderr.split())


def test_install_writes_a_systemd_user_unit_and_uninstall_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    unit = tmp_path / "config" / "systemd" / "user" / "glutewake-coach.service"
    result = CliRunner().invoke(main, ["coach", "install", "--no-start"])
    assert result.exit_code == 0
    text = unit.read_text()
    assert "-m glutewake coach --no-terminal" in text
    assert "PassEnvironment=DISPLAY" in text
    assert "WantedBy=graphical-session.target" in text
    assert CliRunner().invoke(main, ["coach", "uninstall"]).exit_code == 0
    assert not unit.exists()


@pytest.mark.parametrize(
    ("platform", "name", "words"),
    [
        ("darwin", "org.glutewake.coach.plist", "<key>RunAtLoad</key><true/>"),
        ("win32", "glutewake-coach.cmd", "-m glutewake coach --no-terminal"),
    ],
)
def test_autostart_entries_for_other_platforms(tmp_path: Path, platform: str, name: str, words: str) -> None:
    path, content = autostart_entry(platform, tmp_path)
    assert path.name == name
    assert words in content


def test_stats_for_a_day_and_a_week(database_url: str, repo_for: Any) -> None:
    repo: Repository = repo_for(database_url)
    nine = datetime(2026, 11, 23, 9, tzinfo=UTC)
    record_effects(acting_for(repo), [
        ShowPrompt(nine + timedelta(minutes=25), "standing_glute_squeeze", 1500, 2),
        PromptAnswered(nine + timedelta(minutes=26), "done"),
        BoutEnded(nine, nine + timedelta(minutes=26), 26 * 60),
        BreakTaken(nine + timedelta(minutes=26), "prompted"),
        BoutEnded(nine + timedelta(minutes=30), nine + timedelta(minutes=70), 38 * 60),
        BreakTaken(nine + timedelta(minutes=70), "natural"),
        BoutEnded(nine + timedelta(days=1), nine + timedelta(days=1, minutes=20), 20 * 60),
    ])  # fmt: skip
    code, out, _ = run(database_url, "stats", "--day", "2026-11-23", "--json")
    figures = json.loads(out)
    assert code == 0
    assert (figures["active_seconds"], figures["bouts"], figures["longest_bout_seconds"]) == (
        64 * 60,
        2,
        38 * 60,
    )
    assert (figures["prolonged_seconds"], figures["breaks"], figures["prompts_followed"]) == (
        38 * 60,
        2,
        1.0,
    )
    assert figures["breaks_per_sitting_hour"] == round(2 / (64 / 60), 2)
    week = json.loads(run(database_url, "stats", "--day", "2026-11-25", "--week", "--json")[1])
    assert (week["from"], week["to"], week["bouts"]) == ("2026-11-23", "2026-11-29", 3)
    _, text, _ = run(database_url, "stats", "--day", "2026-11-23", flat=True)
    assert "Prolonged sitting 38 min in bouts of 30 min or more" in text
    assert "Prompts followed 100% of 1" in text


def test_stats_without_a_coach_says_how_to_start_one(database_url: str) -> None:
    assert "Start the coach with `glutewake coach`" in run(database_url, "stats", flat=True)[1]


# --- the real coach, in its own process, on a real X server ----------------------------------------


def wait_for(path: Path, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)


def test_the_running_coach_answers_status_pause_and_resume_and_keeps_its_bout(
    x_display: str, glutewake_home: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    env = {
        **os.environ,
        "DISPLAY": x_display,
        "GLUTEWAKE_HOME": str(glutewake_home),
        "GLUTEWAKE_DATABASE_URL": url,
    }
    subprocess.run(["xdotool", "mousemove", "5", "5"], env=env, check=True)
    coach = subprocess.Popen(
        ["glutewake", "coach", "--no-desktop"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(glutewake_home / "coach.sock")

        def cli(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(["glutewake", *args], env=env, capture_output=True, text=True, check=False)

        status = json.loads(cli("coach", "status", "--json").stdout)
        assert (status["phase"], status["source"]) == ("sitting", "x11")
        # the one-off validation ran in a child process: the all-day coach stays small
        assert "pydantic_core" not in Path(f"/proc/{coach.pid}/maps").read_text()
        assert cli("coach", "pause", "30m").returncode == 0
        assert json.loads(cli("coach", "status", "--json").stdout)["quiet_until"] is not None
        assert cli("coach", "resume").returncode == 0
        assert json.loads(cli("coach", "status", "--json").stdout)["quiet_until"] is None
        second = cli("coach", "--no-desktop")
        assert second.returncode == 1
        assert "a coach is already running" in second.stderr
    finally:
        coach.send_signal(signal.SIGTERM)
        coach.communicate(timeout=15)
    assert coach.returncode == 0
    assert not (glutewake_home / "coach.sock").exists()
    stats = json.loads(
        subprocess.run(
            ["glutewake", "stats", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    assert stats["bouts"] == 1


def test_commands_without_a_running_coach_say_so(glutewake_home: Path) -> None:
    for args in (["status"], ["pause", "10m"], ["resume"]):
        result = CliRunner().invoke(main, ["coach", *args])
        assert result.exit_code == 1
        assert "No coach is running" in result.stdout


def test_a_bad_pause_duration_is_rejected() -> None:
    result = CliRunner().invoke(main, ["coach", "pause", "soon"])
    assert result.exit_code == 2
    assert "'soon' is not a duration" in result.stderr
