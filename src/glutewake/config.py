"""Where glutewake keeps the user's data and settings: one directory, found by one function.

`GLUTEWAKE_HOME` wins when set (tests point it at a temporary directory); otherwise the
platform's user data directory (for example ~/.local/share/glutewake on Linux).
Nothing here creates the directory: callers that write ask for it with `ensure=True`.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

__all__ = [
    "ENV_HOME",
    "ConfigError",
    "config_path",
    "home_dir",
    "make_private",
    "read_section",
    "write_section",
]

ENV_HOME = "GLUTEWAKE_HOME"


def home_dir(*, ensure: bool = False) -> Path:
    """The directory that holds everything of the user's (data, settings, caches)."""
    path = _home_for(os.environ.get(ENV_HOME) or None)
    if ensure:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@functools.lru_cache(maxsize=8)
def _home_for(override: str | None) -> Path:  # every page asks; the answer changes only with the setting
    if override:
        return Path(override).expanduser()
    import platformdirs  # lazy: only needed when no override is set

    return Path(platformdirs.user_data_dir("glutewake", appauthor=False))


_OWN = ("glutewake.db", "token", "config.toml", "server.json", "signin.html", "cache", "coach.")


def make_private() -> str | None:
    """Make everything from now on private to this user (umask 077), and fix an existing data
    directory that others can read; returns a one-line notice when something was fixed."""
    os.umask(0o077)
    path = home_dir()
    try:
        if not path.is_dir() or not path.stat().st_mode & 0o077:
            return None
        path.chmod(0o700)
        for item in path.iterdir():  # glutewake's own files only; links are left alone
            if item.is_symlink() or not item.name.startswith(_OWN):
                continue
            item.chmod(0o700 if item.is_dir() else 0o600)
    except OSError:
        return None  # the commands that need the directory say what is wrong with it
    return f"note: {path} could be read by other accounts on this computer; it is now private to you"


class ConfigError(ValueError):
    """The config file cannot be read; the message says where and why."""


def config_path() -> Path:
    return _config_in(home_dir())


@functools.lru_cache(maxsize=8)
def _config_in(home: Path) -> Path:  # every page asks where it is (to see whether it changed)
    return home / "config.toml"


def read_section(name: str) -> dict[str, object]:
    """One [section] of config.toml (empty when the file or the section is absent)."""
    import tomllib

    path = config_path()
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path} cannot be read: {error}") from error
    section = document.get(name, {})
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [{name}] must be a table")
    return section


def write_section(name: str, values: dict[str, object]) -> Path:
    """Replace one [section] of config.toml (others are kept), writing atomically."""
    import tomllib

    path = config_path()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        document = {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path} cannot be read: {error}") from error
    document[name] = values
    lines = []
    for section, table in document.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in table.items()]
        lines.append("")
    home_dir(ensure=True)
    from glutewake.privatefile import write_private

    write_private(path, "\n".join(lines).encode("utf-8"))
    return path


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
