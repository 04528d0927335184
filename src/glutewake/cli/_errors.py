"""The one way a command fails on the user's input or their computer: one line, exit 2."""

from __future__ import annotations

import click

__all__ = ["CommandError"]


class CommandError(click.ClickException):
    """A clear one-line error (no traceback) with exit code 2; nothing stored is touched."""

    exit_code = 2
