"""`glutewake serve` (and plain `glutewake`): the web app on this computer."""

from __future__ import annotations

import socket

import click

__all__ = ["serve", "start_server"]

DEFAULT_PORT = 8765
_LOCAL = ("127.0.0.1", "localhost", "::1")


def _free_port(host: str, wanted: int) -> int:
    """`wanted` if nothing listens there, else a free port the system picks."""
    for port in (wanted, 0):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            bound: int = probe.getsockname()[1]
            return bound
    raise click.ClickException(f"no free port on {host}")


def start_server(ctx: click.Context, host: str, port: int, open_browser: bool) -> None:
    import uvicorn

    from glutewake.cli._store import clock
    from glutewake.web import create_app

    if host not in _LOCAL:
        click.echo(
            f"Warning: serving on {host} lets other computers reach glutewake, which has no accounts or "
            "passwords yet. Anyone who can reach this address can read and change your records.",
            err=True,
        )
    chosen = _free_port(host, port)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{chosen}/"
    app = create_app((ctx.find_root().obj or {}).get("database_url"), clock(ctx), coach=True)
    from glutewake.services import knowledge

    click.echo(knowledge().triage.notice)
    if chosen != port:
        click.echo(f"(port {port} was in use, so it picked {chosen})")
    click.echo(f"glutewake is running at {url} (Ctrl-C stops it).")
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    _settle()
    uvicorn.run(app, host=host, port=chosen, log_level="warning")


def _settle() -> None:
    """Load what every request uses, then exempt it from garbage collection.

    The app's modules, knowledge and templates live as long as the process; freezing them
    keeps the collector's full passes short, which cut the progress page's slowest 5% of
    responses roughly in half (bench/web.py)."""
    import gc

    from glutewake.services import knowledge

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
@click.option("--no-browser", is_flag=True, help="Do not open a browser.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, no_browser: bool) -> None:
    """Start the web app on this computer and open it in your browser.

    Plain `glutewake` does the same. It listens only on this computer unless you give
    --host, and it never sends anything anywhere.

    \b
    Examples:
      glutewake serve
      glutewake serve --port 9000 --no-browser
    """
    start_server(ctx, host, port, not no_browser)
