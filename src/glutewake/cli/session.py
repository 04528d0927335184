"""`glutewake today`, `glutewake session` and `glutewake log`: doing the plan."""

from __future__ import annotations

import math
import shutil
import sys
from typing import TYPE_CHECKING

import click

from glutewake.cli._clearance_words import what_lifts_it
from glutewake.cli._errors import INTERRUPTED, NOT_CLEARED, CommandError, not_cleared
from glutewake.cli._prompt import Asker
from glutewake.cli._text import fit, say

if TYPE_CHECKING:
    from datetime import date

    from glutewake.app.context import Context
    from glutewake.app.sessions import NotDue, Started
    from glutewake.clock import Clock
    from glutewake.core.programme import PlannedSession
    from glutewake.core.session import Step
    from glutewake.knowledge import Knowledge
    from glutewake.runtime.keys import KeySource

__all__ = ["log", "session", "today"]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print it as JSON.")
@click.pass_context
def today(ctx: click.Context, as_json: bool) -> None:
    """Show today's session and desk habits.

    \b
    Examples:
      glutewake today
      glutewake today --json
    """
    from glutewake.app.region import knowledge
    from glutewake.app.sessions import Due, due_session
    from glutewake.cli._json import echo_json
    from glutewake.cli._store import acting, clock

    day = clock(ctx).now().date()
    due = due_session(acting(ctx), day)
    if as_json:  # what the web app's Today reads: the session due, or why there is none
        if isinstance(due, Due):
            echo_json({"today": day, "session": due.session, "part_way": due.part_way, "clearance": None})
            return
        echo_json(
            {"today": day, "session": None, "why_none": not_due(due) if due.clearance is None else None,
             "next_day": due.next_day, "clearance": due.clearance}
        )  # fmt: skip
        if due.clearance is not None:
            raise SystemExit(NOT_CLEARED)
        return
    if not isinstance(due, Due):
        if due.clearance is not None:
            raise not_cleared(due.clearance)
        Asker().tell(not_due(due) + (f" Next session: {due.next_day:%A %d %b}." if due.next_day else ""))
        return
    if due.part_way:
        say(f"You stopped part-way through the session of {due.session.day:%A %d %b}.\n")
    _describe(due.session, knowledge())
    start = "Go on from where you stopped" if due.part_way else "Start it"
    say(f"\n{start} with `glutewake session`.")


def _describe(planned: PlannedSession, kb: Knowledge) -> None:
    phase = next(p for p in kb.programme.phases if p.id == planned.phase)
    say(click.style(f"{planned.day:%A %d %b}: {phase.name} session", bold=True) + f" ({phase.goal})")
    for title, blocks in (
        ("Warm-up", planned.warm_up),
        ("Main", planned.main),
        ("Stretches", planned.stretches),
    ):
        say(f"\n{title}")
        for block in blocks:
            exercise = kb.exercises[block.exercise_id]
            say(f"  • {exercise.name}: {block.describe()}. {exercise.cues[0]}")
    say("\nThrough the day")
    for habit in planned.desk_habits:
        say(f"  • {habit}")


@click.command()
@click.option(
    "--next", "allow_next", is_flag=True, help="Run the next planned session even if it is not today's."
)
@click.option(
    "--abandon",
    is_flag=True,
    help="Leave the session you stopped part-way as it is (its sets are kept) and go on to the next.",
)
@click.option("--no-bell", is_flag=True, help="Do not ring the terminal bell at each change.")
@click.pass_context
def session(ctx: click.Context, allow_next: bool, abandon: bool, no_bell: bool) -> None:
    """Do today's session, guided: timers, reps, rests, sides, then how it felt.

    Each set shows its cues; tap Enter for each rep, or watch the hold timer. Keys:
    p pauses, s skips, q quits (what you did is kept); a session left part-way is what
    comes next, on any day, until you finish it (or leave it with --abandon). At the end
    you rate effort, pain and where you felt it, and the plan adapts.

    \b
    Examples:
      glutewake session
      glutewake session --next --no-bell
      glutewake session --abandon
    """
    from glutewake.app.sessions import Due, due_session, start_or_resume
    from glutewake.app.sessions import abandon as abandon_session
    from glutewake.cli._store import acting, clock

    records = acting(ctx)
    today_ = clock(ctx).now().date()
    if abandon:
        left = abandon_session(records, today_)
        if left is None:
            raise CommandError(
                "no session is part-way, so there is nothing to abandon; `glutewake today` shows what is next"
            )
        kept = left.sets_kept
        say(
            f"Left the session of {left.session.day:%A %d %b} as it was "
            f"({kept} set{'s' * (kept != 1)} kept). {_next_line(records, today_)}"
        )
        return
    due = due_session(records, today_, allow_next=allow_next)
    if not isinstance(due, Due):
        if due.clearance is not None:
            raise not_cleared(due.clearance)
        hint = f" Next session: {due.next_day:%A %d %b} (or use --next)." if due.next_day else ""
        Asker().tell(not_due(due) + hint)
        return
    if not (click.get_text_stream("stdin").isatty() and click.get_text_stream("stdout").isatty()):
        raise CommandError(
            "the guided session needs a terminal: it shows timers and takes your keys as you go. "
            "Run `glutewake session` in one; `glutewake today` prints the session instead."
        )
    started = start_or_resume(records, due)
    if due.part_way:
        done = started.done
        say(
            f"Resuming the session of {due.session.day:%A %d %b} where you stopped: "
            f"{done} set{'s' * (done != 1)} already done."
        )
    _guide(ctx, records, started, bell=not no_bell)


def _guide(ctx: click.Context, records: Context, started: Started, *, bell: bool) -> None:
    """Play the steps from where the session stands, keep each set as it is done, then the feedback."""
    from glutewake.app.region import knowledge
    from glutewake.app.sessions import finish, record_set
    from glutewake.cli._store import clock
    from glutewake.runtime.keys import Keys

    log_id = started.session_log_id
    player = _Player(knowledge(), clock(ctx), bell=bell)
    completed = interrupted = False
    try:
        with Keys() as keys:
            player.keys = keys
            for step in started.steps[started.at :]:
                outcome = player.run(step)
                if outcome == "quit":
                    break
                if isinstance(outcome, tuple):
                    record_set(records, log_id, step, reps=outcome[0], seconds=outcome[1])
            else:
                completed = True
    except KeyboardInterrupt:
        interrupted = True
    except EOFError:
        pass  # the keys ran out (input closed): stop as if q was pressed
    kept = finish(records, log_id, completed=completed)
    sets = f"{kept} set{'s' * (kept != 1)}"
    if not completed:
        say(
            f"\nStopped. What you did is kept ({sets}). `glutewake session` goes on from there, "
            "today or any day; `glutewake session --abandon` leaves it as it is."
        )
        if interrupted:
            raise SystemExit(INTERRUPTED)
        return
    total = sum(step.kind == "set" for step in started.steps)
    today_ = clock(ctx).now().date()
    if kept == 0:
        say(f"\nSession over: every set was skipped ({total}), so none was recorded as done.")
        say(_next_line(records, today_))
        return
    skipped = total - kept
    say(f"\nSession complete: {sets} done" + (f", {skipped} skipped." if skipped else ", none skipped."))
    _feedback(records, log_id, today_)


def _feedback(records: Context, log_id: int, today_: date) -> None:
    from glutewake.app.sessions import save_feedback

    ask = Asker()
    rpe = ask.whole_number("How hard was it overall, from 0 (no effort) to 10 (as hard as possible)?", 0, 10)
    pain = ask.whole_number("Any pain, from 0 (none) to 10 (the worst imaginable)?", 0, 10)
    felt = ask.choice(
        "Where did you feel the work?",
        {"glutes": "Buttocks", "hamstrings": "Backs of the thighs", "lower_back": "Lower back"},
        many=True,
    )
    changes = save_feedback(records, log_id, rpe, pain, felt)
    say(f"\nSaved: effort {rpe}/10, pain {pain}/10, felt in {_felt_words(felt)}.")
    for change in changes:
        say(f"Your plan changed: {change.reason}.")
    if not changes:
        say("Your plan stays as it is.")
    if pain >= 5:
        say("If pain or numbness is getting worse, stop and run `glutewake check` again.")
    say(_next_line(records, today_))


_FELT_WORDS = {
    "glutes": "the buttocks",
    "hamstrings": "the backs of the thighs",
    "lower_back": "the lower back",
}


def _felt_words(felt: list[str]) -> str:
    words = [_FELT_WORDS.get(where, where) for where in felt]
    return " and ".join(filter(None, (", ".join(words[:-1]), *words[-1:]))) or "no particular place"


def _next_line(records: Context, today_: date) -> str:
    """The next session and its day, or why there is none, in the terminal's words."""
    from glutewake.app.sessions import Due, due_session

    due = due_session(records, today_, allow_next=True)
    if not isinstance(due, Due):
        return not_due(due)
    if due.part_way:
        return f"Next: the session of {due.session.day:%A %d %b}, left part-way (`glutewake session`)."
    if due.session.day == today_:
        return "Next session: today (`glutewake session`)."
    return f"Next session: {due.session.day:%A %d %b}."


# The keys' help, from the fullest to the shortest; the status line takes the longest that fits.
_REP_KEYS = (
    "(Enter = rep, d = done, s = skip, p = pause, q = quit)",
    "(Enter rep, d done, s skip, p pause, q quit)",
    "(Enter/d/s/p/q)",
    "",
)
_TIMER_KEYS = ("(s = skip, p = pause, q = quit)", "(s skip, p pause, q quit)", "(s/p/q)", "")
# (bar width, which keys' help): what gives way first as the terminal narrows.
_TIMER_LAYOUTS = ((20, 0), (20, 1), (10, 1), (10, 2), (0, 2), (0, 3))


def _width() -> int:
    """Columns the status line may use: one less than the terminal's, so it never wraps."""
    return max(10, shutil.get_terminal_size((80, 24)).columns - 1)


def _fit(candidates: list[str]) -> str:
    """The first candidate that fits the terminal, else the last one cut to fit."""
    width = _width()
    fitting = next((text for text in candidates if len(text) <= width), None)
    return fitting if fitting is not None else candidates[-1][: width - 1] + "…"


class _Player:
    """Runs steps on the terminal, with a live status line and the bell at each change.

    The status line is redrawn in place (carriage return, then the text, then "clear to the
    end of the line"), so it must never be wider than the terminal: a line that wraps cannot
    be returned to, and each redraw would leave a new line behind."""

    keys: KeySource

    def __init__(self, kb: Knowledge, clock: Clock, *, bell: bool) -> None:
        self.kb = kb
        self.clock = clock  # timers count on its monotonic counter, so tests need not wait
        self.bell = bell

    def _write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def _line(self, candidates: str | list[str], *, final: bool = False) -> None:
        """Redraw the status line; `final` leaves it on screen and moves to the next line."""
        text = _fit([candidates] if isinstance(candidates, str) else candidates)
        self._write("\r" + text + "\x1b[K" + ("\n" if final else ""))

    def _say(self, text: str) -> None:
        """A line of its own, wrapped to the terminal, after a blank line."""
        self._write("\n" + fit(text, _width()) + "\n")

    def _ding(self) -> None:
        if self.bell:
            self._write("\a")

    def run(self, step: Step) -> str | tuple[int | None, int | None]:
        """ "quit", "skip", "done", or for a set what was done: (reps, seconds)."""
        if step.kind == "get_ready":
            if step.side:  # between the two sides of a hold
                self._write("\n")
                self._say(f"Switch sides: turn over for your {step.side} side.")
                return self._timer(step.seconds, "Starting in", skippable=True)
            if step.exercise_id:
                exercise = self.kb.exercises[step.exercise_id]
                self._write("\n")
                self._say(f"Next: {exercise.name}. {exercise.steps[0]}")
            else:
                self._say("Get ready.")
            return self._timer(step.seconds, "Starting in", skippable=True)
        if step.kind == "rest":
            self._write("\n")
            return self._timer(step.seconds, "Rest", skippable=True)
        exercise = self.kb.exercises[step.exercise_id or ""]
        side = f", {step.side} side" if step.side else ""
        load = f" with {step.load_kg:g} kg" if step.load_kg is not None else ""
        self._ding()
        self._say(
            f"{exercise.name}: set {step.set_number} of {step.sets}{side}{load}. Cue: {exercise.cues[0]}"
        )
        if step.reps is not None:
            return self._reps(step.reps)
        outcome = self._timer(step.hold_seconds or 0, "Hold", skippable=False)
        if outcome == "done":
            return (None, step.hold_seconds)
        return outcome

    def _reps(self, target: int) -> str | tuple[int | None, int | None]:
        count = 0
        while count < target:
            self._line([f"Rep {count}/{target}   {keys}".rstrip() for keys in _REP_KEYS])
            key = self.keys.read(None)
            if key == "\n":
                count += 1
            elif key == "d":
                break
            elif key in ("s", "q"):
                if key == "s":
                    self._line(f"Rep {count}/{target}: set skipped.", final=True)
                    return "skip"
                self._line(f"Rep {count}/{target}: stopped.", final=True)
                return "quit"
            elif key == "p" and self._pause() == "quit":
                return "quit"
        self._line(f"Rep {count}/{target}: done.", final=True)
        return (count, None)

    def _timer(self, seconds: int, label: str, *, skippable: bool) -> str:
        deadline = self.clock.monotonic() + seconds
        while (left := deadline - self.clock.monotonic()) > 0:
            self._line(self._timer_lines(label, seconds, left))
            key = self.keys.read(min(0.25, left))
            if key == "q":
                self._line(f"{label}: stopped.", final=True)
                return "quit"
            if key == "s" or (skippable and key == "\n"):
                self._line(f"{label}: skipped.", final=True)
                return "skip"
            if key == "p":
                paused_at = self.clock.monotonic()
                if self._pause() == "quit":
                    return "quit"
                deadline += self.clock.monotonic() - paused_at
        self._line(f"{label}: done.", final=True)
        self._ding()
        return "done"

    @staticmethod
    def _timer_lines(label: str, seconds: int, left: float) -> list[str]:
        """The timer's status line, from the fullest (a 20-wide bar, the keys) to the barest."""
        done = 1 - left / seconds if seconds else 1.0
        lines = []
        for bar_width, keys in _TIMER_LAYOUTS:
            filled = round(bar_width * done)
            bar = f" [{'█' * filled}{'·' * (bar_width - filled)}]" if bar_width else ""
            lines.append(f"{label}{bar} {math.ceil(left)} s   {_TIMER_KEYS[keys]}".rstrip())
        return lines

    def _pause(self) -> str:
        self._line(["Paused: press p or Enter to go on, q to quit.", "Paused: p or Enter go on, q quit."])
        while (key := self.keys.read(None)) not in ("p", "\n", "q"):
            pass
        if key == "q":
            self._line("")  # the session says what was kept
        return "quit" if key == "q" else "go"


@click.command()
@click.argument("entries", nargs=-1, required=True, metavar="EXERCISE DOSE [EXERCISE DOSE ...]")
@click.option("--side", type=click.Choice(["left", "right"]), help="Only this side (one-sided exercises).")
@click.option("--load", "load_kg", type=click.FloatRange(0, 500), help="Weight used, in kg.")
@click.pass_context
def log(ctx: click.Context, entries: tuple[str, ...], side: str | None, load_kg: float | None) -> None:
    """Record exercise done without the guide.

    DOSE is sets x reps (3x12), sets x seconds for holds (2x30s), or one set (12, 45s).
    One-sided exercises are logged for both sides unless you give --side.

    \b
    Examples:
      glutewake log glute_bridge 3x12
      glutewake log clamshell 2x15 side_plank 2x20s --side left
    """
    from glutewake.app.region import knowledge
    from glutewake.app.sessions import log_done
    from glutewake.cli._store import acting, clock
    from glutewake.store import SetRecord

    kb = knowledge()
    if len(entries) % 2:
        raise click.UsageError(
            "give each exercise with its dose, for example: glutewake log glute_bridge 3x12"
        )
    records: list[SetRecord] = []
    for exercise_id, dose in zip(entries[::2], entries[1::2], strict=True):
        if exercise_id not in kb.exercises:
            import difflib

            close = difflib.get_close_matches(exercise_id, list(kb.exercises), n=1)
            hint = f" (did you mean {close[0]}?)" if close else "; `glutewake learn exercises` lists them"
            raise click.BadParameter(f"no exercise called {exercise_id!r}{hint}", param_hint="EXERCISE")
        sets, amount, is_hold = _dose(dose)
        sides = [side] if side or not kb.exercises[exercise_id].dose.per_side else ["left", "right"]
        for _ in range(sets):
            for one_side in sides:
                reps, seconds = (None, amount) if is_hold else (amount, None)
                records.append(SetRecord(exercise_id, one_side, reps, seconds, load_kg))
    from glutewake.app.sessions import beyond_clearance

    person = acting(ctx)
    cleared = beyond_clearance(person, [entry.exercise_id for entry in records])
    if cleared is not None and cleared.source != "no_check":
        from glutewake.cli import _render

        _render.clearance(cleared, err=True)
        Asker(err=True).tell("Logged anyway, so that your history is complete.")
    log_done(person, clock(ctx).now().date(), records)
    say(f"Logged {len(records)} set{'s' * (len(records) != 1)}.")


def _dose(text: str) -> tuple[int, int, bool]:
    import re

    match = re.fullmatch(r"(?:(\d+)\s*[x×]\s*)?(\d+)\s*(s|sec|secs|seconds)?", text.strip().lower())
    if not match or not 1 <= int(match.group(1) or 1) <= 20 or not 1 <= int(match.group(2)) <= 600:
        raise click.BadParameter(
            f"{text!r} is not a dose; use sets x reps (3x12) or sets x seconds (2x30s)", param_hint="DOSE"
        )
    return int(match.group(1) or 1), int(match.group(2)), match.group(3) is not None


_WHAT_TO_DO = {
    "no_plan": "Run `glutewake plan --new`.",
    "paused": "Run `glutewake check` again.",
    "rebuild": "Run `glutewake plan --new` to build one fitted to it.",
}


def not_due(due: NotDue) -> str:
    """Why there is no session now, and what to do in the terminal."""
    if due.clearance is not None:
        return f"{due.sentence} {what_lifts_it(due.clearance)}"
    return " ".join((due.sentence, *((_WHAT_TO_DO[due.why],) if due.why in _WHAT_TO_DO else ())))
