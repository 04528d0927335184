"""Prose for the terminal: every line fitted to its width (40 to 100 columns), broken only
between words, a bulleted or numbered line's later lines hung under its text.

Commands print prose with `say` rather than `click.echo`, so that no command breaks a word at
the edge of a narrow terminal. JSON is printed as it is (`_json.echo_json`).
"""

from __future__ import annotations

import re
import shutil
import textwrap

import click

__all__ = ["fit", "reader_gone", "say", "width"]

_HANG = re.compile(r"^(\s*)((?:[•*-]|\d+[.)]|\(\d+\))\s+)?")
_COMMAND = re.compile(r"`[^`\n]{1,60}`")
_HOLD = "\x00"  # stands for a space that must not break a line (textwrap breaks only ASCII spaces)
# a number and its unit, and a dose such as "3 × 10", stay together
_UNIT = re.compile(r"(?<=\d) (?=×|s\b|reps?\b|min\b|minutes?\b|seconds?\b|kg\b|%)|(?<=×) (?=\d)")


def width() -> int:
    """The terminal's width, kept between 40 and 100 columns (longer lines read badly)."""
    return max(40, min(100, shutil.get_terminal_size((80, 24)).columns))


def fit(text: str, columns: int | None = None) -> str:
    """`text` with each line longer than `columns` (default: the terminal's) wrapped between
    words. A word longer than a line (a web address, a path) keeps a line of its own."""
    columns = columns or width()
    lines = []
    for line in text.split("\n"):
        if len(click.unstyle(line)) <= columns:
            lines.append(line)
            continue
        line = click.unstyle(line)  # a long styled line is fitted plain: the words matter more
        found = _HANG.match(line)
        lead = found.group(0) if found else ""
        indent = found.group(1) if found else ""
        # a command in backticks stays on one line, to be read (and copied) whole
        kept = _COMMAND.sub(lambda m: m.group(0).replace(" ", _HOLD), line[len(indent) :])
        kept = _UNIT.sub(_HOLD, kept)
        wrapped = textwrap.fill(
            kept,
            columns,
            initial_indent=indent,
            subsequent_indent=" " * len(lead),
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines.append(wrapped.replace(_HOLD, " "))
    return "\n".join(lines)


def say(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print prose fitted to the terminal."""
    click.echo(fit(text), err=err, nl=nl)


def reader_gone() -> SystemExit:
    """The exit when what reads the output stopped reading (a pipe into `head`): quietly, exit
    0, as the command did what it was asked; what it had saved stays saved. Standard output is
    pointed at nothing, so the interpreter's last flush has nowhere to fail."""
    import os
    import sys

    try:
        nothing = os.open(os.devnull, os.O_WRONLY)
        os.dup2(nothing, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind standard output (a test's runner)
        pass
    return SystemExit(0)
