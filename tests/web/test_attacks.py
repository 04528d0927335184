"""Attacks on the personal app, each against a real `glutewake serve` process on this computer.

Each test reproduces one finding of issue 10 (DNS rebinding, no authentication, readable
files, cookie tossing, cross-site JSON, poisoned imports, huge bodies, inputs that made a 500,
caching, slow clients) and checks it is refused with a clear 4xx and nothing lost.
"""

from __future__ import annotations

import http.client
import json
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.servers import owner_headers, running

CASE = {"age": 34, "sex": "female", "duration_days": 21, "answers": {"numb_when_sitting": True}}


@pytest.fixture
def server(glutewake_home: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    with running("--database-url", f"sqlite:///{glutewake_home / 'glutewake.db'}", "serve", "--no-browser",
                 "--port", "0", home=glutewake_home) as (url, _):  # fmt: skip
        yield url, glutewake_home


def call(
    url: str,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def as_owner(home: Path, **extra: str) -> dict[str, str]:
    return {**owner_headers(home), **extra}


JSON = {"Content-Type": "application/json"}


def save_a_check(url: str, home: Path) -> None:
    status, _, _ = call(
        url, "POST", "/api/triage?save=true", body=json.dumps(CASE).encode(), headers=as_owner(home, **JSON)
    )
    assert status == 200


def history(url: str, home: Path) -> list[Any]:
    status, _, body = call(url, "GET", "/api/history", headers=as_owner(home))
    assert status == 200
    result: list[Any] = json.loads(body)
    return result


# 1. DNS rebinding ------------------------------------------------------------------------------


def test_a_rebound_host_gets_nothing_and_deletes_nothing(server: tuple[str, Path]) -> None:
    url, home = server
    save_a_check(url, home)
    port = urlsplit(url).port
    for method, path in (("GET", "/api/data"), ("DELETE", "/api/data?confirm=yes"), ("GET", "/")):
        status, headers, body = call(url, method, path, headers=as_owner(home, Host=f"evil.example:{port}"))
        assert status == 421, (method, path)
        assert b"numb" not in body
        assert headers["cache-control"] == "no-store"
    assert len(history(url, home)) == 1, "nothing was deleted"
    assert call(url, "GET", "/api/health", headers={"Host": f"localhost:{port}"})[0] == 200


# 2. other accounts on this computer --------------------------------------------------------------


def test_without_the_token_nothing_is_read_and_the_coach_is_not_paused(server: tuple[str, Path]) -> None:
    url, home = server
    save_a_check(url, home)
    status, headers, body = call(url, "GET", "/api/data")
    assert status == 401
    assert headers["www-authenticate"].startswith("Bearer")
    assert b"numb" not in body
    pause = call(url, "POST", "/api/coach", body=b'{"action": "pause"}', headers=JSON)
    assert pause[0] == 401
    page = call(url, "GET", "/")
    assert page[0] == 401
    assert b"Please sign in first" in page[2]
    wrong = call(url, "GET", "/api/data", headers={"Authorization": "Bearer not-the-token"})
    assert wrong[0] == 401


def test_a_sign_in_link_works_once(server: tuple[str, Path]) -> None:
    url, home = server
    from tests.servers import signin_link

    link = urlsplit(signin_link(home, url))
    path = f"{link.path}?{link.query}"
    status, headers, _ = call(url, "GET", path)
    assert status == 303
    cookie = headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    session = cookie.split(";")[0]
    assert call(url, "GET", "/api/history", headers={"Cookie": session})[0] == 200
    again = call(url, "GET", path)
    assert again[0] == 401
    assert b"already been used or has expired" in again[2]


# 3. file modes ------------------------------------------------------------------------------------


def test_the_data_directory_and_its_files_are_private(server: tuple[str, Path]) -> None:
    url, home = server
    save_a_check(url, home)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for name in ("glutewake.db", "token"):
        assert stat.S_IMODE((home / name).stat().st_mode) == 0o600, name
    for extra in home.glob("glutewake.db-*"):  # the WAL and shared-memory files while it runs
        assert stat.S_IMODE(extra.stat().st_mode) == 0o600, extra.name


# 5. cross-site JSON without a content type ---------------------------------------------------------


def test_a_write_to_the_api_must_be_json(server: tuple[str, Path]) -> None:
    url, home = server
    body = json.dumps({"pain": 10, "numbness": 10, "psfs": {"film": 0}}).encode()
    for headers in (
        {},
        {"Content-Type": "text/plain"},
        {"Content-Type": "application/x-www-form-urlencoded"},
    ):
        status, _, _ = call(url, "POST", "/api/checkins", body=body, headers=as_owner(home, **headers))
        assert status == 415, headers
    assert call(url, "POST", "/api/coach", headers=as_owner(home))[0] == 415, "no body, no content type"
    status, _, _ = call(url, "GET", "/api/data", headers=as_owner(home))
    assert status == 200
    data = json.loads(call(url, "GET", "/api/data", headers=as_owner(home))[2])
    assert data["checkins"] == []


# 6. poisoned imports --------------------------------------------------------------------------------


def export_of(url: str, home: Path) -> dict[str, Any]:
    save_a_check(url, home)
    status, _, body = call(url, "GET", "/api/data", headers=as_owner(home))
    assert status == 200
    document: dict[str, Any] = json.loads(body)
    assert call(url, "DELETE", "/api/data?confirm=yes", headers=as_owner(home))[0] == 200
    return document


POISONS = [
    pytest.param(lambda d: d["checks"][0]["case"].update(sex="\ud800"), "not valid Unicode", id="lone surrogate"),
    pytest.param(lambda d: d.update(checkins=5), "Input should be a valid list", id="checkins is a number"),
    pytest.param(lambda d: d["checks"][0].update(at=20261201), "date", id="integer date"),
    pytest.param(lambda d: d.update(version=True), "version True is not supported", id="version true"),
    pytest.param(lambda d: d.update(version=1.0), "version 1.0 is not supported", id="version 1.0"),
    pytest.param(lambda d: d.update(profile={"equipment": "rocket"}), "equipment: expected one of 'none', 'band', 'dumbbells', 'gym', got 'rocket'", id="an unknown kit"),
    pytest.param(lambda d: d["checks"][0].update(result="not an object"), "1 result: expected an object (TriageResult), got 'not an object'", id="a result that is text"),
    pytest.param(lambda d: d["checks"][0].update(result={"urgency": 5}), "1 result: urgency: expected one of 'self_care', 'gp', 'urgent', 'emergency', got 5", id="a result that cannot be read"),
]  # fmt: skip


@pytest.mark.parametrize(("poison", "message"), POISONS)
def test_a_poisoned_import_is_refused_and_changes_nothing(
    server: tuple[str, Path], poison: Any, message: str
) -> None:
    url, home = server
    document = export_of(url, home)
    poison(document)
    body = json.dumps(document).encode("utf-8", "surrogatepass")
    status, _, reply = call(url, "POST", "/api/data", body=body, headers=as_owner(home, **JSON))
    assert 400 <= status < 500, reply
    assert message in reply.decode(), reply
    assert history(url, home) == [], "the store is unchanged (empty)"
    for path in ("/api/data", "/checkin", "/plan", "/api/plan"):
        assert call(url, "GET", path, headers=as_owner(home))[0] < 500, path


def test_a_plan_whose_sessions_are_not_a_list_is_refused(server: tuple[str, Path]) -> None:
    url, home = server
    status, _, _ = call(url, "POST", "/api/triage?save=true", body=json.dumps(CASE | {"answers": {"numb_when_sitting": True, "eases_on_standing": True}}).encode(), headers=as_owner(home, **JSON))  # fmt: skip
    assert call(url, "POST", "/api/plan", body=b"{}", headers=as_owner(home, **JSON))[0] == 200
    document = json.loads(call(url, "GET", "/api/data", headers=as_owner(home))[2])
    assert call(url, "DELETE", "/api/data?confirm=yes", headers=as_owner(home))[0] == 200
    document["plans"][0]["plan"] = {**document["plans"][0]["plan"], "sessions": "not a list"}
    status, _, reply = call(
        url, "POST", "/api/data", body=json.dumps(document).encode(), headers=as_owner(home, **JSON)
    )
    assert status == 422, reply
    assert b"Plans 1 plan: sessions: expected a list" in reply
    for path in ("/plan", "/api/plan", "/session", "/api/session"):
        assert call(url, "GET", path, headers=as_owner(home))[0] < 500, path


# 7. huge bodies ---------------------------------------------------------------------------------------


def test_a_huge_body_is_refused_before_it_is_read(server: tuple[str, Path]) -> None:
    url, home = server
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as raw:
        head = (f"POST /api/checkins HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {as_owner(home)['Authorization']}\r\n"
                "Content-Type: application/json\r\nContent-Length: 400000000\r\n\r\n")  # fmt: skip
        raw.sendall(head.encode() + b"[" * 1000)
        reply = raw.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:60]
    assert len(reply) < 2000, "nothing of the input is echoed"


def test_a_streamed_body_over_the_limit_is_refused(server: tuple[str, Path]) -> None:
    url, home = server
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as raw:
        head = (f"POST /api/checkins HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {as_owner(home)['Authorization']}\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")  # fmt: skip
        raw.sendall(head.encode())
        chunk = b"10000\r\n" + b" " * 65536 + b"\r\n"  # 2.5 MB in all, with no length given
        try:
            for _ in range(40):
                raw.sendall(chunk)
        except OSError:
            pass  # the server stopped reading once it was over the limit
        reply = raw.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:60]


# 8. inputs that made a 500 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/triage", b'{"age": 1e309, "sex": "female", "duration_days": 1, "answers": {}}'),
        ("/api/triage", b'{"age": NaN, "sex": "female", "duration_days": 1, "answers": {}}'),
        ("/api/triage", b'{"age": 30, "sex": "\\ud800", "duration_days": 1, "answers": {}}'),
        ("/api/triage", b'{"age": ' + b"9" * 5000 + b', "sex": "female", "duration_days": 1, "answers": {}}'),
        ("/api/triage", b"[" * 100_000),
    ],
    ids=["1e309", "NaN", "lone surrogate", "5000 digits", "deep nesting"],
)
def test_strange_json_is_a_400_with_a_message(server: tuple[str, Path], path: str, body: bytes) -> None:
    url, home = server
    status, headers, reply = call(url, "POST", path, body=body, headers=as_owner(home, **JSON))
    assert status == 400, reply[:200]
    assert "detail" in json.loads(reply)
    assert headers["x-content-type-options"] == "nosniff"


def test_strange_form_numbers_and_links_are_4xx(server: tuple[str, Path]) -> None:
    url, home = server
    owner = as_owner(home)
    import re
    from urllib.parse import urlencode

    token = re.search(rb'name="csrf_token" value="([^"]+)"', call(url, "GET", "/check", headers=owner)[2])
    assert token is not None
    form = {**owner, "Content-Type": "application/x-www-form-urlencoded"}
    for age in ("²", "9" * 5000, "٣"):
        fields = {
            "age": age,
            "sex": "female",
            "duration": "3",
            "unit": "weeks",
            "csrf_token": token.group(1).decode(),
        }
        status, _, body = call(url, "POST", "/check/begin", body=urlencode(fields).encode(), headers=form)
        assert status == 422, age[:5]
        assert b"Please give your age" in body
    deep = "W" * 20_000
    assert call(url, "GET", f"/check/q/{deep}", headers=owner)[0] == 400
    import base64

    nested = base64.urlsafe_b64encode(b"[" * 3000).decode().rstrip("=")
    assert call(url, "GET", f"/check/q/{nested}", headers=owner)[0] == 400


# 9. caching ------------------------------------------------------------------------------------------


def test_no_record_is_kept_in_a_cache(server: tuple[str, Path]) -> None:
    url, home = server
    for path in ("/api/data", "/", "/api/history", "/data/export"):
        status, headers, _ = call(url, "GET", path, headers=as_owner(home))
        assert status == 200, path
        assert headers["cache-control"] == "no-store", path
    assert call(url, "GET", "/static/style.css", headers=as_owner(home))[1]["cache-control"] == "no-cache"


# 11. smaller findings -----------------------------------------------------------------------------------


def test_a_405_names_the_methods_and_static_never_reflects_the_host(server: tuple[str, Path]) -> None:
    url, home = server
    status, headers, _ = call(url, "PATCH", "/api/data", headers=as_owner(home, **JSON))
    assert status == 405
    assert headers["allow"] == "DELETE, GET, POST"
    status, headers, _ = call(url, "GET", "/static", headers={"Host": "localhost:1"})
    assert "location" not in headers or "localhost:1" not in headers["location"]
    assert status == 404


def test_a_request_that_never_finishes_its_headers_is_closed(server: tuple[str, Path]) -> None:
    url, _ = server
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        started = time.monotonic()
        assert raw.recv(1024) == b"", "the server closes the connection"
        assert time.monotonic() - started < 15
