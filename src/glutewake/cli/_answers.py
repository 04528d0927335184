"""Reading an answers file (or standard input) for a command, with exit code 2 on bad input."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import click

__all__ = ["load_answers"]

T = TypeVar("T")


def load_answers(path: str, parse: Callable[[object], T], hints: tuple[str, ...] = ()) -> T:
    """Parse the JSON at `path` ('-' for standard input); on any problem print it and exit 2."""
    from glutewake import services

    try:
        raw = (
            services.read_json("standard input", sys.stdin.read())
            if path == "-"
            else services.read_json(path)
        )
        return parse(raw)
    except services.InputError as error:
        problems = [str(error)]
    except services.FieldErrors as error:
        problems = [f"{field}: {message}" for field, message in error.problems]
    for line in (*(f"error: {problem}" for problem in problems), *hints):
        click.echo(line, err=True)
    raise SystemExit(2)
