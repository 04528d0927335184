"""`glutewake stats`: sitting statistics from the coach's record."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import click

from glutewake.cli._json import echo_json
from glutewake.cli._text import say
from glutewake.codec import dump

if TYPE_CHECKING:
    from glutewake.core.sitting import SittingStats

__all__ = ["stats"]


@click.command()
@click.option("--day", "day", type=click.DateTime(["%Y-%m-%d"]), help="This day (default: today).")
@click.option("--week", is_flag=True, help="The week (Monday to Sunday) containing the day.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def stats(ctx: click.Context, day: datetime | None, week: bool, as_json: bool) -> None:
    """Show sitting statistics: active sitting, bouts, prolonged sitting, breaks.

    A bout is uninterrupted sitting; a break ends one (a natural break is being idle for at
    least the minimum break length, a coach setting); prolonged sitting is time in bouts of
    30 minutes or more. Needs `glutewake coach` running to record anything.

    \b
    Examples:
      glutewake stats
      glutewake stats --week --json
    """
    from glutewake.app.coach import day_bounds, stats_between
    from glutewake.cli._store import acting, clock

    now = clock(ctx).now()
    chosen: date = day.date() if day else now.date()
    first = chosen - timedelta(days=chosen.weekday()) if week else chosen
    last = first + timedelta(days=7 if week else 1)
    # the same day as the running coach's status counts (the bout in progress is kept as it goes)
    figures = stats_between(acting(ctx), *day_bounds(first, now.tzinfo, (last - first).days))
    if as_json:
        echo_json({"from": first, "to": last - timedelta(days=1), **dump(figures)})
        return
    title = f"Week of {first:%d %b %Y}" if week else f"{first:%A %d %b %Y}"
    click.echo(click.style(title, bold=True))
    if not figures.bouts and not figures.prompts:
        say("No sitting recorded. Start the coach with `glutewake coach` (or `glutewake coach install`).")
        return
    for label, value in stat_rows(figures):
        say(f"  {label:<25}{value}")


def stat_rows(figures: SittingStats) -> list[tuple[str, str]]:
    """The sitting figures as label and value, in words."""
    rows = [
        ("Active sitting", f"{figures.active_seconds / 3600:.1f} h in {figures.bouts} bouts"),
        ("Longest bout", f"{figures.longest_bout_seconds / 60:.0f} min"),
        ("Prolonged sitting", f"{figures.prolonged_seconds / 60:.0f} min in bouts of 30 min or more"),
        (
            "Breaks",
            f"{figures.breaks} ({figures.breaks_prompted} when prompted, {figures.breaks_natural} natural)",
        ),
        ("Postponed, skipped", f"{figures.postponed}, {figures.skipped}"),
    ]
    if figures.breaks_per_sitting_hour is not None:
        rows.append(("Breaks per sitting hour", f"{figures.breaks_per_sitting_hour:.1f}"))
    if figures.prompts_followed is not None:
        rows.append(("Prompts followed", f"{figures.prompts_followed:.0%} of {figures.prompts}"))
    return rows
