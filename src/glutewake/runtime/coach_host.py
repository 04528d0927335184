"""The one coach host: sample activity, step the core, carry out its effects, sleep until needed.

`glutewake coach` and the web app both run the coach through `hosted_coach`, which holds the
one-coach-per-user lock (`runtime/lock.py`) and serves the control channel
(`runtime/control.py`), so `glutewake coach status|pause|resume` reach the coach whichever
process runs it. The runner owns no rules: `core.coach` decides, and this file only gathers
samples and answers, shows and closes prompts, and records what happened.

Keeping the record survives the store failing (a full disk, a read-only data directory): what
could not be written waits in memory, in order, and is tried again with a growing pause; the
status says so meanwhile, and the log says when it fails and when it recovers. The bout in
progress is kept every half minute (its row in the store, and `coach-checkpoint.json` in the
data directory naming that row), so a coach that is killed loses under a minute of it, and the
next coach carries on with it or leaves it ended at its last save (`core.coach.resumed`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glutewake.app.coach import break_prompt, day_bounds, keep_bout, open_bout, record_effects
from glutewake.core.coach import (
    BoutEnded,
    BreakTaken,
    Checkpoint,
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
    checkpoint_of,
    is_quiet,
    next_check,
    prompts_allowed,
    resumed,
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

__all__ = ["CHECKPOINT_FILE", "AlreadyRunning", "CoachRunner", "ask_running_coach", "hosted_coach"]

_ANSWERS: dict[str, Event] = {"done": Done(), "postpone": Postpone(), "skip": Skip()}
_SUSPEND_GAP_SECONDS = 180  # samples are at most 30 s apart while running
CHECKPOINT_FILE = "coach-checkpoint.json"
CHECKPOINT_SECONDS = 30.0  # the bout in progress is kept at least this often (samples: 30 s)
_FIRST_RETRY_SECONDS, _LONGEST_RETRY_SECONDS = 5.0, 60.0
_log = logging.getLogger("glutewake.coach")


@dataclass
class Saving:
    """How keeping the record goes: what waits to be written, and since when writing fails."""

    problem: str | None = None
    failing_since: datetime | None = None
    failures: int = 0
    next_try: datetime | None = None


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
        self.today = Today()  # what this coach saw; the status reads the store, this only if it cannot
        self.inbox: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.unsaved: list[Effect] = []  # to be written, in order; kept while the store fails
        self.saving = Saving()
        self.fault: str | None = None  # the loop's last unexpected error, until a sample works again
        self.checkpoints: Path | None = None  # the data directory, once this coach holds the lock
        self._bout_row: tuple[datetime, int] | None = None  # the bout in progress: start, row id
        self._kept_at: datetime | None = None  # when the bout in progress was last kept

    # --- carrying on after a coach that was killed --------------------------------------------

    def carry_on(self, home: Path) -> None:
        """Keep checkpoints in `home` from now on, and carry on with the bout a killed coach left
        there if it was gone for less than a natural break (else that bout ended at its last save).
        Call it once, holding the coach lock, before the first sample."""
        self.checkpoints = home
        found = _read_checkpoint(home / CHECKPOINT_FILE)
        if found is None:
            return
        saved, row = found
        state = resumed(saved, self.clock.now(), self.rules)
        if state is None:
            with contextlib.suppress(OSError):
                (home / CHECKPOINT_FILE).unlink()
            return
        self.state, self._bout_row, self._kept_at = state, (saved.bout_start, row), saved.saved_at

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
        self.fault = None
        wake = next_check(self.state, now, self.rules)
        retry = self.saving.next_try
        return min(wake, retry) if retry is not None else wake

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
        """Keep the bout in progress when the coach stops (logout, shutdown, Ctrl-C); one last
        try for anything still unsaved, and the log says what is lost if that fails too."""
        ongoing = open_bout(self.state)
        self.state = CoachState()
        if ongoing is not None:
            self.unsaved.append(ongoing)
        self._save(self.clock.now(), force=True)
        if self.unsaved and self.records is not None:
            _log.error(
                "the coach stopped with %d records it could not save (%s); the bout in progress "
                "was kept until %s",
                len(self.unsaved),
                self.saving.problem,
                self._kept_at.isoformat() if self._kept_at else "never",
            )

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
        self.unsaved += [e for e in effects if not isinstance(e, ClosePrompt)]
        self._save(now)

    # --- keeping the record -----------------------------------------------------------------

    def _save(self, now: datetime, *, force: bool = False) -> None:
        """Write what waits, in order, then the bout in progress when it is due; on a failure keep
        the rest for the next try, a little later each time (never raises)."""
        if self.records is None:
            self.unsaved.clear()
            return
        if not force and self.saving.next_try is not None and now < self.saving.next_try:
            return
        try:
            while self.unsaved:
                self._write(self.unsaved[0])
                self.unsaved.pop(0)
            self._keep_bout_in_progress(now, force=self.saving.problem is not None)
        except Exception as error:  # whatever the store or the disk says: keep it, say it, try again
            self._failed(error, now)
            return
        if self.saving.problem is not None:
            _log.warning(
                "the coach saves its record again (it could not since %s)", self.saving.failing_since
            )
        self.saving = Saving()

    def _write(self, effect: Effect) -> None:
        assert self.records is not None
        if isinstance(effect, BoutEnded):
            row = self._bout_row
            same = row is not None and row[0] == effect.start
            keep_bout(self.records, effect, row[1] if same and row is not None else None)
            if same:
                self._bout_row = None
        else:
            record_effects(self.records, [effect])

    def _keep_bout_in_progress(self, now: datetime, *, force: bool) -> None:
        """Keep the bout in progress (its row, then the checkpoint naming it) if it is due."""
        assert self.records is not None
        saved = checkpoint_of(self.state)
        if saved is None or (saved.bout_active == 0 and self._bout_row is None):
            # no bout, or one with no sitting in it yet: nothing to keep, and no checkpoint
            self._bout_row = None
            if self._kept_at is not None and self.checkpoints is not None:
                (self.checkpoints / CHECKPOINT_FILE).unlink(missing_ok=True)
            self._kept_at = None
            return
        row = self._bout_row if self._bout_row and self._bout_row[0] == saved.bout_start else None
        due = self._kept_at is None or (now - self._kept_at).total_seconds() >= CHECKPOINT_SECONDS
        if row is not None and not due and not force:
            return
        bout = BoutEnded(saved.bout_start, saved.saved_at, saved.bout_active)
        self._bout_row = (saved.bout_start, keep_bout(self.records, bout, row[1] if row else None))
        self._kept_at = now
        if self.checkpoints is not None:
            _write_checkpoint(self.checkpoints / CHECKPOINT_FILE, saved, self._bout_row[1])

    def _failed(self, error: Exception, now: datetime) -> None:
        first = self.saving.problem is None
        failures = self.saving.failures + 1
        wait = min(_LONGEST_RETRY_SECONDS, _FIRST_RETRY_SECONDS * 2 ** (failures - 1))
        self.saving = Saving(
            problem=_in_words(error),
            failing_since=self.saving.failing_since or now,
            failures=failures,
            next_try=now + timedelta(seconds=wait),
        )
        if first:
            _log.warning(
                "the coach cannot save its record (%s), %s", self.saving.problem, _kept(len(self.unsaved))
            )

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
        saving = self.saving
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
            "today": self._today(now),
            "saving": {
                "ok": saving.problem is None,
                "unsaved": len(self.unsaved),
                "problem": saving.problem,
                "failing_since": saving.failing_since.isoformat() if saving.failing_since else None,
                "next_try": saving.next_try.isoformat() if saving.next_try else None,
            },
            "fault": self.fault,
        }

    def _today(self, now: datetime) -> dict[str, int]:
        """Today's prompts and breaks as `glutewake stats` counts them (the store), with what
        waits to be written; what this coach saw itself only when the store cannot be read."""
        if self.records is not None:
            from glutewake.app.coach import stats_between

            start, end = day_bounds(now.date(), now.tzinfo)
            try:
                kept = stats_between(self.records, start, end)
            except Exception as error:
                _log.debug("today's record cannot be read: %s", error)
            else:
                waiting = [e for e in self.unsaved if start <= _moment(e) < end]
                return {
                    "prompts": kept.prompts + sum(isinstance(e, ShowPrompt) for e in waiting),
                    "followed": kept.breaks_prompted
                    + sum(isinstance(e, BreakTaken) and e.kind == "prompted" for e in waiting),
                    "natural_breaks": kept.breaks_natural
                    + sum(isinstance(e, BreakTaken) and e.kind == "natural" for e in waiting),
                }
        if self.today.day != now.date().isoformat():
            self.today = Today(now.date().isoformat())
        return {
            "prompts": self.today.prompts,
            "followed": self.today.followed,
            "natural_breaks": self.today.natural,
        }

    def status_line(self, st: dict[str, Any] | None = None) -> str:
        st = st or self.status()
        if self.state.phase in (Phase.AWAY, Phase.LOCKED):
            where = "away from the desk"
        elif st["overdue_minutes"]:
            where = f"sitting for {st['sitting_minutes']:.0f} min, break overdue by {st['overdue_minutes']:.0f} min"
        else:
            where = f"sitting for {st['sitting_minutes']:.0f} min, next break in {st['next_break_minutes']:.0f} min"
        today = st["today"]
        breaks = f"breaks today {today['followed'] + today['natural_breaks']} (prompts followed {today['followed']}/{today['prompts']})"
        quiet = ", paused" if st["quiet_until"] else ""
        line = f"{where}, {breaks}{quiet}"
        saving = st["saving"]
        if saving["problem"]:
            since = datetime.fromisoformat(saving["failing_since"])
            line += f"; cannot save since {since:%H:%M} ({saving['problem']}), {_kept(saving['unsaved'])}"
        if st["fault"]:
            line += f"; the coach hit a problem and carries on: {st['fault']}"
        return line

    # --- running ----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event, on_status: Any = None) -> None:
        """Sample, act, and wait for the next moment anything can change, an answer, or a command."""
        while not stop.is_set():
            try:
                wake = self.sample()
            except Exception as error:  # never die silently: say what went wrong and carry on
                _log.exception("the coach could not take a sample")
                self.fault = _in_words(error)
                wake = self.clock.now() + timedelta(seconds=30)
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
        runner.carry_on(home)
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


def _kept(unsaved: int) -> str:
    what = f"{unsaved} records" if unsaved else "the stretch in progress"
    return f"keeping {what} in memory and trying again"


def _moment(effect: Effect) -> datetime:
    return effect.end if isinstance(effect, BoutEnded) else effect.at


def _in_words(error: BaseException) -> str:
    """The cause in a few words: SQLite's own message ("database or disk is full"), not the SQL."""
    cause = getattr(error, "orig", None) or error
    words = " ".join(str(cause).split()) or type(cause).__name__
    return words if len(words) <= 160 else words[:157] + "..."


def _write_checkpoint(path: Path, saved: Checkpoint, row: int) -> None:
    from glutewake.privatefile import write_private

    document = {
        "bout_id": row,
        "bout_start": saved.bout_start.isoformat(),
        "saved_at": saved.saved_at.isoformat(),
        "bout_active": saved.bout_active,
        "since_break": saved.since_break,
        "prompts_shown": saved.prompts_shown,
    }
    write_private(path, json.dumps(document).encode())


def _read_checkpoint(path: Path) -> tuple[Checkpoint, int] | None:
    """The bout a coach was keeping, and its row; None when there is none or it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        saved = Checkpoint(
            datetime.fromisoformat(data["bout_start"]),
            datetime.fromisoformat(data["saved_at"]),
            float(data["bout_active"]),
            float(data["since_break"]),
            int(data["prompts_shown"]),
        )
        row = int(data["bout_id"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        _log.warning("the coach's checkpoint %s cannot be read (%s); starting afresh", path, error)
        return None
    if saved.bout_start.tzinfo is None or saved.saved_at.tzinfo is None:
        return None
    return saved, row
