"""What every page route needs: rendering a template (with its CSRF token) and the app's store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, cast

from fastapi import Form, Path, Request
from fastapi.responses import Response

from glutewake.app.region import knowledge
from glutewake.web.security import csrf_token

if TYPE_CHECKING:
    from glutewake.core.clearance import Clearance

__all__ = ["FormText", "RecordId", "help_first", "render", "render_soon", "sentence"]


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        template,
        {"csrf_token": csrf_token(request), **context, "kb": context.get("kb") or knowledge()},
        status_code=status,
    )
    return response


async def render_soon(request: Request, template: str, context: dict[str, Any]) -> Response:
    """`render`, for a page that reads no records of its own: on the event loop when what every
    page leads with (`help_first`) is already known, else in a worker thread (then it reads
    records, which must not hold up the loop). A thread costs more than such a page's render."""
    if request.app.state.help_first_known(request):
        return render(request, template, context)
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(render, request, template, context)


def help_first(request: Request) -> Clearance | None:
    """On any page of a person's own (signed in; on a clinic server, a patient), what to do first
    when their records say they need help today or now; None otherwise. Pages that ask what the
    person may do now themselves pass `clearance` and are left alone."""
    from fastapi import HTTPException

    from glutewake.app.clearance import help_needed

    if getattr(request.state, "who", None) is None:
        return None
    if not hasattr(request.state, "help_first"):  # once per request, however often a page asks
        try:
            ctx = request.app.state.context_for(request)
        except HTTPException:  # staff, or no patient: not a person's own page
            request.state.help_first = None
        else:
            request.state.help_first = help_needed(ctx)
    return cast("Clearance | None", request.state.help_first)


def sentence(text: str) -> str:
    """A message as a sentence: its first letter upper case (the rest as written), a full stop."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


# A record's number in a path: what a database integer holds (a bigger one is simply not found).
RecordId = Annotated[int, Path(ge=1, le=2_147_483_647)]
# A form's short text field (a name, an address, a token): anything longer is refused (422).
FormText = Annotated[str, Form(max_length=400)]
