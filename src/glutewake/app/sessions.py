"""Sessions in the shell: which one is due, resuming, logging sets, and feedback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from glutewake.app.plan_state import Snapshot, adapt_plan, current_plan, snapshot
from glutewake.core.clearance import Clearance
from glutewake.core.errors import FieldErrors
from glutewake.core.programme import PlanChange, PlannedSession
from glutewake.core.session import Step, resume_at, steps
from glutewake.store import SetRecord

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.store import ActivePlan, SessionLog

__all__ = [
    "Abandoned",
    "CameraFlag",
    "Due",
    "NotDue",
    "SessionClosed",
    "Started",
    "abandon",
    "beyond_clearance",
    "cut_short",
    "due_session",
    "end_session",
    "finish",
    "log_done",
    "next_session",
    "record_set",
    "record_step",
    "save_feedback",
    "start_or_resume",
]


@dataclass(frozen=True)
class Due:
    """The session to do now. `part_way` when it was begun and left before its end: it goes
    on from where it stopped, whatever day it was planned for."""

    planned_session_id: int
    session: PlannedSession
    part_way: bool = False


NotDueWhy = Literal["not_cleared", "no_plan", "see_clinician", "paused", "rebuild", "none_today", "finished"]


@dataclass(frozen=True)
class NotDue:
    """Why there is no session to do now, and when the next one is.

    `clearance` is what the person may do now when it rules exercise out (`not_cleared`);
    `paused_because` the plan's own reason when it is paused. `sentence` says why in words for
    any medium; each interface adds what to do about it in its own."""

    why: NotDueWhy
    next_day: date | None = None
    paused_because: str | None = None
    clearance: Clearance | None = None

    @property
    def sentence(self) -> str:
        if self.clearance is not None:
            return self.clearance.reason
        return _WHY[self.why].format(because=self.paused_because)


_WHY: dict[NotDueWhy, str] = {
    "no_plan": "You have no plan yet.",
    "see_clinician": "Your last check advises seeing a clinician before exercising.",
    "paused": "Your plan is paused: {because}.",
    "rebuild": "Your latest symptom check allows exercise again, and your plan was paused before it.",
    "none_today": "No session is planned for today.",
    "finished": "Your four-week plan is finished.",
}

# A log's status: begun and not ended (in_progress, or quit to go on later), or ended.
# Abandoned: left part-way for good; it keeps its sets, and is no longer offered to go on with.
_PART_WAY = ("in_progress", "quit")
_ENDED = ("completed", "abandoned")


def due_session(
    ctx: Context,
    today: date,
    *,
    allow_next: bool = False,
    state: Snapshot | None = None,
    cleared: Clearance | None = None,
) -> Due | NotDue:
    """What to do now: a session left part-way (on any day, until it is finished or
    abandoned), else today's planned session, or with `allow_next` the next one, unless
    it is done. A session ended ahead of its day is done: "next" is the one after it.
    Nothing is due while what the person may do now rules exercise out."""
    from glutewake.app.clearance import current_clearance

    state = state or snapshot(ctx)  # `state` and `cleared`: what this request already read
    cleared = cleared or current_clearance(ctx, state)
    if not cleared.may_exercise:
        return NotDue("not_cleared", clearance=cleared)
    active = state.active
    if active is None:
        return NotDue("no_plan")
    if active.plan.status == "not_started":
        return NotDue("see_clinician")
    if active.plan.status == "stopped":
        # a newer check has lifted one's own plan's stop: going on means a plan fitted to it
        return (
            NotDue("rebuild")
            if _newer_than(state)
            else NotDue("paused", paused_because=active.plan.changes[-1].reason)
        )
    latest = _latest_logs(ctx, active)
    part_way = _part_way(active, latest)
    if part_way is not None:
        return part_way
    upcoming = next(
        (
            p
            for p in active.plan.sessions
            if p.day >= today and latest.get(active.session_ids[p.day], (0, ""))[1] not in _ENDED
        ),
        None,
    )
    if upcoming is None:
        return NotDue("finished")
    if upcoming.day == today or allow_next:
        return Due(active.session_ids[upcoming.day], upcoming)
    return NotDue("none_today", upcoming.day)


def _newer_than(state: Snapshot) -> bool:
    from glutewake.app.plan_state import newer_check

    return state.active is not None and newer_check(state.active, state.latest_check) is not None


def _part_way(active: ActivePlan, latest: dict[int, tuple[int, str]]) -> Due | None:
    """The session of this plan begun and left part-way, if one is (the one last begun)."""
    by_id = {active.session_ids[p.day]: p for p in active.plan.sessions if p.day in active.session_ids}
    part_way = [i for i, (_, status) in latest.items() if status in _PART_WAY and i in by_id]
    if not part_way:
        return None
    planned_id = max(part_way, key=lambda i: latest[i][0])
    return Due(planned_id, by_id[planned_id], part_way=True)


def next_session(
    ctx: Context, today: date, *, state: Snapshot | None = None, cleared: Clearance | None = None
) -> Due | None:
    """The session the person does next (as `glutewake session --next` or the web's "next"
    would run it), or None when there is none to do (no plan, paused, finished)."""
    due = due_session(ctx, today, allow_next=True, state=state, cleared=cleared)
    return due if isinstance(due, Due) else None


def _latest_logs(ctx: Context, active: ActivePlan) -> dict[int, tuple[int, str]]:
    """Each planned session of this plan with a log: its latest log's id and status."""
    latest: dict[int, tuple[int, str]] = {}
    for log in ctx.records.session_logs():  # oldest first: the last one wins
        if log.plan_id == active.id and log.planned_session_id is not None:
            latest[log.planned_session_id] = (log.id, log.status)
    return latest


@dataclass(frozen=True)
class Started:
    """A session log to write to: its steps, where to go on from, and how many sets are done."""

    session_log_id: int
    steps: list[Step]
    at: int
    done: int


def cut_short(ctx: Context, due: Due) -> Started | None:
    """The due session's log if it was cut short (left, crashed or quit part-way), and where
    it goes on from; None if it was never started."""
    latest = ctx.records.session_for(due.planned_session_id)
    if latest is None or latest[1] not in _PART_WAY:
        return None
    plan_steps = steps(due.session, ctx.knowledge)
    done = [(s.exercise_id, s.side) for s in ctx.records.sets_of(latest[0])]
    return Started(latest[0], plan_steps, resume_at(plan_steps, done), len(done))


def start_or_resume(ctx: Context, due: Due) -> Started:
    """Start the due session, or go on with one cut short."""
    earlier = cut_short(ctx, due)
    if earlier is not None:
        ctx.records.reopen_session(earlier.session_log_id)  # back in progress if it was quit
        return earlier
    return Started(
        ctx.records.start_session(due.planned_session_id, guided=True),
        steps(due.session, ctx.knowledge),
        0,
        0,
    )


@dataclass(frozen=True)
class CameraFlag:
    """A form mistake the camera coach saw during a set: its check, the second into the set, the rep."""

    id: str
    t: float
    rep: int | None = None


def record_set(
    ctx: Context,
    session_log_id: int,
    step: Step,
    *,
    reps: int | None,
    seconds: int | None,
    camera: Sequence[CameraFlag] | None = None,
    after: int | None = None,
) -> bool:
    """Keep a set done (with `after`, only if the session holds that many sets then: see
    `Repository.log_set`); whether it was kept. `camera` is None for a set timed by the player
    or typed in; for one the camera coach counted, its form flags (perhaps none). Only the
    count, the seconds and the flags are kept: nothing of the video."""
    assert step.exercise_id is not None  # only "set" steps are recorded
    kept = ctx.records.log_set(
        session_log_id,
        SetRecord(
            step.exercise_id, step.side, reps, seconds, step.load_kg, step.reps, step.hold_seconds,
            counted_by=None if camera is None else "camera",
            form_flags=None if camera is None else [{"id": f.id, "t": f.t, "rep": f.rep} for f in camera],
        ),
        after=after,
    )  # fmt: skip
    return kept is not None


def _camera_problems(ctx: Context, step: Step, camera: Sequence[CameraFlag]) -> list[tuple[str, str]]:
    """What is wrong with a camera-counted set's flags: an exercise the coach does not follow, or
    a check that is not one of its own."""
    assert step.exercise_id is not None
    rule = ctx.knowledge.motion.get(step.exercise_id)
    if rule is None:
        return [("camera", f"the camera coach does not follow {step.exercise_id}; send the set without it")]
    known = {check.id for check in rule.checks}
    return [
        (
            "flags",
            f"{flag.id!r} is not a form check of {step.exercise_id} (its checks: {', '.join(sorted(known))})",
        )
        for flag in camera
        if flag.id not in known
    ]


class SessionClosed(Exception):
    """The session log cannot take more: it is finished, or its plan was replaced."""


def _log(ctx: Context, session_log_id: int) -> SessionLog:
    log = ctx.records.session_log(session_log_id)
    if log is None:
        raise LookupError(f"there is no session {session_log_id}")
    return log


def _planned(active: ActivePlan | None, log: SessionLog) -> PlannedSession | None:
    """The planned session a log is of, in the current plan (None once the plan changed)."""
    if active is None or log.planned_session_id is None:
        return None
    day = next((d for d, i in active.session_ids.items() if i == log.planned_session_id), None)
    return next((p for p in active.plan.sessions if p.day == day), None)


def record_step(
    ctx: Context,
    session_log_id: int,
    index: int,
    *,
    reps: int | None,
    seconds: int | None,
    camera: Sequence[CameraFlag] | None = None,
) -> int:
    """Record the set at step `index` of a guided session; the number of sets done after it.
    `camera` as in `record_set`.

    A set already recorded (the same step sent twice) is not recorded again.
    """
    log = _log(ctx, session_log_id)
    state = snapshot(ctx)
    planned = _planned(state.active, log)
    if log.status != "in_progress" or planned is None:
        raise SessionClosed("this session is no longer in progress; open today's session again")
    _require_clearance(ctx, state)
    plan_steps = steps(planned, ctx.knowledge)
    if not 0 <= index < len(plan_steps) or plan_steps[index].kind != "set":
        raise FieldErrors([("index", f"step {index} of this session is not a set")])
    if camera is not None and (problems := _camera_problems(ctx, plan_steps[index], camera)):
        raise FieldErrors(problems)
    done = [(s.exercise_id, s.side) for s in ctx.records.sets_of(session_log_id)]
    if index >= resume_at(plan_steps, done):
        # The step is the write's idempotency key: kept only if no set came in meanwhile (the
        # same set sent twice at once is kept once).
        kept = record_set(
            ctx, session_log_id, plan_steps[index], reps=reps, seconds=seconds, camera=camera, after=len(done)
        )
        return len(done) + 1 if kept else len(ctx.records.sets_of(session_log_id))
    return len(done)


def finish(ctx: Context, session_log_id: int, *, completed: bool) -> int:
    """End a session (done, or stopped); the number of sets it kept."""
    ctx.records.finish_session(session_log_id, "completed" if completed else "quit")
    return len(ctx.records.sets_of(session_log_id))


def abandon(ctx: Context, today: date) -> Abandoned | None:
    """Leave the session begun and left part-way as it is, for good: its sets are kept and
    it is not offered again. None when no session is part-way."""
    active = current_plan(ctx)  # whatever may be done now: leaving a session is no exercise
    due = None if active is None else _part_way(active, _latest_logs(ctx, active))
    if due is None:
        return None
    earlier = cut_short(ctx, due)
    if earlier is None:  # pragma: no cover - part_way means there is a log to go on with
        return None
    ctx.records.finish_session(earlier.session_log_id, "abandoned")
    return Abandoned(due.session, earlier.done)


@dataclass(frozen=True)
class Abandoned:
    session: PlannedSession
    sets_kept: int


def end_session(ctx: Context, session_log_id: int, *, completed: bool) -> int:
    """End a guided session in progress (completed, or stopped to go on later); the sets done."""
    log = _log(ctx, session_log_id)
    if log.status != "in_progress":
        raise SessionClosed(f"this session is already {log.status.replace('_', ' ')}")
    finish(ctx, session_log_id, completed=completed)
    return len(ctx.records.sets_of(session_log_id))


def save_feedback(
    ctx: Context, session_log_id: int, rpe: int, pain: int, felt: Sequence[str]
) -> list[PlanChange]:
    """Keep the feedback on a finished session, adapt the plan to it, and return the changes."""
    log = _log(ctx, session_log_id)
    if log.status != "completed" or log.has_feedback:
        raise SessionClosed(
            "this session already has its feedback" if log.has_feedback else "finish the session first"
        )
    before = ctx.records.current_plan()
    ctx.records.save_feedback(session_log_id, rpe, pain, felt)
    after = adapt_plan(ctx)
    if before is None or after is None:
        return []
    return list(after.plan.changes[len(before.plan.changes) :])


def _require_clearance(ctx: Context, state: Snapshot) -> None:
    """Refuse (`NotCleared`) while what the person may do now rules exercise out."""
    from glutewake.app.clearance import current_clearance
    from glutewake.app.refusals import NotCleared

    cleared = current_clearance(ctx, state)
    if not cleared.may_exercise:
        raise NotCleared(cleared)


def beyond_clearance(ctx: Context, exercise_ids: Sequence[str]) -> Clearance | None:
    """What the person may do now, if it rules out any of these exercises (else None)."""
    from glutewake.app.clearance import current_clearance

    cleared = current_clearance(ctx)
    return None if all(cleared.allows(ctx.knowledge.exercises[e]) for e in exercise_ids) else cleared


def log_done(ctx: Context, today: date, entries: Sequence[SetRecord]) -> int:
    """Record sets done without the guide, as a completed session (today's planned one, if any).
    What was done is always kept; the interfaces first say so when it was beyond what the person
    may do now (`beyond_clearance`)."""
    active = current_plan(ctx)
    planned_id = active.session_ids.get(today) if active else None
    return ctx.records.log_session(planned_id, entries)  # all of it or, after a crash, none
