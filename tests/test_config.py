from __future__ import annotations

from pathlib import Path

import pytest

from glutewake.config import home_dir


def test_env_override_wins(glutewake_home: Path) -> None:
    assert home_dir() == glutewake_home
    assert not glutewake_home.exists(), "looking up the directory must not create it"


def test_ensure_creates_the_directory(glutewake_home: Path) -> None:
    assert home_dir(ensure=True).is_dir()


def test_without_override_uses_the_platform_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GLUTEWAKE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert home_dir() == tmp_path / "data" / "glutewake"


def test_tilde_in_override_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GLUTEWAKE_HOME", "~/gw")
    assert home_dir() == tmp_path / "gw"
