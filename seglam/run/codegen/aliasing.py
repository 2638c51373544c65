"""May a value of one static type be, by identity, an object found inside a value of another?

The compiled backend notes the frozen copies a call's entry makes of its arguments so that a
return of one goes back to the caller as the caller's own object (``values.handed_back``,
SPEC.md section 7). Noting them costs a dict insertion per copied collection (a dict of 5,000
lists: 5,000), so a function whose return type can hold no such copy skips it: ``bfs(edges:
dict[int, list[int]]) -> dict[int, int]`` can return neither the dict nor one of its lists.
The answer must never be "no" for a copy the reference would hand back (the backends would
disagree on which object the caller gets), so anything not plainly apart is "maybe":
unions, type variables, ``Iterable``/``Sequence``, ``Any``; numbers count as one kind (an int
may stand where a float or Decimal is declared, SPEC section 3).
"""

from __future__ import annotations

from typing import Any, Iterator

from seglam.check import types as T

#: Concrete container kinds: values of different kinds are different objects.
_KINDS = {T.ListType: "list", T.DictType: "dict", T.CounterType: "dict", T.SetType: "set",
          T.TupleType: "tuple", T.RecordType: "record"}
_NUMBERS = frozenset({"bool", "int", "float", "Decimal"})


def may_return_a_part(returns: Any, param: Any, records: Any) -> bool:
    """Whether a value of static type ``returns`` may be a value of static type ``param`` or
    a collection, tuple or record inside one (``records``: name -> RecordInfo)."""
    return any(_may_be(returns, part) for part in _parts(param, records, set()) if not isinstance(part, T.PrimType))


def _parts(t: Any, records: Any, seen: set) -> Iterator[Any]:
    """``t`` and every type of a value a value of type ``t`` holds, at any depth."""
    if t in seen:
        return
    seen.add(t)
    yield t
    if isinstance(t, T.UnionType):
        inner = t.options
    elif isinstance(t, (T.ListType, T.SetType)):
        inner = (t.elem,)
    elif isinstance(t, T.DictType):
        inner = (t.key, t.value)
    elif isinstance(t, T.CounterType):
        inner = (t.key,)
    elif isinstance(t, T.TupleType):
        inner = t.elems
    elif isinstance(t, T.RecordType) and t.name in records:
        inner = tuple(f.type for f in records[t.name].fields)
    else:
        inner = ()
    for x in inner:
        yield from _parts(x, records, seen)


def _may_be(a: Any, b: Any) -> bool:
    """Whether one object may have static type ``a`` here and ``b`` there."""
    if a == b:
        return True
    if isinstance(a, T.UnionType) or isinstance(b, T.UnionType):
        return any(_may_be(x, y) for x in _options(a) for y in _options(b))
    ka, kb = _kind(a), _kind(b)
    if ka is None or kb is None:
        return True  # Iterable, Sequence, Any, a type variable...: maybe
    if ka != kb:
        return False
    if ka == "prim":
        return a.name == b.name or (a.name in _NUMBERS and b.name in _NUMBERS)
    if isinstance(a, (T.ListType, T.SetType)) and isinstance(b, (T.ListType, T.SetType)):
        return _may_be(a.elem, b.elem)
    if isinstance(a, T.DictType) and isinstance(b, T.DictType):
        return _may_be(a.key, b.key) and _may_be(a.value, b.value)
    if isinstance(a, T.RecordType) and isinstance(b, T.RecordType):
        return a.name == b.name
    return True  # tuples, Counters: maybe


def _options(t: Any) -> tuple:
    return t.options if isinstance(t, T.UnionType) else (t,)


def _kind(t: Any) -> str | None:
    if isinstance(t, T.PrimType):
        return "prim"
    return _KINDS.get(type(t))
