"""The data page: export the whole store, import an export, delete everything (personal app only)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from glutewake.app.records import forget, has_records
from glutewake.app.refusals import InputError
from glutewake.web.deps import AppClock, Ctx
from glutewake.web.routes_signin import signed_in_browsers
from glutewake.web.security import require_csrf
from glutewake.web.views import render
from glutewake.web.who import Owner

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/data", response_class=HTMLResponse)
def datarender(request: Request, ctx: Ctx, who: Owner, done: str = "") -> Response:
    browsers = signed_in_browsers(request, who)
    return render(request, "data.html", {"done": done, "empty": not has_records(ctx), "browsers": browsers})


@router.get("/data/export")
def data_export(
    request: Request,
    ctx: Ctx,
    clock: AppClock,
) -> Response:
    from glutewake.app.transfer import export_data

    body = json.dumps(export_data(ctx), indent=1, ensure_ascii=False)
    name = f"glutewake-export-{clock.now():%Y-%m-%d}.json"
    return Response(
        body, media_type="application/json", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.post("/data/import")
async def data_import(request: Request, ctx: Ctx, file: UploadFile, csrf_token: str = Form("")) -> Response:
    from glutewake.app.refusals import read_json
    from glutewake.app.transfer import import_data

    require_csrf(request, csrf_token)
    try:
        text = (await file.read()).decode("utf-8")
        import_data(ctx, read_json(file.filename or "the file", text))
    except UnicodeDecodeError:
        return render(
            request,
            "data.html",
            {"done": "", "empty": True, "error": "That file is not a glutewake export (not text)."},
            422,
        )
    except InputError as error:
        return render(
            request,
            "data.html",
            {"done": "", "empty": not has_records(ctx), "error": str(error)},
            422,
        )
    return RedirectResponse("/data?done=imported", status_code=303)


@router.post("/data/forget")
def data_forget(request: Request, ctx: Ctx, csrf_token: str = Form(""), confirm: str = Form("")) -> Response:
    require_csrf(request, csrf_token)
    if confirm != "yes":
        return render(
            request,
            "data.html",
            {"done": "", "empty": False, "error": "Tick the box to confirm, then delete."},
            422,
        )
    forget(ctx)
    return RedirectResponse("/data?done=deleted", status_code=303)
