"""Methods of ``list``, ``dict``, ``set``, ``tuple``, numbers, dates and matches, plus item
access (``getitem``/``setitem``), membership and iteration, under the caps.

Every implementation takes ``(ctx, receiver, *args, **kwargs)``. Mutators of frozen values
fault with ``F-FROZEN`` (the frozen classes raise it themselves).
"""

from __future__ import annotations

import collections
import datetime
import decimal
from typing import Any, Callable

from seglam.run import datefmt, decimalwork
from seglam.run.context import RunContext
from seglam.run.cost import linear
from seglam.run.faults import Fault
from seglam.run.ordering import charge_order, first
from seglam.run.stdlib_core import collect, key_cost, keys_cost, needle_cost, sized, size_of, sort_charged
from seglam.run.values import FROZEN_TYPES, UNPACKED_AS_IS, FrozenDict, FrozenList, FrozenSet, frozen_fault


def _refuse_frozen(obj: Any, name: str) -> None:
    t = type(obj)
    if t in FROZEN_TYPES:
        kind = "list" if t is FrozenList else "set" if t is FrozenSet else "dict"
        raise frozen_fault(kind, name)


# ---- list -----------------------------------------------------------------------------------------


def list_append(ctx: RunContext, xs: list, x: Any) -> None:
    if type(xs) is not list:
        _refuse_frozen(xs, "append")
    if len(xs) >= ctx.max_collection_len:
        raise ctx.len_fault(len(xs) + 1)
    xs.append(x)


def list_extend(ctx: RunContext, xs: list, items: Any) -> None:
    if type(xs) is not list:
        _refuse_frozen(xs, "extend")
    items = sized(ctx, items) if items is not xs else list(xs)
    if len(xs) + len(items) > ctx.max_collection_len:
        raise ctx.len_fault(len(xs) + len(items))
    xs.extend(items)


def list_insert(ctx: RunContext, xs: list, i: int, x: Any) -> None:
    _refuse_frozen(xs, "insert")
    if len(xs) >= ctx.max_collection_len:
        raise ctx.len_fault(len(xs) + 1)
    ctx.charge(len(xs))
    xs.insert(i, x)


def list_pop(ctx: RunContext, xs: list, i: int = -1) -> Any:
    _refuse_frozen(xs, "pop")
    if i != -1:
        ctx.charge(len(xs))
    return xs.pop(i)


def list_remove(ctx: RunContext, xs: list, x: Any) -> None:
    _refuse_frozen(xs, "remove")
    ctx.charge(len(xs))
    ctx.spend(needle_cost(x, len(xs)))
    xs.remove(x)


def list_clear(ctx: RunContext, xs: list) -> None:
    _refuse_frozen(xs, "clear")
    xs.clear()


def list_sort(ctx: RunContext, xs: list, *, key: Callable | None = None, reverse: bool = False) -> None:
    _refuse_frozen(xs, "sort")
    ctx.charge(len(xs))
    sort_charged(ctx, xs, key, reverse)


def list_reverse(ctx: RunContext, xs: list) -> None:
    _refuse_frozen(xs, "reverse")
    ctx.charge(len(xs))
    xs.reverse()


def _linear_read(method: Callable) -> Callable:
    """``index`` and ``count``: a comparison with ``args[0]`` per item."""
    def impl(ctx: RunContext, xs, *args):
        ctx.charge(len(xs))
        if args:
            ctx.spend(needle_cost(args[0], len(xs)))
        return method(xs, *args)

    impl.__name__ = method.__name__
    return impl


def seq_copy(ctx: RunContext, xs: list) -> list:
    ctx.charge(len(xs))
    return list(xs)


LIST_METHODS: dict[str, Callable] = {
    "append": list_append, "extend": list_extend, "insert": list_insert, "pop": list_pop,
    "remove": list_remove, "clear": list_clear, "sort": list_sort, "reverse": list_reverse,
    "index": _linear_read(list.index), "count": _linear_read(list.count), "copy": seq_copy,
}

TUPLE_METHODS: dict[str, Callable] = {
    "index": _linear_read(tuple.index), "count": _linear_read(tuple.count),
}


def _range_read(method: Callable) -> Callable:
    """``index`` and ``count`` of a range (a ``Sequence[int]``'s value may be one): CPython
    computes them for an int, as it tests ``in``, and compares with each item otherwise."""
    def impl(ctx: RunContext, r: range, *args):
        ctx.charge(0 if args and type(args[0]) in (int, bool) else size_of(r) or 0)
        return method(r, *args)

    impl.__name__ = method.__name__
    return impl


RANGE_METHODS: dict[str, Callable] = {"index": _range_read(range.index), "count": _range_read(range.count)}


# ---- dict -------------------------------------------------------------------------------------


def dict_get(ctx: RunContext, d: dict, key: Any, default: Any = None) -> Any:
    work = key_cost(ctx, key)
    if work:
        ctx.spend(work)
    return d.get(key, default)


def dict_keys(ctx: RunContext, d: dict):
    return d.keys()


def dict_values(ctx: RunContext, d: dict):
    return d.values()


def dict_items(ctx: RunContext, d: dict):
    return d.items()


_MISSING = object()


def dict_pop(ctx: RunContext, d: dict, key: Any, default: Any = _MISSING) -> Any:
    ctx.spend(key_cost(ctx, key))
    _refuse_frozen(d, "pop")
    if default is _MISSING:
        return d.pop(key)
    return d.pop(key, default)


def dict_popitem(ctx: RunContext, d: dict) -> tuple:
    _refuse_frozen(d, "popitem")
    return d.popitem()


def dict_setdefault(ctx: RunContext, d: dict, key: Any, default: Any = None) -> Any:
    work = key_cost(ctx, key)
    if work:
        ctx.spend(work)
    if type(d) is not dict:
        _refuse_frozen(d, "setdefault")
    if key not in d and len(d) >= ctx.max_collection_len:
        raise ctx.len_fault(len(d) + 1)
    return d.setdefault(key, default)


def dict_update(ctx: RunContext, d: dict, other: Any = (), **kwargs: Any) -> None:
    _refuse_frozen(d, "update")
    pairs = other if isinstance(other, dict) else collect(ctx, other)
    ctx.charge(len(pairs) + len(kwargs))
    ctx.check_len(len(d) + len(pairs) + len(kwargs))
    ctx.spend(pair_keys_cost(ctx, pairs))
    d.update(pairs, **kwargs)


def pair_keys_cost(ctx: RunContext, pairs: Any) -> int:
    """:func:`keys_cost` of a dict's keys, or of the first items of a list of pairs (items
    that are not pairs make ``dict`` fault by itself)."""
    if isinstance(pairs, dict):
        return keys_cost(ctx, pairs)
    return keys_cost(ctx, [p[0] for p in pairs if type(p) in UNPACKED_AS_IS and len(p) == 2])


def dict_clear(ctx: RunContext, d: dict) -> None:
    _refuse_frozen(d, "clear")
    d.clear()


def dict_copy(ctx: RunContext, d: dict) -> dict:
    ctx.charge(len(d))
    return dict(d)


DICT_METHODS: dict[str, Callable] = {
    "get": dict_get, "keys": dict_keys, "values": dict_values, "items": dict_items,
    "pop": dict_pop, "popitem": dict_popitem, "setdefault": dict_setdefault,
    "update": dict_update, "clear": dict_clear, "copy": dict_copy,
}


# ---- set ------------------------------------------------------------------------------------------


def set_add(ctx: RunContext, s: set, x: Any) -> None:
    work = key_cost(ctx, x)
    if work:
        ctx.spend(work)
    if type(s) is not set:
        _refuse_frozen(s, "add")
    if len(s) >= ctx.max_collection_len and x not in s:
        raise ctx.len_fault(len(s) + 1)
    s.add(x)


def _set_mutator(name: str, grows: bool) -> Callable:
    method = getattr(set, name)

    def impl(ctx: RunContext, s: set, *others: Any) -> None:
        _refuse_frozen(s, name)
        others = tuple(sized(ctx, o, in_order=False) for o in others)  # a set result: order unobservable
        if grows:
            ctx.check_len(len(s) + sum(len(o) for o in others))
        ctx.charge(len(s))
        ctx.spend(sum(keys_cost(ctx, o) for o in (s, *others)))
        method(s, *others)

    impl.__name__ = name
    return impl


def _set_builder(name: str, grows: bool) -> Callable:
    method = getattr(set, name)

    def impl(ctx: RunContext, s: set, *others: Any) -> Any:
        others = tuple(sized(ctx, o, in_order=False) for o in others)  # a set result: order unobservable
        if grows:
            ctx.check_len(len(s) + sum(len(o) for o in others))
        ctx.charge(len(s))
        ctx.spend(sum(keys_cost(ctx, o) for o in (s, *others)))
        return method(s, *others)

    impl.__name__ = name
    return impl


def set_remove(ctx: RunContext, s: set, x: Any) -> None:
    ctx.spend(key_cost(ctx, x))
    _refuse_frozen(s, "remove")
    s.remove(x)


def set_discard(ctx: RunContext, s: set, x: Any) -> None:
    ctx.spend(key_cost(ctx, x))
    _refuse_frozen(s, "discard")
    s.discard(x)


def set_pop(ctx: RunContext, s: set) -> Any:
    _refuse_frozen(s, "pop")
    if not s:
        return s.pop()  # KeyError: F-KEY
    ctx.charge(len(s))
    charge_order(ctx, s)
    item = first(s)  # the first in the fixed order, not CPython's hash order
    s.remove(item)
    return item


def set_clear(ctx: RunContext, s: set) -> None:
    _refuse_frozen(s, "clear")
    s.clear()


def set_copy(ctx: RunContext, s: set) -> set:
    ctx.charge(len(s))
    ctx.spend(keys_cost(ctx, s))  # colliding keys make the copy probe as much as adding them
    return set(s)


SET_METHODS: dict[str, Callable] = {
    "add": set_add, "remove": set_remove, "discard": set_discard, "pop": set_pop,
    "clear": set_clear, "copy": set_copy,
    "update": _set_mutator("update", True),
    "intersection_update": _set_mutator("intersection_update", False),
    "difference_update": _set_mutator("difference_update", False),
    "symmetric_difference_update": _set_mutator("symmetric_difference_update", True),
    "union": _set_builder("union", True),
    "intersection": _set_builder("intersection", False),
    "difference": _set_builder("difference", False),
    "symmetric_difference": _set_builder("symmetric_difference", True),
    "issubset": _set_builder("issubset", False),
    "issuperset": _set_builder("issuperset", False),
    "isdisjoint": _set_builder("isdisjoint", False),
}


# ---- numbers, dates ---------------------------------------------------------------------------------


def _plain(name: str, owner: type) -> Callable:
    method = getattr(owner, name)

    def impl(ctx: RunContext, value, *args, **kwargs):
        return method(value, *args, **kwargs)

    impl.__name__ = name
    return impl


def int_bit_count(ctx: RunContext, value: int) -> int:
    """``n.bit_count()``: a pass over the int, charged as one (``cost.linear``)."""
    return ctx.spend(linear(value.bit_length())) or value.bit_count()


def int_is_integer(ctx: RunContext, value: int) -> bool:
    """``x.is_integer()`` of an int held by a float-typed name (SPEC section 3): True, as
    CPython 3.12 answers (3.11's int has no such method)."""
    return True


INT_METHODS: dict[str, Callable] = {n: _plain(n, int) for n in ("bit_length", "conjugate", "as_integer_ratio")}
INT_METHODS.update(bit_count=int_bit_count, is_integer=int_is_integer)
FLOAT_METHODS: dict[str, Callable] = {n: _plain(n, float) for n in ("is_integer", "as_integer_ratio", "conjugate")}


def decimal_quantize(ctx: RunContext, d: decimal.Decimal, exp: decimal.Decimal, rounding: str | None = None):
    return ctx.spend(decimalwork.op_cost("quantize", d, exp)) or d.quantize(exp, rounding=rounding)


def decimal_to_integral(ctx: RunContext, d: decimal.Decimal, rounding: str | None = None):
    return ctx.spend(decimalwork.op_cost("to_integral", d)) or d.to_integral_value(rounding=rounding)


def _decimal_method(name: str, op: str = "") -> Callable:
    """``d.name(...)``, charged before the work as the Decimal operation ``op`` (the name by
    default; decimalwork.op_cost) on ``d`` and its Decimal argument, if any."""
    method = getattr(decimal.Decimal, name)
    op = op or name

    def impl(ctx: RunContext, value, *args, **kwargs):
        ctx.spend(decimalwork.op_cost(op, value, args[0] if args else None))
        return method(value, *args, **kwargs)

    impl.__name__ = name
    return impl


DECIMAL_METHODS: dict[str, Callable] = {
    n: _plain(n, decimal.Decimal)
    for n in ("adjusted", "is_finite", "is_infinite", "is_nan", "is_signed", "is_zero", "is_normal")
}
DECIMAL_METHODS.update({n: _decimal_method(n) for n in (
    "sqrt", "exp", "ln", "log10", "normalize", "copy_abs", "copy_negate", "copy_sign", "compare", "max", "min")})
DECIMAL_METHODS.update(quantize=decimal_quantize, to_integral_value=decimal_to_integral, to_integral=decimal_to_integral,
                       as_integer_ratio=decimalwork.as_integer_ratio)


def date_strftime(ctx: RunContext, d: datetime.date, fmt: str) -> str:
    ctx.charge(len(fmt))
    if len(fmt) * 64 > ctx.max_str_len:  # every directive expands to at most ~64 characters
        raise ctx.str_fault(len(fmt) * 64)
    return datefmt.strftime(d, fmt, ctx.max_str_len)


def date_replace(ctx: RunContext, d: datetime.date, **kwargs: Any) -> datetime.date:
    return d.replace(**kwargs)


DATE_METHODS: dict[str, Callable] = {
    n: _plain(n, datetime.date) for n in ("weekday", "isoweekday", "isoformat", "toordinal", "isocalendar")
}
DATE_METHODS.update(strftime=date_strftime, replace=date_replace)
TIMEDELTA_METHODS: dict[str, Callable] = {"total_seconds": _plain("total_seconds", datetime.timedelta)}

#: Readable (non-method) attributes by receiver type. Records and enums are handled by the
#: backends (fields; ``name``/``value``).
ATTRIBUTES: dict[type, frozenset[str]] = {
    datetime.date: frozenset({"year", "month", "day"}),
    datetime.timedelta: frozenset({"days", "seconds", "microseconds"}),
    int: frozenset({"real", "imag", "numerator", "denominator"}),
    bool: frozenset({"real", "imag", "numerator", "denominator"}),
    float: frozenset({"real", "imag"}),
}


# ---- item access, membership ----------------------------------------------------------------------


def getitem(ctx: RunContext, obj: Any, key: Any) -> Any:
    """``obj[key]``; slices are charged for their length and produce fresh values."""
    if type(key) is slice:
        result = obj[key]
        ctx.charge(len(result))
        return result
    if type(obj) in _KEYED:
        ctx.spend(key_cost(ctx, key))
    if type(obj) is collections.defaultdict and key not in obj and len(obj) >= ctx.max_collection_len:
        raise ctx.len_fault(len(obj) + 1)  # a defaultdict read inserts
    return obj[key]


def setitem(ctx: RunContext, obj: Any, key: Any, value: Any) -> None:
    """``obj[key] = value`` under the collection cap (``F-FROZEN`` on frozen values)."""
    t = type(obj)
    if t in _KEYED:
        ctx.spend(key_cost(ctx, key))
    if t is dict or t is collections.defaultdict or t is collections.Counter:
        if len(obj) >= ctx.max_collection_len and key not in obj:
            raise ctx.len_fault(len(obj) + 1)
    elif t is list and type(key) is slice:
        value = sized(ctx, value)
        removed = len(obj[key])
        ctx.check_len(len(obj) - removed + len(value))
        ctx.charge(len(obj))
    obj[key] = value


def contains(ctx: RunContext, item: Any, container: Any) -> bool:
    """``item in container``: linear containers are charged for their length."""
    t = type(container)
    if t in (list, tuple, str, FrozenList):
        ctx.charge(len(container))
        if t is not str:
            ctx.spend(needle_cost(item, len(container)))
    elif t in _KEYED or t in _HASHED_VIEWS:
        ctx.spend(key_cost(ctx, item))
    elif t is _VALUES_VIEW:
        ctx.charge(len(container))
    elif t is not range:
        n = size_of(container)
        if n is None:
            container = collect(ctx, container)
    return item in container


_HASHED_VIEWS = (type({}.keys()), type({}.items()))
#: Hashed containers: an operation on one key is charged by stdlib_core.key_cost.
_KEYED = frozenset({dict, set, frozenset, FrozenDict, FrozenSet, collections.defaultdict, collections.Counter})
_VALUES_VIEW = type({}.values())
