"""The sitting coach inside the web app's process: started with the app, stopped with it.

It runs through the same host as `glutewake coach` (`runtime/coach_host.py`): only when no
other coach runs for this user, and answering `glutewake coach status|pause|resume` while it
runs. It shows its prompts in the page (the coach page) instead of the terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from glutewake.runtime.activity import ActivitySource

__all__ = ["PagePrompt", "run_coach_in_app"]


@dataclass
class PagePrompt:
    """The notifier for the web: remembers the prompt showing, for the coach page to render."""

    name: str = "page"
    showing: tuple[str, bool, str] | None = field(default=None)  # words, can postpone, title

    def show(self, title: str, text: str, can_postpone: bool) -> None:
        self.showing = (text, can_postpone, title)

    def close(self) -> None:
        self.showing = None


@contextlib.asynccontextmanager
async def run_coach_in_app(
    app: FastAPI, *, source: ActivitySource | None = None, start_loop: bool = True
) -> AsyncIterator[None]:
    """Start the coach for the app's life, unless another coach holds the lock."""
    from glutewake.app.coach import coach_rules, coach_settings
    from glutewake.config import home_dir
    from glutewake.runtime.activity import detect
    from glutewake.runtime.activity.timer import TimerSource
    from glutewake.runtime.coach_host import AlreadyRunning, CoachRunner, hosted_coach
    from glutewake.web.deps import context_of

    if source is None:
        source, _ = detect()
        source = source or TimerSource()
    prompt = PagePrompt()
    runner = CoachRunner(source, [prompt], context_of(app), coach_rules(coach_settings()), app.state.clock)
    async with contextlib.AsyncExitStack() as running:
        try:
            await running.enter_async_context(hosted_coach(home_dir(ensure=True), runner))
        except AlreadyRunning:
            source.close()
            app.state.coach = None
            app.state.coach_note = (
                "A coach is already running for you in another window or at login; this page cannot show it."
            )
            yield
            return
        running.callback(source.close)
        app.state.coach, app.state.coach_prompt, app.state.coach_note = runner, prompt, None
        stop = asyncio.Event()
        task = asyncio.create_task(runner.run(stop)) if start_loop else None
        if task is not None:
            task.add_done_callback(lambda ended: _ended(app, ended, stop))
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                await task
            else:
                runner.stop()


def _ended(app: FastAPI, task: asyncio.Task[None], stop: asyncio.Event) -> None:
    """The coach's loop ended before the app: say so on the coach page and in the log, never silently."""
    if stop.is_set() or task.cancelled():
        return
    import logging

    error = task.exception()
    logging.getLogger("glutewake.coach").error("the coach stopped", exc_info=error)
    app.state.coach = None
    app.state.coach_note = (
        "The sitting coach stopped after an error"
        + (f" ({' '.join(str(error).split())[:160]})" if error else "")
        + ". Restart glutewake to start it again; what it recorded before is kept."
    )
