"""Every link on the clinic's pages leads somewhere for the person who sees it: a crawl from each
kind of account's home, following every internal link, finds no page that is not there."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.clinic.conftest import World, sign_in
from tests.plans import tiny_plan


def _crawl(client: TestClient, start: list[str], limit: int = 80) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if response.status_code == 303:
            queue.append(response.headers["location"])
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        for href in re.findall(r'href="([^"]+)"', response.text):
            target, _ = urldefrag(href)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("/static/"):
                continue
            if target not in seen:
                queue.append(target)
    return seen


@pytest.mark.parametrize("role", ["pat", "cleo", "admin"])
def test_no_link_leads_nowhere(client: TestClient, world: World, role: str) -> None:
    from glutewake.store import Repository

    Repository(client.app.state.engine, world.clock, world.pat.person_id or 0).save_plan(  # type: ignore[attr-defined]
        tiny_plan(world.clock.now().date()), None
    )
    sign_in(client, world.store, getattr(world, role))
    homes = {"pat": ["/", "/account"], "cleo": ["/staff", "/account"], "admin": ["/admin", "/account"]}[role]
    visited = _crawl(client, homes)
    assert len(visited) > 3
    broken = {path: status for path, status in visited.items() if status == 404 or status >= 500}
    assert broken == {}
