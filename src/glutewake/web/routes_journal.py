"""Pages for the self-tests and the check-in: forms scored by the same core as the CLI."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from glutewake.app.refusals import NotCleared
from glutewake.app.region import knowledge
from glutewake.app.selftests import record_own_selftest, score_selftests, selftests_offered
from glutewake.core.clearance import Clearance
from glutewake.core.numbers import whole_number
from glutewake.core.progress import Checkin, Progress, WeekMean, rescreen_findings
from glutewake.core.selftests import SIDES, summary
from glutewake.web.deps import Ctx, Today
from glutewake.web.forms import selftest_answers
from glutewake.web.security import require_csrf
from glutewake.web.views import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Texts = Annotated[list[str] | None, Form()]


def _selftests_allowed(ctx: Ctx) -> tuple[Clearance | None, set[str]]:
    """What rules some self-tests out now (None when nothing does), and the ids left out."""
    cleared, offered = selftests_offered(ctx)
    return cleared, set(knowledge().selftests) - {t.id for t in offered}


@router.get("/selftests", response_class=HTMLResponse)
def selftests_page(request: Request, ctx: Ctx, then: str = "") -> Response:
    """`then=plan`: part of the first run, on the way from the check to the plan."""
    cleared, left_out = _selftests_allowed(ctx)
    context = {"errors": [], "sides": SIDES, "given": {}, "then": then == "plan"}
    return render(request, "selftests.html", {**context, "clearance": cleared, "left_out": left_out})


@router.post("/selftests", response_class=HTMLResponse)
def selftests_score(
    request: Request,
    ctx: Ctx,
    csrf_token: Annotated[str, Form()] = "",
    left: Annotated[str, Form()] = "",
    right: Annotated[str, Form()] = "",
    left_firm: Annotated[str, Form()] = "yes",
    right_firm: Annotated[str, Form()] = "yes",
    bridge: Texts = None,
    belt: Annotated[str, Form()] = "",
    both: Annotated[str, Form()] = "",
    clench_left: Annotated[str, Form()] = "",
    clench_right: Annotated[str, Form()] = "",
    signs: Texts = None,
    then: Annotated[str, Form()] = "",
) -> Response:
    require_csrf(request, csrf_token)
    on_to_plan = then == "plan"
    cleared, left_out = _selftests_allowed(ctx)
    given = {
        "left": left[:20], "right": right[:20], "left_firm": left_firm, "right_firm": right_firm,
        "bridge": bridge or [], "belt": belt, "both": both, "clench_left": clench_left,
        "clench_right": clench_right, "signs": signs or [],
    }  # fmt: skip
    answers, errors = selftest_answers(given)
    if answers is None and not errors:
        errors = ["Do at least one of the tests, then score them."]
    if errors or answers is None:
        context = {"errors": errors, "sides": SIDES, "given": given, "then": on_to_plan}
        return render(
            request, "selftests.html", {**context, "clearance": cleared, "left_out": left_out}, status=422
        )
    result = score_selftests(answers)
    try:
        record_own_selftest(ctx, result)
    except NotCleared as error:
        words = f"{error.clearance.reason} The standing and bridge tests are left out until then."
        raise HTTPException(409, words) from None
    context = {"lines": summary(result, knowledge()), "result": result, "then": on_to_plan}
    return render(request, "selftest_result.html", context)


@router.get("/checkin", response_class=HTMLResponse)
def checkin_page(
    request: Request,
    ctx: Ctx,
) -> Response:
    from glutewake.app.journal import psfs_activities

    activities = psfs_activities(ctx)
    return render(
        request,
        "checkin.html",
        {
            "activities": activities,
            "rescreen": rescreen_findings(knowledge()),
            "errors": [],
            "given": {},
            "typed": {},
        },
    )


_SAFETY_ANSWERS: dict[str, bool | None] = {"yes": True, "no": False, "unknown": None}
ACTIVITY_NAME_MAX = 80  # as the API takes them
# What the person typed, given back on an error so that nothing is lost.
_TYPED = ("pain", "numbness", *(f"activity_{n}{part}" for n in range(5) for part in ("", "_score")))


@router.post("/checkin", response_class=HTMLResponse)
async def checkin_save(
    request: Request,
    ctx: Ctx,
    today: Today,
) -> Response:
    from glutewake.app.journal import record_checkin

    form = await request.form()
    require_csrf(request, str(form.get("csrf_token", "")))
    kb = knowledge()
    rescreen = rescreen_findings(kb)
    errors = []
    scores: dict[str, int] = {}
    for name in ("pain", "numbness"):
        value = str(form.get(name, ""))
        number = whole_number(value, 0, 10)
        if number is None:
            errors.append(f"Please give {name} as a whole number from 0 to 10.")
        else:
            scores[name] = number
    psfs: dict[str, int] = {}
    for n in range(5):
        name = str(form.get(f"activity_{n}", "")).strip()
        value = str(form.get(f"activity_{n}_score", "")).strip()
        score = whole_number(value, 0, 10)
        if len(name) > ACTIVITY_NAME_MAX:
            errors.append(f"Please keep activity {n + 1}'s name to {ACTIVITY_NAME_MAX} characters.")
        elif name and score is None:
            errors.append(f"Please rate “{name}” from 0 to 10.")
        elif value and not name:
            errors.append(f"Please name activity {n + 1}, the one you scored {value[:3]}.")
        elif name:
            psfs[name] = score  # type: ignore[assignment]  # checked just above
    given = {f: str(form.get(f, "")) for f in rescreen}
    unanswered = [f for f, value in given.items() if value not in _SAFETY_ANSWERS]
    if unanswered:
        errors.append(
            f"Please answer every safety question ({len(unanswered)} still open): yes, no or not sure."
        )
    answers = {f: _SAFETY_ANSWERS.get(value) for f, value in given.items()}
    if not psfs and not any("activity" in e for e in errors):
        errors.append("Please name at least one everyday activity and rate it.")
    if errors:
        typed = {k: str(form.get(k, ""))[: ACTIVITY_NAME_MAX * 2] for k in _TYPED}
        context = {
            "activities": [typed[f"activity_{n}"] for n in range(5)],
            "rescreen": rescreen,
            "errors": errors,
            "given": given,
            "typed": typed,
        }
        return render(request, "checkin.html", context, status=422)
    verdict = record_checkin(ctx, Checkin(today, scores["pain"], scores["numbness"], psfs, answers))
    from glutewake.app.clearance import current_clearance

    cleared = current_clearance(ctx)  # a warning sign now, or a result that already rules exercise out
    shown = None if cleared.may_exercise else cleared
    return render(request, "checkin_result.html", {"verdict": verdict, "clearance": shown})


@router.get("/progress", response_class=HTMLResponse)
def progress_page(
    request: Request,
    ctx: Ctx,
    today: Today,
) -> Response:
    from glutewake.app.journal import progress_report

    return render(request, "progress.html", progress_view(progress_report(ctx, today)))


def progress_view(report: Progress) -> dict[str, Any]:
    """What the progress section shows (the patient's page and their clinician's record): the
    report, its last twelve weeks as rows, and what the charts draw."""
    trends = (report.pain, report.numbness, report.psfs_mean, report.sitting_minutes_per_day)
    weeks = sorted({w.week for trend in trends for w in trend.weekly} | {w.week for w in report.adherence})[
        -12:
    ]

    def by_week(weekly: tuple[WeekMean, ...]) -> dict[date, float]:
        return {w.week: w.mean for w in weekly}

    rows = [
        {
            "week": week,
            "pain": by_week(report.pain.weekly).get(week),
            "numbness": by_week(report.numbness.weekly).get(week),
            "psfs": by_week(report.psfs_mean.weekly).get(week),
            "sitting": by_week(report.sitting_minutes_per_day.weekly).get(week),
            "sessions": next(((w.done, w.planned) for w in report.adherence if w.week == week), None),
        }
        for week in weeks
    ]
    return {"report": report, "rows": rows, "charts": _charts(report, rows)}


# Self-test results from worst to best, as the chart's scale (unknown is left out).
_ACTIVATION = ("not_firm", "very_slow", "slow", "normal")
_ACTIVATION_LABELS = ("not firm", "very slow", "slow", "quick")


def _charts(report: Progress, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the progress charts draw (static/charts.js); the tables on the page show the same."""

    def level(status: str) -> int | None:
        return _ACTIVATION.index(status) if status in _ACTIVATION else None

    return {
        "weeks": [row["week"].strftime("%d %b") for row in rows],
        "pain": [row["pain"] for row in rows],
        "numbness": [row["numbness"] for row in rows],
        "psfs": [row["psfs"] for row in rows],
        "sitting_hours": [None if row["sitting"] is None else round(row["sitting"] / 60, 1) for row in rows],
        "sessions_done": [row["sessions"][0] if row["sessions"] else None for row in rows],
        "sessions_planned": [row["sessions"][1] if row["sessions"] else None for row in rows],
        "selftest_days": [s.day.strftime("%d %b") for s in report.selftests],
        "selftest_left": [level(s.left) for s in report.selftests],
        "selftest_right": [level(s.right) for s in report.selftests],
        "activation_levels": list(_ACTIVATION_LABELS),
    }
