"""The one coach host: sample activity, step the core, carry out its effects, sleep until needed.

`glutewake coach` and the web app both run the coach through `hosted_coach`, which holds the
one-coach-per-user lock (`runtime/lock.py`) and serves the control channel
(`runtime/control.py`), so `glutewake coach status|pause|resume` reach the coach whichever
process runs it. The runner owns no rules: `core.coach` decides, and this file only gathers
samples and answers, shows and closes prompts, and records what happened.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glutewake.app.coach import break_prompt, open_bout, record_effects
from glutewake.core.coach import (
    BreakTaken,
    ClosePrompt,
    CoachRules,
    CoachState,
    Done,
    Effect,
    Event,
    IllegalEvent,
    Phase,
    Postpone,
    QuietFor,
    QuietUntil,
    QuietUntilResumed,
    Resume,
    Sample,
    ShowPrompt,
    Skip,
    Suspend,
    is_quiet,
    next_check,
    prompts_allowed,
    step,
)
from glutewake.runtime.control import control_channel
from glutewake.runtime.lock import AlreadyRunning, single_instance

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.clock import Clock
    from glutewake.core.clearance import Clearance
    from glutewake.runtime.activity import ActivitySource
    from glutewake.runtime.notify import Notifier

__all__ = ["AlreadyRunning", "CoachRunner", "ask_running_coach", "hosted_coach"]

_ANSWERS: dict[str, Event] = {"done": Done(), "postpone": Postpone(), "skip": Skip()}
_SUSPEND_GAP_SECONDS = 180  # samples are at most 30 s apart while running


@dataclass
class Today:
    """Counts for the status line; they start again each day."""

    day: str = ""
    prompts: int = 0
    followed: int = 0
    natural: int = 0


class CoachRunner:
    def __init__(
        self, source: ActivitySource, notifiers: Sequence[Notifier], records: Context | None, rules: CoachRules, clock: Clock
    ) -> None:  # fmt: skip
        self.source = source
        self.notifiers = list(notifiers)
        self.records = records
        self.rules = rules
        self.clock = clock
        self.state = CoachState()
        self.today = Today()
        self.inbox: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()

    # --- feeding the core -------------------------------------------------------------------

    def sample(self) -> datetime:
        """Take one activity sample and act on it; returns when to sample next."""
        now = self.clock.now()
        last = self.state.last_sample
        if (
            last is not None
            and self.state.phase != Phase.LOCKED
            and (now - last).total_seconds() > _SUSPEND_GAP_SECONDS
        ):
            # The coach never sleeps this long: the machine was suspended in between.
            self._apply(Suspend(), last)
            self._apply(Resume(), now)
        self._apply(Sample(self.source.idle_seconds(), self.source.fullscreen()), now)
        return next_check(self.state, now, self.rules)

    def answer(self, kind: str) -> str | None:
        """An answer to the prompt (done, postpone, skip); a message if it is not possible now."""
        try:
            self._apply(_ANSWERS[kind], self.clock.now())
        except IllegalEvent as error:
            return str(error)
        return None

    def pause(self, seconds: float | None) -> None:
        """Do not disturb for `seconds` (None: until resumed)."""
        now = self.clock.now()
        self._apply(
            QuietUntilResumed() if seconds is None else QuietUntil(now + timedelta(seconds=seconds)), now
        )

    def resume(self) -> None:
        self._apply(QuietUntil(None), self.clock.now())

    def change_rules(self, rules: CoachRules) -> None:
        """New settings take effect at once: the loop wakes and works out its next check again.

        Call it from the coach's event loop (the web app's async routes run there)."""
        self.rules = rules
        self.inbox.put_nowait(("wake", None))

    def stop(self) -> None:
        """Keep the bout in progress when the coach stops (logout, shutdown, Ctrl-C)."""
        ongoing = open_bout(self.state)
        if ongoing is not None and self.records is not None:
            record_effects(self.records, [ongoing])
        self.state = CoachState()

    def _apply(self, event: Event, now: datetime) -> None:
        self.state, effects = step(self.state, event, now, self.rules)
        self._carry_out(effects, now)

    def _carry_out(self, effects: list[Effect], now: datetime) -> None:
        if self.today.day != now.date().isoformat():
            self.today = Today(now.date().isoformat())
        for effect in effects:
            if isinstance(effect, ShowPrompt):
                self.today.prompts += 1
                title, text = break_prompt(effect, self._clearance())
                for notifier in self.notifiers:
                    notifier.show(title, text, effect.postpones_left > 0)
            elif isinstance(effect, ClosePrompt):
                for notifier in self.notifiers:
                    notifier.close()
            elif isinstance(effect, BreakTaken):
                if effect.kind == "prompted":
                    self.today.followed += 1
                else:
                    self.today.natural += 1
        if self.records is not None:
            record_effects(self.records, effects)

    def _clearance(self) -> Clearance | None:
        """What the person may do now, read afresh at each prompt (a check may just have changed it)."""
        if self.records is None:
            return None
        from glutewake.app.clearance import current_clearance

        return current_clearance(self.records)

    # --- reporting --------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        now = self.clock.now()
        s, settings = self.state, self.rules.settings
        due_in = settings.interval_minutes * 60 - s.since_break
        until = None
        if is_quiet(s, now):
            until = s.quiet.until.isoformat() if isinstance(s.quiet, QuietFor) else "resumed"
        return {
            "phase": s.phase.value,
            "source": self.source.name,
            "sitting_minutes": round(s.bout_active / 60, 1),
            "next_break_minutes": round(max(0.0, due_in) / 60, 1),
            "overdue_minutes": round(max(0.0, -due_in) / 60, 1),
            "prompts_allowed_now": prompts_allowed(s, now, settings),
            "quiet_until": until,
            "today": {
                "prompts": self.today.prompts,
                "followed": self.today.followed,
                "natural_breaks": self.today.natural,
            },
        }

    def status_line(self) -> str:
        st = self.status()
        if self.state.phase in (Phase.AWAY, Phase.LOCKED):
            where = "away from the desk"
        elif st["overdue_minutes"]:
            where = f"sitting for {st['sitting_minutes']:.0f} min, break overdue by {st['overdue_minutes']:.0f} min"
        else:
            where = f"sitting for {st['sitting_minutes']:.0f} min, next break in {st['next_break_minutes']:.0f} min"
        today = st["today"]
        breaks = f"breaks today {today['followed'] + today['natural_breaks']} (prompts followed {today['followed']}/{today['prompts']})"
        quiet = ", paused" if st["quiet_until"] else ""
        return f"{where}, {breaks}{quiet}"

    # --- running ----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event, on_status: Any = None) -> None:
        """Sample, act, and wait for the next moment anything can change, an answer, or a command."""
        while not stop.is_set():
            wake = self.sample()
            if on_status is not None:
                on_status(self.status_line())
            timeout = max(0.5, (wake - self.clock.now()).total_seconds())
            waiter = asyncio.ensure_future(self.inbox.get())
            stopper = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait(
                {waiter, stopper}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            stopper.cancel()
            if waiter not in done:
                waiter.cancel()
                continue
            kind, value = waiter.result()
            if kind == "answer":
                problem = self.answer(value)
                if problem and on_status is not None:
                    on_status(problem)
        self.stop()

    async def control(self, request: dict[str, Any]) -> dict[str, Any]:
        """Answer one control request (status, pause, resume, answer) from another process."""
        command = request.get("command")
        problem = None
        try:
            if command == "pause":
                self.pause(_pause_seconds(request.get("seconds")))
            elif command == "resume":
                self.resume()
            elif command == "answer" and request.get("answer") in _ANSWERS:
                problem = self.answer(request["answer"])
            elif command != "status":
                raise ValueError(f"unknown command {command!r:.40}")
        except ValueError as error:
            return {"ok": False, "error": str(error)}
        await self.inbox.put(("wake", None))  # the run loop recomputes when to sample next
        return {"ok": problem is None, "error": problem, "status": self.status()}


@contextlib.asynccontextmanager
async def hosted_coach(home: Path, runner: CoachRunner) -> AsyncIterator[CoachRunner]:
    """Hold the coach lock and serve the control channel for as long as `runner` runs; raises
    `AlreadyRunning` when another process runs the coach."""
    with single_instance(home):
        close = await control_channel(home).serve(runner.control)
        sharing = None
        if runner.records is not None:  # a linked clinic gets the daily sitting statistics
            from glutewake.runtime.clinic_link import share_hourly

            sharing = asyncio.ensure_future(share_hourly(home, runner.records))
        try:
            yield runner
        finally:
            if sharing is not None:
                sharing.cancel()
            close()


_LONGEST_PAUSE = 7 * 24 * 3600


def _pause_seconds(value: object) -> float | None:
    """A pause's length from a control request: None (until resumed) or up to a week of seconds."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= _LONGEST_PAUSE:
        raise ValueError(
            f"seconds must be a number from 1 to {_LONGEST_PAUSE} (a week), or null; not {value!r:.40}"
        )
    return float(value)


def ask_running_coach(home: Path, request: dict[str, Any], timeout: float = 5.0) -> dict[str, Any] | None:
    """Send one command to the running coach, whichever process runs it; None when none runs."""
    return control_channel(home).ask(request, timeout)
