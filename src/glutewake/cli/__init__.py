"""The `glutewake` command line: a Click group whose subcommands load only when used.

Each subcommand lives in its own module and is imported on demand, so `glutewake --help`
and a single command start fast. Commands are thin: parse, call `app/`, print.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click
from click.utils import make_default_short_help

from glutewake import __version__

__all__ = ["COMMANDS", "main"]

# name -> (module in glutewake.cli, function, summary). The order here is the order in
# `glutewake --help`; the summary is the first paragraph of the command's own help (a test
# holds them equal), so that `--help` lists every command without importing any of them.
# fmt: off
COMMANDS: dict[str, tuple[str, str, str]] = {
    "serve": ("serve", "serve", "Start the web app on this computer and open it in your browser, signed in."),
    "open": ("serve", "open_app", "Sign a browser in to the running web app: a fresh one-time link, opened or printed."),
    "check": ("check", "check", "Check your symptoms: sleepy glutes, or something a doctor should see?"),
    "selftest": ("selftest", "selftest", "Test how well your glutes switch on, side by side."),
    "learn": ("learn", "learn", "Browse what glutewake knows: conditions, exercises and self-tests."),
    "plan": ("plan", "plan", "Build or show your personal plan: about four weeks, three phases."),
    "today": ("session", "today", "Show today's session and desk habits."),
    "session": ("session", "session", "Do today's session, guided: timers, reps, rests, sides, then how it felt."),
    "log": ("session", "log", "Record exercise done without the guide."),
    "reps": ("reps", "reps", "Count the reps (or time the hold) and find form mistakes in a recorded sequence of pose landmarks, by the same rules as the camera coach. Nothing is sent anywhere."),
    "checkin": ("journal", "checkin", "Record how you are: pain, numbness, everyday activities, and warning signs."),
    "progress": ("journal", "progress", "Show how things are going: pain, numbness, activities, self-tests, sessions."),
    "coach": ("coach", "coach", "Prompt glute breaks from real computer activity, and log sitting."),
    "stats": ("stats", "stats", "Show sitting statistics: active sitting, bouts, prolonged sitting, breaks."),
    "history": ("history", "history", "Show your past symptom checks and self-test results, newest first."),
    "export": ("data", "export", "Write everything glutewake keeps about you to one JSON file."),
    "import": ("data", "import_", "Restore an export into an empty store."),
    "forget": ("data", "forget", "Delete everything glutewake keeps about you, for good."),
    "sessions": ("sessions", "sessions", "List the browsers signed in to the web app (each for 30 days at most)."),
    "config": ("config", "config", "Your settings, kept in config.toml in the data directory."),
    "db": ("db", "db", "Check or upgrade the database schema (it is also upgraded automatically on first use)."),
    "help": ("help", "help_", "Show the help of a command, or of glutewake itself."),
    "clinic": ("clinic", "clinic", "Run glutewake for a physiotherapy clinic: staff and patients sign in, on PostgreSQL."),
}
# fmt: on


class _LazyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a problem with the computer (a folder that cannot be made, a
        read-only or damaged database) is one clear line and exit 2, never a traceback.
        Ctrl-C, anywhere in any command (at a prompt too), is one line and exit 130; what
        the command had saved until then stays saved. Output piped to a reader that stopped
        reading (`glutewake today | head -2`) ends quietly, exit 0."""
        try:
            done = super().invoke(ctx)
            sys.stdout.flush()  # here, where a reader that has gone is caught (below)
            return done
        except KeyboardInterrupt:
            from glutewake.cli._errors import interrupted

            raise interrupted() from None
        except click.Abort as abort:
            from glutewake.cli._errors import input_ended, interrupted

            # click.prompt turns Ctrl-C and the end of input into Abort; the first is kept as its context
            raise (input_ended() if isinstance(abort.__context__, EOFError) else interrupted()) from None
        except click.ClickException as error:
            if ctx.meta.get("glutewake.json"):
                # what was asked for is JSON on standard output, even when it cannot be had
                from glutewake.cli._json import echo_json

                echo_json({"error": error.format_message(), "exit_code": error.exit_code})
            raise
        except click.exceptions.Exit:
            raise
        except BrokenPipeError:
            from glutewake.cli._text import reader_gone

            raise reader_gone() from None
        except RuntimeError as error:
            from glutewake.store.engine import StoreError

            if not isinstance(error, StoreError):
                raise
            from glutewake.cli._errors import CommandError

            raise CommandError(str(error)) from None
        except OSError as error:
            from glutewake.cli._errors import CommandError

            where = f" ({error.filename})" if error.filename else ""
            raise CommandError(f"{error.strerror or error}{where}; nothing was changed") from None
        except Exception as error:
            if not type(error).__module__.startswith(("sqlalchemy", "sqlite3", "psycopg")):
                raise
            from glutewake.cli._errors import CommandError

            raise CommandError(_store_problem(error)) from None

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        """As Click's, its help (and every command's) fitted to the terminal from 40 columns up,
        where Click's own stops at 50."""
        from glutewake.cli._text import width

        extra.setdefault("terminal_width", min(width(), 80) - 1)
        return super().make_context(info_name, args, parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """As Click's; `glutewake --help | head -1` ends quietly too (see `invoke`), and whether
        JSON was asked for is noted, for an error to answer in JSON too."""
        ctx.meta["glutewake.json"] = "--json" in args
        try:
            return super().parse_args(ctx, args)
        except BrokenPipeError:
            from glutewake.cli._text import reader_gone

            raise reader_gone() from None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As Click's, but a mistyped command gets the closest of the lazy commands suggested."""
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as error:
            import difflib

            closest = difflib.get_close_matches(error.command_name, self.list_commands(ctx), n=1)
            raise click.exceptions.NoSuchCommand(error.command_name, possibilities=closest, ctx=ctx) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As Click's, from the table's summaries: listing the commands imports none of them."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, make_default_short_help(summary, limit)) for name, (_, _, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, attribute, _ = COMMANDS[cmd_name]
            command: click.Command = getattr(importlib.import_module(f"glutewake.cli.{module}"), attribute)
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
    from glutewake.config import make_private

    notice = make_private()
    if notice:
        click.echo(notice, err=True)
    ctx.ensure_object(dict)
    if database_url:
        ctx.obj["database_url"] = database_url
    if ctx.invoked_subcommand is None:
        from glutewake.cli.serve import DEFAULT_PORT, start_server

        start_server(ctx, "127.0.0.1", DEFAULT_PORT, open_browser=not no_browser)


def _store_problem(error: Exception) -> str:
    """The database's complaint in words a person can act on."""
    reason = str(getattr(error, "orig", error)).split("\n")[0]
    if "readonly" in reason or "read-only" in reason:
        return (
            "glutewake cannot write to its database: the file or its folder is read-only; nothing was changed"
        )
    if "not a database" in reason or "malformed" in reason:
        return f"glutewake's database is damaged ({reason}); restore it from an export or move it aside"
    if "permission denied" in reason or "must be owner" in reason:
        return (
            f"the database role may not do this ({reason}); a clinic server's schema is changed by its "
            "owner role: run `glutewake --database-url OWNER_URL db upgrade` with that role's URL"
        )
    return f"the database could not be used: {reason}"
