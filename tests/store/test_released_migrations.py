"""Released migrations never change, and a store made at any release opens with today's code.

`released/<commit>/` holds the migration files that each release shipped new or changed (taken
with `git show <commit>:src/glutewake/store/migrations/versions/<file>`); a release's folder of
migrations is its own files over those of the releases before it. 0003 and 0004 were edited after
they shipped, so some of those folders make stores that today's 0001-0007 would not; 0008 repairs
them. Each test makes a store with a release's files, puts records in, and opens it as glutewake
does.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, Boolean, Date, DateTime, Engine, Float, Integer, MetaData, Table, inspect, text

from glutewake.core.programme import Profile
from glutewake.store import Store
from glutewake.store.engine import HEAD, MIGRATIONS, current_revision, upgrade
from glutewake.store.tables import metadata
from tests.cli.runner import run
from tests.fakes import FakeClock

RELEASED = Path(__file__).parent / "released"

# Every state the migrations folder was released in, oldest first.
RELEASES = (
    "97d0cb4",  # 0001
    "0bcc9c6",  # 0002
    "cb1ae47",  # 0003 as first released: the profile keeps age, sex, activities, desk hours; time indexes
    "0fc9874",  # 0003 without those columns, still the time indexes
    "9e751a5",  # 0003 as it is now: (person, time) indexes
    "84d2963",  # 0004 as first released: no access_tokens, no shared_sitting
    "5c22993",  # 0004 as it is now
    "1b0bec4",  # 0005
    "4eaca58",  # 0006
    "84a901a",  # 0007
)

# A released migration is never edited again: a change to the schema is a new migration.
RELEASED_HASHES = {
    "0001_initial.py": "38738c0a6d32aeabad1b28963cb2f613394a98f2af926604f9a3c4dfa6f315be",
    "0002_sitting.py": "a6601afa1764a88aeace0b98e9616905c6acf9976a4d072ac6f5b3b95d878b7b",
    "0003_people.py": "ec2a56cc4cd60ef71d475e6b95718d2ef89d38a30a42d4adbc8f1cdff293f62a",
    "0004_clinic.py": "ad0d5fc4cd444b838e30f170b90a102fdf7991c7cf4dadd68f74d383be6ac9e1",
    "0005_psfs_mean.py": "b0c08cf97bda953c62e73381585b80ea1edcbc804a86ae58c2fcf5383dd8ab7e",
    "0006_clinical_work.py": "bf864083efb3790bbc13b0331b751534612c6bb695b1362b8a4e4f0c54d9e76b",
    "0007_camera_sets.py": "db1b5ab916592fbfcb93175a59e83823272a066c4c59c2b0fdc46527aa99c98b",
    "0008_repair_edited_migrations.py": "00b64e339b87a7d84128e5247f83149897bab2d94dcca339340d1269941cc1cc",
    "0009_audit_chain.py": "5de15211d1de4f7d5340977d787495bfca0fb5793bca7d59d86452b8b1ec4c21",
    "0010_session_logs_by_planned.py": "a4944f0f3685689ba0451d9ef3acb84c44498a1a46d551383ab4c94c8450ae28",
}


def test_released_migrations_are_never_edited() -> None:
    versions = MIGRATIONS / "versions"
    found = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in versions.glob("0*.py")}
    changed = sorted(name for name, digest in RELEASED_HASHES.items() if found.get(name) != digest)
    unheld = sorted(set(found) - set(RELEASED_HASHES))
    assert not unheld, f"every migration on main is released: add {unheld} to RELEASED_HASHES with its sha256"
    assert not changed, (
        f"released migrations changed or missing: {changed}. A released migration is never edited "
        "(stores made with it would not get the change); write a new migration instead."
    )


def test_the_last_release_is_the_migrations_shipped_today(tmp_path: Path) -> None:
    shipped = {path.name: path.read_bytes() for path in (MIGRATIONS / "versions").glob("0*.py")}
    last = {path.name: path.read_bytes() for path in _versions_at(RELEASES[-1], tmp_path).glob("0*.py")}
    assert last == {name: body for name, body in shipped.items() if name in last}


def _versions_at(release: str, into: Path) -> Path:
    """The migrations folder as `release` shipped it, made under `into` (a temporary folder)."""
    folder = into / f"versions-{release}"
    folder.mkdir(parents=True, exist_ok=True)
    for commit in RELEASES[: RELEASES.index(release) + 1]:
        for file in (RELEASED / commit).glob("*.py"):
            shutil.copyfile(file, folder / file.name)
    return folder


NOW = datetime(2026, 11, 20, 9, 0)


def _neutral(column: Any) -> object:
    """A value for a NOT NULL column these records do not name (age, sex, ... in old profiles)."""
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 40
    if isinstance(kind, Float):
        return 8.0
    if isinstance(kind, DateTime):
        return NOW
    if isinstance(kind, Date):
        return NOW.date()
    if isinstance(kind, JSON):
        return []
    return "other"


def _insert(connection: Any, name: str, **values: object) -> None:
    table = Table(name, MetaData(), autoload_with=connection)
    if "person_id" in table.columns:
        values.setdefault("person_id", 1)
    for column in table.columns:
        required = not column.nullable and column.server_default is None and not column.primary_key
        if required and column.name not in values:
            values[column.name] = _neutral(column)
    connection.execute(table.insert().values(**values))


def _make_store(engine: Engine, release: str, tmp_path: Path) -> None:
    upgrade(engine, versions=_versions_at(release, tmp_path))
    tables = set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        if "people" in tables:
            _insert(connection, "people", id=1, created_at=NOW, kind="owner")
        _insert(
            connection,
            "profile",
            equipment="band",
            minutes_per_session=15,
            psfs_activities=["sitting at work"],
        )
        _insert(
            connection,
            "checkins",
            created_at=NOW,
            pain=3,
            numbness=4,
            psfs={"sitting at work": 6},
            red_flags={},
        )
        _insert(connection, "session_logs", id=1, started_at=NOW, status="done", guided=1)
        _insert(connection, "set_logs", session_log_id=1, done_at=NOW, exercise_id="glute_bridge", reps=12)
        if "sitting_bouts" in tables:
            _insert(connection, "sitting_bouts", started_at=NOW, ended_at=NOW, active_seconds=1500.0)
    if engine.dialect.name == "postgresql" and "people" in tables:
        with engine.begin() as connection:  # ids given by hand leave the sequence behind
            connection.execute(text("SELECT setval('people_id_seq', (SELECT max(id) FROM people))"))
            connection.execute(
                text("SELECT setval('session_logs_id_seq', (SELECT max(id) FROM session_logs))")
            )


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


Opener = Callable[..., Engine]


@pytest.mark.parametrize("release", RELEASES)
def test_a_store_made_at_any_release_opens_up_to_date_with_its_records(
    release: str, blank_database_url: str, engine_for: Opener, tmp_path: Path
) -> None:
    _make_store(engine_for(blank_database_url, migrate=False), release, tmp_path)

    engine = engine_for(blank_database_url)  # as glutewake opens it: migrated to HEAD
    assert current_revision(engine) == HEAD
    assert schema_differences(engine) == []
    with engine.connect() as connection:
        assert connection.execute(text("SELECT pain, numbness FROM checkins")).one() == (3, 4)
        assert connection.execute(text("SELECT exercise_id, reps FROM set_logs")).one() == (
            "glute_bridge",
            12,
        )
        assert connection.execute(text("SELECT count(*) FROM sitting_bouts")).scalar() == (
            0 if release == "97d0cb4" else 1
        )
    owner = Store(engine, FakeClock()).owner()
    assert owner.profile() == Profile(
        equipment="band", minutes_per_session=15, psfs_activities=("sitting at work",)
    )
    # A new profile can be written (the old NOT NULL columns are gone) and read back.
    patient = Store(engine, FakeClock()).add_person()
    patient.save_profile(Profile(equipment="none"))
    assert patient.profile() == Profile(equipment="none")

    code, out, err = run(blank_database_url, "progress")
    assert code == 0, out + err
    code, out, err = run(blank_database_url, "progress", "--json")
    assert code == 0, out + err


def test_the_repair_changes_nothing_on_a_store_made_right(
    blank_database_url: str, engine_for: Opener
) -> None:
    engine = engine_for(blank_database_url)
    before = schema_differences(engine)
    from glutewake.store.engine import downgrade

    downgrade(engine, "0007")
    upgrade(engine)
    assert current_revision(engine) == HEAD
    assert before == schema_differences(engine) == []
