"""The personal app's owner: a random secret in the data directory, and what it signs.

On first use glutewake writes a random token to `token` in the data directory (mode 0600,
so no other account on the computer can read it). Everything that proves a request comes
from the owner derives from it:

- `Authorization: Bearer <token>` for scripts;
- the browser's own name for the app, `glutewake-<16 letters>.localhost` (browsers send
  `*.localhost` to this computer). Browsers keep cookies by host name, not by port, so a
  session cookie set for 127.0.0.1 would also go to any other program listening on another
  port of 127.0.0.1; one set for this secret name goes to no page another account can serve;
- one-time sign-in links, `<expires>.<nonce>.<signature>`, that start a browser session
  (`identity/browser_sessions.py`);
- anti-forgery tokens bound to the session, so a cookie planted by another site on another
  port of this computer cannot forge one.

Time is a parameter (seconds since the epoch); nothing here reads a clock.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SIGNIN_SECONDS", "OwnerSecret", "TokenFileError", "load_owner_secret"]

SIGNIN_SECONDS = 600  # how long a sign-in link works


class TokenFileError(OSError):
    """The token file cannot be read or written; the message says where and why."""


def _sign(key: bytes, message: str) -> str:
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@dataclass(frozen=True)
class OwnerSecret:
    token: str

    @functools.cached_property  # the token never changes; sign with the same key every time
    def _key(self) -> bytes:
        return hashlib.sha256(b"glutewake owner key\0" + self.token.encode()).digest()

    def bearer_ok(self, presented: str) -> bool:
        return secrets.compare_digest(presented.encode(), self.token.encode())

    @functools.cached_property
    def host_name(self) -> str:
        """The browser's name for the app: secret, so no other program can serve a page under it."""
        digest = hmac.new(self._key, b"host name", hashlib.sha256).digest()
        return f"glutewake-{base64.b32encode(digest[:10]).decode().lower()}.localhost"

    def signin_code(self, now: int, nonce: str | None = None) -> str:
        expires = now + SIGNIN_SECONDS
        nonce = nonce or secrets.token_urlsafe(12)
        return f"{expires}.{nonce}.{_sign(self._key, f'signin:{expires}:{nonce}')}"

    def signin_nonce(self, code: str, now: int) -> str | None:
        """The link's nonce when the code is genuine and unexpired (the caller makes it one-time)."""
        parts = code.split(".")
        if len(parts) != 3 or not parts[0].isdecimal() or len(parts[0]) > 19:
            return None
        expires, nonce, signature = parts
        genuine = secrets.compare_digest(
            signature.encode(), _sign(self._key, f"signin:{expires}:{nonce}").encode()
        )
        return nonce if genuine and now <= int(expires) else None

    def csrf_for(self, session: str) -> str:
        return _sign(self._key, f"csrf:{session}")

    @functools.cached_property
    def sealing_key(self) -> bytes:
        """The key that seals what pages carry in their addresses (a check's answers)."""
        return hmac.new(self._key, b"sealing key", hashlib.sha256).digest()


def load_owner_secret(home: Path) -> OwnerSecret:
    """The owner's secret from `home/token`, created (mode 0600) on first use; an existing file
    that others could read is made private again."""
    path = home / "token"
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
            token = path.read_text(encoding="ascii").strip()
        else:
            token = secrets.token_urlsafe(32)
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(token + "\n")
    except (OSError, UnicodeDecodeError) as error:
        raise TokenFileError(
            f"cannot use the token file {path}: {getattr(error, 'strerror', None) or error}"
        ) from error
    if len(token) < 32:
        raise TokenFileError(f"the token file {path} is damaged; delete it and glutewake makes a new one")
    return OwnerSecret(token)
