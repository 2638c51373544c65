"""The fuel of work that grows with the *shape* of values (SPEC.md, §10, "Work on large
values"): comparing two values and hashing a set or dict key. One set of pure functions,
used by the stdlib (both backends) and by the compiled backend's inline tests, so both
charge exactly the same.

The size of a value is counted in *elements*: 1 per scalar and per container, plus the
elements of a container, plus ``len(s) // (TEXT_CHARS // BULK_UNIT)`` per string. The walk
is memoised by identity, so a tuple built by repeated reference (``t = (t, t)`` forty
times) is measured in forty steps and counts its 2**41 elements, which is what CPython's
``==`` and ``hash`` visit. A comparison or a hash costs ``size // BULK_UNIT`` steps (of the
smaller operand for a comparison): nothing for ordinary keys and short strings.

Keys whose hash can be made to collide at will are counted per run by ``hash(key)``
(:func:`key_cost`): ints of magnitude ``cost.WIDE_KEY`` or more (CPython hashes an int as its
value modulo ``2**61 - 1``), Decimals (hashed like the number they equal), and tuples,
frozensets and records holding one of those (their hash combines their items' hashes).
These hashes do not depend on PYTHONHASHSEED, so the counts are the same on every machine.
"""

from __future__ import annotations

import collections
import decimal
import itertools
from typing import Any, Iterable

from seglam.run import cost, decimalwork
from seglam.run.context import BULK_UNIT
from seglam.run.values import FrozenDict, FrozenList, FrozenSet

#: Characters of a string per element of size.
ELEMENT_CHARS = cost.TEXT_CHARS // BULK_UNIT

#: Types whose values are one element, compare in constant time and hash without collisions
#: worth counting (floats: at most a few dozen distinct floats share a hash).
_PLAIN = frozenset({int, float, bool, type(None)})
_SEQUENCES = frozenset({tuple, list, FrozenList})
_SETS = frozenset({set, frozenset, FrozenSet})
_DICTS = frozenset({dict, FrozenDict, collections.defaultdict, collections.Counter})
#: Types a comparison with which costs nothing by size (but for a Decimal, compare_cost).
SCALARS = frozenset({int, float, bool, type(None), decimal.Decimal})
_DECIMAL = decimal.Decimal
_NO_LEAVES = frozenset({int, bool})


def size(value: Any, memo: dict | None = None) -> int:
    """The size of ``value`` in elements (see the module docstring)."""
    t = type(value)
    if t is str:
        return 1 + len(value) // ELEMENT_CHARS
    if t in _PLAIN:
        return 1
    if memo is None:
        memo = {}
    key = id(value)
    known = memo.get(key)
    if known is not None:
        return known
    memo[key] = 1  # a list that holds itself: CPython faults on it anyway
    if t in _SEQUENCES or t in _SETS:
        types = set(map(type, value))
        if types <= _PLAIN:
            n = 1 + len(value)
        elif types == {str}:
            n = 1 + len(value) + sum(map(len, value)) // ELEMENT_CHARS
        else:
            n = 1 + sum(size(item, memo) for item in value)
    elif t in _DICTS:
        n = 1 + sum(size(k, memo) + size(v, memo) for k, v in value.items())
    else:
        fields = getattr(t, "__seglam_fields__", None)
        n = 1 if fields is None else 1 + sum(size(getattr(value, f), memo) for f in fields)
    memo[key] = n
    return n


def compare_cost(a: Any, b: Any) -> int:
    """The fuel of comparing ``a`` with ``b`` (``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``):
    the size of the smaller one, in steps of BULK_UNIT elements (0 below that); with a
    Decimal, decimalwork.op_cost."""
    ta = type(a)
    if ta is str:
        return cost.text(min(len(a), len(b))) if type(b) is str else 0
    if ta in SCALARS or type(b) in SCALARS:
        # a Decimal against a number: both are read (an int is converted to a Decimal)
        return decimalwork.op_cost("==", a, b) if ta is _DECIMAL or type(b) is _DECIMAL else 0
    return min(size(a), size(b)) // BULK_UNIT


def extreme_cost(items: Any) -> int:
    """``min(items)`` / ``max(items)``: each item is compared once with the best so far,
    which costs at most the item's size (beyond the linear charge for their number).
    Strings, the common case, are recognised by joining them (only strings join) once their
    total length, needed anyway, is known to be small enough to copy; a type pass otherwise."""
    if items and type(items[0]) is str:
        try:
            chars = sum(map(len, items))
        except TypeError:
            chars = None  # an item without a length: not all strings
        if chars is not None and chars <= _JOIN_CHECK_CHARS:
            try:
                "".join(items)
            except TypeError:
                pass
            else:
                return cost.text(chars)
    types = set(map(type, items))
    if types <= SCALARS:
        return 0
    if types == {str}:
        return cost.text(sum(map(len, items)))
    memo: dict = {}
    return sum(max(0, size(x, memo) - 1) for x in items) // BULK_UNIT


#: :func:`extreme_cost` copies at most this many characters to see that every item is a string.
_JOIN_CHECK_CHARS = 1 << 20


def key_compare_cost(value: Any) -> int:
    """A comparison of ``value`` (a sort or ``min``/``max`` key) with another one, at most."""
    t = type(value)
    if t is str:
        return cost.text(len(value))
    if t in SCALARS:
        return 0
    return (size(value) - 1) // BULK_UNIT


def order_rounds(n: int) -> int:
    """The comparisons one of ``n`` items takes part in while they are put in order, about:
    ``log2 n`` rounded up (a sort makes about ``n log2 n`` comparisons in all)."""
    return max(1, (n - 1).bit_length())


def item_order_cost(value: Any, n: int, memo: dict | None = None) -> int:
    """Putting ``value`` in order among ``n`` items (a sort key, a set element): each of its
    :func:`order_rounds` comparisons visits at most its size. Numbers and strings cost
    nothing here (a sort of strings is weighed by ``cost.sort_extra``), nor do items of at
    most BULK_UNIT elements: ordinary sorts and sets are charged exactly as before."""
    t = type(value)
    if t is str or t in SCALARS:
        return 0
    return (size(value, memo) - 1) // BULK_UNIT * order_rounds(n)


def order_cost(items: Any) -> int:
    """Putting the sized ``items`` in order (a sort without ``key=``, a set's fixed order):
    :func:`item_order_cost` of each, measured once per object over the values' shared
    structure, so a value built by repeated reference is charged for every node a
    comparison may visit before any is visited."""
    n = len(items)
    if n < 2:
        return 0
    types = set(map(type, items))
    if types <= _ORDER_FREE or (types == {tuple} and _short_flat_tuples(items)):
        return 0
    memo: dict = {}
    return sum(item_order_cost(x, n, memo) for x in items)


def _short_flat_tuples(items: Any) -> bool:
    """Whether every item (a tuple) has fewer than BULK_UNIT elements, all numbers or
    strings shorter than ELEMENT_CHARS (the common pair of ints, the ``(len(w), w)`` of a
    sort key): each then has a size of at most BULK_UNIT, and costs nothing. Checked
    without a Python call per item."""
    if len(next(iter(items))) < BULK_UNIT:  # items: a list or a set, not empty
        try:  # tuples of one shape: a column at a time, in C
            columns = list(zip(*items, strict=True))
        except ValueError:  # tuples of several lengths
            columns = None
        if columns is not None:
            for column in columns:
                kinds = set(map(type, column))
                if not (kinds <= SCALARS or (kinds == _STR and max(map(len, column)) < ELEMENT_CHARS)):
                    return False
            return True
    if max(map(len, items)) >= BULK_UNIT:
        return False
    elements = list(itertools.chain.from_iterable(items))
    kinds = set(map(type, elements))
    if kinds <= SCALARS:
        return True
    return kinds <= _ORDER_FREE and max(len(e) for e in elements if type(e) is str) < ELEMENT_CHARS


#: Items whose ordering costs nothing beyond the sort's own charge.
_ORDER_FREE = SCALARS | {str}
_STR = frozenset({str})


def needle_cost(needle: Any, items: int) -> int:
    """``needle in xs``, ``xs.index(needle)``, ``xs.count(needle)``, ``xs.remove(needle)`` on
    ``items`` items (beyond the bulk charge for their number): each comparison costs at most
    the size of ``needle``."""
    t = type(needle)
    if t in SCALARS:
        return 0
    return items * (size(needle) // BULK_UNIT)


def key_cost(ctx: Any, key: Any) -> int:
    """The fuel of one set or dict operation (insertion, lookup, membership) on ``key`` beyond
    its step: hashing it and comparing it with an equal key (its size, as
    :func:`compare_cost`), and probing past the other keys of the run that can collide with
    it and share its hash (see the module docstring): an upper bound, the same on every
    machine, of the probes a table can make. The distinct keys are recorded in a form whose
    own hash is seeded (bytes, strings), so the record itself never collides."""
    t = type(key)
    if t is int:
        if -cost.WIDE_KEY < key < cost.WIDE_KEY:
            return 0
        bits = key.bit_length()
        return cost.wide_key(bits, _collisions(ctx, key, key.to_bytes(bits // 8 + 1, "little", signed=True)))
    if t is str:
        return cost.text(len(key))
    if t in _PLAIN:
        return 0
    if t is decimal.Decimal:
        work = decimalwork.pass_cost(key)  # hashing it reads its digits (before they are recorded)
        if work > ctx.limits.fuel:
            return work
        return work + _collisions(ctx, key, ("D", str(key))) // cost.COLLIDING_SLOW_PER_STEP
    if t is tuple and len(key) < BULK_UNIT and set(map(type, key)) <= _NO_LEAVES \
            and (not key or (-cost.WIDE_KEY < min(key) and max(key) < cost.WIDE_KEY)):
        return 0  # the common key: a pair of small ints
    memo: dict = {}
    work = size(key, memo) // BULK_UNIT
    if work > ctx.limits.fuel or not _collides(key, memo):
        return work  # more than the whole budget: charged before hashing it
    colliding = _collisions(ctx, key, _recorded(key, {}))
    return work + colliding * (1 + work) // cost.COLLIDING_SLOW_PER_STEP


def keys_cost(ctx: Any, keys: Iterable) -> int:
    """:func:`key_cost` of every key of ``keys`` (a sized collection, already charged for
    its length): ``set(xs)``, ``dict(pairs)``, displays, set operators, ``update``. Keys of
    one type that costs nothing (short strings, ints below WIDE_KEY...) are recognised
    without a call per key."""
    if len(keys) <= _FEW_KEYS:
        return sum(key_cost(ctx, k) for k in keys) if any(map(_may_cost, keys)) else 0
    types = set(map(type, keys))
    if len(types) == 1:
        t = types.pop()
        if t is str:
            if max(map(len, keys)) < cost.TEXT_CHARS:
                return 0
        elif t is int:
            if -cost.WIDE_KEY < min(keys) and max(keys) < cost.WIDE_KEY:
                return 0
        elif t in _PLAIN:
            return 0
    elif types <= _NO_LEAVES:
        if -cost.WIDE_KEY < min(keys) and max(keys) < cost.WIDE_KEY:
            return 0
    return sum(key_cost(ctx, k) for k in keys)


#: Collections of at most this many keys are looked at key by key.
_FEW_KEYS = 16


def _may_cost(key: Any) -> bool:
    """Whether :func:`key_cost` of ``key`` may be more than 0 (False: it is 0)."""
    t = type(key)
    if t is str:
        return len(key) >= cost.TEXT_CHARS
    if t is int:
        return not -cost.WIDE_KEY < key < cost.WIDE_KEY
    return t not in _PLAIN


def _collisions(ctx: Any, key: Any, recorded: Any) -> int:
    """Record ``key`` (as ``recorded``) under its hash; the other keys recorded there."""
    group = ctx.keys.setdefault(hash(key), set())
    group.add(recorded)
    return len(group) - 1


def _collides(value: Any, memo: dict) -> bool:
    """Whether ``value`` (already measured: ``memo`` holds the containers it reaches) holds
    a wide int or a Decimal."""
    if _wide_leaf(value):
        return True
    for item in _containers(value, memo):
        if any(_wide_leaf(x) for x in _children(item)):
            return True
    return False


def _containers(value: Any, memo: dict) -> list:
    """The containers reached from ``value``: the objects the size walk recorded."""
    out = [value]
    seen = {id(value)}
    i = 0
    while i < len(out):
        for x in _children(out[i]):
            if id(x) in memo and id(x) not in seen:
                seen.add(id(x))
                out.append(x)
        i += 1
    return out


def _wide_leaf(x: Any) -> bool:
    t = type(x)
    return (t is int and not -cost.WIDE_KEY < x < cost.WIDE_KEY) or t is decimal.Decimal


def _children(value: Any) -> Iterable:
    t = type(value)
    if t in _SEQUENCES or t in _SETS:
        return value
    if t in _DICTS:
        return [*value.keys(), *value.values()]
    fields = getattr(t, "__seglam_fields__", None)
    return () if fields is None else [getattr(value, f) for f in fields]


def _recorded(value: Any, memo: dict) -> Any:
    """``value`` with every int turned to bytes and every Decimal to text: equal for equal
    keys (of one type), and hashed with the run's seed."""
    t = type(value)
    if t is int:
        return value.to_bytes(value.bit_length() // 8 + 1, "little", signed=True)
    if t is decimal.Decimal:
        return ("D", str(value))
    if t in _PLAIN or t is str:
        return value
    if not (t in _SEQUENCES or t in _SETS or t in _DICTS or hasattr(t, "__seglam_fields__")):
        return value  # an enum member, a date: hashed as it is
    known = memo.get(id(value))
    if known is not None:
        return known
    if t in _SETS:
        out: Any = frozenset(_recorded(x, memo) for x in value)
    else:
        out = (t.__name__, tuple(_recorded(x, memo) for x in _children(value)))
    memo[id(value)] = out
    return out
