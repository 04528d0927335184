"""Shared setup for the in-process web tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from glutewake.web import create_app
from tests.fakes import FakeClock


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """The app on a fresh database of each engine, redirects left for the test to follow; the
    user lives in the United Kingdom (the first-use region question has been answered)."""
    from glutewake.app.region import save_region

    save_region("uk")
    with owner_client(create_app(database_url, FakeClock()), follow_redirects=False) as test_client:
        yield test_client


def owner_client(app: Any, **options: Any) -> TestClient:
    """A client for `app` that is its owner: it sends the owner's token, to an allowed host."""
    headers = {"Authorization": f"Bearer {app.state.owner.token}", **options.pop("headers", {})}
    return TestClient(app, base_url="http://127.0.0.1", headers=headers, **options)


def csrf(client: TestClient, path: str) -> str:
    """The anti-forgery token a page's form carries."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found is not None, f"no form token on {path}"
    return found.group(1)
