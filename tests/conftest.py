"""Shared test setup: every test gets its own glutewake home, never the real one."""

from __future__ import annotations

from pathlib import Path

import pytest

from glutewake.knowledge import Knowledge, load_knowledge


@pytest.fixture(autouse=True)
def glutewake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "glutewake-home"
    monkeypatch.setenv("GLUTEWAKE_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    """The shipped knowledge base, validated from the YAML files (no disk cache)."""
    return load_knowledge(use_cache=False)
