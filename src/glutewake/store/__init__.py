"""Persistence: SQLAlchemy Core tables, one repository, Alembic migrations.

SQLite in the data directory by default; PostgreSQL when the database URL says so.
"""

from glutewake.store.engine import StoreError, connect, database_url
from glutewake.store.repository import ActivePlan, Repository, SessionLog, SetRecord, Stored

__all__ = [
    "ActivePlan",
    "Repository",
    "SessionLog",
    "SetRecord",
    "StoreError",
    "Stored",
    "connect",
    "database_url",
]
