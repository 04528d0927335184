"""The coach settings for a command: read from config.toml, a bad file reported with exit 2."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glutewake.cli._text import say

if TYPE_CHECKING:
    from glutewake.core.coach import Settings

__all__ = ["settings_or_exit"]


def settings_or_exit() -> Settings:
    """The coach settings from config.toml; a bad file is reported and exits 2."""
    from glutewake.app.coach import coach_settings
    from glutewake.config import ConfigError
    from glutewake.core.errors import FieldErrors

    try:
        return coach_settings()
    except ConfigError as error:
        say(f"error: {error}", err=True)
        raise SystemExit(2) from error
    except FieldErrors as error:
        for field, message in error.problems:
            say(f"error: config.toml [coach] {field}: {message}", err=True)
        raise SystemExit(2) from error
