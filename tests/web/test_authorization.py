"""One authorization table for every route: a route without an entry fails here, and is closed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from glutewake.identity.rules import ACCESS
from glutewake.web import create_app
from glutewake.web.app import all_routes
from tests.fakes import FakeClock


def sample_path(route: Any, plain: str = "1") -> str:
    """A concrete path for `route`: `plain` for each parameter, or the first word one that takes
    only some words (such as the coach's actions) accepts."""

    def value(found: re.Match[str]) -> str:
        name = found.group(1).split(":")[0]
        words = route.param_convertors[name].regex.split("|")
        return words[0] if words[0].isalpha() else plain

    return re.sub(r"\{([^}]+)\}", value, route.path)


def test_every_route_has_an_entry_in_the_table(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'a.db'}", FakeClock())
    paths = {route.path for route in all_routes(app)}
    assert paths - set(ACCESS) == set(), "add these routes to identity/rules.py"
    assert set(ACCESS) - paths == set(), "the table names routes that no longer exist"


def test_without_signing_in_only_the_open_routes_answer(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'a.db'}", FakeClock())
    with TestClient(app, base_url="http://127.0.0.1") as client:
        for route in all_routes(app):
            path = sample_path(route)
            for method in sorted(route.methods or ()):
                if method == "HEAD":
                    continue
                status = client.request(
                    method, path, headers={"Content-Type": "application/json"}
                ).status_code
                if route.path == "/signin":  # answers, saying the link is missing
                    assert status == 401
                elif ACCESS[route.path] == "anyone":
                    assert status != 401, (method, route.path)
                else:
                    assert status == 401, (method, route.path, status)


def test_a_route_nobody_listed_is_closed(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'a.db'}", FakeClock())

    @app.get("/unlisted")
    def unlisted() -> dict[str, str]:
        return {"secret": "records"}

    with TestClient(
        app, base_url="http://127.0.0.1", headers={"Authorization": f"Bearer {app.state.owner.token}"}
    ) as c:
        assert c.get("/unlisted").status_code == 401


def test_a_form_token_is_bound_to_the_session(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'a.db'}", FakeClock())
    secret, book = app.state.owner, app.state.sessions
    mine, theirs = book.begin(1_000, "Firefox on Linux"), book.begin(2_000, "Chrome on Android")
    found = book.find(mine, 1_000 + 29 * 86_400)
    assert found is not None
    assert secret.csrf_for(found.digest) != secret.csrf_for(book.find(theirs, 2_000).digest)
    assert book.find(mine, 1_000 + 31 * 86_400) is None, "a session lasts thirty days"
    assert book.find("forged", 1_000) is None
    code = secret.signin_code(1_000)
    assert secret.signin_nonce(code, 1_000 + 599) is not None
    assert secret.signin_nonce(code, 1_000 + 601) is None, "a link lasts ten minutes"
    assert secret.signin_nonce(code.replace(".", "x", 1), 1_000) is None


def test_only_a_genuine_sign_in_link_learns_the_apps_own_name(tmp_path: Path) -> None:
    """Any program may call 127.0.0.1: a made-up link there is answered like any bad link and
    names nothing; a genuine one is passed on to the app's own name, unused."""
    from urllib.parse import parse_qs, urlsplit

    app = create_app(f"sqlite:///{tmp_path / 'a.db'}", FakeClock())
    secret = app.state.owner
    with TestClient(app, base_url="http://127.0.0.1:8765", follow_redirects=False) as c:
        for code in ("x", "1.2.3", secret.signin_code(0)):  # made up, malformed, expired
            response = c.get("/signin", params={"code": code})
            assert response.status_code == 401
            assert "location" not in response.headers
            assert secret.host_name.split(".")[0] not in response.text
        genuine = secret.signin_code(int(FakeClock().now().timestamp()))
        passed_on = c.get("/signin", params={"code": genuine})
        assert passed_on.status_code == 303
        where = urlsplit(passed_on.headers["location"])
        assert (where.hostname, where.port) == (secret.host_name, 8765)
        assert parse_qs(where.query)["code"] == [genuine], "passed on unused"
    with TestClient(app, base_url=f"http://{secret.host_name}:8765", follow_redirects=False) as c:
        signed_in = c.get("/signin", params={"code": genuine})
        assert (signed_in.status_code, signed_in.headers["location"]) == (303, "/")
        assert c.get("/signin", params={"code": genuine}).status_code == 401, "once"


def test_signing_out_ends_this_browsers_session_and_says_so(tmp_path: Path) -> None:
    import re

    app = create_app(f"sqlite:///{tmp_path / 'a.db'}", FakeClock())
    secret = app.state.owner
    with TestClient(app, base_url=f"http://{secret.host_name}:8765", follow_redirects=False) as c:
        code = secret.signin_code(int(FakeClock().now().timestamp()))
        assert c.get("/signin", params={"code": code}).status_code == 303
        page = c.get("/data")
        assert page.status_code == 200
        token = re.search(
            r'action="/signout">\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page.text
        )
        assert token is not None
        out = c.post("/signout", data={"csrf_token": token.group(1)})
        assert (out.status_code, out.headers["location"]) == (303, "/signin?done=signed-out")
        said = c.get(out.headers["location"])
        assert (said.status_code, "This browser is signed out" in said.text) == (200, True)
        assert c.get("/data").status_code == 401
        assert app.state.sessions.sessions(int(FakeClock().now().timestamp())) == []


def test_no_two_routes_answer_the_same_request(tmp_path: Path) -> None:
    """Each method and path reaches exactly one route, so the order routers are included in (the
    most visited pages first, for speed) changes nothing but speed."""
    from starlette.routing import Match

    app = create_app(f"sqlite:///{tmp_path / 'a.db'}", FakeClock())
    routes = list(all_routes(app))
    for route in routes:
        for sample in ("1", "x"):
            path = sample_path(route, sample)
            for method in route.methods or ():
                scope = {"type": "http", "path": path, "method": method, "root_path": ""}
                answering = [other.path for other in routes if other.matches(scope)[0] == Match.FULL]
                assert answering in ([route.path], []), (method, path, answering)
