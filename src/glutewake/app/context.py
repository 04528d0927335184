"""What a use case acts with: one person's records and the knowledge in their region's words.

Every use case in `app/` takes a `Context` first. The interfaces build it once per command or
request (`cli/_store.py`, `web/deps.py`), so a test can hand one in, and a clinic's server can
act for any of its people with the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from glutewake.clock import Clock
    from glutewake.knowledge import Knowledge
    from glutewake.store import Repository

__all__ = ["Context", "acting_for", "open_store"]


@dataclass(frozen=True)
class Context:
    records: Repository  # the person's records only; they know the person and the clock
    knowledge: Knowledge  # its texts naming the services of the person's region

    @property
    def clock(self) -> Clock:
        return self.records.clock

    @property
    def person_id(self) -> int:
        return self.records.person_id


def acting_for(records: Repository, region: str | None = None) -> Context:
    """A context for the person whose `records` these are, in `region` (default: the user's setting)."""
    from glutewake.app.region import knowledge

    return Context(records, knowledge(region))


def open_store(url: str | None = None, clock: Clock | None = None) -> Repository:
    """The owner's records in the store at `url` (default: the environment, else SQLite in the
    data directory)."""
    from glutewake.clock import SystemClock
    from glutewake.store import Store, connect, database_url

    return Store(connect(database_url(url)), clock or SystemClock()).owner()
