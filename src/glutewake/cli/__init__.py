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


_WELCOME = """\
glutewake helps when sitting has switched your glutes off (gluteal amnesia,
"dead butt syndrome", a bum that goes numb at the desk).

  glutewake check      is it sleepy glutes, or something a doctor should see?
  glutewake selftest   four quick tests of how well your glutes switch on
  glutewake plan       your four-week plan, fitted to the check and the tests
  glutewake session    today's session, guided (glutewake today shows it)
  glutewake checkin    how you are; glutewake progress shows the trend
  glutewake coach      glute breaks while you sit at the computer; glutewake stats
  glutewake learn      conditions, exercises and self-tests explained

Run `glutewake --help` for every command. glutewake gives information, not a
diagnosis. Numbness between the legs, or new trouble controlling your bladder or
bowels, is an emergency: call 999 or go to A&E.
"""


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
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """Wake up glutes that sitting has switched off.

    Triage for a numb or aching bottom (red flags first), guided self-tests and an
    exercise library. glutewake informs; it does not diagnose.

    \b
    Example:
      glutewake check
    """
    ctx.ensure_object(dict)
    if database_url:
        ctx.obj["database_url"] = database_url
    if ctx.invoked_subcommand is None:
        click.echo(_WELCOME)
