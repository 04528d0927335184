"""Pages for the self-tests and the check-in: forms scored by the same core as the CLI."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from glutewake.app.region import knowledge
from glutewake.app.selftests import parse_selftest_answers, record_selftest, score_selftests
from glutewake.core.errors import FieldErrors
from glutewake.core.numbers import whole_number
from glutewake.core.progress import Checkin, Progress, WeekMean, rescreen_findings
from glutewake.core.selftests import SIDES, summary
from glutewake.web.deps import Ctx, Today
from glutewake.web.security import require_csrf
from glutewake.web.views import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

Texts = Annotated[list[str] | None, Form()]


@router.get("/selftests", response_class=HTMLResponse)
def selftests_page(request: Request) -> Response:
    return render(request, "selftests.html", {"errors": [], "sides": SIDES})


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
) -> Response:
    require_csrf(request, csrf_token)
    raw: dict[str, object] = {}
    squeeze: dict[str, float | None] = {}
    for side, seconds, firm in (("left", left, left_firm), ("right", right, right_firm)):
        if firm == "no":
            squeeze[side] = None
        elif seconds.strip():
            try:
                squeeze[side] = float(seconds)
            except ValueError:
                squeeze[side] = -1.0  # reported as out of range below
    if squeeze:
        raw["squeeze_seconds"] = squeeze
    if bridge:
        raw["bridge_felt"] = bridge
    if belt:
        raw["belt_line"] = belt
    if both and clench_left and clench_right:
        raw["clench"] = {"both": both == "yes", "left": clench_left == "yes", "right": clench_right == "yes"}
    if signs:
        raw["signs"] = signs
    try:
        answers = parse_selftest_answers(raw)
    except FieldErrors as error:
        errors = [f"{field.replace('_', ' ')}: {message}" for field, message in error.problems]
        return render(request, "selftests.html", {"errors": errors, "sides": SIDES}, status=422)
    result = score_selftests(answers)
    record_selftest(ctx, result)
    return render(request, "selftest_result.html", {"lines": summary(result, knowledge()), "result": result})


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
        {"activities": activities, "rescreen": rescreen_findings(knowledge()), "errors": [], "given": {}},
    )


_SAFETY_ANSWERS: dict[str, bool | None] = {"yes": True, "no": False, "unknown": None}


@router.post("/checkin", response_class=HTMLResponse)
async def checkin_save(
    request: Request,
    ctx: Ctx,
    today: Today,
) -> Response:
    from glutewake.app.journal import psfs_activities, record_checkin

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
        if name and score is None:
            errors.append(f"Please rate “{name[:80]}” from 0 to 10.")
        elif name:
            psfs[name] = score  # type: ignore[assignment]  # checked just above
    given = {f: str(form.get(f, "")) for f in rescreen}
    if any(value not in _SAFETY_ANSWERS for value in given.values()):
        errors.append("Please answer every safety question: yes, no or not sure.")
    answers = {f: _SAFETY_ANSWERS.get(value) for f, value in given.items()}
    if not psfs:
        errors.append("Please name at least one everyday activity and rate it.")
    if errors:
        context = {
            "activities": list(psfs) or psfs_activities(ctx),
            "rescreen": rescreen,
            "errors": errors,
            "given": given,
        }
        return render(request, "checkin.html", context, status=422)
    verdict = record_checkin(ctx, Checkin(today, scores["pain"], scores["numbness"], psfs, answers))
    return render(request, "checkin_result.html", {"verdict": verdict})


@router.get("/progress", response_class=HTMLResponse)
def progress_page(
    request: Request,
    ctx: Ctx,
    today: Today,
) -> Response:
    from glutewake.app.journal import progress_report

    report = progress_report(ctx, today)
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
    return render(request, "progress.html", {"report": report, "rows": rows, "charts": _charts(report, rows)})


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
