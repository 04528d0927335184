"""The API over the whole store at once: export, import into an empty store, delete everything.

Only on the personal app: on a clinic's server a patient's record is exported and erased by
their clinician or admin, with an audit entry.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from glutewake.app.records import forget
from glutewake.app.refusals import InputError
from glutewake.web.deps import Ctx
from glutewake.web.routes_api import BAD_BODY
from glutewake.web.views import sentence

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/data", summary="Every record, as one versioned export (what `glutewake export` writes)")
def get_data(
    request: Request,
    ctx: Ctx,
) -> dict[str, Any]:
    from glutewake.app.transfer import export_data

    return export_data(ctx)


@router.post(
    "/data",
    summary="Import an export into an empty store, all or nothing",
    responses={**BAD_BODY, 422: {"description": "Not an export, or the store is not empty"}},
)
def post_data(request: Request, ctx: Ctx, body: dict[str, Any]) -> dict[str, dict[str, int]]:
    from glutewake.app.transfer import import_data

    try:
        return {"imported": import_data(ctx, body)}
    except InputError as error:
        raise HTTPException(422, sentence(str(error))) from None


@router.delete("/data", summary="Delete every record (config and settings stay)")
def delete_data(
    request: Request,
    ctx: Ctx,
    confirm: Annotated[Literal["yes"], Query(description="Must be yes: nothing can bring the records back")],
) -> dict[str, bool]:
    forget(ctx)
    return {"deleted": True}
