"""The Seglam standard library at run time: one implementation of every operator, builtin,
method and allowed module member, shared by both backends so they agree on semantics and
fuel.

Calling convention (stable; both backends rely on it):

- Every implementation is ``impl(ctx, *args, **kwargs)`` where ``ctx`` is the run's
  :class:`~seglam.run.context.RunContext`; methods are ``impl(ctx, receiver, *args, **kwargs)``.
- Callables passed *into* builtins (``key=``, ``map``'s function, ``re.sub``'s ``repl``,
  ``defaultdict``'s factory) are plain Python callables without ``ctx``: a Seglam function
  or lambda wrapped by the backend (which charges +1 fuel per call and checks depth), or a
  builtin used as a value, wrapped by :func:`bind_builtin`.
- Implementations raise :class:`~seglam.run.faults.Fault` (without a span) or ordinary
  Python exceptions; the backend maps the latter with :func:`fault_for` and locates both at
  the innermost node being evaluated.

Tables:

- :data:`BUILTINS`: ``name -> impl`` (``len``, ``sorted``, ``parse_int``, ...).
- :func:`lookup_method` (``value, name -> impl | None``) over :data:`METHODS`
  (``python type -> {name: impl}``, looked up along the receiver's MRO, so a ``FrozenList``
  finds the ``list`` methods).
- :func:`get_attribute` for data attributes (record fields, ``Enum.name``/``.value``,
  ``date.year``, ``match.string`` ...): a whitelist, never a generic ``getattr``.
- :data:`MODULE_FUNCTIONS` / :data:`MODULE_CONSTANTS` by qualified name (``"math.sqrt"``).
- Operators: :data:`BINOPS` (``"+" -> op_add`` ...), :data:`UNARYOPS`, :func:`compare`,
  :func:`getitem`, :func:`setitem`, :func:`contains`, :func:`format_value`,
  :func:`join_fstring`, :func:`truth` (Python's own ``bool()``).

Fuel: see :mod:`seglam.run.stdlib_core` ("one rule": ``1 + n // BULK_UNIT`` (8) per linear builtin
over ``n`` elements/characters, charged before the work when ``n`` is known).

Size caps are checked *before* computing wherever the result could be huge: ``**``, ``<<``
and ``*`` on ints (by bit-length estimate), ``*`` on sequences, ``+`` on sequences, ``join``,
``replace``, padding widths, format widths; and after the fact where growth is bounded.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import enum
import math
import operator
from typing import Any, Callable

from seglam.run import cost, decimalwork
from seglam.run.context import BULK_UNIT, RunContext
from seglam.run.decimal_context import DECIMAL_CONTEXT
from seglam.run.faults import Fault, none_attribute
from seglam.run.stdlib_coll import (
    ATTRIBUTES, DATE_METHODS, DECIMAL_METHODS, DICT_METHODS, FLOAT_METHODS, INT_METHODS,
    LIST_METHODS, RANGE_METHODS, SET_METHODS, TIMEDELTA_METHODS, TUPLE_METHODS, contains, getitem, pair_keys_cost, setitem,
)
from seglam.run.stdlib_core import (
    BoundBuiltin, Metered, collect, compare_charged_key, fault_for, key_cost, seglam_repr, seglam_str, size_of, sized, sort_charged, sort_cost,
)
from seglam.run.stdlib_modules import (
    COUNTER_METHODS, MATCH_ATTRIBUTES, MATCH_METHODS, MODULE_CONSTANTS, MODULE_FUNCTIONS,
    PATTERN_METHODS, CompiledPattern, MATCH_TYPE, metered, iso_date,
)
from seglam.run.stdlib_text import STR_METHODS, format_value, join_fstring, percent_format, str_maketrans
from seglam.run.values import is_record
from seglam.run.valuework import SCALARS, compare_cost, extreme_cost, keys_cost

__all__ = [
    "BUILTINS", "METHODS", "MODULE_FUNCTIONS", "MODULE_CONSTANTS", "BINOPS", "UNARYOPS",
    "DECIMAL_CONTEXT", "BoundBuiltin", "bind_builtin", "lookup_method", "get_attribute",
    "compare", "getitem", "setitem", "contains", "format_value", "join_fstring", "truth",
    "fault_for", "seglam_repr", "seglam_str", "collect", "Metered", "key_cost", "keys_cost",
]


# ---- operators ------------------------------------------------------------------------------------

_SEQ = (str, list, tuple)
_DECIMAL = decimal.Decimal
#: Ints within ``±_SMALL`` cost no extra work (seglam.run.cost.SMALL_BITS).
_SMALL = 1 << cost.SMALL_BITS


def _seq_cap(ctx: RunContext, value: Any, n: int) -> None:
    if isinstance(value, str):
        if n > ctx.max_str_len:
            raise ctx.str_fault(n)
    elif n > ctx.max_collection_len:
        raise ctx.len_fault(n)


def op_add(ctx: RunContext, a: Any, b: Any) -> Any:
    ta = type(a)
    if ta is int and type(b) is int:
        r = a + b
        if r.bit_length() > ctx.max_int_bits:
            raise ctx.int_bits_fault(r.bit_length())
        if -_SMALL < r < _SMALL:
            return r
        return ctx.spend(cost.linear(abs(r).bit_length())) or r
    if isinstance(a, _SEQ):
        n = len(a) + len(b)
        _seq_cap(ctx, a, n)
        ctx.charge(n)
        return a + b
    _decimal_work(ctx, "+", a, b)
    r = a + b
    # a bool operand (n + True) too: checked like any int sum, as the compiled backend does
    return _int_sized(ctx, r) if type(r) is int else r


def op_sub(ctx: RunContext, a: Any, b: Any) -> Any:
    if isinstance(a, (set, frozenset)):
        _keys_work(ctx, a, b)
    _decimal_work(ctx, "-", a, b)
    r = a - b
    return _int_sized(ctx, r) if type(r) is int else r


def _int_sized(ctx: RunContext, r: int) -> int:
    """The int result of ``+`` or ``-``: within the size cap (F-INT-SIZE), charged its
    length when it is not small."""
    if r.bit_length() > ctx.max_int_bits:
        raise ctx.int_bits_fault(r.bit_length())
    if -_SMALL < r < _SMALL:
        return r
    return ctx.spend(cost.linear(abs(r).bit_length())) or r


def op_sum_unchecked(ctx: RunContext, op: str, a: Any, b: Any) -> Any:
    """``a + b`` / ``a - b`` where the int size limit does not apply (seglam.run.intcap);
    anything but two ints is the ordinary operator."""
    if type(a) is int and type(b) is int:
        return a + b if op == "+" else a - b
    return BINOPS[op](ctx, a, b)


def _count(n: Any) -> int | None:
    return int(n) if isinstance(n, int) and not isinstance(n, enum.Enum) else None


def op_mul(ctx: RunContext, a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        bits = a.bit_length() + b.bit_length()
        if bits > ctx.max_int_bits + 1 and a and b:  # a zero product is 0, whatever the other factor
            raise ctx.int_bits_fault(bits - 1)
        r = ctx.check_int(a * b)
        return ctx.spend(cost.int_op("*", a, b, r)) or r
    seq, n = (a, _count(b)) if isinstance(a, _SEQ) else (b, _count(a)) if isinstance(b, _SEQ) else (None, None)
    if seq is not None and n is not None:
        total = len(seq) * max(n, 0)
        _seq_cap(ctx, seq, total)
        ctx.charge(total)
    return _decimal_work(ctx, "*", a, b) or a * b


def op_truediv(ctx: RunContext, a: Any, b: Any) -> Any:
    return _decimal_work(ctx, "/", a, b) or a / b


def _decimal_work(ctx: RunContext, op: str, a: Any, b: Any = None) -> bool:
    """Charge the Decimal operation ``a op b`` before it is done (decimalwork.op_cost, as
    the compiled backend does); anything without a Decimal operand costs nothing. False."""
    if type(a) is _DECIMAL or type(b) is _DECIMAL:
        ctx.spend(decimalwork.op_cost(op, a, b))
    return False


def int_work(ctx: RunContext, op: str, a: Any, b: Any) -> bool:
    """Charge the work of ``a op b`` (``//``, ``%``, ``>>``) on ints before it is done, as
    the compiled backend's inline test does; anything else costs nothing. Returns False."""
    if type(a) is int and type(b) is int and not -_SMALL < a < _SMALL:
        ctx.spend(cost.int_op(op, a, b, 0))
    return False


def op_floordiv(ctx: RunContext, a: Any, b: Any) -> Any:
    if type(a) is int and -_SMALL < a < _SMALL and type(b) is not _DECIMAL:
        return a // b  # the common case: no extra work, no call
    return _decimal_work(ctx, "//", a, b) or int_work(ctx, "//", a, b) or a // b


def op_mod(ctx: RunContext, a: Any, b: Any) -> Any:
    if type(a) is int and -_SMALL < a < _SMALL and type(b) is not _DECIMAL:
        return a % b  # the common case: no extra work, no call
    if isinstance(a, str):
        return percent_format(ctx, a, b)
    return _decimal_work(ctx, "%", a, b) or int_work(ctx, "%", a, b) or a % b


def op_pow(ctx: RunContext, a: Any, b: Any, mod: Any = None) -> Any:
    if mod is not None:
        if type(a) is int and type(b) is int and type(mod) is int:
            ctx.spend(cost.power_mod(abs(a).bit_length(), abs(b).bit_length(), abs(mod).bit_length()))
        return pow(a, b, mod)
    if isinstance(a, int) and isinstance(b, int) and b > 0:
        size = abs(a).bit_length()
        if size > 1 and (size - 1) * b > ctx.max_int_bits:
            raise ctx.int_bits_fault((size - 1) * b if b < 1 << 40 else ctx.max_int_bits + 1)
        ctx.spend(cost.power(size, b, size * b))
        return ctx.check_int(a ** b)
    if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
        return _decimal_work(ctx, "**", a, b) or a ** b
    r = a ** b
    if type(r) is complex:
        raise Fault("F-VALUE", "a negative number raised to a fractional power has no real value")
    return r


def op_lshift(ctx: RunContext, a: int, b: int) -> int:
    if a and b > 0 and abs(a).bit_length() + b > ctx.max_int_bits:
        raise ctx.int_bits_fault(abs(a).bit_length() + b if b < 1 << 40 else ctx.max_int_bits + 1)
    r = a << b
    return ctx.spend(cost.linear(abs(r).bit_length())) or r


def op_rshift(ctx: RunContext, a: int, b: int) -> int:
    return int_work(ctx, ">>", a, b) or a >> b


def _bits_work(ctx: RunContext, a: Any, b: Any) -> None:
    """Charge ``a & b``, ``a | b``, ``a ^ b`` on ints (cost.bitwise) before the work."""
    if type(a) is int and type(b) is int and not (-_SMALL < a < _SMALL and -_SMALL < b < _SMALL):
        ctx.spend(cost.bitwise(abs(a).bit_length(), abs(b).bit_length()))


def _keys_work(ctx: RunContext, a: Any, b: Any) -> None:
    """Charge a set operator (or ``|`` of dicts) for the keys it hashes and probes."""
    ctx.spend(keys_cost(ctx, a) + keys_cost(ctx, b))


def op_or(ctx: RunContext, a: Any, b: Any) -> Any:
    if isinstance(a, (dict, set)):
        ctx.check_len(len(a) + len(b))
        ctx.charge(len(a) + len(b))
        _keys_work(ctx, a, b)
    _bits_work(ctx, a, b)
    return a | b


def op_and(ctx: RunContext, a: Any, b: Any) -> Any:
    if isinstance(a, (set, dict)) or type(a).__name__ in ("dict_keys", "dict_items"):
        ctx.charge(len(a) + len(b))
        _keys_work(ctx, a, b)
    _bits_work(ctx, a, b)
    return a & b


def op_xor(ctx: RunContext, a: Any, b: Any) -> Any:
    if isinstance(a, set):
        ctx.check_len(len(a) + len(b))
        ctx.charge(len(a) + len(b))
        _keys_work(ctx, a, b)
    _bits_work(ctx, a, b)
    return a ^ b


def op_matmul(ctx: RunContext, a: Any, b: Any) -> Any:
    raise Fault("F-VALUE", "the @ operator is not supported")


BINOPS: dict[str, Callable] = {
    "+": op_add, "-": op_sub, "*": op_mul, "/": op_truediv, "//": op_floordiv, "%": op_mod,
    "**": op_pow, "<<": op_lshift, ">>": op_rshift, "|": op_or, "&": op_and, "^": op_xor,
    "@": op_matmul,
}


def unary_cost(a: Any, op: str = "-") -> int:
    """The fuel of ``-a``, ``~a``, ``abs(a)`` or ``+a`` (``op``): of an int past SMALL_BITS
    bits a copy of it (cost.bitwise; ``+a`` is the int itself), of a Decimal its rounding
    (decimalwork.op_cost); 0 else."""
    if type(a) is int:
        return cost.bitwise(abs(a).bit_length(), 0) if not -_SMALL < a < _SMALL and op != "+" else 0
    return decimalwork.op_cost(op, a) if type(a) is _DECIMAL else 0


def op_neg(ctx: RunContext, a: Any) -> Any:
    return ctx.spend(unary_cost(a)) or -a


def op_pos(ctx: RunContext, a: Any) -> Any:
    return ctx.spend(unary_cost(a, "+")) or +a


def op_invert(ctx: RunContext, a: Any) -> Any:
    return ctx.spend(unary_cost(a)) or ~a


def op_not(ctx: RunContext, a: Any) -> bool:
    return not a


UNARYOPS: dict[str, Callable] = {"-": op_neg, "+": op_pos, "~": op_invert, "not": op_not}


def _range_contains(ctx: RunContext, item: Any, r: range) -> bool:
    # CPython scans the range for a non-int item; answer in constant time instead.
    t = type(item)
    if t is int or t is bool:
        return item in r
    if isinstance(item, (float, decimal.Decimal)):
        if (isinstance(item, float) and not math.isfinite(item)) or (isinstance(item, decimal.Decimal) and not item.is_finite()):
            return False
        if item == int(item):
            return int(item) in r
    return False


#: The comparisons charged by valuework.compare_cost.
ORDERINGS = frozenset({"==", "!=", "<", "<=", ">", ">="})


def compare(ctx: RunContext, op: str, a: Any, b: Any) -> bool:
    """One comparison of a chain (``==``, ``<``, ``in``, ``is``...); Python semantics.
    ``==``, ``<`` and the like are charged for the size of the smaller operand
    (valuework.compare_cost: strings, and containers holding long strings or many items)."""
    if op in ORDERINGS and (type(a) not in SCALARS or type(a) is _DECIMAL or type(b) is _DECIMAL):
        ctx.spend(compare_cost(a, b))
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    if op == ">=":
        return a >= b
    if op == "in":
        return _range_contains(ctx, a, b) if type(b) is range else contains(ctx, a, b)
    if op == "not in":
        return not (_range_contains(ctx, a, b) if type(b) is range else contains(ctx, a, b))
    if op == "is":
        return a is b
    if op == "is not":
        return a is not b
    raise Fault("F-VALUE", f"unknown comparison {op!r}")


def truth(value: Any) -> bool:
    """Python truthiness (``if``, ``while``, ``and``/``or``, ``not``)."""
    return bool(value)


# ---- builtins ------------------------------------------------------------------------------------


def bind_builtin(ctx: RunContext, name: str) -> BoundBuiltin:
    """The value of builtin ``name`` (or a qualified module function) inside a run."""
    impl = BUILTINS.get(name) or MODULE_FUNCTIONS[name]
    return BoundBuiltin(name, impl, ctx)


def b_len(ctx, x):
    return len(x)


def b_abs(ctx, x):
    return ctx.spend(unary_cost(x)) or abs(x)


def b_all(ctx, it):
    n = size_of(it)
    if n is not None:
        ctx.charge(n)
        return all(it)
    return all(Metered(ctx, it))


def b_any(ctx, it):
    n = size_of(it)
    if n is not None:
        ctx.charge(n)
        return any(it)
    return any(Metered(ctx, it))


def b_bool(ctx, x=False):
    return bool(x)


def b_chr(ctx, i):
    return chr(i)


def b_ord(ctx, c):
    return ord(c)


def b_divmod(ctx, a, b):
    return _decimal_work(ctx, "//", a, b) or int_work(ctx, "//", a, b) or divmod(a, b)


def b_enumerate(ctx, iterable, start=0):
    return enumerate(metered(ctx, iterable), start)


def b_zip(ctx, *its, strict=False):
    out = zip(*(metered(ctx, i) for i in its), strict=strict)
    # zip(*rows) over many rows builds wide tuples: charge each by its width.
    return Metered(ctx, out, len(its)) if len(its) > BULK_UNIT else out


def b_map(ctx, fn, *its):
    return map(fn, *(metered(ctx, i) for i in its))


def b_filter(ctx, fn, it):
    return filter(fn, metered(ctx, it))


def b_reversed(ctx, seq):
    if isinstance(seq, (dict, list, tuple, str, range)):
        return reversed(seq)
    return reversed(collect(ctx, seq))


def _to_int_from_decimal(ctx: RunContext, d: decimal.Decimal) -> int:
    return decimalwork.to_int(ctx, d, int)


def b_int(ctx, x=0, base=None):
    if base is not None:
        ctx.charge(len(x))
        ctx.spend(cost.str_to_int(len(x)))
        return ctx.check_int(int(x, base))
    if isinstance(x, decimal.Decimal):
        return _to_int_from_decimal(ctx, x)
    if isinstance(x, str):
        ctx.charge(len(x))
        ctx.spend(cost.str_to_int(len(x)))
    return ctx.check_int(int(x))


def b_float(ctx, x=0.0):
    return ctx.spend(decimalwork.pass_cost(x)) or float(x)


def b_str(ctx, x=""):
    return ctx.check_str(seglam_str(ctx, x))


def b_repr(ctx, x):
    return seglam_repr(ctx, x)


def b_ascii(ctx, x):
    """``ascii(x)``: the repr with its non-ASCII characters escaped, as f"{x!a}" writes it."""
    return format_value(ctx, x, "a")


def b_list(ctx, it=()):
    return collect(ctx, it)


def b_tuple(ctx, it=()):
    return tuple(collect(ctx, it))


def b_set(ctx, it=()):
    items = collect(ctx, it)
    if type(it) is not str:  # the characters of a string are short keys: no key work
        ctx.spend(keys_cost(ctx, items))
    return set(items)


def b_frozenset(ctx, it=()):
    items = collect(ctx, it)
    if type(it) is not str:
        ctx.spend(keys_cost(ctx, items))
    return frozenset(items)


def b_dict(ctx, it=(), **kwargs):
    if isinstance(it, dict):
        ctx.charge(len(it))
        ctx.check_len(len(it) + len(kwargs))
        return dict(it, **kwargs)  # a copy: the keys' hashes are kept, no probing
    pairs = collect(ctx, it)
    ctx.check_len(len(pairs) + len(kwargs))
    ctx.spend(pair_keys_cost(ctx, pairs))
    return dict(pairs, **kwargs)


def b_sorted(ctx, it, *, key=None, reverse=False):
    items = collect(ctx, it)
    if key is None:  # sort_charged's first case, inline: sorted() of small lists runs very often
        ctx.spend(sort_cost(items))
        items.sort(reverse=reverse)
    else:
        sort_charged(ctx, items, key, reverse)
    return items


def b_sum(ctx, it, start=0):
    items = sized(ctx, it)
    if isinstance(start, (list, tuple)):
        total = len(start) + sum(len(x) for x in items)
        ctx.check_len(total)
        ctx.charge(total)
    result = sum(items, start)
    if type(result) is not int or result.bit_length() <= ctx.max_int_bits:
        return result  # ctx.check_int, inline: sum runs very often
    return ctx.check_int(result)


_NO_DEFAULT = object()


def _minmax(ctx, fn, args, key, default):
    if len(args) == 1:
        items = collect(ctx, args[0])
        if not items and default is not _NO_DEFAULT:
            return default
        if not items:
            raise Fault("F-VALUE", f"{fn.__name__}() of an empty sequence")
    else:
        items = args
    if key is not None:
        return fn(items, key=compare_charged_key(ctx, key))
    ctx.spend(extreme_cost(items))
    return fn(items)


def b_min(ctx, *args, key=None, default=_NO_DEFAULT):
    return _minmax(ctx, min, args, key, default)


def b_max(ctx, *args, key=None, default=_NO_DEFAULT):
    return _minmax(ctx, max, args, key, default)


def b_pow(ctx, base, exp, mod=None):
    return op_pow(ctx, base, exp, mod)


def b_range(ctx, *args):
    return range(*args)


def b_round(ctx, number, ndigits=None):
    if ndigits is None:
        if isinstance(number, decimal.Decimal):
            if number.is_finite():  # a pass over the coefficient, then int() of the integral value
                ctx.spend(cost.decimal_digits(decimalwork.digits(number)))
            return _to_int_from_decimal(ctx, number.to_integral_value(rounding=decimal.ROUND_HALF_EVEN))
        return ctx.check_int(round(number))  # a float's int: 1e300 has 997 bits, as int(1e300) checks
    if isinstance(number, int) and ndigits < 0:
        return _round_int(ctx, number, -ndigits)
    return _decimal_work(ctx, "round", number) or round(number, ndigits)


def _round_int(ctx, number: int, k: int) -> int:
    """``round(number, -k)``: CPython computes ``10**k`` whatever ``k`` is, so an int smaller
    than ``10**(k-1)`` (by bit length) rounds to 0 without work, and any other is charged
    before the work (cost.round_int) and its result size-checked."""
    bits = abs(number).bit_length()
    if bits * 1000 < (k - 1) * 3321:  # |number| < 2**bits <= 10**(k-1): nearer to 0 than to 10**k
        return 0
    ctx.spend(cost.round_int(bits, k))
    return ctx.check_int(round(number, -k))


def b_hex(ctx, x):
    return hex(x)


def b_bin(ctx, x):
    return bin(x)


def b_oct(ctx, x):
    return oct(x)


def b_format(ctx, value, spec=""):
    return format_value(ctx, value, None, spec)


def b_next(ctx, it, *default):
    return next(it, *default)


def b_iter(ctx, it):
    return iter(metered(ctx, it))


_BUILTIN_TYPES: dict[str, type] = {
    "int": int, "float": float, "str": str, "bool": bool, "list": list, "dict": dict,
    "set": set, "tuple": tuple, "frozenset": frozenset,
}


def b_isinstance(ctx, value, cls):
    return isinstance(value, _as_class(cls))


def _as_class(cls: Any) -> Any:
    cls = getattr(cls, "__wrapped__", cls)  # a builtin type as the compiled backend's function value
    if isinstance(cls, tuple):
        return tuple(_as_class(c) for c in cls)
    if isinstance(cls, BoundBuiltin):
        t = _BUILTIN_TYPES.get(cls.name)
        if t is None:
            t = _MODULE_TYPES.get(cls.name)
        if t is None:
            raise Fault("F-VALUE", f"isinstance: {cls.name} is not a type")
        return t
    if cls is None:
        return type(None)
    if isinstance(cls, type) and (is_record_class(cls) or issubclass(cls, enum.Enum)):
        return cls
    raise Fault("F-VALUE", "isinstance: not a type")


_MODULE_TYPES: dict[str, type] = {
    "datetime.date": datetime.date, "datetime.timedelta": datetime.timedelta,
    "decimal.Decimal": decimal.Decimal,
}


def is_record_class(cls: Any) -> bool:
    return getattr(cls, "__seglam_record__", False) is True


# ---- the prelude: parse_* ------------------------------------------------------------------------


def parse_int(ctx, s):
    """``int(s)``, or None when ``s`` is not an integer literal."""
    ctx.charge(len(s))
    ctx.spend(cost.str_to_int(len(s)))
    try:
        value = int(s)
    except ValueError:
        return None
    return ctx.check_int(value)


def parse_float(ctx, s):
    ctx.charge(len(s))
    try:
        return float(s)
    except ValueError:
        return None


def parse_decimal(ctx, s):
    ctx.charge(len(s))
    try:
        d = decimal.Decimal(s.strip())
    except (decimal.InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def parse_date(ctx, s):
    """``date.fromisoformat(s)`` for exactly ``YYYY-MM-DD`` (ASCII digits), or None.

    Only that form: CPython 3.11's ``fromisoformat`` also takes ``20240102`` and week dates."""
    ctx.charge(len(s))
    return iso_date(s)


def col_defaultdict(ctx, factory=None, items=()):
    d = collections.defaultdict(factory)
    if items:
        b = b_dict(ctx, items)
        d.update(b)
    return d


BUILTINS: dict[str, Callable] = {
    "len": b_len, "abs": b_abs, "all": b_all, "any": b_any, "bool": b_bool, "chr": b_chr,
    "ord": b_ord, "divmod": b_divmod, "enumerate": b_enumerate, "zip": b_zip, "map": b_map,
    "filter": b_filter, "reversed": b_reversed, "int": b_int, "float": b_float, "str": b_str,
    "repr": b_repr, "ascii": b_ascii, "list": b_list, "tuple": b_tuple, "set": b_set, "frozenset": b_frozenset,
    "dict": b_dict, "sorted": b_sorted, "sum": b_sum, "min": b_min, "max": b_max,
    "pow": b_pow, "range": b_range, "round": b_round, "hex": b_hex, "bin": b_bin,
    "oct": b_oct, "format": b_format, "next": b_next, "iter": b_iter,
    "isinstance": b_isinstance,
    "parse_int": parse_int, "parse_float": parse_float, "parse_decimal": parse_decimal,
    "parse_date": parse_date,
}

MODULE_FUNCTIONS["collections.defaultdict"] = col_defaultdict
MODULE_FUNCTIONS["str.maketrans"] = str_maketrans
MODULE_FUNCTIONS.update({
    "operator.add": op_add, "operator.sub": op_sub, "operator.mul": op_mul,
    "operator.truediv": op_truediv, "operator.floordiv": op_floordiv, "operator.mod": op_mod,
    "operator.neg": op_neg, "operator.pow": op_pow,
    "operator.itemgetter": lambda ctx, *keys: operator.itemgetter(*keys),
})


# ---- methods and attributes --------------------------------------------------------------------

METHODS: dict[type, dict[str, Callable]] = {
    str: STR_METHODS, list: LIST_METHODS, tuple: TUPLE_METHODS, dict: DICT_METHODS,
    set: SET_METHODS, int: INT_METHODS, float: FLOAT_METHODS, decimal.Decimal: DECIMAL_METHODS,
    datetime.date: DATE_METHODS, datetime.timedelta: TIMEDELTA_METHODS,
    collections.Counter: COUNTER_METHODS, range: RANGE_METHODS,
}
METHODS[CompiledPattern] = PATTERN_METHODS
if MATCH_TYPE is not None:
    METHODS[MATCH_TYPE] = MATCH_METHODS


def lookup_method(value: Any, name: str) -> Callable | None:
    """The implementation of ``value.name(...)``, or None (the checker prevents that)."""
    for klass in type(value).__mro__:
        table = METHODS.get(klass)
        if table is not None:
            impl = table.get(name)
            if impl is not None:
                return impl
    return None


def get_attribute(ctx: RunContext, value: Any, name: str) -> Any:
    """A data attribute: a record field, ``Enum.name``/``.value``, ``date.year``, ...

    A whitelist: anything else (dunders included) faults, never reaches Python."""
    if name.startswith("__"):
        raise Fault("F-VALUE", f"no attribute {name!r}")
    t = type(value)
    if is_record(value):
        if name in t.__seglam_fields__:
            return getattr(value, name)
    elif isinstance(value, enum.Enum):
        if name == "name":
            return value.name
        if name == "value":
            return value.value
    elif MATCH_TYPE is not None and t is MATCH_TYPE:
        if name in MATCH_ATTRIBUTES:
            return getattr(value, name)
    elif t is CompiledPattern:
        if name == "pattern":
            return value.pattern
        if name == "flags":
            return value.flags
    else:
        for klass in t.__mro__:
            allowed = ATTRIBUTES.get(klass)
            if allowed is not None and name in allowed:
                return getattr(value, name)
    if value is None:
        raise none_attribute(name)
    raise Fault("F-VALUE", f"{t.__name__} value has no attribute {name!r}")
