"""Where the user lives (asked once, before the first check): the personal app's setting.

A clinic server has one region for everyone it serves (`glutewake clinic serve --region`).
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from glutewake.app.refusals import InputError
from glutewake.app.region import save_region
from glutewake.web.security import require_csrf
from glutewake.web.views import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/region", response_class=HTMLResponse)
def region_page(request: Request) -> Response:
    return render(request, "region.html", {"next": "/", "error": None})


@router.post("/region")
def region_save(
    request: Request,
    region: str = Form(""),
    next_page: str = Form("/", alias="next"),
    csrf_token_field: str = Form("", alias="csrf_token"),
) -> Response:
    require_csrf(request, csrf_token_field)
    target = next_page if next_page in ("/", "/check") else "/"
    try:
        save_region(region)
    except InputError:
        error = "Please choose where you live from the list."
        return render(request, "region.html", {"next": target, "error": error}, status=422)
    return RedirectResponse(target, status_code=303)
