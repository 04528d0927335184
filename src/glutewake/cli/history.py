"""`glutewake history`: past symptom checks and self-test results."""

from __future__ import annotations

import click

from glutewake.cli._json import echo_json
from glutewake.cli._text import say

__all__ = ["history"]


@click.command()
@click.option(
    "--limit", type=click.IntRange(1), default=20, show_default=True, help="How many of each to show."
)
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON, newest first.")
@click.pass_context
def history(ctx: click.Context, limit: int, as_json: bool) -> None:
    """Show your past symptom checks and self-test results, newest first.

    Interactive `glutewake check` and `glutewake selftest` runs are kept automatically.

    \b
    Examples:
      glutewake history
      glutewake history --limit 5 --json
    """
    from glutewake.app import records
    from glutewake.cli._store import acting

    entries = records.history(acting(ctx), limit)
    if as_json:
        echo_json(entries)
        return
    if not entries:
        say("Nothing yet. Run `glutewake check` or `glutewake selftest` and the results will be kept here.")
        return
    from glutewake.cli import _render

    rows = [
        (entry.at.astimezone().strftime("%a %d %b %Y %H:%M"), entry.title, entry.summary) for entry in entries
    ]
    _render.listing(_render.console(), "Your history", ("when", "what", "result"), rows)
