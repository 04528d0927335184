"""Opening the database: the URL, SQLite's settings, and migrating the schema on first use.

SQLite (the default, a file in the data directory) runs in WAL mode with `synchronous=FULL`,
so a committed set survives a power cut, and with a busy timeout and `BEGIN IMMEDIATE` for
writes, so the coach and a session can write to one file without "database is locked".
PostgreSQL is used when the URL says so (`postgresql://...`), through psycopg 3.

Alembic is slow to import, so the schema version is compared with `HEAD` first and Alembic
loads only when a migration is due.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

__all__ = ["HEAD", "StoreError", "connect", "current_revision", "database_url", "downgrade", "upgrade"]

HEAD = "0008"  # the newest migration in migrations/versions (a test keeps this in step)
MIGRATIONS = Path(__file__).parent / "migrations"
WRITE = "glutewake_write"  # execution option: this connection writes


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says why and what to do."""


def database_url(override: str | None = None) -> str:
    """`--database-url`, else `GLUTEWAKE_DATABASE_URL`, else a SQLite file in the data directory."""
    import os

    from glutewake.config import home_dir

    url = override or os.environ.get("GLUTEWAKE_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{home_dir(ensure=True) / 'glutewake.db'}"


def connect(url: str, *, migrate: bool = True) -> Engine:
    """An engine for `url`, its schema brought up to date unless `migrate` is false."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StoreError(f"not a database URL: {url!r} (use sqlite:///PATH or postgresql://...)") from error
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        options = dict(parsed.query)
        if set(options) - {"mode"} or options.get("mode", "ro") != "ro":
            raise StoreError(f"unsupported SQLite option in {url!r}: only ?mode=ro (read-only) is understood")
        engine = _sqlite(parsed.database, read_only="mode" in options)
    elif backend in ("postgresql", "postgres"):
        engine = create_engine(parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=True)
        event.listen(engine, "begin", _begin_postgresql)
    else:
        raise StoreError(f"unsupported database {backend!r}: use SQLite (the default) or PostgreSQL")
    if migrate and current_revision(engine) != HEAD:
        upgrade(engine)
    return engine


def _sqlite(database: str | None, *, read_only: bool = False) -> Engine:
    if read_only:  # for a disk glutewake may read but not write; any write says so
        import sqlite3

        uri = f"file:{database}?mode=ro"
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)
        )
    else:
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{database or ''}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _settings(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=30000", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A write takes the lock up front; upgrading a read lock later can fail at once.
        immediate = connection.get_execution_options().get(WRITE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _begin_postgresql(connection: Connection) -> None:
    if connection.get_execution_options().get("glutewake_migrate"):
        # One migration at a time, however many glutewake processes start together.
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4815162342)")


def current_revision(engine: Engine) -> str | None:
    """The schema's migration revision, or None for a database glutewake has not set up."""
    try:
        with engine.connect() as connection:
            row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    except DBAPIError as error:
        if _is_missing_table(error):
            return None
        raise StoreError(f"cannot open the database: {error.orig}") from error
    return None if row is None else str(row[0])


def _is_missing_table(error: DBAPIError) -> bool:
    message = str(error.orig).lower()
    return "no such table" in message or "does not exist" in message


def upgrade(engine: Engine, revision: str = "head", *, versions: Path | None = None) -> None:
    """Migrate the schema up, holding the write lock so concurrent first runs migrate once.

    `versions`, a folder of migration files to use instead of ours: the tests make stores
    with the files as each release had them."""
    _migrate(engine, "upgrade", revision, versions)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the schema down (the migration tests use this)."""
    _migrate(engine, "downgrade", revision)


def _migrate(engine: Engine, direction: str, revision: str, versions: Path | None = None) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if versions is not None:
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", str(versions))
    options = {WRITE: True, "glutewake_migrate": True}
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect().execution_options(**options) as connection:
        if sqlite:
            # SQLite changes a table by copying it and dropping the old one; with foreign keys
            # on, the drop would cascade into the children. Off for the migration (it cannot
            # change inside a transaction), checked before the commit, on again after.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                getattr(command, direction)(config, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StoreError("the migration left records pointing at nothing; nothing was changed")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
