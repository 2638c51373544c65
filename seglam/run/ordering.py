"""The one fixed order in which Seglam iterates a set (SPEC.md, "Sets").

CPython iterates a set in hash order, and ``str`` hashes change per process
(``PYTHONHASHSEED``), so anything that observes a set's order would differ between runs.
Seglam instead visits a set's elements in ascending order of :func:`order_key`, a total
order over every hashable Seglam value:

    None < numbers (bool/int/float/Decimal, numerically; NaN after every other number)
         < str < tuple (elementwise) < date < timedelta
         < enum members (class name, then declaration index)
         < records (class name, then fields in order) < frozenset (its ordered elements)

Both backends and the stdlib use :func:`ordered` / :func:`ordered_charged` /
:func:`iterate` wherever a set is consumed in order, so they agree with each other.

Fuel: ordering a set of ``n`` elements charges ``1 + n // BULK_UNIT`` (``ordered_charged``,
``iterate``), once, where a loop, comprehension, unpacking or lazy builtin starts on it.
Builtins that already charge for materialising their ``n`` input elements (``list``,
``sorted``, ``sum``, ``join``...) order the set within that charge. Either way the
comparisons are charged too (:func:`charge_order`: nothing for numbers, strings and small
tuples), so a set of values built by repeated reference runs out of fuel before it is
ordered; and :func:`order_key` is memoised by identity while one set is ordered, so its
keys share the values' structure instead of copying every path through it.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import itertools
from typing import Any, Iterable, Iterator

from seglam.run.context import RunContext
from seglam.run.values import FrozenSet
from seglam.run.valuework import order_cost

#: The run-time set types (FrozenSet subclasses set).
SET_TYPES = (set, frozenset)

_NUMBER_TYPES = (bool, int, float, decimal.Decimal)
_NATIVE_OK = frozenset({int, bool, float})


def _is_nan(x: Any) -> bool:
    return x != x  # float and Decimal NaN are the only values unequal to themselves


def order_key(value: Any, memo: dict | None = None) -> tuple:
    """The sort key of ``value`` in Seglam's fixed total order. ``memo`` (id -> key) makes
    the key of a container once per object: a value that holds one sub-value twice gets a
    key that holds one key twice."""
    if value is None:
        return (0,)
    if isinstance(value, enum.Enum):  # before numbers: an IntEnum member is an int
        cls = type(value)
        return (8, cls.__qualname__, cls._member_names_.index(value.name))
    if isinstance(value, _NUMBER_TYPES):
        if _is_nan(value):
            return (2, isinstance(value, decimal.Decimal), str(value))
        return (1, value)
    if isinstance(value, str):
        return (3, value)
    if memo is None:
        if type(value) is tuple:  # the common element, without a further call
            return (4, tuple([order_key(v) for v in value]))
        return _container_key(value, None)
    known = memo.get(id(value))
    if known is None:
        known = memo[id(value)] = _container_key(value, memo)
    return known


def _container_key(value: Any, memo: dict | None) -> tuple:
    """:func:`order_key` of anything but None, an enum member, a number or a string."""
    if isinstance(value, tuple):
        return (4, tuple([order_key(v, memo) for v in value]))
    if isinstance(value, datetime.date):
        return (5, value)
    if isinstance(value, datetime.timedelta):
        return (6, value)
    fields = getattr(type(value), "__seglam_fields__", None)
    if fields is not None:
        return (9, type(value).__qualname__, tuple(order_key(getattr(value, f), memo) for f in fields))
    if isinstance(value, frozenset):
        return (10, tuple(order_key(v, memo) for v in ordered(value)))
    return (11, type(value).__qualname__, repr(value))  # not a Seglam value: still total


def _key_for(kinds: set, items: Any) -> Any:
    """The key that orders ``items`` (of the types ``kinds``): :func:`order_key`, memoised
    by identity for one set unless every element is a tuple of numbers and strings (which
    share nothing: the memo would only cost time)."""
    if kinds == {tuple} and set(map(type, itertools.chain.from_iterable(items))) <= _FLAT_KINDS:
        return order_key
    memo: dict = {}
    return lambda value: order_key(value, memo)


#: What a tuple may hold for its key to be made without a memo.
_FLAT_KINDS = frozenset({int, bool, float, str, type(None), decimal.Decimal})


def ordered(iterable: Any) -> Any:
    """A new list of a set's elements in the fixed order; any other iterable unchanged."""
    if not isinstance(iterable, SET_TYPES):
        return iterable
    kinds = {type(x) for x in iterable}
    # Fast paths: homogeneous str, or plain numbers without NaN, sort natively (same order).
    if kinds == {str} or (kinds <= _NATIVE_OK and not any(x != x for x in iterable)):
        return sorted(iterable)
    return sorted(iterable, key=_key_for(kinds, iterable))


def charge_order(ctx: RunContext, iterable: Any) -> None:
    """Charge the comparisons of putting a set in order (``valuework.order_cost``), before
    they are made; anything else costs nothing here."""
    if isinstance(iterable, SET_TYPES):
        ctx.spend(order_cost(iterable))


def ordered_charged(ctx: RunContext, iterable: Any) -> Any:
    """:func:`ordered`, charging ``1 + n // BULK_UNIT`` and the comparisons
    (:func:`charge_order`) when it orders a set."""
    if not isinstance(iterable, SET_TYPES):
        return iterable
    ctx.charge(len(iterable))
    charge_order(ctx, iterable)
    return ordered(iterable)


def iterate(ctx: RunContext, iterable: Any) -> Any:
    """What a ``for`` loop, comprehension clause or lazy builtin iterates: a set in the
    fixed order (charged as :func:`ordered_charged`), still faulting ``F-MUTATION`` when the
    set changes size during the iteration, as Python does; anything else unchanged."""
    if not isinstance(iterable, SET_TYPES):
        return iterable
    items = ordered_charged(ctx, iterable)
    if type(iterable) is frozenset or type(iterable) is FrozenSet:
        return items  # cannot change
    return _watch(iterable, items)


def _watch(s: set, items: list) -> Iterator:
    n = len(s)
    for item in items:
        if len(s) != n:
            raise RuntimeError("Set changed size during iteration")
        yield item
    if len(s) != n:
        raise RuntimeError("Set changed size during iteration")


def first(s: Iterable) -> Any:
    """The first element of a non-empty set in the fixed order (what ``set.pop`` removes)."""
    kinds = {type(x) for x in s}
    if kinds == {str} or (kinds <= _NATIVE_OK and not any(x != x for x in s)):
        return min(s)
    return min(s, key=_key_for(kinds, s))
