"""Reading an input file (or standard input) for a command, with exit code 2 on bad input."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

__all__ = ["load_answers"]

T = TypeVar("T")


def load_answers(
    path: str, parse: Callable[[object], T], hints: tuple[str, ...] = (), *, raw: bool = False
) -> T:
    """Parse the file at `path` ('-' for standard input) as JSON, or hand over its text when `raw`.

    On any problem, a `CommandError` names it (with `hints`): one error style, exit 2.
    """
    from glutewake.app import refusals

    name = "standard input" if path == "-" else path
    try:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise refusals.InputError(f"cannot read {name}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise refusals.InputError(f"{name} is not UTF-8 text") from error
        return parse(text if raw else refusals.read_json(name, text))
    except refusals.InputError as error:
        problems = [str(error)]
    except refusals.FieldErrors as error:
        problems = [f"{field}: {message}" for field, message in error.problems]
    from glutewake.cli._errors import CommandError

    raise CommandError("\n".join([*problems, *hints]))
