"""The coach page: live status, today's sitting as a timeline, the break prompt and its answers,
do-not-disturb, and the settings.

The routes that change the coach are `async`, so they run on the event loop the coach runs on.
The page polls two small fragments with htmx; each carries a version of what it shows, and the
server answers 204 (nothing to swap) while it is unchanged, so a screen reader hears the prompt
once, not on every poll.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.convertors import StringConvertor, register_url_convertor

from glutewake.app.coach import GLUTE_BREAK, bouts_between
from glutewake.core.errors import FieldErrors
from glutewake.core.numbers import whole_number
from glutewake.knowledge.vocabulary import WEEKDAYS, Weekday
from glutewake.web.deps import context_of
from glutewake.web.routes_api import BAD_BODY
from glutewake.web.security import require_csrf
from glutewake.web.views import render

__all__ = ["router"]

router = APIRouter()

_HH_MM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_NO_COACH: dict[int | str, dict[str, Any]] = {409: {"description": "No coach in this app"}}


def _today_bouts(request: Request) -> list[dict[str, Any]]:
    now = request.app.state.clock.now()
    start = datetime.combine(now.date(), time(), now.tzinfo)
    bouts = bouts_between(context_of(request.app), start, start + timedelta(days=1))
    return [
        {
            "start": b.start.astimezone(now.tzinfo),
            "end": b.end.astimezone(now.tzinfo),
            "minutes": round(b.active_seconds / 60),
        }
        for b in bouts
    ]


def _timeline(bouts: list[dict[str, Any]], settings: Any) -> dict[str, Any]:
    """Bouts placed on the working day (widened to take in any bout outside it), in 0-1000 units."""

    def minute(moment: Any) -> int:
        return int(moment.hour * 60 + moment.minute)

    first = min([minute(settings.work_start)] + [minute(b["start"]) for b in bouts])
    last = max([minute(settings.work_end)] + [minute(b["end"]) + 1 for b in bouts])
    span = max(1, last - first)
    hours = range(-(-first // 60), last // 60 + 1)
    return {
        "bars": [
            {
                "x": round(1000 * (minute(b["start"]) - first) / span, 1),
                "width": max(2.0, round(1000 * (minute(b["end"]) - minute(b["start"])) / span, 1)),
                **b,
            }
            for b in bouts
        ],
        "hours": [{"x": round(1000 * (h * 60 - first) / span, 1), "label": f"{h:02d}"} for h in hours],
    }


def _live(request: Request) -> dict[str, Any]:
    runner = request.app.state.coach
    prompt = request.app.state.coach_prompt.showing if runner else None
    status = runner.status() if runner else None
    return {
        "status": status,
        "line": runner.status_line(status) if runner else None,
        "prompt": prompt,
        "glute_break": GLUTE_BREAK,  # the title of a prompt that offers a desk move
        "coach_note": request.app.state.coach_note,
    }


def _version(*parts: object) -> str:
    return hashlib.blake2s(repr(parts).encode(), digest_size=6).hexdigest()


def _settings_context(
    request: Request, errors: dict[str, str] | None = None, typed: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The settings, and what the form shows: the saved values, or on an error what was typed."""
    runner = request.app.state.coach
    settings = runner.rules.settings if runner else _stored_settings()
    form = typed or {
        "interval_minutes": str(settings.interval_minutes),
        "work_days": [WEEKDAYS[n] for n in settings.work_days],
        "work_start": settings.work_start.strftime("%H:%M"),
        "work_end": settings.work_end.strftime("%H:%M"),
    }
    return {"settings": settings, "weekdays": WEEKDAYS, "setting_errors": errors or {}, "form": form}


def _stored_settings() -> Any:
    """The settings in config.toml; the defaults if it holds bad values (saving replaces them)."""
    from glutewake.app.coach import coach_settings
    from glutewake.core.coach import Settings

    try:
        return coach_settings()
    except FieldErrors:
        return Settings()


def _page(
    request: Request,
    note: str = "",
    errors: dict[str, str] | None = None,
    typed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    live = _live(request)
    settings = _settings_context(request, errors, typed)
    return {
        **live,
        **settings,
        "timeline": _timeline(_today_bouts(request), settings["settings"]),
        "note": note,
        "status_version": _version(live["line"]),
        "prompt_version": _version(live["prompt"]),
    }


@router.get("/coach", response_class=HTMLResponse, include_in_schema=False)
def coach_page(request: Request, note: str = "") -> Response:
    return render(request, "coach.html", _page(request, note))


@router.get("/coach/status", response_class=HTMLResponse, include_in_schema=False)
def coach_status_fragment(request: Request, v: str = "") -> Response:
    """The status line, for htmx polling."""
    return _fragment(request, v, "line", "_coach_status.html", "status_version")


@router.get("/coach/prompt", response_class=HTMLResponse, include_in_schema=False)
def coach_prompt_fragment(request: Request, v: str = "") -> Response:
    """The break prompt (or nothing), for htmx polling."""
    return _fragment(request, v, "prompt", "_coach_prompt.html", "prompt_version")


def _fragment(request: Request, shown: str, part: str, template: str, version_name: str) -> Response:
    """A part of the page; 204 (htmx swaps nothing) while it is the version the page shows."""
    live = _live(request)
    version = _version(live[part])
    if shown == version:
        return Response(status_code=204)
    return render(request, template, {**live, version_name: version})


@router.post("/coach/settings", include_in_schema=False)
async def coach_settings_form(
    request: Request,
    csrf_token: Annotated[str, Form()] = "",
    interval_minutes: Annotated[str, Form()] = "",
    work_days: Annotated[list[str] | None, Form()] = None,
    work_start: Annotated[str, Form()] = "",
    work_end: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, csrf_token)
    changes: dict[str, object] = {
        "interval_minutes": whole_number(interval_minutes, 0, 10_000) or interval_minutes[:20],
        "work_days": ",".join(work_days or []),
        "work_start": work_start,
        "work_end": work_end,
    }
    try:
        _save_settings(request, changes)
    except FieldErrors as error:
        typed = {"interval_minutes": interval_minutes[:20], "work_days": work_days or [],
                 "work_start": work_start[:10], "work_end": work_end[:10]}  # fmt: skip
        return render(
            request, "coach.html", _page(request, errors=dict(error.problems), typed=typed), status=422
        )
    note = "Settings saved." + (
        "" if request.app.state.coach else " A coach running in another window picks them up when restarted."
    )
    return RedirectResponse("/coach?note=" + quote(note), status_code=303)


def _save_settings(request: Request, changes: dict[str, object]) -> Any:
    """Check, keep in config.toml, and hand to the running coach; raises FieldErrors."""
    from glutewake.app.coach import coach_rules, save_coach_settings

    settings = save_coach_settings(changes)
    runner = request.app.state.coach
    if runner is not None:
        runner.change_rules(coach_rules(settings))
    return settings


_ANSWERS = ("done", "postpone", "skip")  # to the break prompt
_ACTIONS = (*_ANSWERS, "pause", "resume")


class _CoachAction(StringConvertor):
    """What `/coach/{action}` takes: the coach's actions (so that no other address,
    `/coach/settings` say, is also this route's)."""

    regex = "|".join(_ACTIONS)


register_url_convertor("coach_action", _CoachAction())


@router.post("/coach/{action:coach_action}", include_in_schema=False)
async def coach_action(
    request: Request,
    action: str,
    csrf_token: Annotated[str, Form()] = "",
    minutes: Annotated[int, Form()] = 30,
) -> Response:
    require_csrf(request, csrf_token)
    note = _act(request, action, minutes * 60 if 1 <= minutes <= 24 * 60 else -1)
    return RedirectResponse("/coach" + (f"?note={quote(note)}" if note else ""), status_code=303)


def _act(request: Request, action: str, seconds: float | None = None) -> str:
    """Answer the prompt (done, postpone, skip), pause (for `seconds`, or until resumed) or resume."""
    runner = request.app.state.coach
    if runner is None:
        raise HTTPException(409, request.app.state.coach_note)
    if action in _ANSWERS:
        return str(runner.answer(action) or "")
    if action == "pause" and (seconds is None or seconds > 0):
        runner.pause(seconds)
    elif action == "pause":
        raise HTTPException(422, "Pause for 1 to 1440 minutes.")
    elif action == "resume":
        runner.resume()
    else:
        raise HTTPException(404, "There is no such coach action.")
    return ""


class CoachSettingsIO(BaseModel):
    """The coach's settings: minutes of sitting before a prompt, and when prompts may show."""

    model_config = ConfigDict(extra="forbid")
    interval_minutes: int = Field(ge=15, le=60)
    work_days: list[Weekday] = Field(description="The days prompts may show", min_length=1)
    work_start: str = Field(description="HH:MM, 24-hour", pattern=_HH_MM, examples=["08:00"])
    work_end: str = Field(description="HH:MM, 24-hour, after work_start", pattern=_HH_MM, examples=["18:00"])


class CoachAction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: str = Field(description=", ".join(_ACTIONS[:-1]) + " or " + _ACTIONS[-1])
    minutes: int | None = Field(None, ge=1, le=1440, description="For pause: how long (none: until resumed)")


def _settings_out(settings: Any) -> CoachSettingsIO:
    return CoachSettingsIO.model_validate(
        {
            "interval_minutes": settings.interval_minutes,
            "work_days": [WEEKDAYS[d] for d in settings.work_days],
            "work_start": settings.work_start.strftime("%H:%M"),
            "work_end": settings.work_end.strftime("%H:%M"),
        }
    )


@router.get("/api/coach", tags=["api"], summary="What the coach inside this app sees", responses=_NO_COACH)
def coach_status(request: Request) -> dict[str, Any]:
    live = _live(request)
    if live["status"] is None:
        raise HTTPException(409, request.app.state.coach_note)
    prompt = live["prompt"]
    return {
        **live["status"],
        "prompt": None
        if prompt is None
        else {"title": prompt[2], "text": prompt[0], "can_postpone": prompt[1]},
    }


@router.post(
    "/api/coach",
    tags=["api"],
    summary="Answer the prompt, pause or resume the coach",
    responses={**_NO_COACH, **BAD_BODY, 404: {"description": "No such action"}},
)
async def coach_command(request: Request, body: CoachAction) -> dict[str, Any]:
    problem = _act(request, body.action, None if body.minutes is None else body.minutes * 60)
    if problem:
        raise HTTPException(409, problem)
    return coach_status(request)


@router.get("/api/coach/settings", tags=["api"], summary="The coach's settings")
def get_coach_settings(request: Request) -> CoachSettingsIO:
    return _settings_out(_settings_context(request)["settings"])


@router.put(
    "/api/coach/settings",
    tags=["api"],
    summary="Change the coach's settings (effective at once)",
    responses=BAD_BODY,
)
async def put_coach_settings(request: Request, body: CoachSettingsIO) -> CoachSettingsIO:
    changes = body.model_dump()
    changes["work_days"] = ",".join(body.work_days)
    return _settings_out(_save_settings(request, changes))
