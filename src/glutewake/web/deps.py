"""The web's typed dependencies: what a route acts with, each one `Annotated[..., Depends(...)]`.

A route names what it needs (`ctx: Ctx`, the context its use cases act with; `clock: AppClock`;
`today: Today`) and gets it typed; a test can swap any of them with `app.dependency_overrides`. Who is asking is
checked before any of these runs (`web/who.py`, an app-level dependency).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, cast

from fastapi import Depends, FastAPI, Request

from glutewake.app.context import Context, acting_for
from glutewake.clock import Clock
from glutewake.store import Repository

__all__ = [
    "AppClock",
    "Ctx",
    "Today",
    "app_clock",
    "context_of",
    "records_of",
    "the_context",
    "today",
]


def records_of(app: FastAPI) -> Repository:
    """The owner's records, opened on first use and kept for the app's life."""
    state = app.state
    if getattr(state, "repo", None) is None:
        from glutewake.app.context import open_store

        state.repo = open_store(state.database_url, state.clock)
    return cast(Repository, state.repo)


def context_of(app: FastAPI) -> Context:
    """The owner's records and the knowledge in their region's words (read each time: it can change)."""
    return acting_for(records_of(app))


async def the_context(request: Request) -> Context:  # async: no thread hop to look it up
    """The context of the person the request acts for (the owner; on a clinic's server, the patient)."""
    return cast(Context, request.app.state.context_for(request))


async def app_clock(request: Request) -> Clock:
    return cast(Clock, request.app.state.clock)


async def today(clock: Annotated[Clock, Depends(app_clock)]) -> date:
    return clock.now().date()


# Real types, not strings: FastAPI reads these annotations at run time.
Ctx = Annotated[Context, Depends(the_context)]
AppClock = Annotated[Clock, Depends(app_clock)]
Today = Annotated[date, Depends(today)]
