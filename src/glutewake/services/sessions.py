"""Sessions in the shell: which one is due, resuming, logging sets, and feedback."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from glutewake.core.programme import PlanChange, PlannedSession
from glutewake.core.session import Step
from glutewake.services.plans import current_plan
from glutewake.store import SetRecord

if TYPE_CHECKING:
    from glutewake.store import Repository

__all__ = [
    "Due",
    "NotDue",
    "due_session",
    "finish",
    "log_done",
    "record_set",
    "save_feedback",
    "start_or_resume",
]


@dataclass(frozen=True)
class Due:
    planned_session_id: int
    session: PlannedSession


@dataclass(frozen=True)
class NotDue:
    """Why there is no session to do now, and when the next one is, if any."""

    reason: str
    next_day: date | None = None


def due_session(repo: Repository, today: date, *, allow_next: bool = False) -> Due | NotDue:
    """Today's planned session (or the next one with `allow_next`), unless it is already done."""
    active = current_plan(repo)
    if active is None:
        return NotDue("You have no plan yet: run `glutewake plan`.")
    if active.plan.status == "not_started":
        return NotDue("Your last check advises seeing a clinician before exercising.")
    if active.plan.status == "stopped":
        return NotDue("Your plan is paused: " + active.plan.changes[-1].reason + ".")
    for planned in active.plan.sessions:
        if planned.day < today or (planned.day > today and not allow_next):
            continue
        latest = repo.session_for(active.session_ids[planned.day])
        if latest is not None and latest[1] == "completed":
            continue
        if planned.day == today or allow_next:
            return Due(active.session_ids[planned.day], planned)
    upcoming = next((s.day for s in active.plan.sessions if s.day > today), None)
    return NotDue(
        "No session is planned for today." if upcoming else "Your four-week plan is finished.", upcoming
    )


def start_or_resume(repo: Repository, due: Due) -> tuple[int, int]:
    """The session log to write to, and how many sets of it are already done (for resuming)."""
    latest = repo.session_for(due.planned_session_id)
    if latest is not None and latest[1] == "in_progress":
        return latest[0], len(repo.sets_of(latest[0]))
    return repo.start_session(due.planned_session_id, guided=True), 0


def record_set(
    repo: Repository, session_log_id: int, step: Step, *, reps: int | None, seconds: int | None
) -> None:
    assert step.exercise_id is not None  # only "set" steps are recorded
    repo.log_set(
        session_log_id,
        SetRecord(step.exercise_id, step.side, reps, seconds, step.load_kg, step.reps, step.hold_seconds),
    )


def finish(repo: Repository, session_log_id: int, *, completed: bool) -> None:
    repo.finish_session(session_log_id, "completed" if completed else "quit")


def save_feedback(
    repo: Repository, session_log_id: int, rpe: int, pain: int, felt: Sequence[str]
) -> list[PlanChange]:
    """Keep the feedback, adapt the plan to it, and return the changes it caused."""
    before = repo.current_plan()
    repo.save_feedback(session_log_id, rpe, pain, felt)
    after = current_plan(repo)
    if before is None or after is None:
        return []
    return list(after.plan.changes[len(before.plan.changes) :])


def log_done(repo: Repository, today: date, entries: Sequence[SetRecord]) -> int:
    """Record sets done without the guide, as a completed session (today's planned one, if any)."""
    active = current_plan(repo)
    planned_id = active.session_ids.get(today) if active else None
    session_log_id = repo.start_session(planned_id, guided=False)
    for entry in entries:
        repo.log_set(session_log_id, entry)
    repo.finish_session(session_log_id, "completed")
    return session_log_id
