"""Export, import and forget: all of the user's records as one versioned JSON document."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from glutewake.app.refusals import InputError

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
    """Restore an export into an empty store, all or nothing; returns the rows per table.

    The export is checked as strictly as the API checks its input: the format and an integer
    version this glutewake knows; for every record, known fields of the right types, text
    that is valid Unicode, dates that read as dates, unique ids and references that resolve.
    Then the records are loaded and read back through the same code every page uses; if
    anything cannot be read, the store is emptied again. The first problem is named.
    """
    from sqlalchemy.exc import DBAPIError

    from glutewake.store.tables import metadata

    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError('this is not a glutewake export (it has no "format": "glutewake-export")')
    version = document.get("version")
    if type(version) is not int or version != VERSION:
        raise InputError(
            f"export version {version!r} is not supported; this glutewake reads version {VERSION}"
        )
    from glutewake.core import jsontext

    try:
        jsontext.check(document)
    except ValueError as error:
        raise InputError(f"the export cannot be used: {error}") from None
    tables = document.get("tables")
    if not isinstance(tables, dict) or not set(tables) <= set(metadata.tables):
        unknown = sorted(set(tables) - set(metadata.tables)) if isinstance(tables, dict) else []
        raise InputError(f"the export's tables are not recognised: {', '.join(unknown) or 'missing'}")
    for name, rows in tables.items():
        if not isinstance(rows, list):
            raise InputError(f"{name} must be a list of records, not {type(rows).__name__}")
    if not repo.is_empty():
        raise InputError(
            "your store already has records; import only into an empty one, after deleting everything"
        )
    decoded = {
        name: [_decode(name, n, row, metadata.tables[name]) for n, row in enumerate(rows, start=1)]
        for name, rows in tables.items()
    }
    _check_keys(decoded, metadata)
    try:
        repo.load(decoded)
    except (DBAPIError, ValueError, TypeError) as error:
        raise InputError(
            f"the export's records do not fit together: {getattr(error, 'orig', error)}"
        ) from error
    try:
        _read_back(repo)
    except InputError:
        repo.forget()
        raise
    return {name: len(rows) for name, rows in decoded.items()}


def _decode(name: str, number: int, row: object, table: Any) -> dict[str, Any]:
    """One record, checked against its table's columns and with dates made dates."""
    from sqlalchemy import Date, Float, Integer, String, Text

    from glutewake.store.tables import UTCDateTime

    where = f"record {number} of {name}"
    if not isinstance(row, dict):
        raise InputError(f"{where} is not an object")
    columns = [column for column in table.c if column.name != "person_id"]  # whose: the importer's
    unknown = sorted(set(row) - {column.name for column in columns})
    if unknown:
        raise InputError(
            f"{where} has fields this glutewake does not know: {', '.join(map(str, unknown))[:80]}"
        )
    decoded: dict[str, Any] = {}
    for column in columns:
        if column.name not in row:
            if not column.nullable and not column.primary_key:
                raise InputError(f"{where} has no {column.name}")
            continue
        value = row[column.name]
        what = f"{where}: {column.name}"
        if value is None:
            if not column.nullable:
                raise InputError(f"{what} cannot be empty")
        elif isinstance(column.type, UTCDateTime | Date):
            decoded[column.name] = _when(value, what, with_time=isinstance(column.type, UTCDateTime))
            continue
        elif isinstance(column.type, Integer):
            if type(value) is not int or abs(value) >= 2**31:
                raise InputError(f"{what} must be a whole number, not {_show(value)}")
        elif isinstance(column.type, Float):
            if type(value) not in (int, float) or value != value or abs(value) > 1e12:
                raise InputError(f"{what} must be a number, not {_show(value)}")
        elif isinstance(column.type, String | Text):
            if not isinstance(value, str):
                raise InputError(f"{what} must be text, not {_show(value)}")
            length = getattr(column.type, "length", None)
            if length is not None and len(value) > length:
                raise InputError(f"{what} is longer than {length} characters")
        decoded[column.name] = value
    return decoded


def _when(value: object, what: str, *, with_time: bool) -> date | datetime:
    if not isinstance(value, str):
        raise InputError(f"{what} must be a date written as text, not {_show(value)}")
    try:
        if with_time:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError("it has no time zone")
            return moment
        return date.fromisoformat(value)
    except ValueError as error:
        raise InputError(f"{what} is not a date glutewake can read ({_show(value)}: {error})") from error


def _show(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _check_keys(decoded: dict[str, list[dict[str, Any]]], metadata: Any) -> None:
    """Ids unique in each table, and every reference to another record pointing at one."""
    ids: dict[str, set[Any]] = {}
    for name, rows in decoded.items():
        primary = [c.name for c in metadata.tables[name].primary_key.columns]
        seen: set[Any] = set()
        for number, row in enumerate(rows, start=1):
            key = tuple(row.get(c) for c in primary)
            if None not in key and key in seen:
                raise InputError(f"record {number} of {name} repeats the id {key[0]!r}")
            seen.add(key)
        ids[name] = {key[0] for key in seen if len(key) == 1}
    for name, rows in decoded.items():
        for column in metadata.tables[name].c:
            for foreign in column.foreign_keys:
                target = foreign.column.table.name
                for number, row in enumerate(rows, start=1):
                    value = row.get(column.name)
                    if value is not None and value not in ids.get(target, set()):
                        raise InputError(
                            f"record {number} of {name}: {column.name} {value!r} is not a record of {target}"
                        )


def _read_back(repo: Repository) -> None:
    """Read every record the way the pages do; an export that loads but cannot be read is refused."""
    import json

    from glutewake.app.journal import last_checkin, progress_report
    from glutewake.app.records import history

    steps = (
        ("the plan", repo.current_plan),
        ("the history", lambda: history(repo)),
        ("the check-ins", lambda: (last_checkin(repo), progress_report(repo, repo.clock.now().date()))),
        ("the profile", repo.profile),
        ("the export", lambda: json.dumps(export_data(repo), ensure_ascii=False).encode("utf-8")),
    )
    for what, read in steps:
        try:
            read()
        except InputError:
            raise
        except Exception as error:  # whatever a damaged record makes the readers raise
            raise InputError(
                f"{what} in the export cannot be read ({type(error).__name__}: {str(error)[:80]})"
            ) from None
