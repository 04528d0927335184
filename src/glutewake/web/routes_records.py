"""The plan page, with its calendar file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from glutewake.app.refusals import InputError
from glutewake.app.region import knowledge
from glutewake.knowledge.vocabulary import EQUIPMENT, WEEKDAYS
from glutewake.web.deps import AppClock, Ctx, Today
from glutewake.web.security import require_csrf
from glutewake.web.views import render, sentence

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/plan", response_class=HTMLResponse)
def planrender(
    request: Request,
    ctx: Ctx,
    today: Today,
) -> Response:
    from glutewake.app.calendar import plan_weeks
    from glutewake.app.checks import has_saved_check
    from glutewake.app.clearance import current_clearance
    from glutewake.app.clinic.care import agenda
    from glutewake.app.plan_state import snapshot
    from glutewake.app.plans import check_allows_more, plan_profile
    from glutewake.app.sessions import next_session

    state = snapshot(ctx)  # read once: the plan, what may be done now and what is next
    active = state.active
    profile = plan_profile(ctx)
    cleared = current_clearance(ctx, state)
    context = {
        "plan": active.plan if active else None,
        "weeks": plan_weeks(ctx, active.plan, today) if active else [],
        "clearance": None if cleared.may_exercise else cleared,
        "allows_more": check_allows_more(ctx, cleared, state),
        "next": next_session(ctx, today, state=state, cleared=cleared) if active else None,
        "phases": {p.id: p for p in knowledge().programme.phases},
        "profile": profile,
        "has_check": has_saved_check(ctx),
        "today": today,
        "agenda": agenda(ctx, request.app.state.clock.now()),
    }
    return render(request, "plan.html", context)


@router.post("/plan")
def plan_build(
    request: Request,
    ctx: Ctx,
    today: Today,
    csrf_token: str = Form(""),
    equipment: str = Form("none"),
    minutes: int = Form(20),
    days: Annotated[list[str] | None, Form()] = None,
) -> Response:
    from glutewake.app.plans import PlanChoices, new_plan
    from glutewake.app.refusals import NotCleared, NoTriage

    require_csrf(request, csrf_token)
    if equipment not in EQUIPMENT or not set(days or ()) <= set(WEEKDAYS):
        raise HTTPException(422, "Please choose your kit, 10 to 60 minutes, and weekdays from the list.")
    chosen = tuple(WEEKDAYS.index(d) for d in days or ()) or "every_other_day"
    try:
        new_plan(
            ctx,
            PlanChoices(equipment, minutes, chosen),  # type: ignore[arg-type]  # checked above
            today,
        )
    except InputError as error:
        raise HTTPException(422, sentence(str(error))) from error
    except NoTriage as error:
        raise HTTPException(409, "Please do the symptom check and save its result first.") from error
    except NotCleared as error:
        raise HTTPException(409, error.clearance.reason + " No new plan until then.") from error
    return RedirectResponse("/plan", status_code=303)


@router.get("/plan.ics")
def plan_calendar(
    request: Request,
    ctx: Ctx,
    clock: AppClock,
) -> Response:
    from glutewake.app.clearance import current_clearance
    from glutewake.app.plan_state import snapshot
    from glutewake.app.plans import plan_ics
    from glutewake.web.routes_session import not_cleared_words

    state = snapshot(ctx)
    active = state.active
    if active is None or not active.plan.sessions:
        raise HTTPException(404, "There is no plan with sessions to put in a calendar yet.")
    cleared = current_clearance(ctx, state)
    if not cleared.may_exercise:  # a calendar of sessions is an offer of them
        raise HTTPException(409, not_cleared_words(cleared))
    return Response(
        plan_ics(active.plan, clock.now()),
        media_type="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="glutewake-plan.ics"'},
    )
