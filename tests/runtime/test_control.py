"""The coach's control channel and lock, the POSIX way and the Windows way (on this machine).

The host holds the one-coach lock and answers on the control channel while the coach runs;
`ask_running_coach` reaches it, a second host is refused, and after it stops nothing answers.
"""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import pytest

from glutewake.runtime import lock
from glutewake.runtime.coach_host import AlreadyRunning, CoachRunner, ask_running_coach, hosted_coach
from glutewake.store import Repository
from tests.runtime.test_coach_host import runner


@pytest.fixture(params=["unix", "tcp"])
def channel(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test runs over the Unix socket and over the token-guarded localhost socket."""
    if request.param == "tcp":
        monkeypatch.setenv("GLUTEWAKE_COACH_CONTROL", "tcp")
    return str(request.param)


async def hosted(
    home: Path, run: CoachRunner, *requests: dict[str, object]
) -> list[dict[str, object] | None]:
    """Host `run`, send `requests` from a thread as another process would, then stop."""
    async with hosted_coach(home, run):
        return [await asyncio.to_thread(ask_running_coach, home, request) for request in requests]


def test_status_pause_and_resume_reach_the_hosted_coach(
    repo: Repository, tmp_path: Path, channel: str
) -> None:
    run, *_ = runner(repo)
    status, paused, resumed = asyncio.run(
        hosted(
            tmp_path, run, {"command": "status"}, {"command": "pause", "seconds": 600}, {"command": "resume"}
        )
    )
    assert status is not None
    assert status["ok"] is True
    assert paused is not None
    assert paused["status"]["quiet_until"] is not None  # type: ignore[index]
    assert resumed is not None
    assert resumed["status"]["quiet_until"] is None  # type: ignore[index]
    assert ask_running_coach(tmp_path, {"command": "status"}) is None, "nothing answers once it stopped"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("coach.")) == ["coach.lock"]


def test_a_second_host_is_refused_while_one_runs(repo: Repository, tmp_path: Path, channel: str) -> None:
    first, *_ = runner(repo)
    second, *_ = runner(repo)

    async def both() -> None:
        async with hosted_coach(tmp_path, first):
            with pytest.raises(AlreadyRunning):
                async with hosted_coach(tmp_path, second):
                    pass
            reply = await asyncio.to_thread(ask_running_coach, tmp_path, {"command": "status"})
            assert reply is not None
            assert reply["ok"] is True, "the first is untouched"

    asyncio.run(both())


def test_the_tcp_channel_refuses_a_request_without_its_token(
    repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GLUTEWAKE_COACH_CONTROL", "tcp")
    run, *_ = runner(repo)

    def without_token() -> dict[str, object]:
        port = json.loads((tmp_path / "coach.control").read_text())["port"]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(b'{"command": "pause", "seconds": null}\n')
            reply: dict[str, object] = json.loads(client.makefile().readline())
            return reply

    async def attempt() -> dict[str, object]:
        async with hosted_coach(tmp_path, run):
            assert (tmp_path / "coach.control").stat().st_mode & 0o777 == 0o600
            return await asyncio.to_thread(without_token)

    reply = asyncio.run(attempt())
    assert reply["ok"] is False
    assert "token" in str(reply["error"])
    assert run.status()["quiet_until"] is None


def test_without_fcntl_a_lock_file_keeps_one_coach_and_a_dead_owners_file_is_taken_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "fcntl", None)  # importing it now fails, as on Windows
    monkeypatch.setitem(sys.modules, "msvcrt", None)
    with lock.single_instance(tmp_path):
        assert (tmp_path / "coach.pid").exists()
        with pytest.raises(AlreadyRunning), lock.single_instance(tmp_path):
            pass
    assert not (tmp_path / "coach.pid").exists()
    (tmp_path / "coach.pid").write_text("999999999")  # a coach that died without cleaning up
    with lock.single_instance(tmp_path):
        pass
