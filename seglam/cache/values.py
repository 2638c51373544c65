"""A lossless, tagged encoding of Seglam host values for msgpack and JSON.

Plain msgpack would turn ``Decimal``, ``date``, tuples, sets and big ints into strings or
lists, and an example replayed from the cache must be *the same value*. Scalars that
both formats carry exactly stay as they are; everything else becomes a one-key dict
whose key starts with ``$``.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import math
from decimal import Decimal
from typing import Any

_INT64 = 2**63


def encode_value(value: Any) -> Any:
    """The tagged, msgpack/JSON-safe form of a host value."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if -_INT64 <= value < _INT64 else {"$int": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return {"$date": value.isoformat()}
    if isinstance(value, enum.Enum):
        return {"$enum": f"{type(value).__name__}.{value.name}"}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$rec": type(value).__name__, "fields": fields}
    if isinstance(value, tuple):
        return {"$tuple": [encode_value(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        # sorted by encoded text so the same set always encodes to the same bytes
        items = [encode_value(v) for v in value]
        return {"$set": sorted(items, key=repr)}
    if isinstance(value, dict):
        return {"$dict": [[encode_value(k), encode_value(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    raise TypeError(f"cannot store a value of type {type(value).__name__}")


def decode_value(data: Any) -> Any:
    """Inverse of :func:`encode_value`. Records and enums come back as plain dicts/strings
    (their classes belong to a program); the runtime converts them at the call boundary."""
    if isinstance(data, list):
        return [decode_value(v) for v in data]
    if not isinstance(data, dict):
        return data
    if len(data) == 1:
        ((tag, payload),) = data.items()
        if tag == "$int":
            return int(payload)
        if tag == "$float":
            return float(payload)
        if tag == "$dec":
            return Decimal(payload)
        if tag == "$date":
            return datetime.date.fromisoformat(payload)
        if tag == "$enum":
            return payload
        if tag == "$tuple":
            return tuple(decode_value(v) for v in payload)
        if tag == "$set":
            return {decode_value(v) for v in payload}
        if tag == "$dict":
            return {_hashable(decode_value(k)): decode_value(v) for k, v in payload}
    if "$rec" in data:
        return {k: decode_value(v) for k, v in data["fields"].items()}
    raise ValueError(f"not an encoded value: {data!r}")


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def render_value(value: Any) -> str:
    """A short Python-literal rendering for tables, traces and exported comments."""
    if isinstance(value, Decimal):
        return f'Decimal("{value}")'
    if isinstance(value, datetime.date):
        return f"date({value.year}, {value.month}, {value.day})"
    return repr(value)
