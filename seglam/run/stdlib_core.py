"""Shared helpers of the stdlib implementations: fault mapping, bulk charging, capped
materialisation, capped ``repr``/``str``, and the fixed Decimal context.

Fuel rule for builtins (one rule, both backends): a builtin that does work linear in ``n``
elements or characters charges ``1 + n // 8`` steps (``ctx.charge(n)``). When ``n`` is
known up front (a sized input: str, list, tuple, dict, set, range) the charge is taken
*before* the work, so ``sum(range(10**12))`` faults with ``F-FUEL`` at once. An unsized
input (a generator, ``zip``, ``map``...) is first materialised by :func:`collect`, which
enforces the collection cap as it goes, then charged for its length. Constant-time builtins
(``len``, ``abs``, ``chr``, dict lookups, ...) charge nothing; Seglam calls and loop
iterations are charged by the backends (+1 each).
"""

from __future__ import annotations

import collections
import datetime
import decimal
import re
import enum
import math
import functools
from typing import Any, Iterable

from seglam.run import cost, decimalwork
from seglam.run.context import BULK_UNIT, RunContext
from seglam.run.faults import Fault, none_attribute, none_used
from seglam.run.ordering import SET_TYPES, charge_order, ordered
from seglam.run.shown import builtin_text, is_match, object_text
from seglam.run.values import FrozenList, is_record
from seglam.run.valuework import compare_cost, key_compare_cost, key_cost, keys_cost, needle_cost, order_cost  # noqa: F401 - re-exported

try:
    import re2 as _re2

    REGEX_ERRORS: tuple[type[BaseException], ...] = (_re2.error,)
except ImportError:  # pragma: no cover - google-re2 is a declared dependency
    _re2 = None
    REGEX_ERRORS = ()



# ---- faults ---------------------------------------------------------------------------------


def fault_for(exc: BaseException) -> Fault:
    """The :class:`Fault` for a Python exception raised while running a checked program.

    ``Fault`` passes through. Exceptions no fault code covers become ``F-INTERNAL`` (a bug
    in Seglam, not in the program: the checker should have rejected it, or a backend erred)."""
    if isinstance(exc, Fault):
        return exc
    code, text = _classify(exc)
    return Fault(code, text)


#: CPython's message for min()/max() of nothing (3.11: "arg is an empty sequence"; 3.12+:
#: "iterable argument is empty").
_EMPTY_EXTREME = re.compile(r"(min|max)\(\) (?:arg is an empty sequence|iterable argument is empty)")


#: CPython's message for a method or attribute of None, called natively by the compiled backend.
_NONE_ATTRIBUTE = re.compile(r"'NoneType' object has no attribute '(\w+)'")


def _classify(exc: BaseException) -> tuple[str, str]:
    msg = str(exc) or type(exc).__name__
    if isinstance(exc, RecursionError):
        return "F-DEPTH", "call depth limit reached (host recursion limit)"
    if isinstance(exc, (ZeroDivisionError, decimal.DivisionByZero, decimal.DivisionUndefined)):
        return "F-ZERO-DIV", msg if isinstance(exc, ZeroDivisionError) and msg else "division by zero"
    if isinstance(exc, decimal.Overflow):
        return "F-OVERFLOW", "Decimal overflow"
    if isinstance(exc, decimal.InvalidOperation):
        return "F-VALUE", "invalid Decimal operation"
    if isinstance(exc, MemoryError):
        return "F-COLLECTION-SIZE", "out of memory"
    if isinstance(exc, RuntimeError) and ("changed size during iteration" in msg or "changed during iteration" in msg):
        return "F-MUTATION", msg
    if isinstance(exc, IndexError):
        return "F-INDEX", msg
    if isinstance(exc, KeyError):
        return "F-KEY", f"key not found: {_short_repr(exc.args[0]) if exc.args else '?'}"
    if REGEX_ERRORS and isinstance(exc, REGEX_ERRORS):
        return "F-REGEX", f"invalid regular expression: {msg}"
    if isinstance(exc, (TypeError, AttributeError)) and "NoneType" in msg:
        attribute = _NONE_ATTRIBUTE.fullmatch(msg) if isinstance(exc, AttributeError) else None
        fault = none_attribute(attribute.group(1)) if attribute else none_used()
        return fault.code, fault.message
    if isinstance(exc, OverflowError):
        return "F-OVERFLOW", msg
    if isinstance(exc, ValueError):
        empty = _EMPTY_EXTREME.fullmatch(msg)
        if empty:  # the builtin, called inline by the compiled backend: the stdlib's words
            return "F-VALUE", f"{empty.group(1)}() of an empty sequence"
        return "F-VALUE", msg
    if isinstance(exc, AssertionError):
        return "F-ASSERT", msg
    if isinstance(exc, TypeError):
        return "F-VALUE", msg
    return "F-INTERNAL", f"internal error ({type(exc).__name__}: {msg})"


def _short_repr(value: Any) -> str:
    try:
        text = repr(value) if type(value) in (int, str, float, bool, tuple) else type(value).__name__
    except Exception:  # noqa: BLE001 - a repr can fail for int digits limits
        text = type(value).__name__
    return text if len(text) <= 80 else text[:77] + "..."


# ---- sizes and charging ------------------------------------------------------------------------

SIZED = (str, list, tuple, dict, set, frozenset, range, type({}.keys()), type({}.values()), type({}.items()))


def size_of(value: Any) -> int | None:
    """``len(value)`` for sized inputs (huge ranges report their true size), else None."""
    if isinstance(value, SIZED):
        try:
            return len(value)
        except OverflowError:  # a range longer than sys.maxsize
            r = value
            return max(0, (r.stop - r.start + (r.step - (1 if r.step > 0 else -1))) // r.step)
    return None


#: Sequences collected by a plain copy (the common case, kept free of calls).
_PLAIN_SEQUENCES = frozenset({list, FrozenList, tuple, str})


def collect(ctx: RunContext, iterable: Iterable) -> list:
    """Materialise ``iterable`` into a fresh list under the collection cap and charge for it."""
    if type(iterable) in _PLAIN_SEQUENCES:
        n = len(iterable)
        if n > ctx.max_collection_len:
            raise ctx.len_fault(n)
        ctx.fuel -= 1 + n // BULK_UNIT  # ctx.charge(n), inline: collect runs very often
        if ctx.fuel < 0:
            ctx.out_of_fuel()
        return list(iterable)
    n = size_of(iterable)
    if n is not None:
        ctx.check_len(n)
        ctx.charge(n)
        if isinstance(iterable, SET_TYPES):
            charge_order(ctx, iterable)
            return ordered(iterable)
        return list(iterable)
    out: list = []
    append = out.append
    cap = ctx.max_collection_len
    for item in iterable:
        append(item)
        if len(out) > cap:
            raise ctx.len_fault(len(out))
    ctx.charge(len(out))
    return out


def sized(ctx: RunContext, iterable: Iterable, in_order: bool = True) -> Any:
    """``iterable`` itself when it is sized (after charging for it; a set as a list in the
    fixed order unless ``in_order`` is false), else :func:`collect`."""
    if type(iterable) in _PLAIN_SEQUENCES:
        ctx.fuel -= 1 + len(iterable) // BULK_UNIT  # ctx.charge(len), inline, as in collect
        if ctx.fuel < 0:
            ctx.out_of_fuel()
        return iterable
    n = size_of(iterable)
    if n is not None:
        ctx.charge(n)
        if not in_order:
            return iterable
        charge_order(ctx, iterable)
        return ordered(iterable)
    return collect(ctx, iterable)


def sort_cost(items: list) -> int:
    """The comparisons of sorting ``items`` without ``key=``: :func:`keyed_sort_cost`, and
    their own comparisons (:func:`order_cost`: nothing for numbers, strings and small
    items). Nothing below 2 ** (SORT_FREE_LOG + 1) items, where the compiled backend
    sorts a list without calling this."""
    n = len(items)
    if n < 1 << (cost.SORT_FREE_LOG + 1):
        return 0
    return keyed_sort_cost(items) + order_cost(items)


def keyed_sort_cost(items: list) -> int:
    """The comparisons of sorting ``items`` (:func:`seglam.run.cost.sort_extra`), weighted
    by the longest string when the items are strings; a sort by ``key=`` charges its keys'
    own comparisons once they are made (:func:`sort_charged`)."""
    n = len(items)
    if n < 1 << (cost.SORT_FREE_LOG + 1):
        return 0
    chars = max(map(len, items)) if type(items[0]) is str else 0
    return cost.sort_extra(n, chars)


def compare_charged_key(ctx: RunContext, key: Any) -> Any:
    """``key`` whose every result is charged for a comparison with another key
    (:func:`key_compare_cost`): ``min``/``max`` by ``key=``, ``groupby``."""
    def charged(item: Any) -> Any:
        k = key(item)
        ctx.spend(key_compare_cost(k))
        return k

    return charged


def sort_charged(ctx: RunContext, items: list, key: Any, reverse: bool) -> None:
    """Sort the list ``items`` in place as ``list.sort`` does, charged: by
    :func:`sort_cost`, or with ``key=`` by :func:`keyed_sort_cost` and the keys' own
    comparisons (:func:`order_cost` of the keys, made first)."""
    if key is None:
        ctx.spend(sort_cost(items))
    elif not isinstance(items, FrozenList):  # (a frozen list faults before any key is made)
        ctx.spend(keyed_sort_cost(items))
        # CPython makes every key, in order, before it compares any: make them, charge their
        # comparisons (order_cost: nothing for numbers, strings and short flat tuples, found
        # without a Python call per key), then sort by them, each handed back by a C call
        # (a charging wrapper around the key made key sorts 1.8x slower)
        keys = list(map(key, items))
        ctx.spend(order_cost(keys))
        key = functools.partial(next, iter(keys))
    items.sort(key=key, reverse=reverse)


class Metered:
    """An iterator over a lazily produced sequence (``itertools`` outputs, unsized inputs
    of ``zip``/``map``/``filter``...) that charges one step per item, like a loop
    iteration, so no C-level loop can run without fuel. Used for builtins whose output can
    be far larger than their input, or infinite (``itertools.count``)."""

    __slots__ = ("_it", "_ctx", "_weight")

    def __init__(self, ctx: RunContext, it: Iterable, width: int = 0) -> None:
        """``width``: the size of each item built (a tuple of ``width`` elements, as
        ``permutations`` or ``zip(*rows)`` make): each item then costs
        ``1 + width // BULK_UNIT``."""
        charge_order(ctx, it)
        self._it = iter(ordered(it))
        self._ctx = ctx
        self._weight = 1 + width // BULK_UNIT

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self._it)
        ctx = self._ctx
        ctx.fuel -= self._weight
        if ctx.fuel < 0:
            ctx.out_of_fuel()
        return item


class BoundBuiltin:
    """A builtin used as a value (``key=len``, ``map(str, xs)``, ``defaultdict(list)``):
    callable without ``ctx``. ``name`` is the builtin's Seglam name."""

    __slots__ = ("name", "impl", "ctx")

    def __init__(self, name: str, impl: Any, ctx: RunContext) -> None:
        self.name = name
        self.impl = impl
        self.ctx = ctx

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.impl(self.ctx, *args, **kwargs)

    def __repr__(self) -> str:
        return builtin_text(self.name)


# ---- repr / str with caps ------------------------------------------------------------------------


def seglam_repr(ctx: RunContext, value: Any) -> str:
    """``repr(value)`` as CPython prints it, built under the string cap (a list holding a
    million references to one long string must fault, not allocate terabytes)."""
    out: list[str] = []
    budget = [ctx.max_str_len]
    _repr_into(ctx, value, out, budget, set())
    return "".join(out)


def _emit(ctx: RunContext, out: list, budget: list, text: str) -> None:
    budget[0] -= len(text)
    if budget[0] < 0:
        raise ctx.str_fault(ctx.max_str_len - budget[0])
    out.append(text)


def _repr_into(ctx: RunContext, value: Any, out: list, budget: list, active: set) -> None:
    t = type(value)
    if t in (int, bool, float, str) or value is None:
        if t is str:
            ctx.charge(len(value))
        elif t is int:
            ctx.spend(cost.int_to_str(abs(value).bit_length()))
        _emit(ctx, out, budget, repr(value))
        return
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        if id(value) in active:  # Python prints a self-containing list as [...]
            _emit(ctx, out, budget, "[...]" if isinstance(value, list) else "{...}")
            return
        active.add(id(value))
        ctx.charge(len(value))
        if isinstance(value, collections.Counter):
            _counter_into(ctx, value, out, budget, active)
        elif type(value) is collections.defaultdict:
            _defaultdict_into(ctx, value, out, budget, active)
        elif isinstance(value, list):
            _seq(ctx, value, "[", "]", out, budget, active)
        elif isinstance(value, tuple):
            if len(value) == 1:
                _emit(ctx, out, budget, "(")
                _repr_into(ctx, value[0], out, budget, active)
                _emit(ctx, out, budget, ",)")
            else:
                _seq(ctx, value, "(", ")", out, budget, active)
        elif isinstance(value, dict):
            _dict_into(ctx, value, out, budget, active)
        else:
            if not value:
                _emit(ctx, out, budget, "set()")
            else:
                charge_order(ctx, value)
                _seq(ctx, ordered(value), "{", "}", out, budget, active)
        active.discard(id(value))
        return
    if is_record(value):
        _emit(ctx, out, budget, t.__qualname__ + "(")
        for i, fname in enumerate(t.__seglam_fields__):
            _emit(ctx, out, budget, (", " if i else "") + fname + "=")
            _repr_into(ctx, getattr(value, fname), out, budget, active)
        _emit(ctx, out, budget, ")")
        return
    if isinstance(value, decimal.Decimal):
        _emit(ctx, out, budget, f"Decimal('{_decimal_str(ctx, value)}')")
        return
    if isinstance(value, (datetime.date, datetime.timedelta, enum.Enum)):
        _emit(ctx, out, budget, repr(value))
        return
    if t.__name__ == "CompiledPattern":
        _emit(ctx, out, budget, repr(value))
        return
    _other_into(ctx, value, out, budget, active)


#: The dict views, by type: CPython prints ``dict_keys(['a', 'b'])``.
_VIEWS = {type({}.keys()): "dict_keys", type({}.values()): "dict_values", type({}.items()): "dict_items"}


def _other_into(ctx: RunContext, value: Any, out: list, budget: list, active: set) -> None:
    """Values that are not data: dict views and ranges as CPython prints them, a regex
    match, a builtin used as a value, and the rest by :func:`object_text` (CPython's text
    without its address: never a Python class internal to Seglam)."""
    t = type(value)
    view = _VIEWS.get(t)
    if view is not None:
        ctx.charge(len(value))
        _emit(ctx, out, budget, view + "(")
        _seq(ctx, list(value), "[", "]", out, budget, active)
        _emit(ctx, out, budget, ")")
    elif t is range:
        bounds = (value.start, value.stop) if value.step == 1 else (value.start, value.stop, value.step)
        _emit(ctx, out, budget, "range")
        _seq(ctx, bounds, "(", ")", out, budget, active)
    elif is_match(value):
        _emit(ctx, out, budget, f"<re.Match object; span={value.span()!r}, match=")
        _repr_into(ctx, value.group(0), out, budget, active)
        _emit(ctx, out, budget, ">")
    elif t is BoundBuiltin:
        _emit(ctx, out, budget, builtin_text(value.name))
    elif t is Metered:
        _emit(ctx, out, budget, object_text(value._it))
    elif type(getattr(value, "__wrapped__", None)) is BoundBuiltin:  # the compiled backend's function value of one
        _emit(ctx, out, budget, builtin_text(value.__wrapped__.name))
    else:
        _emit(ctx, out, budget, object_text(value))


def _counter_into(ctx: RunContext, value: Any, out: list, budget: list, active: set) -> None:
    """``Counter({'b': 2, 'a': 1})``, most common first (ties in insertion order), or
    ``Counter()``: CPython's text, a frozen Counter's too."""
    if not value:
        _emit(ctx, out, budget, "Counter()")
        return
    counts = list(value.values())
    ctx.spend(sort_cost(counts))
    try:
        items = dict(value.most_common())
    except TypeError:  # counts that do not order: CPython prints them as they are
        items = dict(value)
    _emit(ctx, out, budget, "Counter(")
    _dict_into(ctx, items, out, budget, active)
    _emit(ctx, out, budget, ")")


def _defaultdict_into(ctx: RunContext, value: Any, out: list, budget: list, active: set) -> None:
    """``defaultdict(<class 'int'>, {'x': 1})``: CPython's text (a Seglam function as the
    factory prints as ``<function>``)."""
    _emit(ctx, out, budget, "defaultdict(")
    _repr_into(ctx, value.default_factory, out, budget, active)
    _emit(ctx, out, budget, ", ")
    _dict_into(ctx, value, out, budget, active)
    _emit(ctx, out, budget, ")")


def _dict_into(ctx: RunContext, value: dict, out: list, budget: list, active: set) -> None:
    """``{k: v, ...}`` of the items of ``value`` (already charged for their number)."""
    _emit(ctx, out, budget, "{")
    first = True
    for k, v in value.items():
        if not first:
            _emit(ctx, out, budget, ", ")
        first = False
        _repr_into(ctx, k, out, budget, active)
        _emit(ctx, out, budget, ": ")
        _repr_into(ctx, v, out, budget, active)
    _emit(ctx, out, budget, "}")


def _seq(ctx, value, open_, close, out, budget, active) -> None:
    _emit(ctx, out, budget, open_)
    for i, item in enumerate(value):
        if i:
            _emit(ctx, out, budget, ", ")
        _repr_into(ctx, item, out, budget, active)
    _emit(ctx, out, budget, close)


def _decimal_str(ctx: RunContext, d: decimal.Decimal) -> str:
    # str(Decimal) switches to exponent notation for large exponents, so its length is
    # bounded by the digits (at most 28 from arithmetic, or the literal's own length), and
    # charged by them.
    return ctx.spend(decimalwork.pass_cost(d)) or str(d)


def seglam_str(ctx: RunContext, value: Any) -> str:
    """``str(value)`` as CPython gives it, under the string cap."""
    t = type(value)
    if t is str:
        return value
    if t is int:
        ctx.spend(cost.int_to_str(abs(value).bit_length()))
        return str(value)
    if t in (bool, float) or value is None:
        return str(value)
    if isinstance(value, (decimal.Decimal, datetime.date, datetime.timedelta, enum.Enum)):
        return ctx.spend(decimalwork.pass_cost(value)) or str(value)
    return seglam_repr(ctx, value)


def is_finite_number(x: Any) -> bool:
    return not isinstance(x, float) or math.isfinite(x)
