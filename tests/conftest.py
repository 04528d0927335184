"""Shared test setup: every test gets its own glutewake home, never the real one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings
from sqlalchemy import Engine

from glutewake.knowledge import Knowledge, load_knowledge

if TYPE_CHECKING:
    import subprocess

    from glutewake.store import Repository

# Property tests check what the code says, not how fast it says it: the suite runs on every core
# at once (./scripts/test), where a share of the CPU can make any single example slow.
settings.register_profile("glutewake", deadline=None)
settings.load_profile("glutewake")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once every test module is imported, set what is alive now (modules, the knowledge base,
    Hypothesis's and Schemathesis's strategies) aside from the garbage collector: it lives until
    the run ends anyway, and each full collection (the clinic tests force one after every test,
    to catch leaks where they are made) then looks only at what the tests made since."""
    import gc

    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session", autouse=True)
def localhost_names() -> None:
    """`*.localhost` is this computer for the tests' own HTTP clients too (see `resolve_localhost_names`)."""
    from tests.servers import resolve_localhost_names

    resolve_localhost_names()


@pytest.fixture(autouse=True)
def glutewake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "glutewake-home"
    monkeypatch.setenv("GLUTEWAKE_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def kb() -> Knowledge:
    """The shipped knowledge base, validated from the YAML files (no disk cache)."""
    return load_knowledge(use_cache=False)


# --- databases: every store test runs on real SQLite and on a real PostgreSQL server ---------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for this test run (or GLUTEWAKE_TEST_POSTGRES_URL's server)."""
    import os

    from tests.pg_cluster import throwaway_cluster

    given = os.environ.get("GLUTEWAKE_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    try:
        cluster = throwaway_cluster()
        url = cluster.__enter__()
    except RuntimeError as error:
        pytest.fail(f"{error}; ./scripts/test installs it")
    try:
        yield url
    finally:
        cluster.__exit__(None, None, None)


@pytest.fixture(scope="session")
def _sqlite_at_head(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store that glutewake has migrated to its newest schema, once for the run."""
    from glutewake.store.engine import connect

    path = tmp_path_factory.mktemp("store-at-head") / "glutewake.db"
    connect(f"sqlite:///{path}").dispose()
    assert list(path.parent.iterdir()) == [path], "the store is one file (its write-ahead log checkpointed)"
    return path


@pytest.fixture(scope="session")
def _postgres_at_head(postgres_server: str) -> Iterator[str]:
    """A PostgreSQL database that glutewake has migrated to its newest schema, once for the run."""
    from glutewake.store.engine import connect
    from tests.pg_cluster import create_database, drop_database

    url = create_database(postgres_server, "template_head")
    connect(url).dispose()  # nothing may stay connected to a database that is copied
    yield url
    drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database on each engine, at glutewake's newest schema: a copy of one migrated once for
    the run (the migrations take longer than most tests), as it is after glutewake first opened it.
    Tests of the migrations themselves take `blank_database_url`."""
    if request.param == "sqlite":
        import shutil

        path = tmp_path / "glutewake.db"
        shutil.copy(request.getfixturevalue("_sqlite_at_head"), path)  # its permissions too
        yield f"sqlite:///{path}"
        return
    from tests.pg_cluster import create_database, drop_database

    template = request.getfixturevalue("_postgres_at_head")
    url = create_database(request.getfixturevalue("postgres_server"), "test", template)
    yield url
    drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each engine (no schema yet)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'glutewake.db'}"
        return
    from tests.pg_cluster import create_database, drop_database

    url = create_database(request.getfixturevalue("postgres_server"), "test")
    yield url
    drop_database(url)


@pytest.fixture
def engine_for() -> Iterator[Callable[..., Engine]]:
    """Open engines with `store.engine.connect`; all are disposed when the test ends."""
    from glutewake.store.engine import connect

    opened: list[Engine] = []

    def open_engine(url: str, *, migrate: bool = True) -> Engine:
        opened.append(connect(url, migrate=migrate))
        return opened[-1]

    yield open_engine
    for engine in opened:
        engine.dispose()


@pytest.fixture
def repo(database_url: str, engine_for: Callable[..., Engine]) -> Repository:
    """A repository on a fresh database of each engine, with a fake clock."""
    from glutewake.store import Store
    from tests.fakes import FakeClock

    return Store(engine_for(database_url), FakeClock()).owner()


@pytest.fixture
def repo_for(engine_for: Callable[..., Engine]) -> Callable[[str], Repository]:
    """Open a repository on an existing database URL (disposed when the test ends)."""
    from glutewake.store import Store
    from tests.fakes import FakeClock

    return lambda url: Store(engine_for(url), FakeClock()).owner()


def _wait_for_x(display: str, server: subprocess.Popen[bytes]) -> None:
    """Until the X server takes connections: it names its display a moment before, and on a
    busy machine (the suite on several workers) a test that came at once was refused."""
    import time

    import Xlib.display
    import Xlib.error

    deadline = time.monotonic() + 30
    while True:
        try:
            Xlib.display.Display(display).close()
            return
        except (Xlib.error.DisplayError, Xlib.error.ConnectionClosedError, OSError) as error:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"Xvfb on {display} took no connection: {error}")
            time.sleep(0.05)


@pytest.fixture(scope="session")
def x_display() -> Iterator[str]:
    """A real X server (Xvfb) for this test run; its display name, such as ":7"."""
    import os
    import shutil
    import subprocess

    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None:
        pytest.fail(
            "Xvfb and xdotool are not installed; ./scripts/test installs them (apt-get install xvfb xdotool)"
        )
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        # -noreset: an X server resets when its last client leaves, and refuses whoever connects
        # meanwhile ("connection closed by server"), which one test after another hit at random
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1024x768x24", "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        number = announced.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start")
    _wait_for_x(f":{number}", server)
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)
