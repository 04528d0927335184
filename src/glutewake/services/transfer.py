"""Export, import and forget: all of the user's records as one versioned JSON document."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from glutewake.services import InputError

if TYPE_CHECKING:
    from glutewake.store import Repository

__all__ = ["FORMAT", "VERSION", "export_data", "import_data"]

FORMAT = "glutewake-export"
VERSION = 1


def _encode(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def export_data(repo: Repository) -> dict[str, Any]:
    """Everything of the user's, with dates as ISO strings."""
    tables = {
        name: [{k: _encode(v) for k, v in row.items()} for row in rows] for name, rows in repo.dump().items()
    }
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": repo.clock.now().isoformat(),
        "tables": tables,
    }


def import_data(repo: Repository, document: object) -> dict[str, int]:
    """Restore an export into an empty store, all or nothing; returns the rows per table."""
    from sqlalchemy.exc import DBAPIError

    from glutewake.store.tables import metadata

    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError('this is not a glutewake export (it has no "format": "glutewake-export")')
    if document.get("version") != VERSION:
        raise InputError(
            f"export version {document.get('version')!r} is not supported; this glutewake reads version {VERSION}"
        )
    tables = document.get("tables")
    if not isinstance(tables, dict) or not set(tables) <= set(metadata.tables):
        unknown = sorted(set(tables) - set(metadata.tables)) if isinstance(tables, dict) else []
        raise InputError(f"the export's tables are not recognised: {', '.join(unknown) or 'missing'}")
    if not repo.is_empty():
        raise InputError(
            "your store already has records; import only into an empty one (see `glutewake forget`)"
        )
    decoded = {
        name: [_decode(name, row, metadata.tables[name]) for row in rows] for name, rows in tables.items()
    }
    try:
        repo.load(decoded)
    except DBAPIError as error:
        raise InputError(f"the export's records do not fit together: {error.orig}") from error
    return {name: len(rows) for name, rows in decoded.items()}


def _decode(name: str, row: object, table: Any) -> dict[str, Any]:
    from sqlalchemy import Date

    from glutewake.store.tables import UTCDateTime

    if not isinstance(row, dict) or not set(row) <= set(table.c.keys()):
        raise InputError(f"a row of {name} has fields this glutewake does not know")
    decoded = dict(row)
    try:
        for column in table.c:
            value = decoded.get(column.name)
            if isinstance(value, str) and isinstance(column.type, UTCDateTime):
                decoded[column.name] = datetime.fromisoformat(value)
            elif isinstance(value, str) and isinstance(column.type, Date):
                decoded[column.name] = date.fromisoformat(value)
    except ValueError as error:
        raise InputError(f"a row of {name} has a date that cannot be read: {error}") from error
    return decoded
