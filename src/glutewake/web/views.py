"""What every page route needs: rendering a template (with its CSRF token) and the app's store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Form, Path, Request
from fastapi.responses import Response

from glutewake.app.region import knowledge
from glutewake.web.security import csrf_token

if TYPE_CHECKING:
    pass

__all__ = ["FormText", "RecordId", "render", "sentence"]


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        template,
        {"csrf_token": csrf_token(request), "kb": knowledge(), **context},
        status_code=status,
    )
    return response


def sentence(text: str) -> str:
    """A message as a sentence: its first letter upper case (the rest as written), a full stop."""
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


# A record's number in a path: what a database integer holds (a bigger one is simply not found).
RecordId = Annotated[int, Path(ge=1, le=2_147_483_647)]
# A form's short text field (a name, an address, a token): anything longer is refused (422).
FormText = Annotated[str, Form(max_length=400)]
