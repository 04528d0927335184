"""The people a store holds, and a repository for each.

The personal app acts for one person, the owner, made the first time the store is used
(or by migration 0003 for a store that already had records). A clinic's server holds many
people; whoever asks gets the repository of the one person they act for, never a view of
everyone's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select

from glutewake.clock import Clock
from glutewake.store import tables as t
from glutewake.store.engine import WRITE
from glutewake.store.repository import NotTheirs, Repository

__all__ = ["Person", "Store"]


@dataclass(frozen=True)
class Person:
    id: int
    created_at: datetime
    kind: str  # owner (the personal app's one person), patient
    display_name: str | None


class Store:
    """One database: its people, and a repository for any one of them."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def close(self) -> None:
        self.engine.dispose()

    def add_person(self, kind: str = "patient", display_name: str | None = None) -> Repository:
        with self.engine.connect().execution_options(**{WRITE: True}) as db, db.begin():
            person_id = db.execute(
                insert(t.people)
                .values(created_at=self.clock.now(), kind=kind, display_name=display_name)
                .returning(t.people.c.id)
            ).scalar_one()
        return Repository(self.engine, self.clock, int(person_id))

    def person(self, person_id: int) -> Repository:
        """The repository of person `person_id`; `NotTheirs` if the store has no such person."""
        with self.engine.connect() as db:
            found = db.execute(select(t.people.c.id).where(t.people.c.id == person_id)).first()
        if found is None:
            raise NotTheirs(f"no person {person_id} in this store")
        return Repository(self.engine, self.clock, person_id)

    def owner(self) -> Repository:
        """The repository of the store's owner, made on first use.

        Made under the write lock (SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock), so
        two processes opening a new store together agree on one owner.
        """
        query = select(t.people.c.id).where(t.people.c.kind == "owner").order_by(t.people.c.id).limit(1)
        with self.engine.connect() as db:  # a read first: a read-only store can still be read
            person_id = db.execute(query).scalar()
        if person_id is None:
            options = {WRITE: True, "glutewake_migrate": True}
            with self.engine.connect().execution_options(**options) as db, db.begin():
                person_id = db.execute(query).scalar()  # another process may have just made one
                if person_id is None:
                    person_id = db.execute(
                        insert(t.people)
                        .values(created_at=self.clock.now(), kind="owner")
                        .returning(t.people.c.id)
                    ).scalar_one()
        return Repository(self.engine, self.clock, int(person_id))

    def people(self) -> list[Person]:
        with self.engine.connect() as db:
            rows = db.execute(select(t.people).order_by(t.people.c.id)).all()
        return [Person(row.id, row.created_at, row.kind, row.display_name) for row in rows]
