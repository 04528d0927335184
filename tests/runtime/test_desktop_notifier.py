"""Desktop notifications over a real (private) D-Bus session, with a fake notification server."""

# The fake server's annotations are D-Bus type codes ("s", "as", "a{sv}") that dbus-fast reads,
# not Python names: so no postponed annotations here, and no name checks on them.
# ruff: noqa: F722, F821

import asyncio
import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method, signal

from glutewake.runtime.notify import DesktopNotifier


class FakeNotifications(ServiceInterface):  # type: ignore[misc]
    """Just enough of org.freedesktop.Notifications to record notifications and click buttons."""

    def __init__(self) -> None:
        super().__init__("org.freedesktop.Notifications")
        self.sent: list[dict[str, Any]] = []
        self.closed: list[int] = []

    @method()
    def GetCapabilities(self) -> "as":
        return ["actions", "body"]

    @method()
    def GetServerInformation(self) -> "ssss":
        return ["fake", "glutewake tests", "1", "1.2"]

    @method()
    def Notify(
        self,
        app: "s",
        replaces: "u",
        icon: "s",
        summary: "s",
        body: "s",
        actions: "as",
        hints: "a{sv}",
        timeout: "i",
    ) -> "u":
        self.sent.append({"app": app, "summary": summary, "body": body, "actions": list(actions)})
        return len(self.sent)

    @method()
    def CloseNotification(self, nid: "u"):  # type: ignore[no-untyped-def]  # no reply, so no return signature
        self.closed.append(nid)

    @signal()
    def ActionInvoked(self, nid: int, key: str) -> "us":
        return [nid, key]

    @signal()
    def NotificationClosed(self, nid: int, reason: int) -> "uu":
        return [nid, reason]


@pytest.fixture
def session_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private D-Bus session bus for this test."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"], stdout=subprocess.PIPE, text=True
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    try:
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        daemon.stdout.close()


async def until(condition: Any, seconds: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


def test_a_prompt_becomes_a_notification_whose_buttons_answer_it(session_bus: str) -> None:
    async def scenario() -> tuple[FakeNotifications, list[str]]:
        server_bus = await MessageBus(bus_address=os.environ["DBUS_SESSION_BUS_ADDRESS"]).connect()
        server = FakeNotifications()
        server_bus.export("/org/freedesktop/Notifications", server)
        await server_bus.request_name("org.freedesktop.Notifications")
        answers: list[str] = []
        notifier = DesktopNotifier(answers.append, asyncio.get_running_loop())
        assert await notifier.available()  # as the coach does, before anything is shown
        notifier.show(
            "Time for a glute break",
            "Stand up and squeeze your glutes for 10 seconds, 3 times.",
            can_postpone=True,
        )
        await until(lambda: server.sent)
        notifier.close()  # e.g. do-not-disturb began: the unanswered notification goes away
        await until(lambda: server.closed)
        notifier.show(
            "Time for a glute break",
            "Stand up and squeeze your glutes for 10 seconds, 3 times.",
            can_postpone=True,
        )
        await until(lambda: len(server.sent) == 2)
        actions = server.sent[1]["actions"]
        keys = dict(zip(actions[1::2], actions[::2], strict=True))  # button title -> action key
        server.ActionInvoked(2, keys["5 more minutes"])
        await until(lambda: answers)
        await notifier.shutdown()
        server_bus.disconnect()
        await server_bus.wait_for_disconnect()
        return server, answers

    server, answers = asyncio.run(scenario())
    sent = server.sent[0]
    assert (sent["app"], sent["summary"]) == ("glutewake", "Time for a glute break")
    assert "squeeze your glutes for 10 seconds" in sent["body"]
    assert [title for title in sent["actions"][1::2] if title in ("Done", "5 more minutes", "Skip")] == [
        "Done",
        "5 more minutes",
        "Skip",
    ]
    assert answers == ["postpone"]
    assert server.closed == [1]


def test_without_postponing_left_there_is_no_5_more_minutes_button(session_bus: str) -> None:
    async def scenario() -> list[str]:
        server_bus = await MessageBus(bus_address=os.environ["DBUS_SESSION_BUS_ADDRESS"]).connect()
        server = FakeNotifications()
        server_bus.export("/org/freedesktop/Notifications", server)
        await server_bus.request_name("org.freedesktop.Notifications")
        notifier = DesktopNotifier(lambda _: None, asyncio.get_running_loop())
        assert await notifier.available()
        notifier.show("Time for a glute break", "Sit tall and squeeze your buttocks.", can_postpone=False)
        await until(lambda: server.sent)
        await notifier.shutdown()
        server_bus.disconnect()
        await server_bus.wait_for_disconnect()
        return list(server.sent[0]["actions"][1::2])

    titles = asyncio.run(scenario())
    assert "5 more minutes" not in titles
    assert {"Done", "Skip"} <= set(titles)


def test_whether_a_notification_service_answers(session_bus: str) -> None:
    async def scenario() -> tuple[bool, bool]:
        lonely = DesktopNotifier(lambda _: None, asyncio.get_running_loop())
        before = await lonely.available()
        await lonely.shutdown()
        server_bus = await MessageBus(bus_address=os.environ["DBUS_SESSION_BUS_ADDRESS"]).connect()
        server_bus.export("/org/freedesktop/Notifications", FakeNotifications())
        await server_bus.request_name("org.freedesktop.Notifications")
        answered = DesktopNotifier(lambda _: None, asyncio.get_running_loop())
        after = await answered.available()
        await answered.shutdown()
        server_bus.disconnect()
        await server_bus.wait_for_disconnect()
        return before, after

    assert asyncio.run(scenario()) == (False, True)
