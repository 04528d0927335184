"""The signed-in browsers' book: what a cookie is worth, for how long, and ending sessions."""

from __future__ import annotations

import json
from pathlib import Path

from glutewake.identity.browser_sessions import SESSION_SECONDS, SessionBook
from tests.cli.runner import run
from tests.fakes import FakeClock

DAY = 86_400


def test_a_cookie_is_worth_something_only_while_its_entry_is_kept(tmp_path: Path) -> None:
    book = SessionBook(tmp_path / "sessions.json")
    value = book.begin(1_000, "Firefox on Linux")
    found = book.find(value, 1_000 + DAY)
    assert found is not None
    assert found.browser == "Firefox on Linux"
    assert found.last_used == 1_000 + DAY, "last used is kept up to date"
    assert value not in (tmp_path / "sessions.json").read_text(), "only a digest is kept"
    assert (tmp_path / "sessions.json").stat().st_mode & 0o777 == 0o600
    assert book.find(value, 1_000 + SESSION_SECONDS + 1) is None, "thirty days at most"
    assert book.find(value + "x", 1_000) is None
    assert book.find("", 1_000) is None


def test_a_session_ended_elsewhere_ends_here_at_once(tmp_path: Path) -> None:
    """The running app's book sees `glutewake sessions end` made by another process."""
    app, terminal = SessionBook(tmp_path / "sessions.json"), SessionBook(tmp_path / "sessions.json")
    first, second = app.begin(1_000, "Chrome on Android"), app.begin(1_001, "Firefox on Linux")
    listed = terminal.sessions(1_002)
    assert [s.browser for s in listed] == ["Firefox on Linux", "Chrome on Android"]
    assert terminal.end(listed[1].id, 1_002)
    assert app.find(first, 1_003) is None
    assert app.find(second, 1_003) is not None
    assert terminal.end_all(1_004) == 1
    assert app.find(second, 1_005) is None


def test_a_damaged_book_lets_nobody_in(tmp_path: Path) -> None:
    book = SessionBook(tmp_path / "sessions.json")
    value = book.begin(1_000, "Safari on macOS")
    (tmp_path / "sessions.json").write_text("{not json")
    assert book.find(value, 1_001) is None
    (tmp_path / "sessions.json").write_text(json.dumps({"sessions": [{"digest": 5}]}))
    assert book.find(value, 1_002) is None


def test_the_sessions_command_lists_and_ends(glutewake_home: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    assert "No browser is signed in" in run(url, "sessions")[1]
    glutewake_home.mkdir(parents=True, exist_ok=True)
    book = SessionBook(glutewake_home / "sessions.json")
    now = int(FakeClock().now().timestamp())  # the command's clock
    book.begin(now - 60, "Firefox on Linux")
    code, out, _ = run(url, "sessions")
    assert code == 0
    assert "Firefox on Linux" in out
    session_id = book.sessions(now)[0].id
    assert session_id in out
    code, _, err = run(url, "sessions", "end", "nope0000")
    assert code == 2
    assert "no signed-in browser has the ID 'nope0000'" in " ".join(err.split())
    code, _, err = run(url, "sessions", "end")
    assert code == 2
    assert "give one session ID" in err
    code, out, _ = run(url, "sessions", "end", session_id)
    assert (code, out.strip()) == (0, f"Signed out {session_id}.")
    assert book.sessions(now) == []


def test_an_ended_session_never_comes_back_while_the_app_writes_beside_it(tmp_path: Path) -> None:
    """The app brings "last used" up to date while `glutewake sessions end --all` runs in
    another process: the two never write over each other, so nothing ended comes back."""
    import threading

    from glutewake.identity.browser_sessions import TOUCH_SECONDS

    app = SessionBook(tmp_path / "sessions.json")
    values = [app.begin(1_000, f"browser {n}") for n in range(20)]
    stop = threading.Event()

    def use() -> None:
        now = 1_000
        while not stop.is_set():
            now += TOUCH_SECONDS
            for value in values:
                SessionBook(tmp_path / "sessions.json").find(value, now)

    users = [threading.Thread(target=use) for _ in range(3)]
    for user in users:
        user.start()
    ended = SessionBook(tmp_path / "sessions.json").end_all(1_000)
    stop.set()
    for user in users:
        user.join()
    assert ended == 20
    assert SessionBook(tmp_path / "sessions.json").sessions(1_000 + 30 * TOUCH_SECONDS) == []
    assert all(app.find(value, 2_000) is None for value in values)
