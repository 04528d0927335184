"""The ways a command stops short: on the user's input or their computer (one line, exit 2),
and on Ctrl-C (one line, exit 130, as a shell reports a command ended by SIGINT)."""

from __future__ import annotations

import click

__all__ = ["INTERRUPTED", "CommandError", "input_ended", "interrupted"]

INTERRUPTED = 130


class CommandError(click.ClickException):
    """A clear one-line error (no traceback) with exit code 2; nothing stored is touched."""

    exit_code = 2


def interrupted(message: str = "Stopped (Ctrl-C); whatever was already saved is kept.") -> SystemExit:
    """The exit for Ctrl-C: one line on standard error (after the half-typed prompt), exit 130."""
    click.echo(f"\n{message}", err=True)
    return SystemExit(INTERRUPTED)


def input_ended(message: str = "Stopped: the input ended; whatever was already saved is kept.") -> SystemExit:
    """The exit for the end of input at a prompt (Ctrl-D, or a pipe that ran dry): exit 1."""
    click.echo(f"\n{message}", err=True)
    return SystemExit(1)
