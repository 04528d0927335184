"""`glutewake db`: the database's schema, for operators."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from glutewake.cli._text import say

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["db"]


@click.group()
def db() -> None:
    """Check or upgrade the database schema (it is also upgraded automatically on first use).

    \b
    Examples:
      glutewake db status
      glutewake --database-url postgresql://clinic@db/glutewake db upgrade
    """


def _open(ctx: click.Context) -> tuple[Engine, str]:
    from glutewake.store import StoreError, connect, database_url

    url = database_url((ctx.find_root().obj or {}).get("database_url"))
    try:
        engine = connect(url, migrate=False)
    except StoreError as error:
        say(f"error: {error}", err=True)
        raise SystemExit(2) from error
    ctx.call_on_close(engine.dispose)
    return engine, url


@db.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Show which database is used and whether its schema is up to date.

    \b
    Example:
      glutewake db status
    """
    from sqlalchemy.engine import make_url

    from glutewake.store.engine import HEAD, StoreError, current_revision, newer_than_known

    engine, url = _open(ctx)
    try:
        revision = current_revision(engine)
    except StoreError as error:
        say(f"error: {error}", err=True)
        raise SystemExit(1) from error
    say(f"database: {make_url(url).render_as_string(hide_password=True)}")
    say(f"schema:   {revision or 'not set up yet'} (newest this glutewake knows: {HEAD})")
    if newer_than_known(revision):
        say("status:   made by a newer glutewake: upgrade glutewake to use it (not the database)")
        raise SystemExit(1)
    say("status:   up to date" if revision == HEAD else "status:   needs `glutewake db upgrade`")


@db.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Bring the database schema up to date (safe to run at any time).

    \b
    Example:
      glutewake db upgrade
    """
    from glutewake.cli._errors import CommandError
    from glutewake.store.engine import HEAD, back_up, current_revision, newer_than_known, too_new_message
    from glutewake.store.engine import upgrade as migrate

    engine, url = _open(ctx)
    before = current_revision(engine)
    if newer_than_known(before):
        raise CommandError(too_new_message(before))
    if before != HEAD:
        kept = back_up(engine)
        migrate(engine)
        if kept is not None:
            say(f"kept a copy of the store as it was: {kept}")
    say(
        "already up to date" if before == HEAD else f"upgraded from {before or 'an empty database'} to {HEAD}"
    )
    if engine.dialect.name == "postgresql":  # a clinic's database also holds its task queue
        from glutewake.runtime.jobs import apply_schema

        if apply_schema(url):
            say("made the task queue's tables (for `glutewake clinic worker`)")
