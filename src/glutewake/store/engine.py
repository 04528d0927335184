"""Opening the database: the URL, SQLite's settings, and migrating the schema on first use.

SQLite (the default, a file in the data directory) runs in WAL mode with `synchronous=FULL`,
so a committed set survives a power cut, and with a busy timeout and `BEGIN IMMEDIATE` for
writes, so the coach and a session can write to one file without "database is locked".
PostgreSQL is used when the URL says so (`postgresql://...`), through psycopg 3.

Alembic is slow to import, so the schema version is compared with `HEAD` first and Alembic
loads only when a migration is due. Before it migrates a SQLite store, glutewake copies it (the
SQLite backup API) to `<file>.before-<revision>.bak` beside it, kept until the next migration.

A store is never silently replaced or half-used: an empty or damaged file, and a store made by
a newer glutewake, are refused with a message that says what is wrong and what to do. A SQLite
store in a read-only folder or on a full disk is opened read-only: reading and export work,
and a write is refused with the cause (`StoreError`, raised in place of the driver's error).
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from glutewake.store.changes import ChangeWatch, Version

__all__ = [
    "HEAD",
    "StoreError",
    "StoreTooNew",
    "back_up",
    "connect",
    "current_revision",
    "data_version",
    "database_url",
    "downgrade",
    "newer_than_known",
    "upgrade",
]

HEAD = "0010"  # the newest migration in migrations/versions (a test keeps this in step)
MIGRATIONS = Path(__file__).parent / "migrations"
WRITE = "glutewake_write"  # execution option: this connection writes


SQLITE_HEADER = b"SQLite format 3\x00"
FULL_BELOW = 1 << 20  # bytes free in the data folder under which the disk counts as full


class StoreError(RuntimeError):
    """The database cannot be opened or used; the message says why and what to do."""


class StoreTooNew(StoreError):
    """The store was made by a newer glutewake, whose schema this one does not know."""


@dataclass(frozen=True)
class _SqliteFile:
    path: Path
    read_only: str | None  # why it was opened read-only (None: it is written as usual)
    changes: ChangeWatch = field(compare=False)


_FILES: weakref.WeakKeyDictionary[Engine, _SqliteFile] = weakref.WeakKeyDictionary()


def data_version(engine: Engine) -> Version | None:
    """A number that changes whenever anything commits to the store (see `store/changes.py`);
    None when it cannot tell (PostgreSQL, or the number cannot be read now)."""
    file = _FILES.get(engine)
    return None if file is None else file.changes.version()


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
    if migrate:
        try:
            _bring_up_to_date(engine)
        except BaseException:
            engine.dispose()
            raise
    return engine


def _bring_up_to_date(engine: Engine) -> None:
    revision = current_revision(engine)
    if revision == HEAD:
        return
    if newer_than_known(revision):
        raise StoreTooNew(too_new_message(revision))
    file = _FILES.get(engine)
    if file is not None and file.read_only:
        raise StoreError(
            f"the store {file.path} needs upgrading from schema {revision or 'none'} to {HEAD}, "
            f"and {file.read_only}: make it writable (or free some space), then start glutewake again"
        )
    back_up(engine)
    upgrade(engine)


def known_revisions() -> set[str]:
    """The revisions this glutewake's migrations know (from the file names: no Alembic import)."""
    return {path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*_*.py")}


def newer_than_known(revision: str | None) -> bool:
    """Whether `revision` is a schema this glutewake does not know: a newer glutewake's."""
    return revision is not None and revision not in known_revisions()


def too_new_message(revision: str | None) -> str:
    from glutewake import __version__

    return (
        f"this store was made by a newer glutewake (its schema is {revision}; glutewake {__version__} "
        f"knows up to {HEAD}): upgrade glutewake to open it (pip install --upgrade glutewake); "
        "the store was not changed"
    )


def _sqlite(database: str | None, *, read_only: bool = False) -> Engine:
    if not database or database == ":memory:" or database.startswith("file:"):
        engine = create_engine(f"sqlite:///{database or ''}", connect_args={"timeout": 30})
        _sqlite_settings(engine, writable=True)
        return engine
    path = Path(database)
    _refuse_damaged(path)
    why = f"the store was opened read-only (?mode=ro): {path}" if read_only else _cannot_write(path)
    if why is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _create_whole(path)
        engine = create_engine(f"sqlite:///{database}", connect_args={"timeout": 30})
    else:  # for a disk glutewake may read but not write; any write says why not
        import sqlite3

        uri = f"file:{_uri_path(path)}?{_read_only_query(path, why, explicit=read_only)}"
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False)
        )
    watch = ChangeWatch(path)
    _FILES[engine] = _SqliteFile(path, why, watch)
    event.listen(engine, "engine_disposed", lambda _engine: watch.close())
    _sqlite_settings(engine, writable=why is None)
    _explain_errors(engine, path, why)
    return engine


def _sqlite_settings(engine: Engine, *, writable: bool) -> None:
    @event.listens_for(engine, "connect")
    def _settings(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        pragmas = ("journal_mode=WAL", "synchronous=FULL") if writable else ()
        for pragma in (*pragmas, "busy_timeout=30000", "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A write takes the lock up front; upgrading a read lock later can fail at once.
        immediate = connection.get_execution_options().get(WRITE)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _uri_path(path: Path) -> str:
    from urllib.parse import quote

    return quote(str(path.absolute()))


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _refuse_damaged(path: Path) -> None:
    """Refuse a store file that is empty, not SQLite's or cut short; it is never replaced."""
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return
    except OSError as error:
        raise StoreError(f"cannot read the store {path}: {error.strerror or error}") from error
    wal = _sidecar(path, "-wal")
    if size == 0:
        if wal.exists() and wal.stat().st_size > 0:
            return  # every page is still in the write-ahead log, which SQLite reads
        raise StoreError(_damaged(path, "the file is empty (0 bytes)"))
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise StoreError(_damaged(path, "the file is not a database (or its start is damaged)"))
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if header[24:28] == header[92:96] and size < pages * page_size:
        raise StoreError(_damaged(path, f"the file is cut short ({size} of {pages * page_size} bytes)"))


def _damaged(path: Path, what: str) -> str:
    backups = sorted(path.parent.glob(f"{path.name}.before-*.bak"))
    restore = (
        f"restore the backup {backups[-1]} (copy it over {path.name})"
        if backups
        else "restore it from a backup or an export (`glutewake import`)"
    )
    return (
        f"the store {path} is damaged: {what}. glutewake has not changed it. To go on, {restore}, "
        "or move it aside to start a new, empty store"
    )


def _create_whole(path: Path) -> None:
    """Make a new store whole before it has its name, so that no other process ever finds it
    empty (an empty file is refused as damaged)."""
    if path.exists():
        return
    import sqlite3
    import tempfile

    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    os.close(handle)
    try:
        new = sqlite3.connect(name)
        try:
            new.execute("PRAGMA journal_mode=WAL")  # writes the file's first page
        finally:
            new.close()
        try:
            os.link(name, path)
        except FileExistsError:  # another glutewake made it first: theirs is used
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)


def _cannot_write(path: Path) -> str | None:
    """Why glutewake cannot write the store at `path` now, or None."""
    import shutil

    folder = path.parent
    if not folder.exists():
        return None  # made when opened (or the error says why it cannot be)
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"the data folder is read-only: {folder}"
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    return f"the disk is full: {folder}" if free < FULL_BELOW else None


def _read_only_query(path: Path, why: str, *, explicit: bool) -> str:
    if not path.exists():
        raise StoreError(f"there is no store at {path}, and {why}: glutewake cannot make one there")
    wal = _sidecar(path, "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        if _sidecar(path, "-shm").exists():
            return "mode=ro"  # SQLite reads the log through the index beside it
        raise StoreError(
            f"cannot read the store {path}: its last changes are in {wal.name}, which SQLite reads only "
            f"where it may write, and {why}. Make the folder writable (or free some space) and try again"
        )
    if explicit and os.access(path.parent, os.W_OK):
        return "mode=ro"  # others may write meanwhile; SQLite sees their changes
    return "mode=ro&immutable=1"  # nothing can write it, so SQLite needs no lock files


def _explain_errors(engine: Engine, path: Path, read_only: str | None) -> None:
    """A write refused, a full disk or a damaged file raises StoreError naming the cause."""
    import shutil

    @event.listens_for(engine, "handle_error")
    def _explain(context: Any) -> None:
        message = str(context.original_exception).lower()
        if "readonly" in message or "read-only" in message:
            cause = read_only or _cannot_write(path) or f"the store is read-only: {path}"
            raise StoreError(
                f"cannot save: {cause}. glutewake can still show and export your records; nothing was changed"
            ) from context.original_exception
        full = "disk is full" in message
        if not full and ("disk i/o error" in message or "unable to open" in message):
            try:
                full = shutil.disk_usage(path.parent).free < FULL_BELOW
            except OSError:
                full = False
        if full:
            raise StoreError(
                f"cannot save: the disk is full: {path.parent}. Free some space and try again; nothing was changed"
            ) from context.original_exception
        if "malformed" in message or "not a database" in message:
            raise StoreError(_damaged(path, str(context.original_exception))) from context.original_exception


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
        file = _FILES.get(engine)
        where = f" {file.path}" if file else ""
        raise StoreError(f"cannot open the database{where}: {error.orig}") from error
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


def back_up(engine: Engine) -> Path | None:
    """Copy a SQLite store, with SQLite's backup API, to `<file>.before-<HEAD>.bak` beside it
    (private to its owner), in place of the copy an earlier migration left; its path, or None
    for PostgreSQL, a store with nothing in it yet, or one not in a file."""
    import sqlite3
    import tempfile

    file = _FILES.get(engine)
    if file is None or not file.path.exists() or current_revision(engine) is None:
        return None
    path = file.path
    kept = path.with_name(f"{path.name}.before-{HEAD}.bak")
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{kept.name}.")  # mode 0600
    os.close(handle)
    try:
        copy = sqlite3.connect(name)
        try:
            source = engine.raw_connection()
            try:
                source.driver_connection.backup(copy)  # type: ignore[union-attr]
            finally:
                source.close()
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, whole by itself
        finally:
            copy.close()
        with open(name, "rb") as written:
            os.fsync(written.fileno())
        os.replace(name, kept)
    except (OSError, sqlite3.Error) as error:
        Path(name).unlink(missing_ok=True)
        raise StoreError(
            f"cannot back up {path} before upgrading it ({error}); nothing was changed. Free some space "
            "(or make the folder writable) and try again"
        ) from error
    for older in path.parent.glob(f"{path.name}.before-*.bak"):
        if older != kept:
            older.unlink(missing_ok=True)
    return kept
