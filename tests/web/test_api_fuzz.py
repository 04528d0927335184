"""Schemathesis against the app's own OpenAPI schema: no input makes the API fail (5xx), and
every response matches the schema it promises."""

from __future__ import annotations

import schemathesis
from hypothesis import settings

from glutewake.web import create_app
from tests.fakes import FakeClock

APP = create_app("sqlite://", FakeClock())  # the API reads only the knowledge; no file is made
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=40, deadline=None)
def test_api_never_fails_and_keeps_its_promises(case: schemathesis.Case) -> None:
    case.call_and_validate()
