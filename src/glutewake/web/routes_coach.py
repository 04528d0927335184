"""The coach page: live status, today's sitting, the break prompt with its answers, pause."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from glutewake.web.security import require_csrf
from glutewake.web.views import render, repository

__all__ = ["router"]

router = APIRouter()


def _today_bouts(request: Request) -> list[dict[str, Any]]:
    now = request.app.state.clock.now()
    start = datetime.combine(now.date(), time(), now.tzinfo)
    bouts = repository(request).bouts_between(start, start + timedelta(days=1))
    return [
        {"start": s.astimezone(now.tzinfo), "end": e.astimezone(now.tzinfo), "minutes": round(a / 60)}
        for s, e, a in bouts
    ]


@router.get("/coach", response_class=HTMLResponse, include_in_schema=False)
def coach_page(request: Request, note: str = "") -> Response:
    runner = request.app.state.coach
    context = {
        "status": runner.status() if runner else None,
        "line": runner.status_line() if runner else None,
        "prompt": request.app.state.coach_prompt.showing if runner else None,
        "coach_note": request.app.state.coach_note,
        "bouts": _today_bouts(request),
        "note": note,
    }
    return render(request, "coach.html", context)


@router.post("/coach/{action}", include_in_schema=False)
def coach_action(
    request: Request,
    action: str,
    csrf_token: Annotated[str, Form()] = "",
    minutes: Annotated[int, Form()] = 30,
) -> Response:
    require_csrf(request, csrf_token)
    runner = request.app.state.coach
    if runner is None:
        raise HTTPException(409, request.app.state.coach_note)
    note = ""
    if action in ("done", "postpone", "skip"):
        note = runner.answer(action) or ""
    elif action == "pause" and 1 <= minutes <= 24 * 60:
        runner.pause(minutes * 60)
    elif action == "resume":
        runner.resume()
    else:
        raise HTTPException(404, "There is no such coach action.")
    return RedirectResponse("/coach" + (f"?note={quote(note)}" if note else ""), status_code=303)


@router.get(
    "/api/coach",
    summary="What the coach inside this app sees",
    responses={409: {"description": "No coach in this app"}},
)
def coach_status(request: Request) -> dict[str, Any]:
    runner = request.app.state.coach
    if runner is None:
        raise HTTPException(409, request.app.state.coach_note)
    prompt = request.app.state.coach_prompt.showing
    return {
        **runner.status(),
        "prompt": None if prompt is None else {"text": prompt[0], "can_postpone": prompt[1]},
    }
