"""The coach's control channel: `glutewake coach status|pause|resume` reach whichever process
runs the coach (`glutewake coach`, or the web app).

One JSON request per line, one JSON reply per line. On POSIX it is a Unix socket in the data
directory (mode 0600: only this user). Where there are no Unix sockets (Windows), it is a TCP
socket on 127.0.0.1 with a random token: the port and token are written to a 0600 file in the
data directory, and a request without the token is refused. `GLUTEWAKE_COACH_CONTROL=tcp`
selects the second on any platform (the tests use it to run the Windows way on Linux).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

__all__ = ["ControlChannel", "Handler", "TcpChannel", "UnixChannel", "control_channel"]

Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
_LONGEST_REQUEST = 64 << 10


class ControlChannel(Protocol):
    async def serve(self, handle: Handler) -> Callable[[], None]:
        """Answer requests with `handle` until the returned function is called."""
        ...

    def ask(self, request: dict[str, Any], timeout: float = 5.0) -> dict[str, Any] | None:
        """Send one request to the running coach; None when none answers."""
        ...


def control_channel(home: Path) -> ControlChannel:
    """The channel this platform uses (see the module's docstring)."""
    if os.environ.get("GLUTEWAKE_COACH_CONTROL") == "tcp" or not hasattr(socket, "AF_UNIX"):
        return TcpChannel(home / "coach.control")
    return UnixChannel(home / "coach.sock")


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, handle: Handler) -> None:
    try:
        line = await reader.readline()
        if len(line) > _LONGEST_REQUEST:
            raise ValueError("the request is too long")
        request = json.loads(line or b"{}")
        if not isinstance(request, dict):
            raise TypeError("the request must be a JSON object")
        reply = await handle(request)
    except (ValueError, TypeError) as error:
        reply = {"ok": False, "error": str(error) or "the request could not be read"}
    writer.write(json.dumps(reply).encode() + b"\n")
    with contextlib.suppress(ConnectionError):
        await writer.drain()
    writer.close()


def _exchange(client: socket.socket, request: dict[str, Any]) -> dict[str, Any]:
    client.sendall(json.dumps(request).encode() + b"\n")
    data = b""
    while not data.endswith(b"\n"):
        chunk = client.recv(65536)
        if not chunk:
            break
        data += chunk
    reply: dict[str, Any] = json.loads(data or b"{}")
    return reply


class UnixChannel:
    def __init__(self, path: Path) -> None:
        self.path = path

    async def serve(self, handle: Handler) -> Callable[[], None]:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # a socket left by a coach that died; the lock says none runs now
        server = await asyncio.start_unix_server(lambda r, w: _answer(r, w, handle), path=str(self.path))
        os.chmod(self.path, 0o600)  # only this user may pause or read their coach

        def close() -> None:
            server.close()
            self.path.unlink(missing_ok=True)

        return close

    def ask(self, request: dict[str, Any], timeout: float = 5.0) -> dict[str, Any] | None:
        if not self.path.exists():
            return None
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(timeout)
            try:
                client.connect(str(self.path))
            except (ConnectionRefusedError, FileNotFoundError):
                return None
            return _exchange(client, request)


class TcpChannel:
    def __init__(self, path: Path) -> None:
        self.path = path  # where the port and the token are written

    async def serve(self, handle: Handler) -> Callable[[], None]:
        token = secrets.token_urlsafe(32)

        async def checked(request: dict[str, Any]) -> dict[str, Any]:
            given = request.pop("token", "")
            if not isinstance(given, str) or not hmac.compare_digest(given, token):
                return {"ok": False, "error": "this request does not carry the coach's token"}
            return await handle(request)

        server = await asyncio.start_server(lambda r, w: _answer(r, w, checked), host="127.0.0.1", port=0)
        port = server.sockets[0].getsockname()[1]
        descriptor = os.open(self.path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        with os.fdopen(descriptor, "w") as handle_file:
            json.dump({"port": port, "token": token}, handle_file)

        def close() -> None:
            server.close()
            self.path.unlink(missing_ok=True)

        return close

    def ask(self, request: dict[str, Any], timeout: float = 5.0) -> dict[str, Any] | None:
        try:
            where = json.loads(self.path.read_text())
            port, token = int(where["port"]), str(where["token"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=timeout) as client:
                return _exchange(client, {**request, "token": token})
        except (ConnectionRefusedError, ConnectionResetError):
            return None
