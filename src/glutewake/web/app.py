"""The FastAPI app factory: templates, static files, security headers, error handlers, routes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from glutewake import __version__
from glutewake.core.errors import FieldErrors
from glutewake.services import knowledge
from glutewake.web.security import security_headers

__all__ = ["create_app"]

HERE = Path(__file__).parent


def create_app(
    database_url: str | None = None,
    clock: Any = None,
    *,
    coach: bool = False,
    coach_source: Any = None,
    coach_loop: bool = True,
) -> FastAPI:
    """The app; `database_url` and `clock` are injected (tests pass their own).

    With `coach`, the sitting coach runs inside the app (from `coach_source`, or the best
    activity source found), unless another coach already runs for this user.
    """
    from glutewake.clock import SystemClock

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.coach = None
        app.state.coach_note = "The coach is not running in this window; start it with `glutewake coach`."
        if coach:
            from glutewake.web.coach import run_coach_in_app

            async with run_coach_in_app(app, source=coach_source, start_loop=coach_loop):
                yield
        else:
            yield
        repo = getattr(app.state, "repo", None)
        if repo is not None:
            repo.close()

    app = FastAPI(
        lifespan=lifespan,
        title="glutewake",
        version=__version__,
        description="Wake up glutes switched off by sitting. Informs; does not diagnose.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.database_url = database_url
    app.state.clock = clock or SystemClock()
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.middleware("http")(security_headers)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from glutewake.web import (
        routes_api,
        routes_api_records,
        routes_coach,
        routes_journal,
        routes_pages,
        routes_records,
        routes_session,
    )

    app.include_router(routes_api.router)
    app.include_router(routes_api_records.router)
    app.include_router(routes_pages.router)
    app.include_router(routes_records.router)
    app.include_router(routes_journal.router)
    app.include_router(routes_coach.router)
    app.include_router(routes_session.router)

    @app.exception_handler(FieldErrors)
    async def field_errors(request: Request, error: FieldErrors) -> JSONResponse:
        detail = [
            {"loc": ["body", *field.split(".")], "msg": message, "type": "value_error"}
            for field, message in error.problems
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_errors(request: Request, error: HTTPException) -> Any:
        headers = getattr(error, "headers", None)  # e.g. Allow on a 405, which RFC 9110 requires
        if error.status_code == 405:
            headers = {"Allow": _allowed(app, request.url.path)}
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=headers)
        return app.state.templates.TemplateResponse(
            request,
            "error.html",
            {"status": error.status_code, "message": error.detail, "kb": knowledge()},
            status_code=error.status_code,
            headers=headers,
        )

    return app


def _allowed(app: FastAPI, path: str) -> str:
    """Every method some route serves at `path` (Starlette names only the first route's)."""
    from starlette.routing import Route

    methods: set[str] = set()
    for route in app.routes:
        if isinstance(route, Route) and route.methods and route.path_regex.match(path):
            methods |= route.methods
    return ", ".join(sorted(methods))
