"""Neutral input values and their Seglam source text.

Strategies and Z3 models produce inputs as plain Python values, except records and enum
members, which are :class:`RecordLit` / :class:`EnumLit` (picklable, program-independent).
The runner turns them into the program's own record and enum values; :func:`render` prints
any of them as Seglam source, so a counterexample reads as a call a user can paste.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class RecordLit:
    name: str
    fields: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class EnumLit:
    name: str
    member: str


def render(v: object) -> str:
    """Seglam source text for a value (neutral or runtime)."""
    if isinstance(v, RecordLit):
        return f"{v.name}(" + ", ".join(f"{k}={render(x)}" for k, x in v.fields) + ")"
    if isinstance(v, EnumLit):
        return f"{v.name}.{v.member}"
    if isinstance(v, enum.Enum):
        return f"{type(v).__name__}.{v.name}"
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        inner = ", ".join(f"{f.name}={render(getattr(v, f.name))}" for f in dataclasses.fields(v))
        return f"{type(v).__name__}({inner})"
    if isinstance(v, bool) or v is None:
        return repr(v)
    if isinstance(v, float):
        if math.isnan(v):
            return 'float("nan")'
        if math.isinf(v):
            return 'float("inf")' if v > 0 else '-float("inf")'
        return repr(v)
    if isinstance(v, Decimal):
        return f'Decimal("{v}")'
    if isinstance(v, date):
        return f"date({v.year}, {v.month}, {v.day})"
    if isinstance(v, timedelta):
        return f"timedelta(days={v.days})"
    if isinstance(v, (int, str)):
        return repr(v)
    if isinstance(v, tuple):
        if len(v) == 1:
            return f"({render(v[0])},)"
        return "(" + ", ".join(render(x) for x in v) + ")"
    if isinstance(v, list):
        return "[" + ", ".join(render(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{render(k)}: {render(x)}" for k, x in v.items()) + "}"
    if isinstance(v, (set, frozenset)):
        if not v:
            return "set()"
        return "{" + ", ".join(sorted((render(x) for x in v))) + "}"
    return repr(v)


def render_call(function: str, args: dict[str, object]) -> str:
    """``f(a=1, b=[2])``: a call with keyword arguments in parameter order."""
    return f"{function}(" + ", ".join(f"{k}={render(v)}" for k, v in args.items()) + ")"


def to_json(v: object) -> object:
    """A JSON-safe rendering of a value (its Seglam text for anything not plain JSON)."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if abs(v) < 2**53 else render(v)
    return render(v)
