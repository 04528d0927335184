"""Every command explains itself, with an example; the package runs as a command and a module."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner
from click.utils import make_default_short_help

from glutewake.cli import COMMANDS, main


def all_commands() -> list[tuple[str, click.Command]]:
    """Every command and subcommand, by its full name."""
    found: list[tuple[str, click.Command]] = []

    def walk(name: str, command: click.Command) -> None:
        found.append((name, command))
        if isinstance(command, click.Group):
            context = click.Context(command)
            for child in command.list_commands(context):
                sub = command.get_command(context, child)
                assert sub is not None
                walk(f"{name} {child}", sub)

    walk("glutewake", main)
    return found


@pytest.mark.parametrize(("name", "command"), all_commands(), ids=[name for name, _ in all_commands()])
def test_command_has_help_with_an_example(name: str, command: click.Command) -> None:
    assert command.help, f"{name} has no help text"
    assert len(command.help.strip()) > 40, f"{name}'s help is too short to be useful"
    assert "Example" in command.help, f"{name}'s help has no example"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{name} {param.opts[0]} has no help"


def test_top_level_help_lists_every_command_with_a_description() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        line = next(line for line in result.output.splitlines() if line.strip().startswith(name + " "))
        assert len(line.split(None, 1)[1]) > 10


@pytest.mark.parametrize(
    "argv", [["glutewake"], [sys.executable, "-m", "glutewake"]], ids=["console script", "python -m"]
)
def test_runs_as_an_installed_command(argv: list[str]) -> None:
    done = subprocess.run([*argv, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("glutewake, version")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_listed_summary_is_the_commands_own(name: str) -> None:
    """`glutewake --help` lists each command from the table without importing it; the table's
    summary must say what the command's own help says first, so the two never drift."""
    command = main.get_command(click.Context(main), name)
    assert command is not None
    assert command.help is not None
    first_paragraph = " ".join(command.help.split("\n\n")[0].split())
    assert COMMANDS[name][2] == first_paragraph
    for width in (40, 60, 100):  # and at each width it reads as Click itself would shorten it
        limit = width - 6 - max(map(len, COMMANDS))
        assert make_default_short_help(COMMANDS[name][2], limit) == command.get_short_help_str(limit)


def test_help_imports_no_command() -> None:
    """Listing the commands imports none of their modules (each pulls in what it needs)."""
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from glutewake.cli import main\n"
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith('glutewake.') and m.count('.') >= 2\n"
        "             and not m.startswith('glutewake.cli._')))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_help_loads_neither_the_web_framework_nor_the_store() -> None:
    """`glutewake --help` is what a new user runs first: it stays fast (bench/startup.py) by not
    importing FastAPI, asyncio or SQLAlchemy, which only serving and the records need."""
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from glutewake.cli import main\n"
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
        "print(sorted(m for m in ('fastapi', 'asyncio', 'sqlalchemy') if m in sys.modules))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


@pytest.mark.parametrize(("typed", "meant"), [("chek", "check"), ("sesion", "session"), ("exprot", "export")])
def test_a_mistyped_command_gets_the_closest_suggested(typed: str, meant: str) -> None:
    result = CliRunner().invoke(main, [typed])
    assert result.exit_code == 2
    assert f"No such command '{typed}'. Did you mean '{meant}'?" in result.stderr


def test_a_command_nothing_is_close_to_gets_no_guess() -> None:
    result = CliRunner().invoke(main, ["xyzzy"])
    assert result.exit_code == 2
    assert "No such command 'xyzzy'." in result.stderr
    assert "Did you mean" not in result.stderr


def test_help_command_shows_a_commands_help_and_names_one_it_does_not_know() -> None:
    for names in (["session"], ["coach", "status"], []):
        result = CliRunner().invoke(main, ["help", *names])
        assert result.exit_code == 0, result.output
        direct = CliRunner().invoke(main, [*names, "--help"])
        assert result.stdout == direct.stdout
    unknown = CliRunner().invoke(main, ["help", "coach", "nope"])
    assert unknown.exit_code == 2
    assert "`glutewake coach` has no command 'nope'; `glutewake coach --help` lists them." in unknown.stderr
