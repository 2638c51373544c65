"""JSON on the command line ↔ host Python values, guided by a Seglam static type.

JSON has no tuples, sets, decimals, dates or records, so the parameter's type says what a
JSON value means: an array for a ``tuple``/``set``, a string for a ``Decimal`` or ``date``, an
object for a record, a member name (or value) for an enum.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import math
from typing import Any

from seglam.check import types as T
from seglam.run.ordering import ordered


def from_json(value: Any, type_: T.Type | None, checked) -> Any:
    """Turn a decoded JSON value into the host value that ``type_`` expects (best effort:
    a value that does not fit is passed on unchanged, so conversion reports the mismatch)."""
    if type(value) is decimal.Decimal:  # a JSON fraction, read exactly: a Decimal only where one is expected
        if any(isinstance(o, T.PrimType) and o.name == "Decimal" for o in T.options(type_) if type_ is not None):
            return value
        value = float(value)
    if type_ is None:
        return value
    if isinstance(type_, T.UnionType):
        if value is None:
            return None
        for option in type_.options:
            if not (isinstance(option, T.PrimType) and option.name == "None"):
                return from_json(value, option, checked)
        return value
    if isinstance(type_, T.PrimType):
        if type_.name == "Decimal" and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            try:
                return decimal.Decimal(str(value))
            except decimal.InvalidOperation:
                return value
        if type_.name == "date" and isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                return value
        return value  # an int stays an int for a float parameter, as in CPython and Program.call
    if isinstance(type_, T.ListType) and isinstance(value, list):
        return [from_json(v, type_.elem, checked) for v in value]
    if isinstance(type_, T.SetType) and isinstance(value, list):
        items = [from_json(v, type_.elem, checked) for v in value]
        try:
            return set(items)
        except TypeError:
            return items
    if isinstance(type_, T.TupleType) and isinstance(value, list):
        if type_.variadic:
            return tuple(from_json(v, type_.elems[0], checked) for v in value)
        if len(value) == len(type_.elems):
            return tuple(from_json(v, t, checked) for v, t in zip(value, type_.elems))
        return tuple(value)
    if isinstance(type_, T.DictType) and isinstance(value, dict):
        return {from_json(_key(k, type_.key), type_.key, checked): from_json(v, type_.value, checked) for k, v in value.items()}
    if isinstance(type_, T.EnumType) and isinstance(value, str):
        # a member by its value, or by its name (how --json writes one): the value first
        info = checked.enums.get(type_.name)
        if info is not None and not any(type(v) is str and v == value for _, v in info.members):
            return next((v for n, v in info.members if n == value), value)
        return value
    if isinstance(type_, T.RecordType) and isinstance(value, dict):
        info = checked.records.get(type_.name)
        if info is None:
            return value
        return {k: from_json(v, info.field(k).type if info.field(k) else None, checked) for k, v in value.items()}
    return value


def _key(key: str, key_type: T.Type) -> Any:
    """JSON object keys are strings; an ``int`` key type reads them as numbers."""
    if isinstance(key_type, T.PrimType) and key_type.name == "int":
        try:
            return int(key)
        except ValueError:
            return key
    return key


def to_json(value: Any) -> Any:
    """A host value as plain JSON data (tuples and sets become arrays, a set's elements in
    the order Seglam iterates them; Decimal and date become strings; records become objects;
    enums their name)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (datetime.date, datetime.timedelta)):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    if isinstance(value, enum.Enum):
        return value.name
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(to_json(k)) if not isinstance(k, str) else k: to_json(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return [to_json(v) for v in ordered(value)]  # the order Seglam iterates sets in
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return repr(value)
