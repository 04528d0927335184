"""What a command acts with: the clock, and the owner's records in the store from
`--database-url` or the environment, with the knowledge in their region's words."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.clock import Clock

__all__ = ["acting", "clock"]


def clock(ctx: click.Context) -> Clock:
    """The clock a test injected through `obj`, else the real one."""
    from glutewake.clock import SystemClock

    injected: Clock | None = (ctx.find_root().obj or {}).get("clock")
    return injected or SystemClock()


def acting(ctx: click.Context) -> Context:
    """The use cases' context: the user's store, migrated if needed, closed when the command ends."""
    from glutewake.app import context
    from glutewake.store import StoreError

    url = (ctx.find_root().obj or {}).get("database_url")
    try:
        repo = context.open_store(url, clock(ctx))
    except StoreError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(2) from error
    ctx.call_on_close(repo.close)
    return context.acting_for(repo)
