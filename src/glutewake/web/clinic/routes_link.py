"""What a patient's own computer may do, by the token the patient made for it: check the link,
and share the coach's daily sitting statistics. Nothing else."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from glutewake.app.clinic import linking
from glutewake.app.refusals import InputError
from glutewake.codec import ShapeError, load
from glutewake.core.sitting import SharedDay
from glutewake.identity import Who
from glutewake.web.deps import Ctx, Today

__all__ = ["router"]

router = APIRouter(prefix="/api/clinic", tags=["linked computer"])


@router.get("/link", summary="Which clinic and patient this computer's token is for")
def link(request: Request) -> dict[str, str]:
    who: Who = request.state.who
    return {"clinic": request.app.state.clinic.store.clinic_name(who.clinic_id), "patient": who.name}


@router.post(
    "/sitting",
    summary="Share days of sitting statistics from the coach (a day sent again replaces its figures)",
    responses={422: {"description": "Not a list of days with their statistics"}},
)
def share_sitting(ctx: Ctx, today: Today, body: dict[str, Any]) -> dict[str, int]:
    try:
        days = load(tuple[SharedDay, ...], body.get("days"))
        kept = linking.receive_sitting(ctx, list(days), today)
    except ShapeError as error:
        raise HTTPException(422, f"days: {error}") from None
    except InputError as error:
        raise HTTPException(422, str(error)) from None
    return {"kept": kept}
