"""Where glutewake keeps the user's data and settings: one directory, found by one function.

`GLUTEWAKE_HOME` wins when set (tests point it at a temporary directory); otherwise the
platform's user data directory (for example ~/.local/share/glutewake on Linux).
Nothing here creates the directory: callers that write ask for it with `ensure=True`.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_HOME", "home_dir"]

ENV_HOME = "GLUTEWAKE_HOME"


def home_dir(*, ensure: bool = False) -> Path:
    """The directory that holds everything of the user's (data, settings, caches)."""
    override = os.environ.get(ENV_HOME)
    if override:
        path = Path(override).expanduser()
    else:
        import platformdirs  # lazy: only needed when no override is set

        path = Path(platformdirs.user_data_dir("glutewake", appauthor=False))
    if ensure:
        path.mkdir(parents=True, exist_ok=True)
    return path
