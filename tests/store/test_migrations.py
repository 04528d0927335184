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
    blank_database_url: str, engine_for: Opener
) -> None:
    engine = engine_for(blank_database_url)
    assert current_revision(engine) == HEAD
    assert set(inspect(engine).get_table_names()) == {*metadata.tables, "alembic_version"}
    assert schema_differences(engine) == []


def test_down_to_the_previous_schema_and_up_again(blank_database_url: str, engine_for: Opener) -> None:
    engine = engine_for(blank_database_url)
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine)
    assert current_revision(engine) == HEAD
    assert schema_differences(engine) == []


def test_opening_twice_does_not_migrate_again(blank_database_url: str, engine_for: Opener) -> None:
    engine_for(blank_database_url)
    engine = engine_for(blank_database_url)
    assert current_revision(engine) == HEAD


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path: Path, engine_for: Opener) -> None:
    engine = engine_for(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_upgrading_from_the_previous_schema_keeps_every_record(
    blank_database_url: str, engine_for: Opener
) -> None:
    from sqlalchemy import text

    engine = engine_for(blank_database_url, migrate=False)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO checkins (created_at, pain, numbness, psfs, red_flags, outcome) VALUES (:at, 3, 4, :psfs, :flags, 'ok')"
            ),
            {"at": "2026-11-20 09:00:00", "psfs": '{"film": 6}', "flags": "{}"},
        )
    upgrade(engine)
    assert current_revision(engine) == HEAD
    assert {"sitting_bouts", "coach_events"} <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT pain, numbness FROM checkins")).one() == (3, 4)
    assert schema_differences(engine) == []
