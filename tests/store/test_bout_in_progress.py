"""The bout in progress, kept again and again as one row, on real SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from glutewake.store import Repository, Store
from tests.fakes import FakeClock

NINE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = (NINE, NINE + timedelta(days=1))


def test_the_bout_in_progress_is_one_row_kept_again(repo: Repository) -> None:
    first = repo.save_bout(NINE, NINE + timedelta(minutes=1), 60)
    assert repo.save_bout(NINE, NINE + timedelta(minutes=2), 120, first) == first
    assert repo.save_bout(NINE, NINE + timedelta(minutes=3), 175, first) == first
    assert repo.bouts_between(*DAY) == [(NINE, NINE + timedelta(minutes=3), 175)]


def test_a_row_that_is_not_this_bout_is_left_alone_and_a_new_one_made(
    database_url: str, engine_for: Callable[..., Engine]
) -> None:
    store = Store(engine_for(database_url), FakeClock())
    owner, other = store.owner(), store.add_person("patient", "Other")
    theirs = other.save_bout(NINE, NINE + timedelta(minutes=5), 300)
    mine = owner.save_bout(NINE, NINE + timedelta(minutes=1), 60, theirs)  # someone else's row
    assert mine != theirs
    assert other.bouts_between(*DAY) == [(NINE, NINE + timedelta(minutes=5), 300)]
    later = NINE + timedelta(hours=1)
    again = owner.save_bout(later, later + timedelta(minutes=1), 60, mine)  # another bout's row
    assert again != mine
    assert len(owner.bouts_between(*DAY)) == 2
    gone = owner.save_bout(NINE, NINE + timedelta(minutes=2), 120, 10_000)  # deleted meanwhile
    assert gone not in (mine, again, theirs)
