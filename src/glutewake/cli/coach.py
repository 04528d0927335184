"""`glutewake coach`: the sitting coach and its tools."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from datetime import datetime

    from glutewake.core.coach import Event, Settings

__all__ = ["coach"]


@click.group(invoke_without_command=True)
@click.pass_context
def coach(ctx: click.Context) -> None:
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

        run_coach(ctx)


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

    from glutewake.cli._answers import load_answers
    from glutewake.services.coach import coach_rules, parse_timeline, replay

    def timeline(text: object) -> list[tuple[datetime, Event]]:
        return parse_timeline(str(text).splitlines())

    settings = _settings()
    if interval is not None:
        settings = replace(settings, interval_minutes=interval)
    events = load_answers(events_file, timeline, raw=True)
    report = replay(events, coach_rules(settings))
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
        return
    from glutewake.services.coach import prompt_text

    for prompt in report.prompts:
        click.echo(f"{prompt.at:%H:%M}  {prompt_text(prompt)}")
    if not report.prompts:
        click.echo("No prompts that day.")
    click.echo()
    for key, value in report.stats.to_json().items():
        click.echo(f"{key.replace('_', ' '):<26} {'-' if value is None else value}")


def _settings() -> Settings:
    from glutewake.config import ConfigError
    from glutewake.core.errors import FieldErrors
    from glutewake.services.coach import coach_settings

    try:
        return coach_settings()
    except ConfigError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(2) from error
    except FieldErrors as error:
        for field, message in error.problems:
            click.echo(f"error: config.toml [coach] {field}: {message}", err=True)
        raise SystemExit(2) from error
