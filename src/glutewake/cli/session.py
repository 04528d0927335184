"""`glutewake today`, `glutewake session` and `glutewake log`: doing the plan."""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

import click

from glutewake.cli._prompt import Asker

if TYPE_CHECKING:
    from glutewake.app.sessions import NotDue
    from glutewake.clock import Clock
    from glutewake.core.programme import PlannedSession
    from glutewake.core.session import Step
    from glutewake.knowledge import Knowledge
    from glutewake.runtime.keys import KeySource

__all__ = ["log", "session", "today"]

_KEYS_HELP = "Enter = rep, d = done, s = skip, p = pause, q = quit"
_TIMER_HELP = "s = skip, p = pause, q = quit"


@click.command()
@click.pass_context
def today(ctx: click.Context) -> None:
    """Show today's session and desk habits.

    \b
    Example:
      glutewake today
    """
    from glutewake.app.region import knowledge
    from glutewake.app.sessions import Due, due_session
    from glutewake.cli._store import acting, clock

    day = clock(ctx).now().date()
    due = due_session(acting(ctx), day)
    if not isinstance(due, Due):
        click.echo(not_due(due) + (f" Next session: {due.next_day:%A %d %b}." if due.next_day else ""))
        return
    _describe(due.session, knowledge())
    click.echo("\nStart it with `glutewake session`.")


def _describe(planned: PlannedSession, kb: Knowledge) -> None:
    phase = next(p for p in kb.programme.phases if p.id == planned.phase)
    click.echo(click.style(f"{planned.day:%A %d %b}: {phase.name} session", bold=True) + f" ({phase.goal})")
    for title, blocks in (
        ("Warm-up", planned.warm_up),
        ("Main", planned.main),
        ("Stretches", planned.stretches),
    ):
        click.echo(f"\n{title}")
        for block in blocks:
            exercise = kb.exercises[block.exercise_id]
            click.echo(f"  • {exercise.name}: {block.describe()}. {exercise.cues[0]}")
    click.echo("\nThrough the day")
    for habit in planned.desk_habits:
        click.echo(f"  • {habit}")


@click.command()
@click.option(
    "--next", "allow_next", is_flag=True, help="Run the next planned session even if it is not today's."
)
@click.option("--no-bell", is_flag=True, help="Do not ring the terminal bell at each change.")
@click.pass_context
def session(ctx: click.Context, allow_next: bool, no_bell: bool) -> None:
    """Do today's session, guided: timers, reps, rests, sides, then how it felt.

    Each set shows its cues; tap Enter for each rep, or watch the hold timer. Keys:
    p pauses, s skips, q quits (what you did is kept); a session cut short is resumed next
    time. At the end you rate effort, pain and where you felt it, and the plan adapts.

    \b
    Examples:
      glutewake session
      glutewake session --next --no-bell
    """
    from glutewake.app.region import knowledge
    from glutewake.app.sessions import (
        Due,
        due_session,
        finish,
        record_set,
        save_feedback,
        start_or_resume,
    )
    from glutewake.cli._store import acting, clock
    from glutewake.runtime.keys import Keys

    records = acting(ctx)
    due = due_session(records, clock(ctx).now().date(), allow_next=allow_next)
    if not isinstance(due, Due):
        hint = f" Next session: {due.next_day:%A %d %b} (or use --next)." if due.next_day else ""
        click.echo(not_due(due) + hint)
        return
    started = start_or_resume(records, due)
    log_id, done = started.session_log_id, started.done
    if done:
        click.echo(f"Resuming where you stopped: {done} set{'s' * (done != 1)} already done.")
    plan_steps = started.steps[started.at :]
    player = _Player(knowledge(), clock(ctx), bell=not no_bell)
    completed = False
    try:
        with Keys() as keys:
            player.keys = keys
            for step in plan_steps:
                outcome = player.run(step)
                if outcome == "quit":
                    break
                if isinstance(outcome, tuple):
                    record_set(records, log_id, step, reps=outcome[0], seconds=outcome[1])
            else:
                completed = True
    except (KeyboardInterrupt, EOFError):
        pass
    kept = finish(records, log_id, completed=completed)
    if not completed:
        click.echo(
            f"\nStopped. What you did is kept ({kept} set{'s' * (kept != 1)}); "
            "`glutewake session` goes on from there."
        )
        return
    click.echo("\nWell done: session complete.")
    ask = Asker()
    rpe = ask.whole_number("How hard was it overall, from 0 (no effort) to 10 (as hard as possible)?", 0, 10)
    pain = ask.whole_number("Any pain, from 0 (none) to 10 (the worst imaginable)?", 0, 10)
    felt = ask.choice(
        "Where did you feel the work?",
        {"glutes": "Buttocks", "hamstrings": "Backs of the thighs", "lower_back": "Lower back"},
        many=True,
    )
    for change in save_feedback(records, log_id, rpe, pain, felt):
        click.echo(f"Your plan changed: {change.reason}.")
    if pain >= 5:
        click.echo("If pain or numbness is getting worse, stop and run `glutewake check` again.")


class _Player:
    """Runs steps on the terminal, with a live timer line and the bell at each change."""

    keys: KeySource

    def __init__(self, kb: Knowledge, clock: Clock, *, bell: bool) -> None:
        self.kb = kb
        self.clock = clock  # timers count on its monotonic counter, so tests need not wait
        self.bell = bell

    def _write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def _line(self, text: str) -> None:
        self._write("\r" + text + "\x1b[K")

    def _ding(self) -> None:
        if self.bell:
            self._write("\a")

    def run(self, step: Step) -> str | tuple[int | None, int | None]:
        """ "quit", "skip", "done", or for a set what was done: (reps, seconds)."""
        if step.kind == "get_ready":
            if step.exercise_id:
                exercise = self.kb.exercises[step.exercise_id]
                self._write(f"\n\nNext: {exercise.name}. {exercise.steps[0]}\n")
            else:
                self._write("\nGet ready.\n")
            return self._timer(step.seconds, "Starting in", skippable=True)
        if step.kind == "rest":
            self._write("\n")
            return self._timer(step.seconds, "Rest", skippable=True)
        exercise = self.kb.exercises[step.exercise_id or ""]
        side = f", {step.side} side" if step.side else ""
        load = f" with {step.load_kg:g} kg" if step.load_kg is not None else ""
        self._ding()
        self._write(
            f"\n{exercise.name}: set {step.set_number} of {step.sets}{side}{load}. Cue: {exercise.cues[0]}\n"
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
            self._line(f"Rep {count}/{target}   ({_KEYS_HELP})")
            key = self.keys.read(None)
            if key == "\n":
                count += 1
            elif key == "d":
                break
            elif key in ("s", "q"):
                return "skip" if key == "s" else "quit"
            elif key == "p" and self._pause() == "quit":
                return "quit"
        self._line(f"Rep {count}/{target}: done.\n")
        return (count, None)

    def _timer(self, seconds: int, label: str, *, skippable: bool) -> str:
        deadline = self.clock.monotonic() + seconds
        while (left := deadline - self.clock.monotonic()) > 0:
            filled = round(20 * (1 - left / seconds)) if seconds else 20
            self._line(f"{label} [{'█' * filled}{'·' * (20 - filled)}] {math.ceil(left)} s   ({_TIMER_HELP})")
            key = self.keys.read(min(0.25, left))
            if key == "q":
                return "quit"
            if key == "s" or (skippable and key == "\n"):
                self._line(f"{label}: skipped.\n")
                return "skip"
            if key == "p":
                paused_at = self.clock.monotonic()
                if self._pause() == "quit":
                    return "quit"
                deadline += self.clock.monotonic() - paused_at
        self._line(f"{label}: done.\n")
        self._ding()
        return "done"

    def _pause(self) -> str:
        self._line("Paused: press p or Enter to go on, q to quit.")
        while (key := self.keys.read(None)) not in ("p", "\n", "q"):
            pass
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
    log_done(acting(ctx), clock(ctx).now().date(), records)
    click.echo(f"Logged {len(records)} set{'s' * (len(records) != 1)}.")


def _dose(text: str) -> tuple[int, int, bool]:
    import re

    match = re.fullmatch(r"(?:(\d+)\s*[x×]\s*)?(\d+)\s*(s|sec|secs|seconds)?", text.strip().lower())
    if not match or not 1 <= int(match.group(1) or 1) <= 20 or not 1 <= int(match.group(2)) <= 600:
        raise click.BadParameter(
            f"{text!r} is not a dose; use sets x reps (3x12) or sets x seconds (2x30s)", param_hint="DOSE"
        )
    return int(match.group(1) or 1), int(match.group(2)), match.group(3) is not None


_WHAT_TO_DO = {"no_plan": "Run `glutewake plan --new`.", "paused": "Run `glutewake check` again."}


def not_due(due: NotDue) -> str:
    """Why there is no session now, and what to do in the terminal."""
    return " ".join((due.sentence, *((_WHAT_TO_DO[due.why],) if due.why in _WHAT_TO_DO else ())))
