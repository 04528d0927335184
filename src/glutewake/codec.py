"""JSON for the domain's dataclasses, derived from their type hints: the types are the schema.

`dump(value)` gives what pydantic's JSON mode gives for the same types (a dataclass as an
object of its fields, a tuple as an array, a date as ISO text), so the store, the `--json`
output, the export and the API's OpenAPI models all read one definition; a test holds the
two to agreement. `load(kind, data)` reads it back and checks it as it goes: a field that is
missing takes its default (records saved before the field existed), an unknown one, or a
value of the wrong type, is an error naming where it is.

It exists beside pydantic, rather than being pydantic, because it is imported by every short
command (`glutewake check` saves a result), where pydantic would cost more than the command.

A dataclass can name read-only properties in `__reported__`; `dump` adds them (derived
figures such as a change or a rate), and `load` ignores them.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable, Hashable, Mapping
from datetime import date, datetime
from typing import Any, Literal, TypeVar, Union, cast, get_args, get_origin, get_type_hints

__all__ = ["ShapeError", "dump", "load"]

T = TypeVar("T")
_Reader = Callable[[object], Any]
_Writer = Callable[[Any], Any]


class ShapeError(ValueError):
    """Data that does not have the shape of the type it should be; says where and what."""

    def __init__(self, problem: str, where: tuple[str, ...] = ()) -> None:
        self.problem, self.where = problem, where
        super().__init__(problem)

    def inside(self, key: object) -> ShapeError:
        """The same problem, one level further out (`key` is a field name or a list index)."""
        return ShapeError(self.problem, (str(key), *self.where))

    def __str__(self) -> str:
        where = "".join(part if part.startswith("[") else f".{part}" for part in self.where).lstrip(".")
        return f"{where}: {self.problem}" if where else self.problem


# --- writing -------------------------------------------------------------------------------------


def dump(value: object) -> Any:
    """`value` as JSON-ready data: dicts, lists, text, numbers, booleans and None."""
    kind = type(value)
    writer = _WRITERS.get(kind)
    if writer is None:
        writer = _WRITERS[kind] = _writer(kind)
    return writer(value)


def _same(value: Any) -> Any:
    return value


def _writer(kind: type) -> _Writer:
    if kind in (type(None), bool, int, float, str):
        return _same
    if issubclass(kind, (date, datetime)):
        return kind.isoformat
    if dataclasses.is_dataclass(kind):
        names = (*(f.name for f in dataclasses.fields(kind)), *getattr(kind, "__reported__", ()))
        return lambda value: {name: dump(getattr(value, name)) for name in names}
    if issubclass(kind, Mapping):
        return lambda value: {str(dump(k)): dump(v) for k, v in value.items()}
    if issubclass(kind, (tuple, list, frozenset, set)):
        return lambda value: [dump(v) for v in value]
    raise TypeError(f"cannot write {kind.__name__} as JSON")


_WRITERS: dict[type, _Writer] = {}


# --- reading -------------------------------------------------------------------------------------


def load(kind: type[T], data: object) -> T:
    """`data` read as a `kind`; raise `ShapeError` naming the first thing that does not fit."""
    value: T = _reader(cast(Hashable, kind))(data)
    return value


def _shown(value: object) -> str:
    """A value as JSON would write it, cut short."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"{value!r:.60}"


def _fail(wanted: str, got: object) -> ShapeError:
    return ShapeError(f"expected {wanted}, got {_shown(got)}")


@functools.cache
def _reader(kind: Any) -> _Reader:
    """A function that reads and checks data of type `kind`, built once per type."""
    origin = get_origin(kind)
    args = get_args(kind)
    if kind in _PLAIN:
        return _PLAIN[kind]
    if origin is Literal:
        return _literal(args)
    if origin is Union or origin is types.UnionType:
        wanted = " or ".join(_name(a) for a in args)
        others = tuple(a for a in args if a is not type(None))
        if len(others) == len(args) - 1:  # X | None: null is None, anything else must be an X
            return _optional(_union(tuple(_reader(a) for a in others), wanted))
        return _union(tuple(_reader(a) for a in args), wanted)
    if origin is typing.Annotated:
        return _reader(args[0])
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return _sequence(_reader(args[0]), tuple)
        return _fixed(tuple(_reader(a) for a in args))
    if origin in (list, frozenset, set):
        return _sequence(_reader(args[0]), origin)
    if origin in (dict, Mapping):
        return _mapping(_reader(args[0]), _reader(args[1]))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind)
    raise TypeError(f"no JSON reading for {kind!r}")


def _name(kind: object) -> str:
    return "null" if kind is type(None) else getattr(kind, "__name__", str(kind))


def _exact(kind: type, wanted: str) -> _Reader:
    def read(data: object) -> object:
        if type(data) is not kind:
            raise _fail(wanted, data)
        return data

    return read


def _int(data: object) -> int:
    if isinstance(data, bool) or not isinstance(data, int):
        raise _fail("a whole number", data)
    return data


def _float(data: object) -> float:
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        raise _fail("a number", data)
    return float(data)


def _date(data: object) -> date:
    if isinstance(data, date) and not isinstance(data, datetime):
        return data
    if isinstance(data, str):
        try:
            return date.fromisoformat(data)
        except ValueError:
            pass
    raise _fail("a date such as 2026-11-23", data)


def _datetime(data: object) -> datetime:
    if isinstance(data, datetime):
        return data
    if isinstance(data, str):
        try:
            return datetime.fromisoformat(data)
        except ValueError:
            pass
    raise _fail("a date and time such as 2026-11-23T09:00:00+00:00", data)


_PLAIN: dict[object, _Reader] = {
    Any: _same,
    object: _same,
    type(None): _exact(type(None), "null"),
    bool: _exact(bool, "true or false"),
    int: _int,
    float: _float,
    str: _exact(str, "text"),
    date: _date,
    datetime: _datetime,
}


def _literal(allowed: tuple[object, ...]) -> _Reader:
    # keyed by type too: `True == 1`, and the literal 1 does not accept true
    keys = frozenset((type(a), a) for a in allowed)
    wanted = "one of " + ", ".join(repr(a) for a in allowed)

    def read(data: object) -> object:
        try:
            if (type(data), data) in keys:
                return data
        except TypeError:  # a list or an object: not hashable, and not one of them
            pass
        raise _fail(wanted, data)

    return read


def _optional(reader: _Reader) -> _Reader:
    return lambda data: None if data is None else reader(data)


def _union(readers: tuple[_Reader, ...], wanted: str) -> _Reader:
    if len(readers) == 1:
        return readers[0]

    def read(data: object) -> object:
        for reader in readers:
            try:
                return reader(data)
            except ShapeError:
                continue
        raise _fail(wanted, data)

    return read


def _sequence(item: _Reader, make: Callable[[Any], Any]) -> _Reader:
    def read(data: object) -> object:
        if not isinstance(data, (list, tuple)):
            raise _fail("a list", data)
        try:
            return make([item(v) for v in data])
        except ShapeError as error:
            raise error.inside(f"[{_first_bad(item, data)}]") from None

    return read


def _first_bad(item: _Reader, data: list[Any] | tuple[Any, ...]) -> int:
    """The index of the first element that does not read (only looked for on the error path)."""
    for n, value in enumerate(data):
        try:
            item(value)
        except ShapeError:
            return n
    raise AssertionError("no element fails")  # pragma: no cover - the caller saw one fail


def _fixed(items: tuple[_Reader, ...]) -> _Reader:
    def read(data: object) -> object:
        if not isinstance(data, (list, tuple)) or len(data) != len(items):
            raise _fail(f"a list of {len(items)}", data)
        values = []
        for n, (item, value) in enumerate(zip(items, data, strict=True)):
            try:
                values.append(item(value))
            except ShapeError as error:
                raise error.inside(f"[{n}]") from None
        return tuple(values)

    return read


def _mapping(key: _Reader, value: _Reader) -> _Reader:
    def read(data: object) -> object:
        if not isinstance(data, Mapping):
            raise _fail("an object", data)
        out = {}
        for k, v in data.items():
            try:
                out[key(k)] = value(v)
            except ShapeError as error:
                raise error.inside(k) from None
        return out

    return read


def _dataclass(kind: type) -> _Reader:
    hints = get_type_hints(kind)
    fields = [f for f in dataclasses.fields(kind) if f.init]
    readers = {f.name: _reader(hints[f.name]) for f in fields}
    required = {
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    known = readers.keys() | frozenset(getattr(kind, "__reported__", ()))  # derived ones are ignored

    def read(data: object) -> object:
        if not isinstance(data, Mapping):
            raise _fail(f"an object ({kind.__name__})", data)
        if not data.keys() <= known:
            name = next(n for n in data if n not in known)
            raise ShapeError(f"unknown field (expected {', '.join(readers)})", (str(name),))
        values = {}
        for name, reader in readers.items():  # in the order the type declares them
            if name in data:
                try:
                    values[name] = reader(data[name])
                except ShapeError as error:
                    raise error.inside(name) from None
            elif name in required:
                raise ShapeError("missing", (name,))
        return kind(**values)

    return read
