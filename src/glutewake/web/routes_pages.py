"""The pages: the start page and the symptom check, one question at a time."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from glutewake.app.checks import answer_screen, next_screen, record_triage, triage_case
from glutewake.app.library import find_exercises
from glutewake.app.region import emergency_signs, knowledge, region_setting
from glutewake.core.clearance import number_to_call
from glutewake.core.numbers import whole_number
from glutewake.core.triage import Case
from glutewake.web.deps import Ctx
from glutewake.web.security import require_csrf
from glutewake.web.state import BadState, decode_case, encode_case
from glutewake.web.views import render, render_soon

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

_UNITS = {"days": 1, "weeks": 7, "months": 30, "years": 365}
_ANSWERS = {"yes": True, "no": False, "unknown": None}


def _seal(request: Request, case: Case) -> str:
    """The case, sealed by the app's key for this caller alone (a clinic patient opens only their own)."""
    return encode_case(case, request.app.state.csrf_key.sealing_key, _holder(request))


def _holder(request: Request) -> str:
    who = request.state.who
    return "" if who is None else f"{who.role} {who.person_id} {who.account_id}"


def _case(request: Request, token: str) -> Case:
    try:
        return decode_case(token, knowledge(), request.app.state.csrf_key.sealing_key, _holder(request))
    except BadState as error:
        raise HTTPException(
            400, "This check's link is damaged or incomplete. Please start the check again."
        ) from error


@router.get("/", response_class=HTMLResponse)
async def start(request: Request) -> Response:
    """The start page; after a result that needs help today or now it leads with what to do
    (base.html's `help_first`); the sessions it links to say themselves when they are paused."""
    kb = knowledge()
    return await render_soon(request, "start.html", {"kb": kb, "emergency_signs": emergency_signs(kb)})


@router.get("/favicon.ico")
async def favicon() -> Response:  # browsers ask for it on their own; it is the app's icon
    from pathlib import Path

    icon = Path(__file__).parent / "static" / "icon.svg"
    return Response(icon.read_bytes(), media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


@router.get("/check", response_class=HTMLResponse)
def check_intro(request: Request) -> Response:
    if region_setting() is None:  # asked once, so that every number shown is the right one
        return render(request, "region.html", {"next": "/check", "error": None})
    return render(request, "check_intro.html", {"errors": {}, "values": {}})


@router.post("/check/begin")
def check_begin(
    request: Request,
    age: str = Form(""),
    sex: str = Form(""),
    duration: str = Form(""),
    unit: str = Form("weeks"),
    csrf_token: str = Form(""),
) -> Response:
    require_csrf(request, csrf_token)
    errors = {}
    years = whole_number(age, 0, 120)
    if years is None:
        errors["age"] = "Please give your age in years, as a whole number from 0 to 120."
    if sex not in ("female", "male", "other"):
        errors["sex"] = "Please choose one of the options."
    amount = whole_number(duration, 0, 36_500)
    if amount is None or unit not in _UNITS or amount * _UNITS[unit] > 36_500:
        errors["duration"] = "Please say how long, as a whole number (for example 3 weeks, up to 100 years)."
    if errors or years is None or amount is None:
        values = {"age": age[:10], "sex": sex, "duration": duration[:10], "unit": unit}
        return render(request, "check_intro.html", {"errors": errors, "values": values}, status=422)
    case = Case(years, sex, amount * _UNITS[unit], {})  # type: ignore[arg-type]  # checked above
    return RedirectResponse(f"/check/q/{_seal(request, case)}", status_code=303)


@router.get("/check/q/{token}", response_class=HTMLResponse)
def check_question(request: Request, token: str) -> Response:
    case = _case(request, token)
    screen = next_screen(case)
    if screen is None:
        return RedirectResponse(f"/check/result/{token}", status_code=303)
    back = None
    if screen.before is not None:
        earlier = {f.id for f in screen.before.findings}
        before = case.with_answers({k: v for k, v in case.answers.items() if k not in earlier}, replace=True)
        back = f"/check/q/{_seal(request, before)}"
    context = {
        "step": screen.step,
        "token": token,
        "number": screen.number,
        "total": screen.about,
        "back": back,
    }
    return render(request, "question.html", context)


@router.post("/check/answer/{token}")
def check_answer(
    request: Request,
    token: str,
    step: str = Form(...),
    yes: Annotated[list[str] | None, Form()] = None,
    answer: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    """One screen's answer, posted (never in an address): `answer` is yes, no or unknown for a
    single question; for a checklist the ticked findings come as `yes` and `answer` says what
    the rest are (no for "none of these" or "that is all", unknown for "not sure")."""
    require_csrf(request, csrf_token)
    case = _case(request, token)
    screen = next_screen(case)
    shown = None if screen is None else screen.step
    if shown is None or shown.id != step or answer not in _ANSWERS:
        raise HTTPException(400, "That answer could not be read. Please answer the question again.")
    if shown.kind == "question":
        answered = case.with_answer(shown.findings[0].id, _ANSWERS[answer])
    else:
        answered = answer_screen(case, shown, yes or (), None if answer == "unknown" else False)
    return RedirectResponse(f"/check/q/{_seal(request, answered)}", status_code=303)


@router.get("/check/result/{token}", response_class=HTMLResponse)
def check_result(request: Request, token: str, saved: int = 0) -> Response:
    kb = knowledge()
    case = _case(request, token)
    result = triage_case(case)

    def label(finding_id: str) -> str:
        finding = kb.findings[finding_id]
        return finding.label_no if case.answers.get(finding_id) is False else finding.label_yes

    causes = [
        {
            "name": kb.conditions[c.id].name,
            "id": c.id,
            "likelihood": c.likelihood,
            "because": [label(f) for f in c.because],
        }
        for c in result.causes[:5]
    ]
    context = {
        "result": result,
        "causes": causes,
        "unsure": bool(result.not_ruled_out),
        "token": token,
        "saved": bool(saved),
        "plan_next": result.exercise != "none",
        "call": number_to_call(result.urgency, kb),
    }
    return render(request, "result.html", context)


@router.post("/check/save")
def check_save(
    request: Request,
    ctx: Ctx,
    token: str = Form(...),
    then: str = Form(""),
    csrf_token_field: str = Form("", alias="csrf_token"),
) -> Response:
    require_csrf(request, csrf_token_field)
    case = _case(request, token)
    record_triage(ctx, case, triage_case(case))
    if then == "plan":  # on to the (optional) self-tests, then the plan
        return RedirectResponse("/selftests?then=plan", status_code=303)
    return RedirectResponse(f"/check/result/{token}?saved=1#saved", status_code=303)


@router.get("/exercises", response_class=HTMLResponse)
def exercises(request: Request, position: str = "", equipment: str = "", level: str = "") -> Response:
    shown = find_exercises(
        position or None, equipment or None, int(level) if level in ("1", "2", "3") else None
    )
    filters = {"position": position, "equipment": equipment, "level": level}
    return render(request, "exercises.html", {"exercises": shown, "filters": filters})


# The figures' colours in the dark scheme: an image cannot read the page's custom properties.
_FIGURE_DARK = (
    "<style>@media (prefers-color-scheme:dark){svg{--figure-body:#6cc6ba;--figure-far:#3d6f68;"
    "--figure-prop:#8a9b97;--figure-floor:#2f4642;--figure-accent:#ffb870}}</style>"
)


@router.get("/figures/{exercise_id}.svg")
def figure(exercise_id: str, size: Literal["thumb", "large"] = "large", still: bool = False) -> Response:
    """An exercise's animated figure (its key position alone with `still`), as an image."""
    from glutewake.core.figure import render as draw

    item = knowledge().exercises.get(exercise_id)
    if item is None:
        raise HTTPException(404, f"There is no exercise called {exercise_id!r} in the library.")
    svg = draw(item, size=size, animate=not still)
    opening = svg.index(">") + 1
    return Response(
        svg[:opening] + _FIGURE_DARK + svg[opening:],
        media_type="image/svg+xml",
        headers={
            # the drawing's own style sheet, nothing else: no scripts, no requests
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "Cache-Control": "max-age=3600",
        },
    )


@router.get("/exercises/{exercise_id}", response_class=HTMLResponse)
def exercise(request: Request, exercise_id: str) -> Response:
    kb = knowledge()
    item = kb.exercises.get(exercise_id)
    if item is None:
        raise HTTPException(404, f"There is no exercise called {exercise_id!r} in the library.")
    return render(request, "exercise.html", {"exercise": item})
