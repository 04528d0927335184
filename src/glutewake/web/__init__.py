"""The web app: the whole journey in a browser, served locally (FastAPI + Jinja2).

`create_app` loads FastAPI only when asked for, so a command that needs a light piece of
this package (the gate's list of loopback hosts, say) does not pay for the framework.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glutewake.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from glutewake.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
