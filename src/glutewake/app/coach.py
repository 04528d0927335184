"""The coach in the shell: settings, desk moves, prompt wording, and replaying a recorded day."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Literal

from glutewake.app.region import knowledge
from glutewake.core.coach import (
    BoutEnded,
    BreakTaken,
    CoachRules,
    CoachState,
    Done,
    Effect,
    Event,
    Lock,
    Postpone,
    PromptAnswered,
    Resume,
    Sample,
    Settings,
    ShowPrompt,
    Skip,
    Suspend,
    Unlock,
    settings_from,
    simulate,
)
from glutewake.core.errors import FieldErrors
from glutewake.core.sitting import SharedDay, SittingStats, sitting_stats

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.core.clearance import Clearance

__all__ = [
    "GLUTE_BREAK",
    "Replay",
    "break_prompt",
    "coach_rules",
    "coach_settings",
    "day_bounds",
    "keep_bout",
    "open_bout",
    "parse_timeline",
    "prompt_text",
    "replay",
    "save_coach_settings",
    "stats_between",
    "stats_of",
]

_NAMED_EVENTS: dict[str, Event] = {
    "lock": Lock(), "unlock": Unlock(), "suspend": Suspend(), "resume": Resume(),
    "done": Done(), "postpone": Postpone(), "skip": Skip(),
}  # fmt: skip


def coach_settings() -> Settings:
    """The [coach] settings from config.toml (defaults where unset); raises on bad values."""
    from glutewake.config import read_section

    return settings_from(read_section("coach"))


def save_coach_settings(changes: Mapping[str, object]) -> Settings:
    """Change some settings and keep them all in config.toml, written the one way settings are
    written (a bad value already in the file is replaced by its default); raises `FieldErrors`
    naming each bad new value, and then nothing is written."""
    from glutewake.config import write_section
    from glutewake.core.coach import settings_to_config

    try:
        current = coach_settings()
    except FieldErrors:
        current = Settings()
    settings = settings_from({**settings_to_config(current), **changes})
    write_section("coach", settings_to_config(settings))
    return settings


def coach_rules(settings: Settings) -> CoachRules:
    moves = [e for e in knowledge().exercises.values() if e.kind == "desk_move"]
    return CoachRules(
        settings,
        seated_moves=tuple(e.id for e in moves if e.position == "seated"),
        standing_moves=tuple(e.id for e in moves if e.position == "standing"),
    )


GLUTE_BREAK = "Time for a glute break"


def break_prompt(prompt: ShowPrompt, cleared: Clearance | None) -> tuple[str, str]:
    """The prompt's title and words as what the person may do now allows: a desk move when
    exercise is allowed (every desk move is gentle), otherwise only standing up and moving
    about, with the reason and, when help is needed, what to do."""
    if cleared is None or cleared.allows(knowledge().exercises[prompt.exercise_id]):
        return GLUTE_BREAK, prompt_text(prompt)
    minutes = round(prompt.sitting_seconds / 60)
    if cleared.seek_help:
        return (
            cleared.title,
            f"{cleared.actions[0] if cleared.actions else cleared.reason} No glute exercises.",
        )
    why = (
        "Do the symptom check to add glute moves to your breaks."
        if cleared.source == "no_check"
        else f"No glute exercises for now: {cleared.reason[:1].lower()}{cleared.reason[1:]}"
    )
    return (
        "Time to stand up",
        f"Stand up and walk about for a minute. {why} You have been sitting for {minutes} minutes.",
    )


def prompt_text(prompt: ShowPrompt) -> str:
    """What to do, for how long, and how long you have sat: the words of a break prompt."""
    exercise = knowledge().exercises[prompt.exercise_id]
    dose = exercise.dose
    amount = f"for {dose.hold_seconds} seconds" if dose.hold_seconds else f"{dose.reps} times"
    times = f", {dose.sets} times" if dose.sets > 1 else ""
    sides = ", each side" if dose.per_side else ""
    minutes = round(prompt.sitting_seconds / 60)
    return f"{exercise.prompt} {amount}{times}{sides}. You have been sitting for {minutes} minutes."


def parse_timeline(lines: Iterable[str]) -> list[tuple[datetime, Event]]:
    """JSON lines of samples ({"t", "idle_seconds"}) and events ({"t", "event"}), in time order."""
    timeline: list[tuple[datetime, Event]] = []
    problems: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            record: Any = json.loads(line)
            moment = datetime.fromisoformat(record["t"])
        except (json.JSONDecodeError, TypeError, KeyError, ValueError):
            problems.append((where, 'needs a JSON object with "t" (a time such as 2026-11-23T09:00:00)'))
            continue
        moment = moment if moment.tzinfo else moment.astimezone()
        if timeline and moment < timeline[-1][0]:
            problems.append((where, "is earlier than the line before; lines must be in time order"))
        elif (
            "idle_seconds" in record
            and isinstance(record["idle_seconds"], int | float)
            and record["idle_seconds"] >= 0
        ):
            timeline.append(
                (moment, Sample(float(record["idle_seconds"]), bool(record.get("fullscreen", False))))
            )
        elif record.get("event") in _NAMED_EVENTS:
            timeline.append((moment, _NAMED_EVENTS[record["event"]]))
        else:
            problems.append(
                (where, f'needs "idle_seconds" (0 or more) or "event" (one of {", ".join(_NAMED_EVENTS)})')
            )
        if len(problems) >= 10:
            break
    if problems:
        raise FieldErrors(problems)
    return timeline


def open_bout(state: CoachState) -> BoutEnded | None:
    """The bout still going on, closed at the last sample (for a day's figures)."""
    if state.bout_start is None or state.last_sample is None:
        return None
    return BoutEnded(state.bout_start, state.last_sample, state.bout_active)


def stats_of(effects: Sequence[Effect], state: CoachState | None = None) -> SittingStats:
    bouts = [e for e in effects if isinstance(e, BoutEnded)]
    ongoing = open_bout(state) if state is not None else None
    return sitting_stats(
        [*bouts, *([ongoing] if ongoing else [])],
        [e for e in effects if isinstance(e, BreakTaken)],
        [e for e in effects if isinstance(e, PromptAnswered)],
        sum(isinstance(e, ShowPrompt) for e in effects),
    )


@dataclass(frozen=True)
class PromptShown:
    at: datetime
    exercise_id: str
    text: str


@dataclass(frozen=True)
class Replay:
    prompts: tuple[PromptShown, ...]
    stats: SittingStats


def replay(timeline: Sequence[tuple[datetime, Event]], rules: CoachRules) -> Replay:
    """Run a recorded day through the same core as the live coach, without waiting."""
    state, effects = simulate(rules, timeline)
    prompts = tuple(
        PromptShown(e.at, e.exercise_id, prompt_text(e)) for e in effects if isinstance(e, ShowPrompt)
    )
    return Replay(prompts, stats_of(effects, state))


_BREAK_KINDS: dict[str, Literal["natural", "prompted"]] = {
    "natural_break": "natural",
    "prompted_break": "prompted",
}
_ANSWER_KINDS: dict[str, Literal["done", "postponed", "skipped"]] = {
    "done": "done",
    "postponed": "postponed",
    "skipped": "skipped",
}


def record_effects(ctx: Context, effects: Iterable[Effect]) -> None:
    """Keep what the coach did: bouts, prompts, answers and breaks (prompt showing is the shell's)."""
    for effect in effects:
        if isinstance(effect, BoutEnded):
            ctx.records.add_bout(effect.start, effect.end, effect.active_seconds)
        elif isinstance(effect, ShowPrompt):
            ctx.records.add_coach_event(effect.at, "prompt", effect.exercise_id)
        elif isinstance(effect, PromptAnswered):
            ctx.records.add_coach_event(effect.at, effect.answer)
        elif isinstance(effect, BreakTaken):
            ctx.records.add_coach_event(effect.at, f"{effect.kind}_break")


def keep_bout(ctx: Context, bout: BoutEnded, bout_id: int | None = None) -> int:
    """Keep a bout, ended or still going on (then it ends at its last sample for now); the row
    `bout_id` names is kept again rather than a new one. The row's id, for the next save."""
    return ctx.records.save_bout(bout.start, bout.end, bout.active_seconds, bout_id)


def day_bounds(first: date, zone: tzinfo | None, days: int = 1) -> tuple[datetime, datetime]:
    """The moments from the start of `first` to the start of the day `days` later, in `zone`:
    what "today" and "this week" mean to `glutewake stats` and the coach's status alike."""
    return datetime.combine(first, time(), zone), datetime.combine(first + timedelta(days=days), time(), zone)


def bouts_between(ctx: Context, start: datetime, end: datetime) -> list[BoutEnded]:
    """The sitting bouts the coach recorded in [start, end), oldest first."""
    return [BoutEnded(s, e, active) for s, e, active in ctx.records.bouts_between(start, end)]


def stats_between(ctx: Context, start: datetime, end: datetime) -> SittingStats:
    """Sitting statistics of what the coach recorded in [start, end)."""
    bouts = bouts_between(ctx, start, end)
    events = ctx.records.coach_events_between(start, end)
    return sitting_stats(
        bouts,
        [BreakTaken(at, _BREAK_KINDS[kind]) for at, kind, _ in events if kind in _BREAK_KINDS],
        [PromptAnswered(at, _ANSWER_KINDS[kind]) for at, kind, _ in events if kind in _ANSWER_KINDS],
        sum(kind == "prompt" for _, kind, _ in events),
    )


def shared_days(ctx: Context, since: date) -> list[SharedDay]:
    """The days of sitting statistics a linked computer shared (on a clinic's server), oldest first."""
    return ctx.records.shared_sitting(since)
