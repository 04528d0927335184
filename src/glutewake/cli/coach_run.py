"""Running the coach in the foreground: pick the activity source and notifiers, then loop."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

from glutewake.cli._text import say

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.clock import Clock
    from glutewake.core.coach import CoachRules
    from glutewake.runtime.activity import ActivitySource
    from glutewake.runtime.coach_host import CoachRunner

__all__ = ["run_coach"]


def run_coach(
    ctx: click.Context, *, timer_only: bool = False, terminal: bool = True, desktop: bool = True
) -> None:
    from glutewake.app.coach import coach_rules
    from glutewake.cli._coach_settings import settings_or_exit
    from glutewake.cli._store import acting, clock
    from glutewake.config import home_dir
    from glutewake.runtime.activity import detect
    from glutewake.runtime.activity.timer import TimerSource
    from glutewake.runtime.coach_host import AlreadyRunning

    _prepare_in_a_child(ctx)
    rules = coach_rules(settings_or_exit())
    source: ActivitySource | None = TimerSource() if timer_only else None
    if source is None:
        source, probes = detect()
        if source is None:
            say("glutewake cannot see keyboard and mouse activity here:", err=True)
            for probe in probes:
                say(f"  {probe.backend}: {probe.detail}", err=True)
            say("Running in timer-only mode: all clock time counts as sitting. "
                       "`glutewake coach doctor` explains what would help.", err=True)  # fmt: skip
            source = TimerSource()
    try:
        asyncio.run(
            _run(
                source,
                acting(ctx),
                rules,
                clock(ctx),
                home_dir(ensure=True),
                terminal=terminal,
                desktop=desktop,
            )
        )
    except AlreadyRunning as error:
        say(f"{error}; `glutewake coach status` shows it.", err=True)
        raise SystemExit(1) from error
    finally:
        source.close()


def _stop_on_signals(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Ctrl-C, logout and shutdown stop the coach cleanly (its bout is kept)."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):  # Windows has no SIGHUP
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        try:
            loop.add_signal_handler(signum, stop.set)
        except NotImplementedError:  # Windows event loops: a plain handler, handed to the loop
            signal.signal(signum, lambda *_: loop.call_soon_threadsafe(stop.set))


def _prepare_in_a_child(ctx: click.Context) -> None:
    """Do the one-off heavy work (validating the knowledge, migrating the database) in a
    short-lived process, so the coach, which runs all day, never loads pydantic or Alembic."""
    import subprocess

    from glutewake.knowledge.loader import is_cached
    from glutewake.store import connect, database_url
    from glutewake.store.engine import HEAD, current_revision

    url = database_url((ctx.find_root().obj or {}).get("database_url"))
    engine = connect(url, migrate=False)
    try:
        migrated = current_revision(engine) == HEAD
    finally:
        engine.dispose()
    if not migrated:
        subprocess.run(
            [sys.executable, "-m", "glutewake", "--database-url", url, "db", "upgrade"],
            capture_output=True,
            check=False,
        )
    if not is_cached():
        code = "from glutewake.knowledge import load_knowledge; load_knowledge()"
        subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)


async def _run(
    source: ActivitySource, records: Context, rules: CoachRules, clock: Clock, home: Path, *, terminal: bool, desktop: bool
) -> None:  # fmt: skip
    from glutewake.runtime.coach_host import CoachRunner, hosted_coach

    runner = CoachRunner(source, [], records, rules, clock)
    async with hosted_coach(home, runner):  # raises AlreadyRunning before anything shows
        await _watch(runner, source, terminal=terminal, desktop=desktop)


async def _watch(runner: CoachRunner, source: ActivitySource, *, terminal: bool, desktop: bool) -> None:
    from glutewake.runtime.notify import DesktopNotifier, TerminalNotifier

    loop = asyncio.get_running_loop()

    def answer(kind: str) -> None:
        runner.inbox.put_nowait(("answer", kind))

    terminal_prompt = TerminalNotifier(answer, loop) if terminal and sys.stdout.isatty() else None
    if terminal_prompt is not None:
        runner.notifiers.append(terminal_prompt)
    if desktop:
        desktop_prompt = None
        with contextlib.suppress(Exception):  # no desktop-notifier backend for this platform
            desktop_prompt = DesktopNotifier(answer, loop)
        if desktop_prompt is not None and await desktop_prompt.available():
            runner.notifiers.append(desktop_prompt)
        elif sys.stdout.isatty():
            say("No desktop notification service answers here; prompts show in this terminal.")
    stop = asyncio.Event()
    _stop_on_signals(loop, stop)
    interactive = sys.stdout.isatty()
    if interactive:
        say(f"The coach is watching activity ({source.name}). Ctrl-C stops it.")

    def show_status(line: str) -> None:
        if interactive:
            # one row, redrawn in place: a line wider than the terminal would wrap and leave its
            # start behind on every redraw, so it is shortened (between words) to fit
            columns = shutil.get_terminal_size((80, 24)).columns - 1
            fitted = (
                line if len(line) <= columns else textwrap.shorten(line, max(columns, 10), placeholder="…")
            )
            sys.stdout.write("\r" + fitted + "\x1b[K")
            sys.stdout.flush()

    try:
        await runner.run(stop, show_status)
    finally:
        if terminal_prompt is not None:
            terminal_prompt.restore()
        for notifier in runner.notifiers:
            if isinstance(notifier, DesktopNotifier):
                await notifier.shutdown()
        if runner.unsaved:  # the last try, in `run`, failed too: say what is lost, wherever it runs
            say(
                f"\nThe coach stopped, but {len(runner.unsaved)} records could not be saved "
                f"({runner.saving.problem}).",
                err=True,
            )
        elif interactive:
            say("\nThe coach stopped; today's sitting is kept (`glutewake stats`).")
