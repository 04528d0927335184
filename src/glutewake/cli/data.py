"""`glutewake export`, `glutewake import` and `glutewake forget`: your records, yours to move."""

from __future__ import annotations

import json
from pathlib import Path

import click

from glutewake.cli._errors import CommandError
from glutewake.cli._prompt import confirm_or_refuse
from glutewake.cli._text import say

__all__ = ["export", "forget", "import_"]


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--force", "--yes", "force", is_flag=True, help="Overwrite FILE if it exists, without asking.")
@click.pass_context
def export(ctx: click.Context, file: str | None, force: bool) -> None:
    """Write everything glutewake keeps about you to one JSON file.

    Everything is your symptom checks, self-tests, plans, sessions (with their sets), check-ins, stretches of
    sitting and break-coach events.

    FILE defaults to glutewake-export-DATE.json in this folder; '-' writes to standard output.
    A file that exists is overwritten only if you say so (or with --force).
    The file can be restored with `glutewake import`.

    \b
    Examples:
      glutewake export
      glutewake export backup.json --force
    """
    from glutewake.app.transfer import export_data
    from glutewake.cli._store import acting, clock
    from glutewake.privatefile import write_private

    document = export_data(acting(ctx))
    text = json.dumps(document, indent=1, ensure_ascii=False)
    if file == "-":
        click.echo(text)
        return
    target = Path(file or f"glutewake-export-{clock(ctx).now():%Y-%m-%d}.json")
    data = text.encode("utf-8")  # before any file exists: text that cannot be written leaves none
    if not target.parent.is_dir():
        raise CommandError(f"cannot write {target}: the folder {target.parent} does not exist")
    if target.exists() and not force:
        confirm_or_refuse(
            f"{target} already exists. Overwrite it?",
            f"{target} already exists; add --force to overwrite it, or give another FILE",
        )
    try:  # private, whole or not at all, and never through a link someone else left there
        write_private(target, data)
    except OSError as error:
        raise CommandError(f"cannot write {target}: {error.strerror}") from None
    from glutewake.app.transfer import kinds_in

    say(f"Exported your records to {target}: {kinds_in(document)}.")


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.pass_context
def import_(ctx: click.Context, file: str) -> None:
    """Restore an export into an empty store.

    It brings back the export's symptom checks, self-tests, plans, sessions (with their sets), check-ins, stretches of
    sitting and break-coach events.

    Nothing is imported unless everything is: a damaged file changes nothing.

    \b
    Example:
      glutewake import backup.json
    """
    from glutewake.app.transfer import import_data
    from glutewake.cli._answers import load_answers
    from glutewake.cli._store import acting

    records = acting(ctx)

    def restore(document: object) -> dict[str, int]:
        return import_data(records, document)

    from glutewake.app.transfer import kinds_in

    document: dict[str, object] = {}

    def restore_and_keep(loaded: object) -> dict[str, int]:
        counts = restore(loaded)
        if isinstance(loaded, dict):
            document.update(loaded)
        return counts

    load_answers(file, restore_and_keep)
    say(f"Imported {kinds_in(document)}.")


@click.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def forget(ctx: click.Context, yes: bool) -> None:
    """Delete everything glutewake keeps about you, for good.

    Everything is your symptom checks, self-tests, plans, sessions (with their sets), check-ins, stretches of
    sitting and break-coach events: it says how many of each
    before it asks.

    \b
    Examples:
      glutewake export backup.json && glutewake forget --yes
    """
    from glutewake.app.records import forget as forget_records
    from glutewake.app.transfer import export_data, kinds_in
    from glutewake.cli._store import acting

    records = acting(ctx)
    held = kinds_in(export_data(records))
    if not yes and not click.confirm(f"Delete {held}, for good? This cannot be undone"):
        say("Nothing was deleted.")
        raise SystemExit(1)
    forget_records(records)
    say(f"Deleted {held}.")
