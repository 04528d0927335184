"""The triage in progress, carried in the page's URL: back and forward just work, nothing is stored."""

from __future__ import annotations

import base64
import json
from typing import Any

from glutewake.codec import dump
from glutewake.core.errors import FieldErrors
from glutewake.core.triage import Case, parse_case
from glutewake.knowledge import Knowledge

__all__ = ["BadState", "decode_case", "encode_case"]


class BadState(ValueError):
    """The link's answers cannot be read (edited or cut off)."""


def encode_case(case: Case) -> str:
    text = json.dumps(dump(case), separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_case(token: str, kb: Knowledge) -> Case:
    try:
        if len(token) > 8_000:  # far more than every answer needs
            raise BadState("this link is too long")
        raw: Any = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        return parse_case(raw, kb.findings, kb.regions)
    except (ValueError, FieldErrors, RecursionError, TypeError) as error:
        raise BadState("this link's answers cannot be read") from error
