"""`glutewake coach`: the sitting coach and its tools."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from glutewake.cli._coach_settings import settings_or_exit
from glutewake.cli._json import echo_json
from glutewake.cli._text import say

if TYPE_CHECKING:
    from datetime import datetime

    from glutewake.core.coach import Event

__all__ = ["coach"]


@click.group(invoke_without_command=True)
@click.option("--timer-only", is_flag=True, help="Count clock time, not keyboard and mouse activity.")
@click.option("--no-terminal", is_flag=True, help="Do not prompt in the terminal (for running as a service).")
@click.option("--no-desktop", is_flag=True, help="Do not show desktop notifications.")
@click.pass_context
def coach(ctx: click.Context, timer_only: bool, no_terminal: bool, no_desktop: bool) -> None:
    """Prompt glute breaks from real computer activity, and log sitting.

    Run on its own, it watches keyboard and mouse activity (never what you type), counts
    active sitting, credits natural breaks, and after the interval (25 minutes by default)
    prompts a short desk move. See the subcommands for setup and tools.

    \b
    Examples:
      glutewake coach
      glutewake coach simulate --events day.jsonl --json
    """
    if ctx.invoked_subcommand is None:
        from glutewake.cli.coach_run import run_coach

        run_coach(ctx, timer_only=timer_only, terminal=not no_terminal, desktop=not no_desktop)


@coach.command()
@click.option(
    "--events",
    "events_file",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    metavar="FILE",
    help='JSON lines: {"t": TIME, "idle_seconds": N} samples and {"t": TIME, "event": NAME} events.',
)
@click.option(
    "--interval",
    type=click.IntRange(15, 60),
    help="Minutes of sitting before a prompt (default: your setting).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the prompts and the day's statistics as JSON.")
def simulate(events_file: str, interval: int | None, as_json: bool) -> None:
    """Replay a recorded day through the coach without waiting.

    Events are lock, unlock, suspend, resume, done, postpone and skip. The output is the
    prompts the coach would have shown and the day's sitting statistics.

    \b
    Example:
      glutewake coach simulate --events day.jsonl --json
    """
    from dataclasses import replace

    from glutewake.app.coach import coach_rules, parse_timeline, replay
    from glutewake.cli._answers import load_answers

    def timeline(text: object) -> list[tuple[datetime, Event]]:
        return parse_timeline(str(text).splitlines())

    settings = settings_or_exit()
    if interval is not None:
        settings = replace(settings, interval_minutes=interval)
    events = load_answers(events_file, timeline, raw=True)
    report = replay(events, coach_rules(settings))
    if as_json:
        echo_json(report)
        return
    for prompt in report.prompts:
        say(f"{prompt.at:%H:%M}  {prompt.text}")
    if not report.prompts:
        say("No prompts that day.")
    click.echo()
    from glutewake.cli.stats import stat_rows

    for label, value in stat_rows(report.stats):
        say(f"{label:<25} {value}")


def _home_request(request: dict[str, object]) -> dict[str, object] | None:
    from glutewake.config import home_dir
    from glutewake.runtime.coach_host import ask_running_coach

    return ask_running_coach(home_dir(), request)


@coach.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(as_json: bool) -> None:
    """Show what the running coach sees: sitting time, next break, breaks today.

    \b
    Example:
      glutewake coach status
    """
    reply = _home_request({"command": "status"})
    if reply is None:
        message = "No coach is running. Start one with `glutewake coach` or `glutewake coach install`."
        if as_json:
            echo_json({"running": False, "message": message})
        else:
            say(message)
        raise SystemExit(1)
    state = reply["status"]
    if as_json:
        assert isinstance(state, dict)
        echo_json({"running": True, **state})
        return
    assert isinstance(state, dict)
    today = state["today"]
    say(f"phase: {state['phase']} (activity from {state['source']})")
    say(f"sitting for {state['sitting_minutes']} min; next break in {state['next_break_minutes']} min")
    if state["overdue_minutes"]:
        say(f"the break is overdue by {state['overdue_minutes']} min")
    if state["quiet_until"]:
        say(f"paused until {state['quiet_until']}")
    say(
        f"today: {today['prompts']} prompts, {today['followed']} followed, {today['natural_breaks']} natural breaks"
    )
    saving = state.get("saving") or {}
    if saving.get("problem"):
        say(
            f"not saving since {str(saving['failing_since'])[11:16]}: {saving['problem']}; "
            f"{saving['unsaved'] or 'the stretch in progress'}{' records' if saving['unsaved'] else ''} "
            f"kept in memory, next try at {str(saving['next_try'])[11:19]}"
        )
    if state.get("fault"):
        say(f"the coach hit a problem and carries on: {state['fault']}")


@coach.command()
@click.argument("duration", required=False, metavar="DURATION")
def pause(duration: str | None) -> None:
    """Pause prompts (do not disturb) for a while, or until `glutewake coach resume`.

    DURATION is like 30m, 2h or 90s.

    \b
    Examples:
      glutewake coach pause 30m
      glutewake coach pause
    """
    seconds = None if duration is None else _duration(duration)
    reply = _home_request({"command": "pause", "seconds": seconds})
    if reply is None:
        say("No coach is running, so there is nothing to pause.")
        raise SystemExit(1)
    say("Prompts paused" + (f" for {duration}." if duration else " until `glutewake coach resume`."))


@coach.command()
def resume() -> None:
    """End a pause: prompts may show again.

    \b
    Example:
      glutewake coach resume
    """
    if _home_request({"command": "resume"}) is None:
        say("No coach is running.")
        raise SystemExit(1)
    say("Prompts are back on.")


def _duration(text: str) -> float:
    import re

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*", text.lower())
    if not match or float(match.group(1)) <= 0:
        raise click.BadParameter(f"{text!r} is not a duration; use 30m, 2h or 90s", param_hint="DURATION")
    return float(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2) or "m"]


@coach.command()
@click.option("--no-start", is_flag=True, help="Only write the entry; do not start the coach now.")
def install(no_start: bool) -> None:
    """Start the coach automatically when you log in.

    Writes a systemd user unit on Linux, a LaunchAgent on macOS, or a Startup script on
    Windows, and starts the coach (unless --no-start).

    \b
    Example:
      glutewake coach install
    """
    import shutil
    import subprocess
    import sys

    from glutewake.runtime.autostart import autostart_entry

    path, content = autostart_entry()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    say(f"Wrote {path}.")
    if no_start:
        return
    if sys.platform.startswith("linux") and shutil.which("systemctl"):
        steps = [
            ["systemctl", "--user", "daemon-reload"],
            ["systemctl", "--user", "enable", "--now", path.name],
        ]
    elif sys.platform == "darwin":
        steps = [["launchctl", "load", "-w", str(path)]]
    else:
        steps = []
    for argv in steps:
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            say(f"`{' '.join(argv)}` failed: {done.stderr.strip() or done.returncode}", err=True)
            say("The entry is written; it takes effect at your next login.", err=True)
            raise SystemExit(1)
    say("The coach starts at login" + (" and is running now." if steps else "; log out and in to start it."))


@coach.command()
def uninstall() -> None:
    """Stop starting the coach at login (and stop it, where the platform allows).

    \b
    Example:
      glutewake coach uninstall
    """
    import shutil
    import subprocess
    import sys

    from glutewake.runtime.autostart import autostart_entry

    path, _ = autostart_entry()
    if sys.platform.startswith("linux") and shutil.which("systemctl"):
        subprocess.run(
            ["systemctl", "--user", "disable", "--now", path.name], capture_output=True, check=False
        )
    elif sys.platform == "darwin" and path.exists():
        subprocess.run(["launchctl", "unload", "-w", str(path)], capture_output=True, check=False)
    if path.exists():
        path.unlink()
        say(f"Removed {path}.")
    else:
        say("The coach was not set to start at login.")


@coach.command()
def doctor() -> None:
    """Check what the coach can use here: activity sources, notifications, settings.

    \b
    Example:
      glutewake coach doctor
    """
    from glutewake.config import config_path
    from glutewake.runtime.activity import detect

    source, probes = detect()
    say("Activity (seconds since the last keyboard or mouse input; keystrokes are never read):")
    for probe in probes:
        say(f"  {'ok ' if probe.works else 'no '} {probe.backend}: {probe.detail}")
    if source is None:
        say("  -> nothing works here, so the coach would run timer-only (all clock time counts as sitting).")
    else:
        say(f"  -> the coach will use {source.name}.")
        source.close()
    say(f"Settings: {config_path()} ({'present' if config_path().exists() else 'defaults in use'})")
    settings = settings_or_exit()
    say(
        f"  every {settings.interval_minutes} min of sitting; a natural break is {settings.natural_break_seconds} s idle"
    )
    running = _home_request({"command": "status"})
    say("A coach is running." if running else "No coach is running now.")


_CONFIG_KEYS = {
    "interval": "interval_minutes",
    "natural-break": "natural_break_seconds",
    "postpone": "postpone_minutes",
    "max-postpones": "max_postpones",
    "work-days": "work_days",
    "work-start": "work_start",
    "work-end": "work_end",
}


def _shown(value: object) -> str:
    """A setting as it is typed: weekdays as mon,tue,wed."""
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


@coach.command()
@click.argument("key", required=False, type=click.Choice(sorted(_CONFIG_KEYS)))
@click.argument("value", required=False)
def config(key: str | None, value: str | None) -> None:
    """Show or change the coach's settings.

    interval is minutes of sitting before a prompt (15-60); natural-break is the idle
    seconds that count as a break (also the minimum break length in statistics);
    work-days, work-start and work-end set when prompts may show.

    \b
    Examples:
      glutewake coach config
      glutewake coach config interval 30
      glutewake coach config work-days mon,tue,wed,thu
    """
    from glutewake.app.coach import save_coach_settings
    from glutewake.config import config_path
    from glutewake.core.coach import settings_to_config
    from glutewake.core.errors import FieldErrors
    from glutewake.core.numbers import whole_number

    current = settings_to_config(settings_or_exit())
    if key is None:
        for name, field in _CONFIG_KEYS.items():
            say(f"{name:<14} {_shown(current[field])}")
        return
    field = _CONFIG_KEYS[key]
    if value is None:
        click.echo(_shown(current[field]))
        return
    number = whole_number(value, 0, 10_000)
    try:
        saved = settings_to_config(save_coach_settings({field: value if number is None else number}))
    except FieldErrors as error:
        for _, message in error.problems:
            say(f"error: {key}: {message}", err=True)
        raise SystemExit(2) from error
    value, path = _shown(saved[field]), config_path()
    say(f"{key} is now {value} (saved in {path}). A running coach picks it up when restarted.")
