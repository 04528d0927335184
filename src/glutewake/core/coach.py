"""The sitting coach's logic: a state machine over activity samples and the user's answers.

Pure: no clock, no I/O, no platform. `step(state, event, now, rules)` returns the next state
and the effects for the shell to carry out (show or close a prompt, log a bout or a break).
An event the current phase does not accept raises `IllegalEvent` and changes nothing.
A phase carries what only it needs (a snooze its end, a lock when it began and where it goes
back to); `TRANSITIONS` names every phase each event can lead to.

Active sitting time counts only while there is input: the span from the previous sample up
to a few seconds after the last input. An idle spell of at least the natural-break length
(default 2 minutes), a long enough lock or suspend, or a prompt answered "done" ends the
sitting bout. After `interval` minutes of active sitting since the last break (or skip) the
coach prompts a desk move, unless quiet rules say not now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from enum import Enum
from typing import Any, ClassVar, Literal

from glutewake.knowledge.vocabulary import WEEKDAYS

__all__ = [
    "SETTING_LIMITS",
    "TRANSITIONS",
    "Away",
    "BoutEnded",
    "BreakTaken",
    "Checkpoint",
    "ClosePrompt",
    "CoachRules",
    "CoachState",
    "Done",
    "Effect",
    "Event",
    "IllegalEvent",
    "InPhase",
    "Lock",
    "Locked",
    "Phase",
    "Postpone",
    "PromptAnswered",
    "Prompted",
    "Quiet",
    "QuietFor",
    "QuietTillResumed",
    "QuietUntil",
    "QuietUntilResumed",
    "Resume",
    "Sample",
    "Settings",
    "ShowPrompt",
    "Sitting",
    "Skip",
    "Snoozed",
    "Suspend",
    "Transition",
    "Unlock",
    "checkpoint_of",
    "is_quiet",
    "next_check",
    "prompts_allowed",
    "resumed",
    "settings_from",
    "settings_to_config",
    "simulate",
    "step",
]


class Phase(Enum):
    AWAY = "away"  # not sitting: no input yet, or just took a break
    SITTING = "sitting"
    PROMPTED = "prompted"  # a break prompt is showing
    SNOOZED = "snoozed"  # the prompt was postponed
    LOCKED = "locked"  # screen locked or machine suspended


@dataclass(frozen=True)
class Settings:
    """The user's coach settings (validated by the shell; see `glutewake coach config`)."""

    interval_minutes: int = 25
    natural_break_seconds: int = 120
    postpone_minutes: int = 5
    max_postpones: int = 2
    activity_grace_seconds: int = 5
    work_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    work_start: time = time(8, 0)
    work_end: time = time(18, 0)


@dataclass(frozen=True)
class CoachRules:
    """Settings plus the desk moves to rotate through: seated ones for meeting-heavy hours."""

    settings: Settings
    seated_moves: tuple[str, ...]
    standing_moves: tuple[str, ...]


# --- events ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """Seconds since the last keyboard or mouse input, and whether a full-screen window is up."""

    idle_seconds: float
    fullscreen: bool = False


@dataclass(frozen=True)
class Lock:
    pass


@dataclass(frozen=True)
class Unlock:
    pass


@dataclass(frozen=True)
class Suspend:
    pass


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class Done:
    pass


@dataclass(frozen=True)
class Postpone:
    pass


@dataclass(frozen=True)
class Skip:
    pass


@dataclass(frozen=True)
class QuietUntil:
    """Do not disturb until then (None ends it): `coach pause 30m`, and `coach resume`."""

    until: datetime | None


@dataclass(frozen=True)
class QuietUntilResumed:
    """Do not disturb until `coach resume`: `coach pause` with no length."""


Event = Sample | Lock | Unlock | Suspend | Resume | Done | Postpone | Skip | QuietUntil | QuietUntilResumed


# --- quiet time: its own small state beside the phase (the coach keeps counting sitting) -----


@dataclass(frozen=True)
class QuietFor:
    until: datetime


@dataclass(frozen=True)
class QuietTillResumed:
    pass


Quiet = QuietFor | QuietTillResumed


# --- effects --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowPrompt:
    at: datetime
    exercise_id: str
    sitting_seconds: float
    postpones_left: int


@dataclass(frozen=True)
class ClosePrompt:
    at: datetime


@dataclass(frozen=True)
class BoutEnded:
    start: datetime
    end: datetime
    active_seconds: float


@dataclass(frozen=True)
class BreakTaken:
    at: datetime
    kind: Literal["natural", "prompted"]


@dataclass(frozen=True)
class PromptAnswered:
    at: datetime
    answer: Literal["done", "postponed", "skipped"]


Effect = ShowPrompt | ClosePrompt | BoutEnded | BreakTaken | PromptAnswered


# --- the phases, each with the data only it has -------------------------------------------------


@dataclass(frozen=True)
class Away:
    kind: ClassVar[Phase] = Phase.AWAY


@dataclass(frozen=True)
class Sitting:
    kind: ClassVar[Phase] = Phase.SITTING


@dataclass(frozen=True)
class Prompted:
    kind: ClassVar[Phase] = Phase.PROMPTED


@dataclass(frozen=True)
class Snoozed:
    until: datetime  # when the postponed prompt comes back
    kind: ClassVar[Phase] = Phase.SNOOZED


@dataclass(frozen=True)
class Locked:
    at: datetime  # when the screen locked or the machine slept
    before: Away | Sitting | Prompted | Snoozed  # where it goes back to, if back soon
    kind: ClassVar[Phase] = Phase.LOCKED


InPhase = Away | Sitting | Prompted | Snoozed | Locked


@dataclass(frozen=True)
class CoachState:
    current: InPhase = field(default_factory=Away)
    last_sample: datetime | None = None
    last_input: datetime | None = None
    bout_start: datetime | None = None
    bout_active: float = 0.0  # active sitting seconds in the current bout
    since_break: float = 0.0  # active seconds since the last break or skip: what prompts
    postpones: int = 0  # postpones in a row of the current prompt
    quiet: Quiet | None = None  # do not disturb: until a moment, or until resumed
    fullscreen: bool = False
    prompts_shown: int = 0  # rotates the desk moves
    declines: tuple[datetime, ...] = field(default=())  # postpones and skips in the last hour

    @property
    def phase(self) -> Phase:
        return self.current.kind


class IllegalEvent(ValueError):
    """The event makes no sense in this phase (say, "done" with no prompt showing)."""


Result = tuple[CoachState, list[Effect]]
Handler = Callable[[CoachState, Event, datetime, CoachRules], Result]

_SITTING_PHASES = (Phase.SITTING, Phase.PROMPTED, Phase.SNOOZED)


# name -> (type, low, high) for what `glutewake coach config` and the config file may set.
SETTING_LIMITS: dict[str, tuple[type, int, int]] = {
    "interval_minutes": (int, 15, 60),
    "natural_break_seconds": (int, 30, 900),
    "postpone_minutes": (int, 1, 30),
    "max_postpones": (int, 0, 5),
    "activity_grace_seconds": (int, 1, 60),
}


def settings_from(values: Mapping[str, object]) -> Settings:
    """Settings from a mapping (the config file's [coach] table); raise `FieldErrors` on bad values."""
    from glutewake.core.errors import FieldErrors

    problems: list[tuple[str, str]] = []
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key in SETTING_LIMITS:
            _, low, high = SETTING_LIMITS[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                problems.append((key, f"must be a whole number from {low} to {high}"))
            else:
                changes[key] = value
        elif key == "work_days":
            days = _weekdays(value)
            if days is None:
                problems.append((key, "must list weekdays such as mon,tue,wed,thu,fri"))
            else:
                changes[key] = days
        elif key in ("work_start", "work_end"):
            try:
                changes[key] = time.fromisoformat(str(value))
            except ValueError:
                problems.append((key, "must be a time such as 08:00"))
        else:
            problems.append((key, "unknown setting"))
    settings = replace(Settings(), **changes)
    if settings.work_start >= settings.work_end:
        problems.append(("work_end", "must be after work_start"))
    if problems:
        raise FieldErrors(problems)
    return settings


def _weekdays(value: object) -> tuple[int, ...] | None:
    names = value.split(",") if isinstance(value, str) else value if isinstance(value, list) else None
    if not names:
        return None
    cleaned = [str(name).strip().lower()[:3] for name in names]
    if not all(name in WEEKDAYS for name in cleaned):
        return None
    return tuple(sorted({WEEKDAYS.index(name) for name in cleaned}))


def settings_to_config(settings: Settings) -> dict[str, object]:
    """The settings as the config file writes them (the inverse of `settings_from`)."""
    values: dict[str, object] = {key: getattr(settings, key) for key in SETTING_LIMITS}
    values["work_days"] = ",".join(WEEKDAYS[d] for d in settings.work_days)
    values["work_start"] = settings.work_start.strftime("%H:%M")
    values["work_end"] = settings.work_end.strftime("%H:%M")
    return values


def is_quiet(state: CoachState, now: datetime) -> bool:
    """Whether do-not-disturb is on at `now`."""
    if isinstance(state.quiet, QuietFor):
        return now < state.quiet.until
    return state.quiet is not None


def prompts_allowed(state: CoachState, now: datetime, settings: Settings) -> bool:
    """Working day and hours, no do-not-disturb, no full-screen window."""
    return (
        now.weekday() in settings.work_days
        and settings.work_start <= now.time() < settings.work_end
        and not is_quiet(state, now)
        and not state.fullscreen
    )


def _move(state: CoachState, now: datetime, rules: CoachRules) -> str:
    meeting_hour = any(now - t <= timedelta(hours=1) for t in state.declines) or state.fullscreen
    pool = rules.seated_moves if meeting_hour else rules.standing_moves
    return pool[state.prompts_shown % len(pool)]


def _prompt(state: CoachState, now: datetime, rules: CoachRules) -> Result:
    effect = ShowPrompt(
        now, _move(state, now, rules), state.bout_active, rules.settings.max_postpones - state.postpones
    )
    return replace(state, current=Prompted(), prompts_shown=state.prompts_shown + 1), [effect]


def _end_bout(state: CoachState, end: datetime, kind: Literal["natural", "prompted"], at: datetime) -> Result:
    """The bout is over (a break began at `end`); reset the sitting counters."""
    effects: list[Effect] = []
    shown = state.current.before if isinstance(state.current, Locked) else state.current
    if isinstance(shown, (Prompted, Snoozed)):
        kind = "prompted"
        effects += [PromptAnswered(at, "done")]
        if isinstance(shown, Prompted):
            effects += [ClosePrompt(at)]
    if state.bout_start is not None:
        effects.append(BoutEnded(state.bout_start, max(end, state.bout_start), state.bout_active))
    effects.append(BreakTaken(end, kind))
    return (
        replace(
            state, current=Away(), bout_start=None, bout_active=0.0, since_break=0.0, postpones=0,
        ),
        effects,
    )  # fmt: skip


def _sample(state: CoachState, event: Event, now: datetime, rules: CoachRules) -> Result:
    assert isinstance(event, Sample)
    s = rules.settings
    last_input = now - timedelta(seconds=max(0.0, event.idle_seconds))
    active_until = min(now, last_input + timedelta(seconds=s.activity_grace_seconds))
    delta = 0.0
    if state.last_sample is not None and state.phase != Phase.AWAY:
        delta = max(0.0, (active_until - state.last_sample).total_seconds())
    state = replace(state, last_sample=now, last_input=last_input, fullscreen=event.fullscreen,
                    declines=tuple(t for t in state.declines if now - t <= timedelta(hours=1)))  # fmt: skip
    state = replace(state, bout_active=state.bout_active + delta, since_break=state.since_break + delta)
    if event.idle_seconds >= s.natural_break_seconds:
        return _end_bout(state, last_input, "natural", now) if state.phase != Phase.AWAY else (state, [])
    if state.phase == Phase.AWAY:
        return replace(state, current=Sitting(), bout_start=last_input, bout_active=0.0, since_break=0.0), []
    allowed = prompts_allowed(state, now, s)
    if state.phase == Phase.PROMPTED and not allowed:
        return replace(state, current=Sitting()), [ClosePrompt(now)]
    due = state.since_break >= s.interval_minutes * 60
    if allowed and state.phase == Phase.SITTING and due:
        return _prompt(state, now, rules)
    if allowed and isinstance(state.current, Snoozed) and now >= state.current.until:
        return _prompt(state, now, rules)
    return state, []


def _lock(state: CoachState, event: Event, now: datetime, rules: CoachRules) -> Result:
    assert not isinstance(state.current, Locked)  # the table lets only awake phases lock
    return replace(state, current=Locked(now, state.current)), []


def _unlock(state: CoachState, event: Event, now: datetime, rules: CoachRules) -> Result:
    locked = state.current
    assert isinstance(locked, Locked)  # the table sends only LOCKED here
    away = (now - locked.at).total_seconds()
    if away >= rules.settings.natural_break_seconds and locked.before.kind in _SITTING_PHASES:
        ended, effects = _end_bout(replace(state, current=locked.before), locked.at, "natural", now)
        return replace(ended, last_sample=now), effects
    back: InPhase = locked.before if away < rules.settings.natural_break_seconds else Away()
    return replace(state, current=back, last_sample=now), []


def _done(state: CoachState, event: Event, now: datetime, rules: CoachRules) -> Result:
    return _end_bout(state, now, "prompted", now)


def _postpone(state: CoachState, event: Event, now: datetime, rules: CoachRules) -> Result:
    s = rules.settings
    if state.postpones >= s.max_postpones:
        raise IllegalEvent(f"already postponed {s.max_postpones} times in a row; the break is due now")
    snooze = now + timedelta(minutes=s.postpone_minutes)
    return (
        replace(
            state,
            current=Snoozed(snooze),
            postpones=state.postpones + 1,
            declines=(*state.declines, now),
        ),
        [PromptAnswered(now, "postponed"), ClosePrompt(now)],
    )


def _skip(state: CoachState, event: Event, now: datetime, rules: CoachRules) -> Result:
    effects: list[Effect] = [PromptAnswered(now, "skipped")]
    if state.phase == Phase.PROMPTED:
        effects.append(ClosePrompt(now))
    skipped = replace(
        state,
        current=Sitting(),
        since_break=0.0,
        postpones=0,
        declines=(*state.declines, now),
    )
    return skipped, effects


def _quiet(state: CoachState, event: Event, now: datetime, rules: CoachRules) -> Result:
    if isinstance(event, QuietUntilResumed):
        quiet = replace(state, quiet=QuietTillResumed())
    else:
        assert isinstance(event, QuietUntil)
        quiet = replace(state, quiet=None if event.until is None else QuietFor(event.until))
    if state.phase == Phase.PROMPTED and not prompts_allowed(quiet, now, rules.settings):
        return replace(quiet, current=Sitting()), [ClosePrompt(now)]
    return quiet, []


def _ignore(state: CoachState, event: Event, now: datetime, rules: CoachRules) -> Result:
    return state, []


_AWAKE = (Phase.AWAY, Phase.SITTING, Phase.PROMPTED, Phase.SNOOZED)


@dataclass(frozen=True)
class Transition:
    """What an event does in a phase: the handler, and every phase it can lead to."""

    handler: Handler
    to: frozenset[Phase]


def _to(handler: Handler, *phases: Phase) -> Transition:
    return Transition(handler, frozenset(phases))


AWAY, SITTING, PROMPTED, SNOOZED, LOCKED = (
    Phase.AWAY,
    Phase.SITTING,
    Phase.PROMPTED,
    Phase.SNOOZED,
    Phase.LOCKED,
)
_QUIET_EVENTS = (QuietUntil, QuietUntilResumed)

# (phase, event type) -> the handler and the phases it may lead to, so the machine can be
# drawn and checked (tests/core/test_coach.py walks it). Anything not listed is illegal.
TRANSITIONS: dict[tuple[Phase, type], Transition] = {
    # input starts a bout; a long idle spell is a natural break
    (AWAY, Sample): _to(_sample, AWAY, SITTING),
    (SITTING, Sample): _to(_sample, SITTING, PROMPTED, AWAY),  # a prompt falls due, or a break
    (PROMPTED, Sample): _to(_sample, PROMPTED, SITTING, AWAY),  # quiet hours close the prompt
    (SNOOZED, Sample): _to(_sample, SNOOZED, PROMPTED, AWAY),  # the snooze ends
    (LOCKED, Sample): _to(_ignore, LOCKED),  # idle time while locked is judged on unlocking
    **{(phase, kind): _to(_lock, LOCKED) for phase in _AWAKE for kind in (Lock, Suspend)},
    # back soon: where it was; away a natural break or longer: the bout is over
    **{(LOCKED, kind): _to(_unlock, AWAY, SITTING, PROMPTED, SNOOZED) for kind in (Unlock, Resume)},
    (PROMPTED, Done): _to(_done, AWAY),
    (SNOOZED, Done): _to(_done, AWAY),
    (PROMPTED, Postpone): _to(_postpone, SNOOZED),
    (PROMPTED, Skip): _to(_skip, SITTING),
    (SNOOZED, Skip): _to(_skip, SITTING),
    # quiet time leaves the phase alone, but closes a prompt that is showing
    **{(phase, kind): _to(_quiet, phase) for phase in Phase for kind in _QUIET_EVENTS},
    (PROMPTED, QuietUntil): _to(_quiet, PROMPTED, SITTING),  # a pause closes it; an end keeps it
    (PROMPTED, QuietUntilResumed): _to(_quiet, SITTING),
}


def step(state: CoachState, event: Event, now: datetime, rules: CoachRules) -> Result:
    """The next state and the effects of `event` at `now`; raises `IllegalEvent` if not allowed."""
    transition = TRANSITIONS.get((state.phase, type(event)))
    if transition is None:
        raise IllegalEvent(f"{type(event).__name__} is not possible while {state.phase.value}")
    if state.last_sample is not None and now < state.last_sample:
        raise IllegalEvent("time went backwards")
    after, effects = transition.handler(state, event, now, rules)
    if after.phase not in transition.to:  # the table is the machine: a handler may not leave it
        raise AssertionError(
            f"{type(event).__name__} led from {state.phase} to {after.phase}, not in the table"
        )
    return after, effects


def next_check(
    state: CoachState, now: datetime, rules: CoachRules, *, poll_seconds: float = 30.0
) -> datetime:
    """When to sample next: no sooner than something can change, no later than `poll_seconds`.

    Idle spells shorter than a natural break cannot be seen between samples anyway; when the
    person is idle, the next sample lands just as the idle spell becomes a natural break, and
    while sitting, just as the next prompt falls due.
    """
    s = rules.settings
    candidates = [now + timedelta(seconds=poll_seconds)]
    if state.phase == Phase.SITTING:
        candidates.append(now + timedelta(seconds=max(1.0, s.interval_minutes * 60 - state.since_break)))
    if isinstance(state.current, Snoozed):
        candidates.append(max(now + timedelta(seconds=1), state.current.until))
    if state.last_input is not None and state.phase in _SITTING_PHASES:
        becomes_break = state.last_input + timedelta(seconds=s.natural_break_seconds)
        if becomes_break > now:
            candidates.append(becomes_break)
    return min(candidates)


def simulate(
    rules: CoachRules, timeline: Sequence[tuple[datetime, Event]]
) -> tuple[CoachState, list[Effect]]:
    """Run a recorded timeline through the machine; illegal answers (say, a stale click) are ignored."""
    state, effects = CoachState(), []
    for moment, event in timeline:
        try:
            state, produced = step(state, event, moment, rules)
        except IllegalEvent:
            continue
        effects += produced
    return state, effects


# --- a sitting bout kept while it goes on, so a coach that is killed can carry on with it ------------


@dataclass(frozen=True)
class Checkpoint:
    """What the coach keeps of the bout in progress (the shell saves it every minute or so)."""

    bout_start: datetime
    saved_at: datetime  # the last sample: the bout ends here if the coach never comes back in time
    bout_active: float
    since_break: float
    prompts_shown: int = 0


def checkpoint_of(state: CoachState) -> Checkpoint | None:
    """The bout in progress as it would be kept now; None when there is none."""
    if state.bout_start is None or state.last_sample is None:
        return None
    return Checkpoint(
        state.bout_start, state.last_sample, state.bout_active, state.since_break, state.prompts_shown
    )


def resumed(saved: Checkpoint, now: datetime, rules: CoachRules) -> CoachState | None:
    """The state to carry on from when a coach starts at `now` and finds `saved`.

    Gone for less than a natural break (a restart, a crash and its service manager), the
    person may well have sat on: the bout goes on, sitting, as it was at its last save (a
    prompt that was showing comes back when due). Gone longer, or a save from the future,
    None: the bout ended at its last save, which is already kept, and nothing is made up.
    """
    gone = (now - saved.saved_at).total_seconds()
    if not 0 <= gone < rules.settings.natural_break_seconds:
        return None
    return CoachState(
        current=Sitting(),
        last_sample=saved.saved_at,
        last_input=saved.saved_at,
        bout_start=saved.bout_start,
        bout_active=saved.bout_active,
        since_break=saved.since_break,
        prompts_shown=saved.prompts_shown,
    )
