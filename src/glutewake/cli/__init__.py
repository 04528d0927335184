"""The `glutewake` command line: a Click group whose subcommands load only when used.

Each subcommand lives in its own module and is imported on demand, so `glutewake --help`
and a single command start fast. Commands are thin: parse, call `services`, print.
"""

from __future__ import annotations

import importlib

import click

from glutewake import __version__

__all__ = ["COMMANDS", "main"]

# name -> (module, function); the order here is the order in `glutewake --help`.
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("glutewake.cli.serve", "serve"),
    "check": ("glutewake.cli.check", "check"),
    "selftest": ("glutewake.cli.selftest", "selftest"),
    "learn": ("glutewake.cli.learn", "learn"),
    "plan": ("glutewake.cli.plan", "plan"),
    "today": ("glutewake.cli.session", "today"),
    "session": ("glutewake.cli.session", "session"),
    "log": ("glutewake.cli.session", "log"),
    "checkin": ("glutewake.cli.journal", "checkin"),
    "progress": ("glutewake.cli.journal", "progress"),
    "coach": ("glutewake.cli.coach", "coach"),
    "stats": ("glutewake.cli.stats", "stats"),
    "history": ("glutewake.cli.history", "history"),
    "export": ("glutewake.cli.data", "export"),
    "import": ("glutewake.cli.data", "import_"),
    "forget": ("glutewake.cli.data", "forget"),
    "config": ("glutewake.cli.config", "config"),
    "db": ("glutewake.cli.db", "db"),
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), attribute)
            return command
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=_LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="glutewake")
@click.option(
    "--database-url",
    envvar="GLUTEWAKE_DATABASE_URL",
    metavar="URL",
    help="Where to keep your records: sqlite:///PATH or postgresql://... (default: SQLite in the data directory).",
)
@click.option(
    "--no-browser", is_flag=True, help="With no command: start the web app without opening a browser."
)
@click.pass_context
def main(ctx: click.Context, database_url: str | None, no_browser: bool) -> None:
    """Wake up glutes that sitting has switched off.

    With no command, starts the web app and opens it in your browser. The commands below
    do everything from the terminal: the symptom check (red flags first), self-tests, a
    four-week plan with guided sessions, check-ins and progress, and the sitting coach.
    glutewake informs; it does not diagnose.

    \b
    Examples:
      glutewake
      glutewake check
    """
    ctx.ensure_object(dict)
    if database_url:
        ctx.obj["database_url"] = database_url
    if ctx.invoked_subcommand is None:
        from glutewake.cli.serve import DEFAULT_PORT, start_server

        start_server(ctx, "127.0.0.1", DEFAULT_PORT, open_browser=not no_browser)
