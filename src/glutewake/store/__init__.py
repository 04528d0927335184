"""Persistence: SQLAlchemy Core tables, the people a store holds, a repository per person, Alembic migrations.

SQLite in the data directory by default; PostgreSQL when the database URL says so.
"""

from glutewake.store.engine import StoreError, connect, database_url
from glutewake.store.people import Person, Store
from glutewake.store.repository import (
    ActivePlan,
    NotTheirs,
    Repository,
    SessionLog,
    SessionRecord,
    SetRecord,
    Stored,
)

__all__ = [
    "ActivePlan",
    "NotTheirs",
    "Person",
    "Repository",
    "SessionLog",
    "SessionRecord",
    "SetRecord",
    "Store",
    "StoreError",
    "Stored",
    "connect",
    "database_url",
]
