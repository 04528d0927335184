"""A store that cannot be used as asked says what is wrong, where, and what to do, and is never
replaced: one made by a newer glutewake, an empty, garbage or cut-short file, a read-only data
folder, a full disk. The command line says it in one line (exit 2); the web app in a page or a
JSON 503. And a SQLite store is copied before an automatic migration.

The read-only folder is a read-only bind mount and the full disk a small tmpfs (tests run as
root, which file modes would not stop); without the rights to mount, those tests are skipped.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from glutewake.store import Store
from glutewake.store.engine import HEAD, StoreError, StoreTooNew, connect, current_revision, upgrade
from glutewake.web import create_app
from tests.cli.runner import SELF_CARE_CASE, run
from tests.fakes import FakeClock
from tests.web.conftest import owner_client

Opener = Callable[..., Engine]


def one_line(code: int, err: str) -> str:
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def web(url: str) -> TestClient:
    return owner_client(create_app(url, FakeClock()), follow_redirects=False)


def a_store_with_records(url: str) -> None:
    engine = connect(url)
    Store(engine, FakeClock()).owner().add_checkin(3, 4, {}, {}, "ok")
    engine.dispose()


# --- a store made by a newer glutewake ---------------------------------------------------------


def test_a_store_from_a_newer_glutewake_is_refused_in_one_line(database_url: str, engine_for: Opener) -> None:
    engine = engine_for(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))

    with pytest.raises(StoreTooNew, match=r"newer glutewake \(its schema is 0099.*upgrade glutewake"):
        connect(database_url)
    code, _, err = run(database_url, "progress")
    assert "newer glutewake" in one_line(code, err)
    code, out, _ = run(database_url, "db", "status")
    assert code == 1
    assert "0099" in out
    assert "made by a newer glutewake: upgrade glutewake" in out
    code, _, err = run(database_url, "db", "upgrade")
    assert "0099" in one_line(code, err)

    with web(database_url) as client:
        page = client.get("/progress")
        assert page.status_code == 503
        assert "newer glutewake" in page.text
        assert "Traceback" not in page.text
        api = client.get("/api/progress")
        assert api.status_code == 503
        assert "newer glutewake" in api.json()["detail"]
    assert current_revision(engine) == "0099", "the store was not touched"


# --- a backup before an automatic migration -----------------------------------------------------


def test_a_sqlite_store_is_backed_up_before_an_automatic_migration(
    tmp_path: Path, engine_for: Opener
) -> None:
    path = tmp_path / "glutewake.db"
    engine = engine_for(f"sqlite:///{path}", migrate=False)
    upgrade(engine, "0007")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO people (id, created_at, kind) VALUES (1, '2026-11-20 09:00:00', 'owner')")
        )
        connection.execute(
            text(
                "INSERT INTO checkins (person_id, created_at, pain, numbness, psfs, red_flags, outcome)"
                " VALUES (1, '2026-11-20 09:00:00', 3, 4, '{}', '{}', 'ok')"
            )
        )
    engine.dispose()
    stale = tmp_path / "glutewake.db.before-0005.bak"
    stale.write_bytes(b"an older migration's copy")

    engine_for(f"sqlite:///{path}")  # migrates to HEAD

    kept = tmp_path / f"glutewake.db.before-{HEAD}.bak"
    assert sorted(p.name for p in tmp_path.glob("*.bak")) == [kept.name], "the newest copy replaces the older"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    copy = sqlite3.connect(kept)
    assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [("0007",)]
    assert copy.execute("SELECT pain, numbness FROM checkins").fetchall() == [(3, 4)]
    copy.close()
    before = kept.stat().st_mtime_ns
    engine_for(f"sqlite:///{path}")  # up to date: no migration, no new copy
    assert kept.stat().st_mtime_ns == before


def test_a_new_store_needs_no_backup(tmp_path: Path, engine_for: Opener) -> None:
    engine_for(f"sqlite:///{tmp_path / 'glutewake.db'}")
    assert not list(tmp_path.glob("*.bak"))
    assert not list(tmp_path.glob(".glutewake.db*")), "no temporary file is left"


# --- a damaged store -----------------------------------------------------------------------------


def _cut_short(path: Path) -> None:
    a_store_with_records(f"sqlite:///{path}")
    size = path.stat().st_size
    with path.open("r+b") as file:
        file.truncate(size // 2)


DAMAGE = {
    "empty": lambda path: path.write_bytes(b""),
    "garbage": lambda path: path.write_bytes(os.urandom(3000)),
    "cut short": _cut_short,
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_store_is_refused_and_never_replaced(damage: str, tmp_path: Path) -> None:
    path = tmp_path / "glutewake.db"
    DAMAGE[damage](path)
    bytes_before = path.read_bytes()
    url = f"sqlite:///{path}"

    with pytest.raises(StoreError) as refused:
        connect(url)
    message = str(refused.value)
    assert f"the store {path} is damaged" in message
    assert "restore it from a backup or an export" in message
    assert "move it aside" in message

    code, _, err = run(url, "progress")
    assert "is damaged" in one_line(code, err)
    code, _, err = run(url, "db", "status")
    assert code == 2
    assert "is damaged" in err
    with web(url) as client:
        page = client.get("/")
        assert page.status_code == 503
        assert "is damaged" in page.text
        assert client.get("/api/progress").status_code == 503
    assert path.read_bytes() == bytes_before, "never replaced"
    assert sorted(p.name for p in tmp_path.glob("glutewake.db*")) == ["glutewake.db"]


def test_a_damaged_store_names_the_backup_to_restore(tmp_path: Path) -> None:
    path = tmp_path / "glutewake.db"
    path.write_bytes(b"")
    (tmp_path / "glutewake.db.before-0008.bak").write_bytes(b"a copy")
    with pytest.raises(StoreError, match=r"restore the backup .*glutewake\.db\.before-0008\.bak"):
        connect(f"sqlite:///{path}")


# --- a read-only data folder and a full disk ----------------------------------------------------


@contextlib.contextmanager
def mounted(*command: str) -> Iterator[None]:
    target = command[-1]
    done = subprocess.run(["mount", *command], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", target], check=False)


@contextlib.contextmanager
def read_only_view(folder: Path, view: Path) -> Iterator[None]:
    view.mkdir()
    with mounted("--bind", str(folder), str(view)):
        subprocess.run(["mount", "-o", "remount,ro,bind", str(view)], check=True)
        yield


def test_a_read_only_data_folder_reads_and_exports_and_refuses_writes(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    a_store_with_records(f"sqlite:///{folder / 'glutewake.db'}")
    view = tmp_path / "view"
    with read_only_view(folder, view):
        url = f"sqlite:///{view / 'glutewake.db'}"
        code, out, err = run(url, "export", "-")
        assert code == 0, err
        assert '"pain": 3' in out
        assert run(url, "progress")[0] == 0

        code, _, err = run(url, "log", "glute_bridge", "3x10")
        line = one_line(code, err)
        assert f"the data folder is read-only: {view}" in line
        assert "nothing was changed" in line

        with web(url) as client:
            assert client.get("/progress").status_code == 200
            assert client.get("/api/data").status_code == 200
            refused = client.post("/api/triage?save=true", json=SELF_CARE_CASE)
            assert refused.status_code == 503
            assert f"the data folder is read-only: {view}" in refused.json()["detail"]
        assert sorted(p.name for p in view.iterdir()) == ["glutewake.db"], "no lock files needed"


def test_a_read_only_folder_reads_the_changes_still_in_the_write_ahead_log(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    a_store_with_records(f"sqlite:///{folder / 'glutewake.db'}")
    writer = sqlite3.connect(folder / "glutewake.db")  # open: its log and index stay
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE checkins SET pain = 7")
    writer.commit()
    view = tmp_path / "view"
    try:
        with read_only_view(folder, view):
            code, out, err = run(f"sqlite:///{view / 'glutewake.db'}", "export", "-")
            assert code == 0, err
            assert '"pain": 7' in out
    finally:
        writer.close()


def test_an_old_store_in_a_read_only_folder_is_not_migrated(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    engine = connect(f"sqlite:///{folder / 'glutewake.db'}", migrate=False)
    upgrade(engine, "0007")
    engine.dispose()
    view = tmp_path / "view"
    with (
        read_only_view(folder, view),
        pytest.raises(StoreError, match=r"needs upgrading from schema 0007 .*read-only"),
    ):
        connect(f"sqlite:///{view / 'glutewake.db'}")
    assert not list(folder.glob("*.bak"))


def _fill(folder: Path) -> None:
    handle = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 16, 1):  # in large pieces, then the last few bytes
            with contextlib.suppress(OSError):
                while True:
                    os.write(handle, b"\0" * size)
    finally:
        os.close(handle)


def test_a_full_disk_reads_and_exports_and_names_the_cause(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)):
        url = f"sqlite:///{disk / 'glutewake.db'}"
        a_store_with_records(url)
        running = connect(url)  # opened before the disk fills, as the web app would be
        repo = Store(running, FakeClock()).owner()
        _fill(disk)

        def until_refused() -> None:
            for _ in range(200):  # until the log's free pages run out
                repo.add_checkin(5, 5, {f"activity {n}": 5 for n in range(300)}, {}, "ok")

        with pytest.raises(StoreError, match=rf"the disk is full: {disk}"):
            until_refused()
        assert len(repo.checkins()) >= 1, "still read"
        running.dispose()

        code, out, err = run(url, "export", "-")
        assert code == 0, err
        assert '"pain": 3' in out
        code, _, err = run(url, "log", "glute_bridge", "3x10")
        assert f"the disk is full: {disk}" in one_line(code, err)
        with web(url) as client:
            assert client.get("/progress").status_code == 200
            refused = client.post("/api/triage?save=true", json=SELF_CARE_CASE)
            assert refused.status_code == 503
            assert "the disk is full" in refused.json()["detail"]
