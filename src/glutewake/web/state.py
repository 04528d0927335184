"""The triage in progress, carried in the page's address, sealed: back and forward just work,
nothing is stored, and nothing in the address can be read.

An address lands in the browser's history, in a proxy's log and in a screenshot; a check's
answers (warning signs included) must not. So the answers travel compressed and encrypted
(AES-GCM, a fresh nonce each time) under a key derived from the app's secret (the owner's
token; a clinic server's own secret). A sealed answer cannot be read or changed without it;
one that was is refused as damaged. The answers themselves are sent in POSTed forms, never in
an address.
"""

from __future__ import annotations

import base64
import json
import os
import zlib
from typing import Any

from glutewake.codec import dump
from glutewake.core.errors import FieldErrors
from glutewake.core.triage import Case, parse_case
from glutewake.knowledge import Knowledge

__all__ = ["BadState", "decode_case", "encode_case"]

_NONCE = 12
_MAX_TOKEN = 8_000  # far more than every answer needs
_MAX_TEXT = 64_000  # what a token may unpack to


class BadState(ValueError):
    """The link's answers cannot be read (edited, cut off, or sealed by another key)."""


def encode_case(case: Case, key: bytes, holder: str = "") -> str:
    """The case, sealed for `holder` (who may open it: on a clinic server, each patient only their own)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    text = json.dumps(dump(case), separators=(",", ":"), sort_keys=True).encode()
    nonce = os.urandom(_NONCE)
    sealed = nonce + AESGCM(key).encrypt(nonce, zlib.compress(text, 9), _bound(holder))
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def decode_case(token: str, kb: Knowledge, key: bytes, holder: str = "") -> Case:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        if len(token) > _MAX_TOKEN:
            raise ValueError("too long")
        sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        if len(sealed) <= _NONCE + 16:
            raise ValueError("cut off")
        packed = AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], _bound(holder))
        unpacker = zlib.decompressobj()
        text = unpacker.decompress(packed, _MAX_TEXT)
        if unpacker.unconsumed_tail:
            raise ValueError("too long")
        raw: Any = json.loads(text)
        return parse_case(raw, kb.findings, kb.regions)
    except (ValueError, FieldErrors, RecursionError, TypeError, InvalidTag, zlib.error) as error:
        raise BadState("this link's answers cannot be read") from error


def _bound(holder: str) -> bytes:
    return f"glutewake check for {holder}".encode()
