"""A throwaway PostgreSQL 15 cluster on a Unix socket, run as the `postgres` user when root.

Used by the test suite (tests/conftest.py) and by bench/history.py; `stop_cluster`, `start_cluster`
and `restart_cluster` take a cluster down and up again under a running program (tests/clinic/test_worker.py);
`create_database` and `drop_database` make and remove the tests' databases on it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(*argv: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *argv], check=True, capture_output=True, text=True)


@contextmanager
def throwaway_cluster(*, durable: bool = False) -> Iterator[str]:
    """Start a cluster and yield a URL to its `postgres` database; stop and remove it after.

    Tests turn fsync off for speed; benchmarks pass durable=True to measure real settings.
    """
    if not (PG_BIN / "postgres").exists():
        raise RuntimeError("the PostgreSQL 15 server is not installed (apt-get install postgresql-15)")
    root = Path(tempfile.mkdtemp(prefix="glutewake-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data = root / "data"
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    options = f"-k {root} -c listen_addresses=''"
    if not durable:
        options += " -c fsync=off -c full_page_writes=off"
    (root / "options").write_text(options)
    _pg_ctl(root, "-o", options, "-w", "-l", str(root / "log"), "start")
    try:
        yield f"postgresql://postgres@/postgres?host={root}"
    finally:
        _pg_ctl(root, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def _pg_ctl(root: Path, *argv: str) -> None:
    _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(root / "data"), *argv)


def _root(url: str) -> Path:
    return Path(parse_qs(urlsplit(url).query)["host"][0])


def stop_cluster(url: str) -> None:
    """Stop the throwaway cluster at `url` as an administrator would (`pg_ctl stop -m fast`): every
    connection is ended."""
    _pg_ctl(_root(url), "-m", "fast", "-w", "stop")


def start_cluster(url: str) -> None:
    """Start the throwaway cluster at `url` again, with the settings it first had."""
    root = _root(url)
    _pg_ctl(root, "-o", (root / "options").read_text(), "-w", "-l", str(root / "log"), "start")


def restart_cluster(url: str, *, down_for: float = 0.0) -> None:
    """Stop the cluster, leave it down for `down_for` seconds, start it again."""
    import time

    stop_cluster(url)
    time.sleep(down_for)
    start_cluster(url)


def create_database(server: str, prefix: str, template: str | None = None) -> str:
    """A new database on the server whose `postgres` database `server` names (an empty one, or a
    copy of the database `template` names); its URL."""
    import uuid

    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{_name(template)}"' if template else ""
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
    return server.replace("/postgres?", f"/{name}?", 1)


def drop_database(url: str) -> None:
    """Remove the database `url` names, ending any connection to it."""
    import psycopg

    with psycopg.connect(url.replace(f"/{_name(url)}?", "/postgres?", 1), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_name(url)}" WITH (FORCE)')


def _name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")
