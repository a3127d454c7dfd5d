"""Typed rows: raw SQL results decoded into msgspec Structs, the same on both engines.

``await db.fetch_as(AppealRow, "SELECT * FROM appeal_appeal WHERE id = {}", appeal_id)``

The engines disagree on what a row holds. PostgreSQL (asyncpg) gives UUIDs, aware datetimes,
Decimals and bools, but JSON columns as text. SQLite gives those only for a column with a
declared type in a plain ``SELECT``; ``RETURNING``, expressions, unions and aggregates come back
as text, numbers and 0/1. :func:`decode_row` is the one place that turns either into the
Struct's field types, led by the types the Struct declares:

* JSON text → the field's ``dict``, ``list`` or Struct; NULL in a field that cannot be None → an
  empty dict or list;
* a timestamp (text, or a datetime without a zone) → an aware datetime in UTC, read as UTC when
  it names no zone;
* text UUIDs → :class:`uuid.UUID`, 0/1 → ``bool``, text or float → ``Decimal``, numeric text →
  ``int``/``float`` (msgspec's lax mode, ``strict=False``).

Columns the Struct does not name are ignored, so ``SELECT *`` fits a Struct of a few columns; a
column it needs that is missing, or NULL where the field cannot be None, raises
:class:`RowTypeError` naming the Struct and the field — a query that does not match its row
type is a bug, not bad input.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

import msgspec
from msgspec import inspect as mi

__all__ = ["IdRow", "RowTypeError", "db_value", "decode_row", "decode_rows"]

S = TypeVar("S", bound=msgspec.Struct)
Kind = Literal["json", "time", "list", "dict"]

_CONTAINERS = (
    mi.DictType,
    mi.ListType,
    mi.SetType,
    mi.FrozenSetType,
    mi.TupleType,
    mi.VarTupleType,
    mi.StructType,
    mi.TypedDictType,
    mi.DataclassType,
    mi.NamedTupleType,
)


class RowTypeError(TypeError):
    """A row that does not fit the Struct it was read as (a query or Struct out of step)."""


class IdRow(msgspec.Struct, frozen=True):
    """A row of one uuid column ``id`` (``SELECT id FROM …``)."""

    id: uuid.UUID


def decode_row(cls: type[S], row: Mapping[str, Any]) -> S:
    """``row`` (a raw-SQL result of either engine) as a ``cls``."""
    data = dict(row)
    for name, kind in _plan(cls):
        if name in data:
            data[name] = _prepare(data[name], kind)
    try:
        return msgspec.convert(data, cls, strict=False)
    except msgspec.ValidationError as exc:
        raise RowTypeError(f"row does not fit {cls.__qualname__}: {exc}") from exc


def decode_rows(cls: type[S], rows: Iterable[Mapping[str, Any]]) -> list[S]:
    return [decode_row(cls, row) for row in rows]


def db_value(value: Any) -> Any:
    """A Python value as a raw-SQL parameter: JSON columns take text on both engines."""
    if isinstance(value, msgspec.Struct):
        value = msgspec.to_builtins(value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _prepare(value: Any, kind: Kind) -> Any:
    if kind == "time":
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if isinstance(value, datetime) and value.tzinfo is not UTC:
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value
    if value is None:
        return {} if kind == "dict" else [] if kind == "list" else None
    if isinstance(value, str | bytes | bytearray):
        return json.loads(value)
    return value


@functools.cache
def _plan(cls: type[msgspec.Struct]) -> tuple[tuple[str, Kind], ...]:
    """Which columns need work before msgspec sees them, from the Struct's field types."""
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    plan: list[tuple[str, Kind]] = []
    for field in info.fields:
        kind = _kind(field.type)
        if kind is not None:
            plan.append((field.encode_name, kind))
    return tuple(plan)


def _kind(t: mi.Type) -> Kind | None:
    while isinstance(t, mi.Metadata):
        t = t.type
    members = list(t.types) if isinstance(t, mi.UnionType) else [t]
    members = [m.type if isinstance(m, mi.Metadata) else m for m in members]
    if any(isinstance(m, mi.DateTimeType) for m in members):
        return "time"
    # Text is JSON only where the field cannot hold text itself.
    if any(isinstance(m, mi.StrType | mi.AnyType) for m in members):
        return None
    if not any(isinstance(m, _CONTAINERS) for m in members):
        return None
    if any(isinstance(m, mi.NoneType) for m in members) or len(members) > 1:
        return "json"
    if isinstance(members[0], mi.DictType):
        return "dict"
    if isinstance(members[0], mi.ListType):
        return "list"
    return "json"
