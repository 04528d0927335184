"""The JSON API under /api/: everything the pages do, for other programs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from glutewake.app.checks import parse_case, triage_case
from glutewake.app.library import find_exercises
from glutewake.app.region import knowledge
from glutewake.codec import dump
from glutewake.core.flow import Step, next_step
from glutewake.core.triage import Case, TriageResult, condition_escalation, open_questions
from glutewake.knowledge.vocabulary import Equipment, Position, Sex
from glutewake.web.deps import Ctx, Today

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])


def _answers_model() -> type[BaseModel]:
    """One optional yes/no/null field per finding in the knowledge base, and no others."""
    fields: dict[str, Any] = {
        finding.id: (bool | None, Field(default=None, description=finding.question))
        for finding in knowledge().findings.values()
    }
    model: type[BaseModel] = create_model(
        "Answers", __config__=ConfigDict(extra="forbid", strict=True), **fields
    )
    return model


Answers = _answers_model()
if TYPE_CHECKING:  # mypy sees a plain model; pydantic sees the one built from the knowledge
    AnswersModel = BaseModel
else:
    AnswersModel = Answers


def no_booleans(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("must be a whole number, not true or false")
    return value


WholeNumber = Annotated[int, BeforeValidator(no_booleans)]
if TYPE_CHECKING:  # mypy sees a string; pydantic sees the ids in regions.yaml
    RegionId = str
else:
    RegionId = Literal[tuple(knowledge().regions)]


class CaseIn(BaseModel):
    """A triage case: who, for how long, and the answers (true, false, or null for "don't know").

    A finding left out is unknown, never "no"."""

    model_config = ConfigDict(extra="forbid")
    age: WholeNumber = Field(ge=0, le=120)
    sex: Sex
    duration_days: WholeNumber = Field(ge=0, le=36_500)
    answers: AnswersModel = Field(default_factory=Answers)
    region: RegionId | None = Field(
        None,
        description="Where the person lives, for the numbers and services named (default: the app's setting)",
    )


@dataclass(frozen=True)
class SavedTriage(TriageResult):
    saved_id: int | None = None
    """The history entry, when saved (?save=true)"""


class QuestionOut(BaseModel):
    id: str
    group: str
    question: str
    explanation: str | None


class ScreenQuestionOut(BaseModel):
    id: str
    question: str
    label: str = Field(description="The short wording a checklist shows")
    explanation: str | None


class ScreenOut(BaseModel):
    kind: Literal["checklist", "question"]
    id: str
    title: str
    safety: bool = Field(description="A red-flag screen")
    questions: list[ScreenQuestionOut]


class NextOut(BaseModel):
    question: QuestionOut | None = Field(description="The first question of the next screen")
    screen: ScreenOut | None = Field(
        description="Every question the next screen asks (a checklist: tick all that apply); null when nothing more is worth asking"
    )
    remaining: int = Field(description="How many questions could still change the result")
    result: TriageResult


class FindingOut(QuestionOut):
    label_yes: str
    label_no: str


class ConditionOut(BaseModel):
    id: str
    name: str
    aliases: list[str]
    summary: str
    typical_findings: list[str]
    what_to_do: list[str]
    build_up: list[str] = Field(
        description="What loads the body further (harder exercise, weights): only once the check allows full exercise"
    )
    self_care: bool = Field(description="Safe to look after on your own when nothing else is wrong")
    when_to_get_help: list[str] = Field(
        description="Including when to get urgent or emergency help, from the triage rules"
    )
    references: list[str]


class ExerciseOut(BaseModel):
    id: str
    name: str
    kind: str
    position: str
    equipment: list[str]
    level: int
    target_muscles: list[str]
    dose: dict[str, Any]
    steps: list[str]
    cues: list[str]
    mistakes: list[str]
    regressions: list[str]
    progressions: list[str]


def _case(body: CaseIn) -> Case:
    raw = body.model_dump(exclude_none=True)
    raw["answers"] = body.answers.model_dump(exclude_unset=True)  # unset stays unknown
    return parse_case(raw)


BAD_BODY: dict[int | str, dict[str, Any]] = {400: {"description": "The body is not JSON"}}


@router.post("/triage", response_model=SavedTriage, summary="Triage a case", responses=BAD_BODY)
def post_triage(
    request: Request,
    ctx: Ctx,
    body: CaseIn,
    save: Annotated[bool, Query(description="Keep the case and result in the history")] = False,
) -> dict[str, Any]:
    """Urgency, likely causes with reasons, advice and safety net. Not a diagnosis."""
    case = _case(body)
    result = triage_case(case)
    saved = None
    if save:
        from glutewake.app.checks import record_triage

        saved = record_triage(ctx, case, result)
    return {**dump(result), "saved_id": saved}


@router.post(
    "/triage/next", response_model=NextOut, summary="The next question worth asking", responses=BAD_BODY
)
def post_triage_next(body: CaseIn) -> dict[str, Any]:
    case = _case(body)
    kb = knowledge(case.region)
    questions = open_questions(case, kb)
    step = next_step(case, kb)
    first = step.findings[0] if step else None
    question = (
        None
        if first is None
        else {
            "id": first.id,
            "group": first.group,
            "question": first.question,
            "explanation": first.explanation,
        }
    )
    return {
        "question": question,
        "screen": None if step is None else _screen(step),
        "remaining": len(questions),
        "result": dump(triage_case(case)),
    }


def _screen(step: Step) -> ScreenOut:
    questions = [
        ScreenQuestionOut(id=f.id, question=f.question, label=f.label_yes, explanation=f.explanation)
        for f in step.findings
    ]
    return ScreenOut(kind=step.kind, id=step.id, title=step.title, safety=step.safety, questions=questions)


@router.get("/findings", response_model=list[FindingOut], summary="The triage questions")
def get_findings() -> list[dict[str, Any]]:
    return [
        {
            "id": f.id,
            "group": f.group,
            "question": f.question,
            "explanation": f.explanation,
            "label_yes": f.label_yes,
            "label_no": f.label_no,
        }
        for f in knowledge().findings.values()
    ]


def _condition(item: Any) -> dict[str, Any]:
    shown = {key: list(value) if isinstance(value, tuple) else value for key, value in vars(item).items()}
    shown["when_to_get_help"] += condition_escalation(item.id, knowledge())
    return shown


@router.get("/conditions", response_model=list[ConditionOut], summary="Conditions the triage can point to")
def get_conditions() -> list[dict[str, Any]]:
    return [_condition(c) for c in knowledge().conditions.values()]


@router.get(
    "/conditions/{condition_id}",
    response_model=ConditionOut,
    responses={404: {"description": "No such condition"}},
)
def get_condition(condition_id: str) -> dict[str, Any]:
    item = knowledge().conditions.get(condition_id)
    if item is None:
        raise HTTPException(404, f"no condition called {condition_id!r}")
    return _condition(item)


def _exercise(item: Any) -> dict[str, Any]:
    return {
        "id": item.id, "name": item.name, "kind": item.kind, "position": item.position, "equipment": list(item.equipment),
        "level": item.level, "target_muscles": list(item.target_muscles), "dose": vars(item.dose).copy(),
        "steps": list(item.steps), "cues": list(item.cues), "mistakes": list(item.mistakes),
        "regressions": list(item.regressions), "progressions": list(item.progressions),
    }  # fmt: skip


@router.get("/exercises", response_model=list[ExerciseOut], summary="The exercise library, filtered")
def get_exercises(
    position: Position | None = None,
    level: int | None = Query(default=None, ge=1, le=3),
    equipment: Equipment | None = None,
) -> list[dict[str, Any]]:
    return [_exercise(e) for e in find_exercises(position, equipment, level)]


@router.get(
    "/exercises/{exercise_id}",
    response_model=ExerciseOut,
    responses={404: {"description": "No such exercise"}},
)
def get_exercise(exercise_id: str) -> dict[str, Any]:
    item = knowledge().exercises.get(exercise_id)
    if item is None:
        raise HTTPException(404, f"no exercise called {exercise_id!r}")
    return _exercise(item)


@router.get("/progress", summary="Trends, adherence, streaks and sitting, as `glutewake progress --json`")
def get_progress(
    request: Request,
    ctx: Ctx,
    today: Today,
) -> dict[str, Any]:
    from glutewake.app.journal import progress_report

    result: dict[str, Any] = dump(progress_report(ctx, today))
    return result


@router.get("/health", summary="Is the app up?")
def health(request: Request) -> dict[str, str]:
    return {"status": "ok"}
