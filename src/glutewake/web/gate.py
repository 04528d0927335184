"""The gate in front of the app: what is refused before any route runs.

- Only hosts on the allow-list (127.0.0.1, localhost, [::1] and names given with --host or
  --allowed-host) are served, so a website that rebinds its name to this computer gets 421.
- A body larger than the limit (1 MB; imports 64 MB, spooled to disk; 16 kB for a request
  that is not signed in) gets 413 without being held in memory; a body must arrive within
  10 seconds. Only a verified sign-in raises the limit above 16 kB: `signed_in` is asked
  (off the event loop: the clinic looks its session up in the database) only when a body
  declares or reaches more than that, so a forged cookie buys nothing and a small body
  costs no lookup.
- A JSON body must be strict JSON: no NaN or Infinity, no numbers beyond a double, no lone
  surrogates, no nesting deeper than 32 (400 otherwise). That a write to the API is JSON at
  all is checked after routing and signing in (`web/who.py`), so 405 and 401 come first.

Refusals are short JSON or text with the same security headers as every response.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from glutewake.web.hosts import LOCAL_HOSTS

__all__ = ["ANONYMOUS_LIMIT", "BODY_LIMIT", "IMPORT_LIMIT", "IMPORT_PATHS", "LOCAL_HOSTS", "Gate"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BODY_LIMIT = 1 << 20
ANONYMOUS_LIMIT = 16 << 10
IMPORT_LIMIT = 64 << 20
IMPORT_PATHS = frozenset({"/api/data", "/data/import"})
BODY_SECONDS = 10.0  # a body must finish arriving within this
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_HOST = re.compile(r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9.-]+))(?::[0-9]{1,5})?")


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Gate:
    """ASGI middleware; `headers` are added to its own refusals (the security headers)."""

    def __init__(
        self,
        app: ASGIApp,
        allowed_hosts: Iterable[str],
        headers: dict[str, str],
        signed_in: Callable[[dict[bytes, bytes]], bool],
        import_limit: int = IMPORT_LIMIT,
        import_paths: frozenset[str] = IMPORT_PATHS,
    ) -> None:
        self.app = app
        self.signed_in = signed_in  # whether the headers carry a verified token or session
        self.import_paths = import_paths
        self.allowed = frozenset(h.lower().strip("[]") for h in allowed_hosts) | LOCAL_HOSTS
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]  # encoded once
        self._static_headers = [
            (name, b"no-cache" if name == b"cache-control" else value) for name, value in self.headers
        ]
        self.import_limit = import_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        try:
            self._check_host(scope)
            replay, spool = await self._read_body(scope, receive, path)
        except _Refused as refusal:
            await self._refuse(send, refusal, json_reply=path.startswith("/api/"))
            return
        try:
            await self.app(scope, replay, self._with_headers(send, path))
        finally:
            if spool is not None:
                spool.close()

    def _with_headers(self, send: Send, path: str) -> Send:
        """`send` that adds the security headers a response lacks (even an error page for a bug),
        and Server-Timing: the time the app took, from the body's arrival to the response.
        Static files (no records in them) are revalidated rather than never stored."""
        extra = self._static_headers if path.startswith("/static/") else self.headers
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = message.get("headers", ())
                present = {name.lower() for name, _ in given}
                timing = f"app;dur={(time.perf_counter() - started) * 1000:.2f}".encode()
                message["headers"] = [
                    *given,
                    *(h for h in extra if h[0] not in present),
                    (b"server-timing", timing),
                ]
            await send(message)

        return sending

    def _check_host(self, scope: Scope) -> None:
        host = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"host"), "")
        found = _HOST.fullmatch(host)
        name = (found.group("v6") or found.group("name") or "") if found else ""
        if name.lower() not in self.allowed:
            raise _Refused(421, "glutewake answers only at the addresses it printed when it started.")

    async def _read_body(self, scope: Scope, receive: Receive, path: str) -> tuple[Receive, Any]:
        """A `receive` that replays the whole body (read here, within the limits), and its spool."""
        method = scope.get("method", "GET")
        headers = dict(scope.get("headers", ()))
        kind = headers.get(b"content-type", b"").decode("latin-1").split(";")[0].strip().lower()
        full = self.import_limit if path in self.import_paths else BODY_LIMIT
        verified: bool | None = None  # asked only when a body is larger than ANONYMOUS_LIMIT

        async def limit_for(size: int) -> int:
            nonlocal verified
            if method not in _WRITES or size <= ANONYMOUS_LIMIT:
                return full
            if verified is None:
                try:
                    verified = bool(await asyncio.to_thread(self.signed_in, headers))
                except Exception:  # a sign-in that cannot be checked now raises nothing
                    verified = False
            return full if verified else ANONYMOUS_LIMIT  # not signed in: 401 needs no more

        def too_large(limit: int) -> _Refused:
            return _Refused(413, f"the body is larger than glutewake accepts here ({_size(limit)})")

        declared = headers.get(b"content-length", b"")
        if declared.isdigit():
            wanted = int(declared) if len(declared) < 20 else full + 1
            limit = await limit_for(wanted)
            if wanted > limit:
                raise too_large(limit)
        if method not in _WRITES:
            return receive, None
        spool = tempfile.SpooledTemporaryFile(max_size=BODY_LIMIT)  # noqa: SIM115 (handed to the replay)
        size = 0
        limit = ANONYMOUS_LIMIT  # raised (once, verified) when the body grows past it
        loop = asyncio.get_running_loop()
        deadline = loop.time() + BODY_SECONDS  # for the whole body, not each piece of it
        try:
            while True:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
                if message["type"] == "http.disconnect":
                    raise _Refused(400, "the request ended before its body arrived")
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    limit = await limit_for(size)
                    if size > limit:
                        raise too_large(limit)
                spool.write(chunk)
                if not message.get("more_body", False):
                    break
            if kind == "application/json" and path.startswith("/api/") and size:
                spool.seek(0)
                _strict_json(spool.read())
        except TimeoutError:
            spool.close()
            raise _Refused(408, "the body took too long to arrive") from None
        except _Refused:
            spool.close()
            raise
        spool.seek(0)
        return _replay(spool, receive), spool

    async def _refuse(self, send: Send, refusal: _Refused, *, json_reply: bool) -> None:
        if json_reply:
            body = json.dumps({"detail": refusal.message}).encode()
            kind = b"application/json"
        else:
            body = refusal.message.encode()
            kind = b"text/plain; charset=utf-8"
        headers = [
            (b"content-type", kind),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        headers += self.headers
        await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _size(limit: int) -> str:
    return f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit >> 10} kB"


def _replay(spool: Any, receive: Receive) -> Receive:
    """Hand the app the body read above, in pieces, then whatever the client sends next."""
    done = False

    async def replay() -> Message:
        nonlocal done
        if done:
            return await receive()
        chunk = spool.read(1 << 16)
        if len(chunk) < (1 << 16):
            done = True
        return {"type": "http.request", "body": chunk, "more_body": not done}

    return replay


def _strict_json(raw: bytes) -> None:
    from glutewake.core import jsontext

    try:
        jsontext.loads(raw)
    except ValueError as error:
        raise _Refused(400, f"the body is not strict JSON: {error}") from None
