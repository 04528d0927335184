"""Opening the records a use case acts on: the owner's, in the store the user chose."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glutewake.clock import Clock
    from glutewake.store import Repository

__all__ = ["open_store"]


def open_store(url: str | None = None, clock: Clock | None = None) -> Repository:
    """The owner's records in the store at `url` (default: the environment, else SQLite in the
    data directory)."""
    from glutewake.clock import SystemClock
    from glutewake.store import Store, connect, database_url

    return Store(connect(database_url(url)), clock or SystemClock()).owner()
