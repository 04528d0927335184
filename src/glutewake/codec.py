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
_Reader = Callable[[object, str], Any]


class ShapeError(ValueError):
    """Data that does not have the shape of the type it should be; says where and what."""


def dump(value: object) -> Any:
    """`value` as JSON-ready data: dicts, lists, text, numbers, booleans and None."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in getattr(value, "__reported__", ()):
            data[name] = dump(getattr(value, name))
        return data
    if isinstance(value, Mapping):
        return {str(dump(k)): dump(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, frozenset, set)):
        return [dump(v) for v in value]
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def load(kind: type[T], data: object) -> T:
    """`data` read as a `kind`; raise `ShapeError` naming the first thing that does not fit."""
    value: T = _reader(cast(Hashable, kind))(data, "")
    return value


def _at(path: str, problem: str) -> ShapeError:
    where = path.lstrip(".")
    return ShapeError(f"{where}: {problem}" if where else problem)


def _shown(value: object) -> str:
    """A value as JSON would write it, cut short."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"{value!r:.60}"


def _fail(path: str, wanted: str, got: object) -> ShapeError:
    return _at(path, f"expected {wanted}, got {_shown(got)}")


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
        return _union(tuple(_reader(a) for a in args), " or ".join(_name(a) for a in args))
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
    def read(data: object, path: str) -> object:
        if type(data) is not kind:
            raise _fail(path, wanted, data)
        return data

    return read


def _int(data: object, path: str) -> int:
    if isinstance(data, bool) or not isinstance(data, int):
        raise _fail(path, "a whole number", data)
    return data


def _float(data: object, path: str) -> float:
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        raise _fail(path, "a number", data)
    return float(data)


def _date(data: object, path: str) -> date:
    if isinstance(data, date) and not isinstance(data, datetime):
        return data
    if not isinstance(data, str):
        raise _fail(path, "a date such as 2026-11-23", data)
    try:
        return date.fromisoformat(data)
    except ValueError:
        raise _fail(path, "a date such as 2026-11-23", data) from None


def _datetime(data: object, path: str) -> datetime:
    if isinstance(data, datetime):
        return data
    if not isinstance(data, str):
        raise _fail(path, "a date and time such as 2026-11-23T09:00:00+00:00", data)
    try:
        return datetime.fromisoformat(data)
    except ValueError:
        raise _fail(path, "a date and time such as 2026-11-23T09:00:00+00:00", data) from None


def _anything(data: object, path: str) -> object:
    return data


_PLAIN: dict[object, _Reader] = {
    Any: _anything,
    object: _anything,
    type(None): _exact(type(None), "null"),
    bool: _exact(bool, "true or false"),
    int: _int,
    float: _float,
    str: _exact(str, "text"),
    date: _date,
    datetime: _datetime,
}


def _literal(allowed: tuple[object, ...]) -> _Reader:
    def read(data: object, path: str) -> object:
        # `True == 1`, so compare types too: the literal 1 does not accept true
        if not any(data == a and type(data) is type(a) for a in allowed):
            raise _fail(path, "one of " + ", ".join(repr(a) for a in allowed), data)
        return data

    return read


def _union(readers: tuple[_Reader, ...], wanted: str) -> _Reader:
    def read(data: object, path: str) -> object:
        for reader in readers:
            try:
                return reader(data, path)
            except ShapeError:
                continue
        raise _fail(path, wanted, data)

    return read


def _sequence(item: _Reader, make: Callable[[Any], Any]) -> _Reader:
    def read(data: object, path: str) -> object:
        if not isinstance(data, (list, tuple)):
            raise _fail(path, "a list", data)
        return make(item(v, f"{path}[{n}]") for n, v in enumerate(data))

    return read


def _fixed(items: tuple[_Reader, ...]) -> _Reader:
    def read(data: object, path: str) -> object:
        if not isinstance(data, (list, tuple)) or len(data) != len(items):
            raise _fail(path, f"a list of {len(items)}", data)
        return tuple(item(v, f"{path}[{n}]") for n, (item, v) in enumerate(zip(items, data, strict=True)))

    return read


def _mapping(key: _Reader, value: _Reader) -> _Reader:
    def read(data: object, path: str) -> object:
        if not isinstance(data, Mapping):
            raise _fail(path, "an object", data)
        return {key(k, f"{path}.{k}"): value(v, f"{path}.{k}") for k, v in data.items()}

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
    ignored = frozenset(getattr(kind, "__reported__", ()))

    def read(data: object, path: str) -> object:
        if not isinstance(data, Mapping):
            raise _fail(path, f"an object ({kind.__name__})", data)
        for name in data:
            if name not in readers and name not in ignored:
                raise _at(f"{path}.{name}", f"unknown field (expected {', '.join(readers)})")
        values = {}
        for name, reader in readers.items():  # in the order the type declares them
            if name in data:
                values[name] = reader(data[name], f"{path}.{name}")
            elif name in required:
                raise _at(f"{path}.{name}", "missing")
        return kind(**values)

    return read
