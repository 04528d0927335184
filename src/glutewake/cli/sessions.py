"""`glutewake sessions`: the browsers signed in to the web app, and signing them out."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from glutewake.cli._errors import CommandError
from glutewake.cli._text import say

if TYPE_CHECKING:
    from glutewake.identity.browser_sessions import SessionBook

__all__ = ["sessions"]


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print them as JSON.")
@click.pass_context
def sessions(ctx: click.Context, as_json: bool) -> None:
    """List the browsers signed in to the web app (each for 30 days at most).

    \b
    Examples:
      glutewake sessions
      glutewake sessions end 3f9a0c1e
      glutewake sessions end --all
    """
    if ctx.invoked_subcommand is not None:
        return
    from glutewake.cli._json import echo_json

    book, now = _book(ctx)
    live = book.sessions(now)
    if as_json:
        echo_json([{"id": s.id, "browser": s.browser, "began": _when(s.began), "last_used": _when(s.last_used)}
                   for s in live])  # fmt: skip
        return
    if not live:
        say("No browser is signed in. `glutewake` opens one, signed in.")
        return
    for s in live:
        say(f"{s.id}  {s.browser}")
        say(f"    signed in {_shown(s.began)}, last used {_shown(s.last_used)}")
    say("Sign one out with `glutewake sessions end ID`, or all with `glutewake sessions end --all`.")


@sessions.command()
@click.argument("session_id", required=False, metavar="[ID]")
@click.option("--all", "every", is_flag=True, help="Sign out every browser.")
@click.pass_context
def end(ctx: click.Context, session_id: str | None, every: bool) -> None:
    """Sign a browser out (ID from `glutewake sessions`), or every browser with --all.

    It takes effect at once, also in a web app that is running.

    \b
    Examples:
      glutewake sessions end 3f9a0c1e
      glutewake sessions end --all
    """
    if every == (session_id is not None):
        raise click.UsageError(
            "give one session ID (from `glutewake sessions`) or --all, not both or neither"
        )
    book, now = _book(ctx)
    if every:
        ended = book.end_all(now)
        say(f"Signed out {ended} browser{'s' * (ended != 1)}.")
        return
    assert session_id is not None
    if len(session_id) < 4 or not book.end(session_id.lower(), now):
        raise CommandError(f"no signed-in browser has the ID {session_id!r}; `glutewake sessions` lists them")
    say(f"Signed out {session_id}.")


def _book(ctx: click.Context) -> tuple[SessionBook, int]:
    from glutewake.cli._store import clock
    from glutewake.config import home_dir
    from glutewake.identity.browser_sessions import SessionBook

    return SessionBook.of(home_dir()), int(clock(ctx).now().timestamp())


def _when(seconds: int) -> str:
    return datetime.fromtimestamp(seconds).astimezone().isoformat()


def _shown(seconds: int) -> str:
    return f"{datetime.fromtimestamp(seconds).astimezone():%d %b %Y %H:%M}"
