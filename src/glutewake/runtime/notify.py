"""Showing a break prompt: in the terminal, as a desktop notification, or (in tests) a fake.

Every notifier shows a prompt with the same three answers (Done, 5 more minutes, Skip)
and hands the chosen answer to `answer`, a callback the coach runner gives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["DesktopNotifier", "FakeNotifier", "Notifier", "TerminalNotifier"]

Answer = Callable[[str], None]  # "done", "postpone" or "skip"


class Notifier(Protocol):
    name: str

    def show(self, title: str, text: str, can_postpone: bool) -> None: ...

    def close(self) -> None: ...


class FakeNotifier:
    """Records what would have been shown (for tests)."""

    name = "fake"

    def __init__(self) -> None:
        self.shown: list[tuple[str, bool]] = []
        self.titles: list[str] = []
        self.closed = 0

    def show(self, title: str, text: str, can_postpone: bool) -> None:
        self.shown.append((text, can_postpone))
        self.titles.append(title)

    def close(self) -> None:
        self.closed += 1


class TerminalNotifier:
    """Rings the bell and prints the prompt; the keys d, p and s answer it."""

    name = "terminal"

    def __init__(self, answer: Answer, loop: Any, *, bell: bool = True) -> None:
        self.answer = answer
        self.bell = bell
        self.showing = False
        self._keys: Any = None
        if sys.stdin.isatty():
            from glutewake.runtime.keys import Keys

            self._keys = Keys().__enter__()
            loop.add_reader(sys.stdin.fileno(), self._key)

    def _key(self) -> None:
        key = self._keys.read(0)
        if self.showing and key in {"d": "done", "p": "postpone", "s": "skip"}:
            self.answer({"d": "done", "p": "postpone", "s": "skip"}[key])

    def show(self, title: str, text: str, can_postpone: bool) -> None:
        self.showing = True
        choices = "[d] done, " + ("[p] 5 more minutes, " if can_postpone else "") + "[s] skip"
        sys.stdout.write(("\a" if self.bell else "") + f"\n\n{title}: {text}\n{choices}\n")
        sys.stdout.flush()

    def close(self) -> None:
        self.showing = False

    def restore(self) -> None:
        if self._keys is not None:
            self._keys.__exit__(None, None, None)


class DesktopNotifier:
    """A desktop notification with Done, 5 more minutes and Skip buttons (desktop-notifier)."""

    name = "desktop"

    def __init__(self, answer: Answer, loop: Any) -> None:
        from desktop_notifier import DesktopNotifier as Backend

        self.answer = answer
        self.loop = loop
        self.backend = Backend(app_name="glutewake")
        self.current: Any = None

    async def available(self) -> bool:
        """Whether a notification service answers (with no service, notifications vanish silently)."""
        try:
            return bool(await self.backend.get_capabilities())
        except Exception:
            return False

    def show(self, title: str, text: str, can_postpone: bool) -> None:
        from desktop_notifier import Button

        buttons = [Button(title="Done", on_pressed=lambda: self.answer("done"))]
        if can_postpone:
            buttons.append(Button(title="5 more minutes", on_pressed=lambda: self.answer("postpone")))
        buttons.append(Button(title="Skip", on_pressed=lambda: self.answer("skip")))
        self.loop.create_task(self._send(title, text, buttons))

    async def _send(self, title: str, text: str, buttons: list[Any]) -> None:
        try:
            self.current = await self.backend.send(title=title, message=text, buttons=buttons)
        except Exception as error:
            self.failed = str(error) or type(error).__name__

    def close(self) -> None:
        if self.current is not None:
            self.loop.create_task(self._clear(self.current))
            self.current = None

    async def shutdown(self) -> None:
        """Close desktop-notifier's D-Bus connection (it has no public way to) and wait until closed."""
        bus = getattr(getattr(self.backend, "_backend", None), "bus", None)
        if bus is not None:
            bus.disconnect()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(bus.wait_for_disconnect(), timeout=2)

    async def _clear(self, notification: Any) -> None:
        with contextlib.suppress(Exception):
            await self.backend.clear(notification)
