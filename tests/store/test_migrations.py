"""Migrations, from a blank database and from the previous schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from glutewake.store.engine import HEAD, MIGRATIONS, current_revision, downgrade, upgrade
from glutewake.store.tables import metadata


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_head_constant_is_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


Opener = Callable[..., Engine]


def test_blank_database_is_migrated_on_first_use_to_exactly_the_tables(
    database_url: str, engine_for: Opener
) -> None:
    engine = engine_for(database_url)
    assert current_revision(engine) == HEAD
    assert set(inspect(engine).get_table_names()) == {*metadata.tables, "alembic_version"}
    assert schema_differences(engine) == []


def test_down_to_the_previous_schema_and_up_again(database_url: str, engine_for: Opener) -> None:
    engine = engine_for(database_url)
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine)
    assert current_revision(engine) == HEAD
    assert schema_differences(engine) == []


def test_opening_twice_does_not_migrate_again(database_url: str, engine_for: Opener) -> None:
    engine_for(database_url)
    engine = engine_for(database_url)
    assert current_revision(engine) == HEAD


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path: Path, engine_for: Opener) -> None:
    engine = engine_for(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
