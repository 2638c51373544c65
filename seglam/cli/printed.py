"""How much text a result makes when printed in full, measured before printing it.

A value may hold one object many times (a record holding the same sub-record twice, n times
over, is n objects in memory and 2**n when printed): the run charged it by its objects, but
``seglam run`` prints every use. :func:`printed_chars` measures what printing writes, in
characters, in time linear in the objects (each one's size is worked out once), without
recursion and without converting anything to text: an int counts by the digits its bit
length allows, a str by its length. Writing out is not metered by fuel (a run of 52,000
fuel returned a thousand uses of one 19,562-digit int, 19.5 MB and 16 s of printing), so
this measure is what bounds it (SPEC section 10).
"""

from __future__ import annotations

import dataclasses
from typing import Any

#: The most characters ``seglam run`` prints (ten strings of the default ``max_str_len``).
MAX_PRINTED_CHARS = 10_000_000

_ITEMS = (list, tuple, set, frozenset)


def _children(v: Any) -> Any:
    """The values ``v`` prints, or None for a value printed as one element (a scalar)."""
    if isinstance(v, _ITEMS):
        return v
    if isinstance(v, dict):
        return [*v.keys(), *v.values()]
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return [getattr(v, f.name) for f in dataclasses.fields(v)]
    return None


def _leaf(v: Any) -> int:
    """The characters a scalar prints as, worked out without printing it: a str its length and
    quotes, an int the most digits its bit length allows (log10(2) < 0.30103) and a sign."""
    if isinstance(v, str):
        return len(v) + 2
    if isinstance(v, bool) or v is None:
        return 5
    if isinstance(v, int):
        return v.bit_length() * 30103 // 100000 + 2
    if isinstance(v, float):
        return 24
    text = getattr(v, "as_tuple", None)  # a Decimal: its digits and exponent
    if text is not None:
        sign, digits, exponent = v.as_tuple()
        return len(digits) + (len(str(exponent)) if isinstance(exponent, int) else 3) + 16
    return 64  # an enum member, a date or time: short, fixed text


def _overhead(v: Any, kids: Any) -> int:
    """The brackets, separators and field names around a container's or record's items."""
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return len(type(v).__name__) + 2 + sum(len(f.name) + 3 for f in dataclasses.fields(v))
    return len(type(v).__name__) + 4 + 2 * len(kids)


def printed_chars(value: Any) -> int | float:
    """The characters ``value`` prints as, counting every use of a shared object
    (``inf`` for a value that holds itself)."""
    if _children(value) is None:
        return _leaf(value)
    known: dict[int, int] = {}
    open_: set[int] = set()
    stack = [value]
    while stack:
        v = stack[-1]
        if id(v) in known:  # pushed by two parents
            stack.pop()
            continue
        kids = _children(v)
        pending = [k for k in kids if id(k) not in known and _children(k) is not None]
        if pending:
            if id(v) in open_ or any(id(k) in open_ for k in pending):
                return float("inf")
            open_.add(id(v))
            stack.extend(pending)
            continue
        stack.pop()
        open_.discard(id(v))
        known[id(v)] = _overhead(v, kids) + sum(known[id(k)] if id(k) in known else _leaf(k) for k in kids)
    return known[id(value)]


def too_large(value: Any, limit: int = MAX_PRINTED_CHARS) -> str | None:
    """Why ``value`` is not printed (its text would pass ``limit`` characters), or None."""
    if printed_chars(value) <= limit:
        return None
    return (f"the result is too large to print: more than {limit:,} characters when written out "
            f"(an object the value holds several times is written once per use). Return a "
            f"summary of it, or call the function from Python (seglam.load(FILE).run), which "
            f"hands the value back without copying it")
