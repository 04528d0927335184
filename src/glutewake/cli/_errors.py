"""The ways a command stops short: on the user's input or their computer (one line, exit 2),
when exercise is asked for and not allowed now (what to do instead, exit 3), and on Ctrl-C
(one line, exit 130, as a shell reports a command ended by SIGINT)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from glutewake.core.clearance import Clearance

__all__ = [
    "INTERRUPTED",
    "NOT_CLEARED",
    "CommandError",
    "input_ended",
    "interrupted",
    "not_cleared",
]

INTERRUPTED = 130
# Exercise was asked for, and what the person may do now rules it out (the symptom check, a
# check-in or a safety stop): what to do instead has been shown.
NOT_CLEARED = 3


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


def not_cleared(clearance: Clearance, *, err: bool = False) -> SystemExit:
    """The exit when exercise is not on offer now: the reason and what to do, exit 3."""
    from glutewake.cli import _render

    _render.clearance(clearance, err=err)
    return SystemExit(NOT_CLEARED)
