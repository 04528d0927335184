"""The JSON API over the user's records: what the pages store, for other programs.

Self-tests, the plan, check-ins, history, and export, import and delete. Bodies are checked
against schemas built from the knowledge base, so the OpenAPI schema says exactly what is
accepted; the same use cases as the pages and the CLI do the work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from glutewake.app.records import HistoryEntry, history
from glutewake.app.region import knowledge
from glutewake.codec import dump
from glutewake.core.programme import Plan
from glutewake.core.progress import Checkin, rescreen_findings
from glutewake.core.selftests import BELT_LINES, WHERE_FELT, SelfTestResult
from glutewake.knowledge.vocabulary import SESSION_MINUTES, WEEKDAYS, Equipment, Weekday
from glutewake.web.deps import Ctx, Today
from glutewake.web.routes_api import BAD_BODY, WholeNumber, no_booleans
from glutewake.web.views import sentence

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])

_CONFLICT: dict[int | str, dict[str, Any]] = {409: {"description": "The records do not allow it now"}}
Score = Annotated[int, Field(ge=0, le=10), BeforeValidator(no_booleans)]
Seconds = Annotated[float, Field(ge=0, le=120), BeforeValidator(no_booleans)]


class SqueezeIn(BaseModel):
    """Seconds until each buttock felt firm; null if it never did; leave a side out if not tested."""

    model_config = ConfigDict(extra="forbid")
    left: Seconds | None = None
    right: Seconds | None = None


class ClenchIn(BaseModel):
    """Could you clench both buttocks, and each one on its own?"""

    model_config = ConfigDict(extra="forbid", strict=True)
    both: bool
    left: bool
    right: bool


def _selftests_model() -> type[BaseModel]:
    signs = tuple(item.id for test in knowledge().selftests.values() for item in test.items)
    model: type[BaseModel] = create_model(
        "SelfTestsIn",
        __config__=ConfigDict(extra="forbid"),
        __doc__="Self-test answers, as `glutewake selftest --answers` takes them; leave out a test not done.",
        squeeze_seconds=(SqueezeIn | None, None),
        bridge_felt=(list[Literal[WHERE_FELT]] | None, None),  # type: ignore[valid-type]
        belt_line=(Literal[BELT_LINES] | None, None),
        clench=(ClenchIn | None, None),
        signs=(list[Literal[signs]] | None, None),  # type: ignore[valid-type]
    )
    return model


def _rescreen_model() -> type[BaseModel]:
    kb = knowledge()
    fields: dict[str, Any] = {
        f: (bool | None, Field(None, description=kb.findings[f].question)) for f in rescreen_findings(kb)
    }
    model: type[BaseModel] = create_model(
        "WarningSigns", __config__=ConfigDict(extra="forbid", strict=True), **fields
    )
    return model


SelfTestsIn = _selftests_model()
WarningSigns = _rescreen_model()
if TYPE_CHECKING:  # mypy sees plain models; pydantic sees the ones built from the knowledge
    SelfTestsModel = BaseModel
    WarningSignsModel = BaseModel
else:
    SelfTestsModel = SelfTestsIn
    WarningSignsModel = WarningSigns


class CheckinIn(BaseModel):
    """A check-in: pain and numbness now, everyday activities (PSFS) and the warning signs."""

    model_config = ConfigDict(extra="forbid")
    pain: Score
    numbness: Score
    psfs: dict[Annotated[str, Field(min_length=1, max_length=80)], Score] = Field(
        min_length=1, max_length=5, description="Up to five activities, each 0 (unable) to 10 (as before)"
    )
    warning_signs: WarningSignsModel = Field(
        default_factory=WarningSigns,
        description="true, false, or null for not sure (a red flag answered not sure is never reassuring); leave out what was not asked",
    )


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    equipment: Equipment = "none"
    minutes: WholeNumber = Field(
        20, ge=SESSION_MINUTES[0], le=SESSION_MINUTES[1], description="Minutes per session"
    )
    days: list[Weekday] | None = Field(None, description="Weekdays to train; none: every other day")


@router.post(
    "/selftests",
    response_model=SelfTestResult,
    summary="Score self-test answers and keep the result",
    responses=_CONFLICT | BAD_BODY,
)
def post_selftests(request: Request, ctx: Ctx, body: SelfTestsModel) -> dict[str, Any]:
    from glutewake.app.refusals import NotCleared
    from glutewake.app.selftests import parse_selftest_answers, record_own_selftest, score_selftests
    from glutewake.web.routes_session import not_cleared_words

    result = score_selftests(parse_selftest_answers(body.model_dump(exclude_unset=True)))
    try:
        record_own_selftest(ctx, result)
    except NotCleared as error:
        raise HTTPException(409, not_cleared_words(error.clearance)) from None
    shown: dict[str, Any] = dump(result)
    return shown


@router.get(
    "/plan",
    response_model=Plan,
    summary="The current plan, adapted to everything since it was made",
    responses={404: {"description": "No plan yet"}},
)
def get_plan(
    request: Request,
    ctx: Ctx,
) -> dict[str, Any]:
    from glutewake.app.plans import current_plan

    active = current_plan(ctx)
    if active is None:
        raise HTTPException(404, "There is no plan yet.")
    result: dict[str, Any] = dump(active.plan)
    return result


@router.post(
    "/plan",
    response_model=Plan,
    summary="Build a new plan from the latest saved check",
    responses=_CONFLICT | BAD_BODY,
)
def post_plan(request: Request, ctx: Ctx, today: Today, body: PlanIn) -> dict[str, Any]:
    from glutewake.app.plans import PlanChoices, new_plan
    from glutewake.app.refusals import NotCleared, NoTriage
    from glutewake.web.routes_session import not_cleared_words

    days: tuple[int, ...] | Literal["every_other_day"] = (
        tuple(WEEKDAYS.index(d) for d in body.days or ()) or "every_other_day"
    )
    try:
        plan = new_plan(
            ctx,
            PlanChoices(body.equipment, body.minutes, days),
            today,
        )
    except NoTriage as error:
        raise HTTPException(409, sentence(str(error))) from None
    except NotCleared as error:
        raise HTTPException(409, not_cleared_words(error.clearance)) from None
    result: dict[str, Any] = dump(plan)
    return result


@router.post(
    "/checkins",
    summary="Keep a check-in; a warning sign or clear worsening pauses the plan",
    responses=BAD_BODY,
)
def post_checkin(request: Request, ctx: Ctx, today: Today, body: CheckinIn) -> dict[str, Any]:
    from glutewake.app.journal import record_checkin

    checkin = Checkin(
        today,
        body.pain,
        body.numbness,
        body.psfs,
        body.warning_signs.model_dump(exclude_unset=True),  # a sign left out was not asked
    )
    verdict = record_checkin(ctx, checkin)
    found = verdict.triage
    return {
        "outcome": verdict.outcome,
        "reasons": list(verdict.reasons),
        "urgency": found.urgency if found else None,
        "title": found.title if found else None,
        "advice": found.advice.now[0] if found else None,
    }


@router.get("/history", response_model=list[HistoryEntry], summary="Past checks and self-tests, newest first")
def get_history(
    request: Request, ctx: Ctx, limit: Annotated[int | None, Query(ge=1, le=10_000)] = None
) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = dump(history(ctx, limit))
    return entries
