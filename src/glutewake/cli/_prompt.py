"""Asking questions in the terminal: yes/no/don't know, choices, numbers and durations.

With `err=True` every prompt goes to standard error, so that `--json` output on standard
output stays pure JSON even in an interactive run.
"""

from __future__ import annotations

import re
import shutil

import click

from glutewake.core.numbers import whole_number

__all__ = ["Asker", "confirm_or_refuse", "interactive", "parse_duration", "stopped"]

_YES = {"y", "yes"}
_NO = {"n", "no"}
_UNKNOWN = {"?", "dk", "unsure", "don't know", "dont know", "not sure", "idk"}
_UNIT_DAYS = {
    "d": 1,
    "day": 1,
    "w": 7,
    "wk": 7,
    "week": 7,
    "m": 30,
    "mo": 30,
    "month": 30,
    "y": 365,
    "yr": 365,
    "year": 365,
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*?)s?\s*$")


def stopped(what: str, again: str, cause: click.Abort | KeyboardInterrupt) -> SystemExit:
    """The exit for Ctrl-C (130) or the end of input (1) in a questionnaire that saves only
    at its end: say so plainly instead of a bare "Aborted!".

    click.prompt turns both into `Abort`, keeping the original as its context."""
    from glutewake.cli._errors import INTERRUPTED

    ctrl_c = not isinstance(cause.__context__ if isinstance(cause, click.Abort) else cause, EOFError)
    click.echo(f"\n{what} stopped; nothing was saved. Run `{again}` to start again.", err=True)
    return SystemExit(INTERRUPTED if ctrl_c else 1)


def interactive() -> bool:
    """Whether a person can answer here: input comes from a terminal, and questions (on
    standard error) reach one."""
    return click.get_text_stream("stdin").isatty() and click.get_text_stream("stderr").isatty()


def confirm_or_refuse(question: str, refusal: str) -> None:
    """Go on only if the person agrees: in a terminal ask `question` (no: nothing changed,
    exit 1); without one, refuse at once with `refusal`, which says how to go on (exit 2)."""
    from glutewake.cli._errors import CommandError

    if not interactive():
        raise CommandError(refusal)
    if not Asker(err=True).yes_no(question):
        click.echo("Nothing was changed.", err=True)
        raise SystemExit(1)


def parse_duration(text: str) -> int | None:
    """Days in "10 days", "3 weeks", "2 months", "1 year" or a bare number of days; None if unclear."""
    match = _DURATION.match(text.lower())
    if not match or match.group(2) not in {"", *_UNIT_DAYS}:
        return None
    days = float(match.group(1)) * _UNIT_DAYS.get(match.group(2), 1)
    return round(days) if days <= 36_500 else None


class Asker:
    def __init__(self, *, err: bool = False) -> None:
        self.err = err

    def say(self, text: str = "") -> None:
        click.echo(text, err=self.err)

    def tell(
        self, text: str, *, indent: str = "", hang: str | None = None, style: dict[str, bool] | None = None
    ) -> None:
        """Say `text` wrapped to the terminal's width (at most 100 columns), its later lines
        indented by `hang` (default: as the first), then styled."""
        width = max(30, min(100, shutil.get_terminal_size((80, 24)).columns) - 1)
        wrapped = click.wrap_text(
            text, width, initial_indent=indent, subsequent_indent=indent if hang is None else hang
        )
        self.say(click.style(wrapped, **(style or {})))

    def checklist(
        self, title: str, items: list[tuple[str, str | None]]
    ) -> tuple[list[int], list[int], bool | None]:
        """Show numbered items; return (indexes ticked, indexes not sure of, what the rest are).
        Type the numbers that apply, ? before a number not sure of (`1 3 ?2`), n for none of
        these, and ? alone (or after the numbers) for "not sure" about all the rest."""
        self.tell(title, style={"bold": True})
        for number, (text, explanation) in enumerate(items, start=1):
            label = f"{number}. "
            self.tell(f"{label}{text[:1].upper()}{text[1:]}", indent="  ", hang=" " * (2 + len(label)))
            if explanation:
                self.tell(explanation, indent=" " * (2 + len(label)), style={"dim": True})
        hint = (
            "Type the numbers that apply (for example 1 3), n for none of these. Not sure of one?"
            " Put ? before its number (1 3 ?2). Not sure of any? Type ? alone."
        )
        while True:
            self.tell(hint)
            parts = [p for p in re.split(r"[,\s]+", self._ask(">")) if p]
            if parts in (["n"], ["no"], ["none"], ["0"]):
                return [], [], False
            rest_unsure = bool(parts) and parts[-1] in _UNKNOWN
            given = parts[:-1] if rest_unsure else parts
            ticked = [whole_number(p, 1, len(items)) for p in given if not p.startswith("?")]
            unsure = [whole_number(p[1:], 1, len(items)) for p in given if p.startswith("?")]
            if (given or rest_unsure) and None not in ticked and None not in unsure:
                sure = {n - 1 for n in ticked if n is not None}
                doubts = {n - 1 for n in unsure if n is not None} - sure
                return sorted(sure), sorted(doubts), None if rest_unsure else False
            self.say(f"  Please type numbers from 1 to {len(items)}, ? before a number, n, or ?.")

    def _ask(self, prompt: str) -> str:
        reply: str = click.prompt(prompt, default="", show_default=False, err=self.err, prompt_suffix=" ")
        return reply.strip().lower()

    def yes_no_unknown(self, question: str, explanation: str | None = None) -> bool | None:
        """y, n or ? (don't know)."""
        if question:
            self.tell(question)
        if explanation:
            self.tell(f"({explanation})", indent="  ", style={"dim": True})
        while True:
            reply = self._ask("  [y]es / [n]o / [?] don't know:")
            if reply in _YES:
                return True
            if reply in _NO:
                return False
            if reply in _UNKNOWN:
                return None
            self.say("  Please answer y, n or ? (if you are not sure).")

    def yes_no(self, question: str) -> bool:
        while True:
            reply = self._ask(f"{question} [y/n]:")
            if reply in _YES or reply in _NO:
                return reply in _YES
            self.say("  Please answer y or n.")

    def choice(self, question: str, options: dict[str, str], *, many: bool = False) -> list[str]:
        """Pick one option (or several, comma-separated, when `many`) by number."""
        self.say(question)
        keys = list(options)
        for number, key in enumerate(keys, start=1):
            self.say(f"  {number}. {options[key]}")
        hint = "numbers separated by commas" if many else "a number"
        while True:
            parts = [p for p in re.split(r"[,\s]+", self._ask(f"  Your answer ({hint}):")) if p]
            if parts and all(whole_number(p, 1, len(keys)) for p in parts) and (many or len(parts) == 1):
                return list(dict.fromkeys(keys[int(p) - 1] for p in parts))
            self.say(f"  Please type {hint} from 1 to {len(keys)}.")

    def whole_number(self, question: str, low: int, high: int) -> int:
        while True:
            number = whole_number(self._ask(question), low, high)
            if number is not None:
                return number
            self.say(f"  Please type a whole number from {low} to {high}.")

    def duration_days(self, question: str) -> int:
        while True:
            days = parse_duration(self._ask(question))
            if days is not None:
                return days
            self.say('  Please give a number and a unit, for example "5 days", "3 weeks" or "4 months".')

    def text(self, prompt: str) -> str:
        return self._ask(prompt)
