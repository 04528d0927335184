"""A throwaway PostgreSQL 15 cluster on a Unix socket, run as the `postgres` user when root.

Used by the test suite (tests/conftest.py) and by bench/history.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
    _as_postgres(
        str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(root / "log"), "start"
    )
    try:
        yield f"postgresql://postgres@/postgres?host={root}"
    finally:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
