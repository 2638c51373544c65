"""How much text a result makes when printed in full, measured before printing it.

A value may hold one object many times (a record holding the same sub-record twice, n times
over, is n objects in memory and 2**n when printed): the run charged it by its objects, but
``seglam run`` prints every use. :func:`printed_elements` measures what printing writes in
time linear in the objects (each one's size is worked out once), without recursion.
"""

from __future__ import annotations

import dataclasses
from typing import Any

#: The most elements ``seglam run`` prints: containers, records and scalars one each, a string
#: one per ``CHARS_PER_ELEMENT`` characters (so the longest string a run may build prints).
MAX_PRINTED_ELEMENTS = 10_000_000
CHARS_PER_ELEMENT = 64

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
    return 1 + len(v) // CHARS_PER_ELEMENT if isinstance(v, str) else 1


def printed_elements(value: Any) -> int | float:
    """The elements ``value`` prints as, counting every use of a shared object (``inf`` for a
    value that holds itself)."""
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
        known[id(v)] = 1 + sum(known[id(k)] if id(k) in known else _leaf(k) for k in kids)
    return known[id(value)]


def too_large(value: Any, limit: int = MAX_PRINTED_ELEMENTS) -> str | None:
    """Why ``value`` is not printed (its text would pass ``limit`` elements), or None."""
    if printed_elements(value) <= limit:
        return None
    return (f"the result is too large to print: more than {limit:,} elements when written out "
            f"(an object the value holds several times is written once per use). Return a "
            f"summary of it, or call the function from Python (seglam.load(FILE).run), which "
            f"hands the value back without copying it")
