"""Export and import: all of a person's records as one versioned JSON document.

Exports are version 2 (`interop/records.py`: the domain's shape, not the tables'). Version 1
files (the tables of schema 0002, as glutewake wrote them before) still import.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from glutewake.app.refusals import InputError
from glutewake.interop.records import FORMAT, VERSION

if TYPE_CHECKING:
    from glutewake.app.context import Context
    from glutewake.core.triage import TriageResult

__all__ = ["FORMAT", "KINDS", "READS", "VERSION", "export_data", "import_data", "kinds_in"]

# What a person's records are, in the words every surface (export, import, forget) names them:
# the export's key, one, and many.
KINDS: tuple[tuple[str, str, str], ...] = (
    ("checks", "symptom check", "symptom checks"),
    ("selftests", "self-test", "self-tests"),
    ("plans", "plan", "plans"),
    ("sessions", "session (with its sets)", "sessions (with their sets)"),
    ("checkins", "check-in", "check-ins"),
    ("sitting_bouts", "stretch of sitting", "stretches of sitting"),
    ("coach_events", "break-coach event", "break-coach events"),
)


def kinds_in(document: dict[str, Any]) -> str:
    """What an export holds, in words: "2 symptom checks, 1 plan, ..." (none: "no records")."""
    said = []
    for key, one, many in KINDS:
        count = len(document.get(key) or [])
        if count:
            said.append(f"{count} {one if count == 1 else many}")
    return ", ".join(said) or "no records"


READS = (1, VERSION)  # what imports are read from; exports are written as VERSION
# Version 1 profiles held these; nothing used them (schema 0003 dropped them).
_V1_DROPPED = {"profile": {"age", "sex", "activities", "desk_hours"}}


def export_data(ctx: Context) -> dict[str, Any]:
    """Everything of the person's, as a version 2 document (dates as ISO text)."""
    from glutewake.interop.records import from_tables

    document: dict[str, Any] = from_tables(ctx.records.dump(), ctx.records.clock.now()).model_dump(
        mode="json"
    )
    return document


def import_data(ctx: Context, document: object) -> dict[str, int]:
    """Restore an export into an empty store, all or nothing; returns the rows per table.

    The export is checked as strictly as the API checks its input: the format and an integer
    version this glutewake knows; for every record, known fields of the right types, text
    that is valid Unicode, dates that read as dates, unique ids and references that resolve.
    Then the records are loaded and read back through the same code every page uses; if
    anything cannot be read, the store is emptied again. The first problem is named.
    """
    from sqlalchemy.exc import DBAPIError

    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError('this is not a glutewake export (it has no "format": "glutewake-export")')
    version = document.get("version")
    if type(version) is not int or version not in READS:
        raise InputError(
            f"export version {version!r} is not supported; this glutewake reads versions 1 and 2"
        )
    from glutewake.core import jsontext

    try:
        jsontext.check(document)
    except ValueError as error:
        raise InputError(f"the export cannot be used: {error}") from None
    if not ctx.records.is_empty():
        raise InputError(
            "your store already has records; import only into an empty one, after deleting everything"
        )
    decoded = _v1_tables(document) if version == 1 else _v2_tables(document, ctx.records.clock.now())
    try:
        ctx.records.load(decoded)
    except (DBAPIError, ValueError, TypeError) as error:
        raise InputError(
            f"the export's records do not fit together: {getattr(error, 'orig', error)}"
        ) from error
    try:
        _read_back(ctx)
        _check_meaning(ctx)
        _derive_again(ctx)
    except InputError:
        ctx.records.forget()
        raise
    return {name: len(rows) for name, rows in decoded.items()}


def _derive_again(ctx: Context) -> None:
    """What a file states but glutewake derives is judged again, by today's rules: each
    check's result from its answers, and each check-in's outcome from its answers and the
    history before it. The stricter of the file's and today's reading is kept, so a file
    cannot make a warning sign count as "self-care", and a verdict once stricter stays so."""
    from glutewake.app.checks import triage_case
    from glutewake.app.journal import todays_answers
    from glutewake.core.progress import Checkin, assess_checkin
    from glutewake.interop.records import Records, to_tables
    from glutewake.knowledge.schema import EXERCISE_ORDER, URGENCY_ORDER

    def strictness(result: TriageResult) -> tuple[int, int]:  # lower is stricter
        return EXERCISE_ORDER.index(result.exercise), -URGENCY_ORDER.index(result.urgency)

    kept = Records.model_validate(export_data(ctx))
    zone = ctx.clock.now().tzinfo
    checks = []
    for check in kept.checks:
        fresh = triage_case(todays_answers(check.case, ctx))
        checks.append(check.model_copy(update={"result": min(check.result, fresh, key=strictness)}))
    checkins, previous = [], None
    for entry in kept.checkins:
        before = [c.case for c in kept.checks if c.at <= entry.at]
        judged = Checkin(
            entry.at.astimezone(zone).date(), entry.pain, entry.numbness, entry.psfs, entry.red_flags
        )
        verdict = assess_checkin(
            judged, previous, ctx.knowledge, todays_answers(before[-1], ctx) if before else None
        )
        outcome = "red_flag" if "red_flag" in (entry.outcome, verdict.outcome) else verdict.outcome
        checkins.append(entry.model_copy(update={"outcome": outcome}))
        previous = judged
    again = kept.model_copy(update={"checks": checks, "checkins": checkins})
    if again != kept:
        ctx.records.forget()
        ctx.records.load(to_tables(again, ctx.records.clock.now()))


def _check_meaning(ctx: Context) -> None:
    """What was loaded, read back as an export, checked by the rules the API and the forms
    apply to the same things: a check's answers as `/api/triage` takes them (ages 0-120, known
    findings), only exercises glutewake knows in plans and sets, doses and choices in range. (The
    coach's prompts are history: a desk move retired since may stay named there.)"""
    from glutewake.codec import dump
    from glutewake.core.errors import FieldErrors
    from glutewake.core.triage import parse_case
    from glutewake.interop.records import Records
    from glutewake.knowledge.vocabulary import EQUIPMENT, SESSION_MINUTES

    kb = ctx.knowledge
    records = Records.model_validate(export_data(ctx))

    def exercise(where: str, exercise_id: str | None) -> None:
        if exercise_id is not None and exercise_id not in kb.exercises:
            raise InputError(f"{where}: {_show(exercise_id)} is not an exercise glutewake knows")

    for n, check in enumerate(records.checks, start=1):
        try:
            parse_case(dump(check.case), kb.findings, kb.regions)
        except FieldErrors as error:
            field, message = error.problems[0]
            raise InputError(f"check {n}: {field}: {message}") from None
    profile = records.profile
    if profile is not None:
        low, high = SESSION_MINUTES
        if profile.equipment not in EQUIPMENT or not low <= profile.minutes_per_session <= high:
            raise InputError(
                f"profile: kit one of {', '.join(EQUIPMENT)}, sessions of {low} to {high} minutes"
            )
        if profile.preferred_days is not None and not set(profile.preferred_days) <= set(range(7)):
            raise InputError("profile: weekdays are 0 (Monday) to 6 (Sunday)")
    for n, kept in enumerate(records.plans, start=1):
        plan = kept.plan
        for session in plan.sessions:
            where = f"plan {n}, session of {session.day}"
            for block in session.blocks:
                exercise(where, block.exercise_id)
                _check_dose(where, block)
        for block in plan.maintenance:
            exercise(f"plan {n}, maintenance", block.exercise_id)
            _check_dose(f"plan {n}, maintenance", block)
    if sum(kept.status != "replaced" for kept in records.plans) > 1:
        raise InputError("the export has more than one current plan; a person has one at a time")
    for n, kept in enumerate(records.plans, start=1):
        if kept.status not in ("active", "stopped", "not_started", "replaced"):
            raise InputError(f"plan {n}: {_show(kept.status)} is not a plan's status")
    for n, done_session in enumerate(records.sessions, start=1):
        if done_session.status not in ("in_progress", "completed", "quit"):
            raise InputError(f"session {n}: {_show(done_session.status)} is not a session's status")
        if done_session.finished_at is not None and done_session.finished_at < done_session.started_at:
            raise InputError(f"session {n} finishes before it starts")
        if any(done.side not in (None, "left", "right") for done in done_session.sets):
            raise InputError(f"session {n}: a set's side is left, right or none")
        for m, done in enumerate(done_session.sets, start=1):
            exercise(f"session {n}, set {m}", done.exercise_id)
    for n, bout in enumerate(records.sitting_bouts, start=1):
        if bout.ended_at < bout.started_at:
            raise InputError(f"sitting bout {n} ends before it starts")
    for n, checkin in enumerate(records.checkins, start=1):  # as /api/checkins takes them
        if len(checkin.psfs) > 5 or not all(1 <= len(name) <= 80 for name in checkin.psfs):
            raise InputError(
                f"check-in {n}: at most five everyday activities, each named in 1 to 80 characters"
            )
        unknown = [f for f in checkin.red_flags if f not in kb.findings]
        if unknown:
            raise InputError(f"check-in {n}: {_show(unknown[0])} is not a warning sign glutewake asks about")


def _check_dose(where: str, block: Any) -> None:
    """Sets, reps, holds and loads within what a clinician may prescribe (the widest limits)."""
    from glutewake.core.prescription import LIMITS

    for what in ("sets", "reps", "hold_seconds", "load_kg"):
        value, (low, high) = getattr(block, what), LIMITS[what]
        if value is not None and not low <= value <= high:
            shown = what.replace("_", " ")
            raise InputError(
                f"{where}: {block.exercise_id} has {value:g} {shown}; a plan has {low} to {high}"
            )


def _v2_tables(document: dict[str, Any], now: datetime) -> dict[str, list[dict[str, Any]]]:
    from pydantic import ValidationError

    from glutewake.interop.records import NotConnected, Records, to_tables

    try:
        records = Records.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = " ".join(str(part + 1) if isinstance(part, int) else str(part) for part in first["loc"])
        raise InputError(f"{where}: {first['msg'][:200]}".replace("Value error, ", "")) from None
    try:
        return to_tables(records, now)
    except NotConnected as error:
        raise InputError(str(error)) from None


def _v1_tables(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """A version 1 file's tables, every record checked against the columns of that schema."""
    from glutewake.store.tables import metadata

    tables = document.get("tables")
    if not isinstance(tables, dict) or not set(tables) <= set(metadata.tables):
        unknown = sorted(set(tables) - set(metadata.tables)) if isinstance(tables, dict) else []
        raise InputError(f"the export's tables are not recognised: {', '.join(unknown) or 'missing'}")
    for name, rows in tables.items():
        if not isinstance(rows, list):
            raise InputError(f"{name} must be a list of records, not {type(rows).__name__}")
    dropped = {
        name: [
            {k: v for k, v in row.items() if k not in _V1_DROPPED.get(name, ())}
            if isinstance(row, dict)
            else row
            for row in rows
        ]
        for name, rows in tables.items()
    }
    decoded = {
        name: [_decode(name, n, row, metadata.tables[name]) for n, row in enumerate(rows, start=1)]
        for name, rows in dropped.items()
    }
    _check_keys(decoded, metadata)
    return decoded


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


def _read_back(ctx: Context) -> None:
    """Read every record the way the pages do; an export that loads but cannot be read is refused."""
    import json

    from glutewake.app.journal import last_checkin, progress_report
    from glutewake.app.records import history

    steps = (
        ("the plan", ctx.records.current_plan),
        ("the history", lambda: history(ctx)),
        ("the check-ins", lambda: (last_checkin(ctx), progress_report(ctx, ctx.records.clock.now().date()))),
        ("the profile", ctx.records.profile),
        ("the export", lambda: json.dumps(export_data(ctx), ensure_ascii=False).encode("utf-8")),
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
