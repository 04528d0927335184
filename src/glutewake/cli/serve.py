"""`glutewake serve` (and plain `glutewake`), and `glutewake open`: the web app on this computer."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

import click

from glutewake.cli._errors import CommandError
from glutewake.web.hosts import LOCAL_HOSTS

if TYPE_CHECKING:
    from glutewake.identity import OwnerSecret

__all__ = ["open_app", "serve", "start_server"]

DEFAULT_PORT = 8765


def _listen(host: str, wanted: int) -> list[socket.socket]:
    """Sockets listening on `wanted` (or, if that is taken, on a port the system picks).

    On this computer the browser reaches the app by a `*.localhost` name, which browsers try on
    ::1 before 127.0.0.1: the app holds the same port on both, so no other program can sit on
    the one it left free and receive the sign-in link or the session cookie meant for it.
    Elsewhere (`--host`) it holds the one address it was given.
    """
    addresses = [("127.0.0.1", socket.AF_INET), ("::1", socket.AF_INET6)] if host in LOCAL_HOSTS else []
    addresses = addresses or [(host, socket.AF_INET6 if ":" in host else socket.AF_INET)]
    for attempt in range(20):
        port = wanted if attempt == 0 else 0
        held: list[socket.socket] = []
        try:
            for address, family in addresses:
                if held and family == socket.AF_INET6 and not socket.has_ipv6:
                    continue
                # IPPROTO_TCP named, as getaddrinfo gives it: asyncio turns Nagle off only on
                # sockets that say so (without it each keep-alive reply waited ~40 ms for an ACK)
                listening = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
                held.append(listening)
                listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if family == socket.AF_INET6:
                    listening.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                try:
                    listening.bind((address, port))
                except OSError as error:
                    if held[0] is not listening and error.errno == errno.EADDRNOTAVAIL:
                        held.pop().close()  # no IPv6 on this computer: nobody can listen there either
                        continue
                    raise
                listening.listen(128)
                port = listening.getsockname()[1]  # the others take the same port
            return held
        except OSError:
            for listening in held:
                listening.close()
    raise CommandError(f"no free port on {host}")


def _running_file() -> Path:
    """Where a running app notes its address, for `glutewake open`."""
    from glutewake.config import home_dir

    return home_dir() / "server.json"


def start_server(
    ctx: click.Context, host: str, port: int, open_browser: bool, allowed_hosts: tuple[str, ...] = ()
) -> None:
    import uvicorn

    from glutewake.app.region import knowledge
    from glutewake.cli._store import clock
    from glutewake.config import home_dir
    from glutewake.identity.owner import TokenFileError
    from glutewake.store import StoreError
    from glutewake.web import create_app
    from glutewake.web.deps import records_of
    from glutewake.web.server import serve_options

    if host not in LOCAL_HOSTS:
        click.echo(
            f"Warning: serving on {host} lets other computers reach glutewake. They still need your "
            "sign-in link or token, but the connection is not encrypted.",
            err=True,
        )
    allowed = (*allowed_hosts, *((host,) if host not in LOCAL_HOSTS else ()))
    try:
        app = create_app(
            (ctx.find_root().obj or {}).get("database_url"), clock(ctx), coach=True, allowed_hosts=allowed
        )
        records_of(app).is_empty()  # a store that cannot be opened is reported now, not on the first page
    except (StoreError, TokenFileError) as error:
        raise CommandError(str(error)) from None
    sockets = _listen(host, port)
    chosen = sockets[0].getsockname()[1]
    direct = f"http://{'[' + host + ']' if ':' in host else host}:{chosen}/"
    # On this computer, browsers use the app's own secret name (`*.localhost` is this computer),
    # whose cookies no program on another port can receive; scripts use the address itself.
    url = f"http://{app.state.owner.host_name}:{chosen}/" if host in LOCAL_HOSTS else direct
    signin = _signin_link(url, app.state.owner, ctx)
    # A browser session lasts only while this app runs: while it was stopped, any program could
    # have listened on its port and been sent a cookie, which must be worth nothing now.
    ended = app.state.sessions.end_all(int(clock(ctx).now().timestamp()))
    click.echo(knowledge().triage.notice)
    if ended:
        click.echo(f"Browsers signed in before were signed out ({ended}); the link below signs this one in.")
    if chosen != port and port != 0:
        click.echo(f"(port {port} was in use, so it picked {chosen})")
    click.echo(f"Sign in with this link (it works once, for ten minutes): {signin}")
    if url != direct:
        click.echo(f"Scripts reach it at {direct} with the token in {home_dir() / 'token'}.")
    click.echo(f"glutewake is running at {url} (Ctrl-C stops it).")
    _note_running(url, direct)
    if open_browser:
        import threading

        threading.Timer(0.8, _open_signed_in, args=(signin,)).start()
    _settle()
    try:
        # Never behind a proxy: no X-Forwarded-* header is believed, whoever on this computer sends it.
        config = uvicorn.Config(app, proxy_headers=False, server_header=False, **serve_options())
        uvicorn.Server(config).run(sockets=sockets)
    finally:
        _forget_running()


def _note_running(url: str, direct: str) -> None:
    with contextlib.suppress(OSError):  # `glutewake open` then says it cannot find the app
        note = {"url": url, "direct": direct, "pid": os.getpid()}
        _running_file().write_text(json.dumps(note), encoding="utf-8")


def _forget_running() -> None:
    """Remove the note, unless another server has since written its own."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        if json.loads(_running_file().read_text(encoding="utf-8"))["pid"] == os.getpid():
            _running_file().unlink()


def _signin_link(url: str, secret: OwnerSecret, ctx: click.Context) -> str:
    from glutewake.cli._store import clock

    return f"{url}signin?code={secret.signin_code(int(clock(ctx).now().timestamp()))}"


def _open_signed_in(link: str) -> None:
    """Open the browser at the sign-in link through a private file (as Jupyter does), so that
    the link's code never appears on a command line that other accounts can read."""
    import html
    import webbrowser

    from glutewake.config import home_dir

    page = home_dir() / "signin.html"
    page.write_text(
        f'<!doctype html><meta http-equiv="refresh" content="0;url={html.escape(link)}">'
        f'<title>glutewake</title><a href="{html.escape(link)}">Open glutewake</a>',
        encoding="utf-8",
    )
    webbrowser.open(page.as_uri())


def _settle() -> None:
    """Load what every request uses, then exempt it from garbage collection.

    The app's modules, knowledge and templates live as long as the process; freezing them
    keeps the collector's full passes short, which cut the progress page's slowest 5% of
    responses roughly in half (bench/web.py)."""
    import gc

    from glutewake.app.region import knowledge

    knowledge()
    import sqlalchemy.dialects.sqlite  # noqa: F401  (the store's dialect, otherwise loaded on first use)

    gc.collect()
    gc.freeze()


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (only this computer by default).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port to listen on (another is picked if it is in use).",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Another name the app may be reached by (repeatable); all others are refused.",
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, allowed_hosts: tuple[str, ...], no_browser: bool) -> None:
    """Start the web app on this computer and open it in your browser, signed in.

    Plain `glutewake` does the same. It listens only on this computer unless you give
    --host, answers only to the names 127.0.0.1, localhost and [::1] (and --allowed-host),
    only your browser (through a one-time sign-in link) or programs with your token
    (`Authorization: Bearer` and the contents of the `token` file in the data directory),
    and it never sends anything anywhere.

    \b
    Examples:
      glutewake serve
      glutewake serve --port 9000 --no-browser
    """
    start_server(ctx, host, port, not no_browser, allowed_hosts)


@click.command("open")
@click.option("--no-browser", is_flag=True, help="Only print the link; do not open a browser.")
@click.pass_context
def open_app(ctx: click.Context, no_browser: bool) -> None:
    """Sign a browser in to the running web app: a fresh one-time link, opened or printed.

    \b
    Examples:
      glutewake open
      glutewake open --no-browser
    """
    import urllib.request

    from glutewake.config import home_dir
    from glutewake.identity import load_owner_secret
    from glutewake.identity.owner import TokenFileError

    try:
        note = json.loads(_running_file().read_text(encoding="utf-8"))
        url = str(note["url"])
        urllib.request.urlopen(str(note.get("direct", url)) + "api/health", timeout=2).close()
    except (OSError, ValueError, KeyError, TypeError):
        raise CommandError("the web app is not running; start it with `glutewake`") from None
    try:
        secret = load_owner_secret(home_dir())
    except TokenFileError as error:
        raise CommandError(str(error)) from None
    link = _signin_link(url, secret, ctx)
    click.echo(f"Sign in with this link (it works once, for ten minutes): {link}")
    if not no_browser:
        _open_signed_in(link)
