"""The FastAPI app factory: templates, static files, security headers, error handlers, routes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException

from glutewake import __version__
from glutewake.app.region import knowledge
from glutewake.core.errors import FieldErrors
from glutewake.identity import OwnerSecret
from glutewake.identity.browser_sessions import SessionBook
from glutewake.knowledge import vocabulary
from glutewake.store.engine import StoreError
from glutewake.web.deps import context_of
from glutewake.web.gate import IMPORT_PATHS, Gate
from glutewake.web.security import HEADERS
from glutewake.web.views import help_first
from glutewake.web.who import NotSignedIn, identify, who_is_asking

__all__ = ["create_app"]

if TYPE_CHECKING:
    from glutewake.clock import Clock
    from glutewake.runtime.activity import ActivitySource

HERE = Path(__file__).parent


def create_app(
    database_url: str | None = None,
    clock: Clock | None = None,
    *,
    coach: bool = False,
    coach_source: ActivitySource | None = None,
    coach_loop: bool = True,
    owner: OwnerSecret | None = None,
    sessions: SessionBook | None = None,
    allowed_hosts: Iterable[str] = (),
) -> FastAPI:
    """The app; `database_url`, `clock`, the `owner`'s secret and the browser `sessions` are
    injected (tests pass their own; by default the data directory's `token` and `sessions.json`).

    With `coach`, the sitting coach runs inside the app (from `coach_source`, or the best
    activity source found), unless another coach already runs for this user. Requests are
    answered only for hosts on the allow-list (this computer's names and `allowed_hosts`).
    """
    from glutewake.clock import SystemClock
    from glutewake.config import home_dir
    from glutewake.identity import load_owner_secret

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.coach = None
        app.state.coach_note = "The sitting coach is not running inside this window of glutewake."
        if coach:
            from glutewake.web.coach import run_coach_in_app

            async with run_coach_in_app(app, source=coach_source, start_loop=coach_loop):
                yield
        else:
            yield
        repo = getattr(app.state, "repo", None)
        if repo is not None:
            repo.close()

    home = home_dir(ensure=True)
    secret = owner or load_owner_secret(home)
    # The browser's own name for the app is always served: its cookies go to no other program.
    app = build_app(lifespan, who_is_asking, clock or SystemClock(), (*allowed_hosts, secret.host_name))
    app.state.owner = secret
    app.state.sessions = sessions or SessionBook.of(home)
    app.state.csrf_key = secret  # forms' anti-forgery tokens are signed with the owner's secret
    app.state.used_signins = set()
    app.state.database_url = database_url
    app.state.context_for = lambda request: context_of(app)
    app.state.help_first_known = lambda request: _help_first_known(app, request)
    app.state.signed_in = lambda headers: _owner_signed_in(app, headers)
    app.state.templates.env.globals["navigation"] = lambda request: _PERSONAL_NAV
    app.state.templates.env.globals["personal_app"] = (
        True  # the coach, the data page and where you live are here
    )

    from glutewake.web import (
        routes_api,
        routes_api_data,
        routes_api_records,
        routes_coach,
        routes_data,
        routes_journal,
        routes_pages,
        routes_records,
        routes_region,
        routes_session,
        routes_signin,
    )

    for module in (  # the pages people open most first: a request is matched in this order
        routes_pages,
        routes_signin,
        routes_api,
        routes_api_records,
        routes_api_data,
        routes_region,
        routes_records,
        routes_data,
        routes_journal,
        routes_coach,
        routes_session,
    ):
        app.include_router(module.router)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, error: NotSignedIn) -> Response:
        headers = {"WWW-Authenticate": 'Bearer realm="glutewake"'}
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            detail = "sign in first: send Authorization: Bearer <token> (the token is in glutewake's data directory)"
            return JSONResponse({"detail": detail}, status_code=401, headers=headers)
        page: Response = app.state.templates.TemplateResponse(
            request, "signin.html", {"kb": knowledge(), "expired": False}, status_code=401, headers=headers
        )
        return page

    return app


# The personal app's menu: (address, label); the clinic's depends on who is signed in.
_PERSONAL_NAV = (
    ("/check", "Symptom check"),
    ("/plan", "My plan"),
    ("/session", "Session"),
    ("/checkin", "Check-in"),
    ("/progress", "Progress"),
    ("/exercises", "Exercises"),
    ("/selftests", "Self-tests"),
    ("/coach", "Coach"),
    ("/data", "My data"),
)


def _owner_signed_in(app: FastAPI, headers: dict[bytes, bytes]) -> bool:
    def header(name: bytes) -> str:
        return headers.get(name, b"").decode("latin-1")

    now = int(app.state.clock.now().timestamp())
    found = identify(
        header(b"authorization"), header(b"cookie"), header(b"host"), app.state.owner, app.state.sessions, now
    )
    return found is not None


def _help_first_known(app: FastAPI, request: Request) -> bool:
    """Whether a page can say what it leads with (`views.help_first`) without reading records:
    when it is known, it is set on the request for the page."""
    from glutewake.app.clearance import help_needed_if_kept

    state = request.state
    if getattr(state, "who", None) is None or hasattr(state, "help_first"):
        return True
    if getattr(app.state, "repo", None) is None:
        return False  # the store is opened (and brought up to date) in a worker thread
    found, answer = help_needed_if_kept(context_of(app))
    if found:
        state.help_first = answer
    return found


def build_app(
    lifespan: Any,
    who: Callable[..., Any],
    clock: Clock,
    allowed_hosts: Iterable[str],
    headers: dict[str, str] = HEADERS,
    **options: Any,
) -> FastAPI:
    """What the personal app and the clinic server share: the gate and security headers, the
    templates and static files, the error pages; `who` is checked before every route.

    The caller sets `state.csrf_key` (what signs forms' anti-forgery tokens), `state.context_for`
    (a request's `Context`) and `state.signed_in` (whether headers carry a sign-in, for the
    gate's body limits), adds its routes and its handler for `NotSignedIn`.
    """
    app = _GatedApp(
        lifespan=lifespan,
        dependencies=[Depends(who)],
        responses=_REFUSALS,
        title="glutewake",
        version=__version__,
        description="Wake up glutes switched off by sitting. Informs; does not diagnose.",
        docs_url=None,
        redoc_url=None,
        **options,
    )
    app.router.redirect_slashes = False  # a redirect would be built from the request's Host
    app.state.allowed_hosts = tuple(allowed_hosts)
    app.state.headers = headers  # on every response, refusals and error pages too
    app.state.clock = clock
    app.state.help_first_known = lambda request: False  # unless the app can tell (the personal app)
    # The templates ship with glutewake and do not change while it runs: no page checks their files.
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.auto_reload = False
    app.state.templates.env.globals["vocabulary"] = vocabulary  # the choices forms offer, once
    app.state.templates.env.globals["help_first"] = help_first  # what to do first, on every page
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(FieldErrors)
    async def field_errors(request: Request, error: FieldErrors) -> JSONResponse:
        detail = [
            {"loc": ["body", *field.split(".")], "msg": message, "type": "value_error"}
            for field, message in error.problems
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        # Each problem names the field; the input is shown only as a short excerpt.
        detail = [
            {
                **{k: v for k, v in problem.items() if k not in ("input", "ctx", "url")},
                "input": _excerpt(problem.get("input")),
            }
            for problem in error.errors()
        ]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(StoreError)
    async def store_problem(request: Request, error: StoreError) -> Any:
        # The store cannot be used as asked (damaged, made by a newer glutewake, a read-only
        # folder, a full disk): what is wrong and what to do, not a bare 500.
        message = f"glutewake cannot use its data: {error}"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=503)
        return app.state.templates.TemplateResponse(
            request,
            "error.html",
            {"status": 503, "message": message, "kb": knowledge(), "clearance": None},
            status_code=503,
        )

    @app.exception_handler(HTTPException)
    async def http_errors(request: Request, error: HTTPException) -> Any:
        headers = getattr(error, "headers", None)  # e.g. Allow on a 405, which RFC 9110 requires
        if error.status_code == 405:
            headers = {"Allow": _allowed(app, request.url.path)}
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": error.detail}, status_code=error.status_code, headers=headers)
        from http import HTTPStatus

        bare = error.detail == HTTPStatus(error.status_code).phrase  # "Not Found" says nothing to a person
        return app.state.templates.TemplateResponse(
            request,
            "error.html",
            {"status": error.status_code, "message": None if bare else error.detail, "kb": knowledge()},
            status_code=error.status_code,
            headers=headers,
        )

    return app


# What the gate and the sign-in check can answer on any route, before the route itself runs.
_REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body is not strict JSON (or not what the route takes)"},
    401: {"description": "Not signed in: send Authorization: Bearer <token>"},
    413: {"description": "The body is too large"},
    415: {"description": "A write was not sent as application/json"},
}


class _GatedApp(FastAPI):
    """FastAPI with the gate outside everything, even the error page for a real bug, so that
    every response (a 500 too) carries the security headers."""

    def build_middleware_stack(self) -> Any:
        return Gate(
            super().build_middleware_stack(),
            self.state.allowed_hosts,
            self.state.headers,
            self._signed_in,
            import_paths=getattr(self.state, "import_paths", IMPORT_PATHS),
        )

    def _signed_in(self, headers: dict[bytes, bytes]) -> bool:
        return bool(self.state.signed_in(headers))


def all_routes(app: FastAPI) -> Iterator[Any]:
    """Every route of the app, including those of included routers (which `app.routes` hides)."""
    from starlette.routing import Route

    def walk(routes: Iterable[Any]) -> Iterator[Any]:
        for route in routes:
            if hasattr(route, "original_router"):
                yield from walk(route.original_router.routes)
            elif isinstance(route, Route):
                yield route

    return walk(app.routes)


def _allowed(app: FastAPI, path: str) -> str:
    """Every method some route serves at `path` (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in all_routes(app):
        if route.methods and route.path_regex.match(path):
            methods |= route.methods
    return ", ".join(sorted(methods))


def _excerpt(value: Any) -> Any:
    """A short, JSON-safe piece of what was sent, for an error message."""
    if isinstance(value, bool | int) and not (isinstance(value, int) and abs(value) > 10**18):
        return value
    text = value if isinstance(value, str) else repr(value)
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= 80 else text[:77] + "..."
