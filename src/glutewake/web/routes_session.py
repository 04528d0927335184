"""The guided session in the browser: the page, and the JSON calls its player makes.

The player (static/player.js) runs the steps from `core.session` with timers in the browser
and saves each set the moment it is done, so leaving the page loses nothing: coming back
offers to go on from the next set. The feedback form at the end adapts the plan.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from glutewake.app.context import Context
from glutewake.app.region import knowledge
from glutewake.app.sessions import NotDue
from glutewake.codec import dump
from glutewake.core.clearance import Clearance
from glutewake.core.figure import rep_seconds
from glutewake.core.session import steps
from glutewake.web.deps import Ctx, Today
from glutewake.web.routes_api import BAD_BODY, WholeNumber, no_booleans
from glutewake.web.security import camera_page, require_csrf
from glutewake.web.views import render, sentence

__all__ = ["router"]

router = APIRouter()

Felt = Literal["glutes", "hamstrings", "lower_back"]
FELT_LABELS: dict[str, str] = {
    "glutes": "Buttocks",
    "hamstrings": "Backs of the thighs",
    "lower_back": "Lower back",
}
# Session ids are 32-bit integers in every store (PostgreSQL's INTEGER).
LogId = Annotated[int, Path(ge=1, le=2_147_483_647)]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "No such session"}}
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "The session cannot take this now (finished, or the plan changed)"}
}


class StepOut(BaseModel):
    kind: Literal["get_ready", "set", "rest"]
    seconds: int
    exercise_id: str | None
    section: Literal["warm_up", "main", "stretches"] | None
    set_number: int
    sets: int
    side: Literal["left", "right"] | None
    reps: int | None
    hold_seconds: int | None
    load_kg: float | None
    tempo: str | None = Field(None, description="The clinician's tempo: seconds up-hold-down, such as 2-1-3")
    note: str | None = Field(None, description="The clinician's note about this exercise")


class ExerciseBrief(BaseModel):
    name: str
    how: str = Field(description="The first step of doing it")
    cue: str
    rep_seconds: int = Field(description="How long one rep takes at the exercise's tempo")
    figure_label: str = Field(description="The exercise's key position in words (its drawing's text)")


class InProgress(BaseModel):
    session_log_id: int
    done_sets: int
    resume_at: int = Field(description="Index of the step to go on from")


class SessionOut(BaseModel):
    due: bool
    reason: str | None = Field(None, description="Why there is no session to do now")
    clearance: Clearance | None = Field(
        None, description="When what the person may do now rules exercise out: why, and what to do instead"
    )
    next_day: date | None = None
    planned_session_id: int | None = None
    day: date | None = None
    phase: str | None = None
    steps: list[StepOut] = []
    exercises: dict[str, ExerciseBrief] = {}
    in_progress: InProgress | None = None
    motion: dict[str, dict[str, Any]] = Field(
        {}, description="The camera coach's motion rules (knowledge/data/motion.yaml) for the exercises in it"
    )


class StartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    planned_session_id: WholeNumber


class FlagIn(BaseModel):
    """A form mistake the camera coach saw: the check's id (from the exercise's motion rules),
    the second into the set, and the rep (from 1; none during a hold)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64, pattern=r"^[a-z_]+$")
    t: Annotated[float, Field(ge=0, le=3600, allow_inf_nan=False, strict=True), BeforeValidator(no_booleans)]
    rep: Annotated[int, Field(ge=1, le=500), BeforeValidator(no_booleans)] | None = None


class CameraIn(BaseModel):
    """What the camera coach saw in a set it counted: its form flags (perhaps none)."""

    model_config = ConfigDict(extra="forbid")
    flags: list[FlagIn] = Field(default=[], max_length=100, description="The form mistakes it saw")


class SetIn(BaseModel):
    """A set done: the index of its step, and the reps or seconds actually done. A set the
    camera coach counted says so and carries its form flags; nothing of the video is sent."""

    model_config = ConfigDict(extra="forbid")
    index: WholeNumber = Field(ge=0)
    reps: Annotated[int, Field(ge=0, le=500), BeforeValidator(no_booleans)] | None = None
    seconds: Annotated[int, Field(ge=0, le=3600), BeforeValidator(no_booleans)] | None = None
    camera: CameraIn | None = Field(None, description="Present when the camera coach counted the set")


class FinishIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    completed: bool


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rpe: WholeNumber = Field(ge=0, le=10, description="Effort, 0 (none) to 10 (as hard as possible)")
    pain: WholeNumber = Field(ge=0, le=10, description="Pain, 0 (none) to 10 (worst imaginable)")
    felt: list[Felt] = Field(default=[], description="Where the work was felt")


@contextlib.contextmanager
def _as_http() -> Iterator[None]:
    """The session service's refusals as HTTP: no such session 404, one that cannot take it 409."""
    from glutewake.app.refusals import NotCleared
    from glutewake.app.sessions import SessionClosed

    try:
        yield
    except LookupError as error:
        raise HTTPException(404, sentence(str(error))) from None
    except SessionClosed as error:
        raise HTTPException(409, sentence(str(error))) from None
    except NotCleared as error:
        raise HTTPException(409, not_cleared_words(error.clearance)) from None


def _in_progress(started: Any) -> InProgress:
    return InProgress(session_log_id=started.session_log_id, done_sets=started.done, resume_at=started.at)


def _session(ctx: Context, allow_next: bool) -> tuple[SessionOut, Any]:
    """The session due now (today's, or with `allow_next` the next one) as the player needs it,
    and the planned session itself (None when none is due)."""
    from glutewake.app.sessions import Due, cut_short, due_session

    due = due_session(ctx, ctx.clock.now().date(), allow_next=allow_next)
    if not isinstance(due, Due):
        return SessionOut(
            due=False, reason=not_due(due), next_day=due.next_day, clearance=due.clearance
        ), None
    kb = ctx.knowledge
    plan_steps = steps(due.session, kb)
    used = {s.exercise_id for s in plan_steps if s.exercise_id}
    earlier = cut_short(ctx, due)
    in_progress = None if earlier is None else _in_progress(earlier)
    out = SessionOut(
        due=True,
        planned_session_id=due.planned_session_id,
        day=due.session.day,
        phase=due.session.phase,
        steps=[StepOut(**asdict(s)) for s in plan_steps],
        exercises={
            e: ExerciseBrief(
                name=kb.exercises[e].name,
                how=kb.exercises[e].steps[0],
                cue=kb.exercises[e].cues[0],
                rep_seconds=round(rep_seconds(kb.exercises[e])),
                figure_label=next(p.label for p in kb.exercises[e].figure.poses if p.key),
            )
            for e in sorted(used)
        },
        in_progress=in_progress,
        motion={e: dump(kb.motion[e]) for e in sorted(used) if e in kb.motion},
    )
    return out, due.session


@router.get("/session", response_class=HTMLResponse, include_in_schema=False)
def session_page(request: Request, ctx: Ctx, today: Today, next: bool = False) -> Response:
    session, planned = _session(ctx, next)
    context = {
        "clearance": session.clearance,  # shown by the page itself
        "session": session,
        "planned": planned,
        "phases": {p.id: p for p in knowledge().programme.phases},
        "felt_labels": FELT_LABELS,
        "today": today,
    }
    response = render(request, "session.html", context)
    response.headers.update(camera_page(request.app.state.headers))
    return response


@router.get("/api/session", tags=["api"], summary="The session due now, as steps for a guided player")
def api_session(ctx: Ctx, next: bool = False) -> SessionOut:
    return _session(ctx, next)[0]


@router.get(
    "/api/clearance",
    tags=["api"],
    summary="What the person may do now: no exercise, gentle only, or the full plan",
)
def api_clearance(ctx: Ctx) -> Clearance:
    """`exercise`: none, gentle or full; `urgency`: how soon to get help (emergency and urgent
    lead every page); `call`: the number to dial now; `resume_by`: what lifts a stop."""
    from glutewake.app.clearance import current_clearance

    return current_clearance(ctx)


@router.post(
    "/api/session/start",
    tags=["api"],
    summary="Start the due session, or go on with it if it was cut short",
    responses=_CONFLICT | BAD_BODY,
)
def api_start(request: Request, ctx: Ctx, today: Today, body: StartIn) -> InProgress:
    from glutewake.app.sessions import Due, due_session, start_or_resume

    due = due_session(ctx, today, allow_next=True)
    if not isinstance(due, Due):
        raise HTTPException(409, not_due(due))
    if due.planned_session_id != body.planned_session_id:
        raise HTTPException(409, "That session is not the one due now; reload the session page.")
    started = start_or_resume(ctx, due)
    return _in_progress(started)


@router.post(
    "/api/session/{session_log_id}/sets",
    tags=["api"],
    summary="Save a set the moment it is done",
    responses=_NOT_FOUND | _CONFLICT | BAD_BODY,
)
def api_set(request: Request, ctx: Ctx, session_log_id: LogId, body: SetIn) -> dict[str, int]:
    from glutewake.app.sessions import CameraFlag, record_step

    camera = None if body.camera is None else [CameraFlag(f.id, f.t, f.rep) for f in body.camera.flags]
    with _as_http():
        done = record_step(
            ctx, session_log_id, body.index, reps=body.reps, seconds=body.seconds, camera=camera
        )
    return {"done_sets": done}


@router.post(
    "/api/session/{session_log_id}/finish",
    tags=["api"],
    summary="End a session: completed, or stopped part-way (it can be taken up again)",
    responses=_NOT_FOUND | _CONFLICT | BAD_BODY,
)
def api_finish(request: Request, ctx: Ctx, session_log_id: LogId, body: FinishIn) -> dict[str, Any]:
    from glutewake.app.sessions import end_session

    with _as_http():
        done = end_session(ctx, session_log_id, completed=body.completed)
    return {"status": "completed" if body.completed else "quit", "done_sets": done}


def _feedback(ctx: Context, session_log_id: LogId, body: FeedbackIn) -> list[str]:
    from glutewake.app.sessions import save_feedback

    with _as_http():
        changes = save_feedback(ctx, session_log_id, body.rpe, body.pain, body.felt)
    return [change.reason for change in changes]


@router.post(
    "/api/session/{session_log_id}/feedback",
    tags=["api"],
    summary="How the session felt; the plan adapts to it",
    responses=_NOT_FOUND | _CONFLICT | BAD_BODY,
)
def api_feedback(ctx: Ctx, session_log_id: LogId, body: FeedbackIn) -> dict[str, list[str]]:
    return {"plan_changes": _feedback(ctx, session_log_id, body)}


@router.post("/session/{session_log_id}/feedback", include_in_schema=False)
def feedback_form(
    request: Request,
    ctx: Ctx,
    session_log_id: LogId,
    csrf_token: Annotated[str, Form()] = "",
    rpe: Annotated[int | None, Form()] = None,
    pain: Annotated[int | None, Form()] = None,
    felt: Annotated[list[str] | None, Form()] = None,
) -> Response:
    require_csrf(request, csrf_token)
    if rpe is None or pain is None or not 0 <= rpe <= 10 or not 0 <= pain <= 10:
        raise HTTPException(422, "Please rate effort and pain, each from 0 to 10.")
    if not set(felt or ()) <= set(FELT_LABELS):
        raise HTTPException(422, "Please choose where you felt the work from the list.")
    body = FeedbackIn.model_validate({"rpe": rpe, "pain": pain, "felt": felt or []})
    changes = _feedback(ctx, session_log_id, body)
    from glutewake.app.clearance import current_clearance
    from glutewake.app.motion import camera_sets
    from glutewake.app.plans import current_plan

    active = current_plan(ctx)
    proposed = [c.reason for c in active.plan.pending] if active else []
    cleared = current_clearance(ctx)
    context = {
        "clearance": None if cleared.may_exercise else cleared,
        "changes": changes,
        "pain": pain,
        "proposed": proposed,
        "camera": camera_sets(ctx, session_log_id),
    }
    return render(request, "session_done.html", context)


_WHAT_TO_DO = {
    "no_plan": "Build it on the My plan page.",
    "paused": "Do the symptom check again to go on.",
    "rebuild": "Build a new plan fitted to it on the My plan page.",
}


def not_cleared_words(cleared: Clearance) -> str:
    """Why exercise is not on offer now and what lifts it, in the web's words."""
    if cleared.source == "no_check":
        return f"{cleared.reason} Start with the symptom check."
    if cleared.resume_by == "clinician":
        return f"{cleared.reason} No exercise until your clinician says you can go on."
    if cleared.source == "check":
        return (
            f"{cleared.reason} No exercise until a clinician has seen you; then do the symptom check again."
        )
    return f"{cleared.reason} No exercise until you do the symptom check again."


def not_due(due: NotDue) -> str:
    """Why there is no session now, and what to do in the web (never a terminal command)."""
    if due.clearance is not None:
        return not_cleared_words(due.clearance)
    return " ".join((due.sentence, *((_WHAT_TO_DO[due.why],) if due.why in _WHAT_TO_DO else ())))
