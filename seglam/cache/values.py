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
from decimal import Decimal, InvalidOperation
from typing import Any

from seglam.syntax.intdigits import int_from_text, int_to_text

_INT64 = 2**63
#: Deepest value decoded; a stored value nests no deeper than a Seglam value can.
MAX_VALUE_DEPTH = 400


def encode_value(value: Any) -> Any:
    """The tagged, msgpack/JSON-safe form of a host value."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if -_INT64 <= value < _INT64 else {"$int": int_to_text(value)}
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


def same_answer(value: Any, expected: Any) -> bool:
    """Is ``value`` (what a program answered) the answer ``expected``, as the cache checks a
    stored counterexample against a new version: the expected value as it is stored (encoded
    and decoded), compared with ``==`` (so ``1.5 == Decimal("1.50")``, ``[1] != (1,)``)."""
    try:
        return bool(value == decode_value(encode_value(expected)))
    except (TypeError, ValueError, ArithmeticError):  # an unstorable or incomparable value
        return False


class ValueFormatError(ValueError):
    """Data that is not the tagged form of a value (a damaged or hand-made manifest)."""


def decode_value(data: Any) -> Any:
    """Inverse of :func:`encode_value`. Records and enums come back as plain dicts/strings
    (their classes belong to a program); the runtime converts them at the call boundary.
    :class:`ValueFormatError` (a ValueError) for anything that is not an encoded value."""
    try:
        return _decode(data, 0)
    except ValueFormatError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, InvalidOperation, RecursionError) as err:
        raise ValueFormatError(f"not an encoded value ({type(err).__name__}: {str(err)[:200]})") from None


def _decode(data: Any, depth: int) -> Any:
    if depth > MAX_VALUE_DEPTH:
        raise ValueFormatError(f"value nests deeper than {MAX_VALUE_DEPTH} levels")
    if isinstance(data, list):
        return [_decode(v, depth + 1) for v in data]
    if not isinstance(data, dict):
        return data
    if len(data) == 1:
        ((tag, payload),) = data.items()
        if tag == "$int":
            return int_from_text(_text(payload))
        if tag == "$float":
            return float(_text(payload))
        if tag == "$dec":
            return Decimal(_text(payload))
        if tag == "$date":
            return datetime.date.fromisoformat(_text(payload))
        if tag == "$enum":
            return _text(payload)
        if tag == "$tuple":
            return tuple(_decode(v, depth + 1) for v in _items(payload))
        if tag == "$set":
            return {_decode(v, depth + 1) for v in _items(payload)}
        if tag == "$dict":
            return {_hashable(_decode(k, depth + 1)): _decode(v, depth + 1) for k, v in _items(payload)}
    if "$rec" in data and isinstance(data.get("fields"), dict):
        return {k: _decode(v, depth + 1) for k, v in data["fields"].items()}
    raise ValueFormatError(f"not an encoded value: {render_value(data)[:200]}")


def _text(payload: Any) -> str:
    if not isinstance(payload, str):
        raise ValueFormatError(f"expected a string payload, got {type(payload).__name__}")
    return payload


def _items(payload: Any) -> list:
    if not isinstance(payload, list):
        raise ValueFormatError(f"expected a list payload, got {type(payload).__name__}")
    return payload


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def render_value(value: Any) -> str:
    """A short Python-literal rendering for tables, traces and exported comments."""
    if isinstance(value, Decimal):
        return f'Decimal("{value}")'
    if isinstance(value, datetime.date):
        return f"date({value.year}, {value.month}, {value.day})"
    if isinstance(value, int) and not isinstance(value, bool):
        return int_to_text(value)
    try:
        return repr(value)
    except (ValueError, RecursionError):  # an int inside past CPython's 4300-digit repr limit
        return f"<{type(value).__name__} too large to show>"
