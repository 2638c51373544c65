"""``str`` methods, ``format()``/f-string fields, ``str.format`` and ``%`` formatting, under
the string-length cap. Implementations take ``(ctx, receiver, *args)`` (see
:mod:`seglam.run.stdlib`).

Formatting never reaches Python's attribute or item lookup: ``str.format`` fields must be
positional indexes or names (``{0}``, ``{name}``, ``{}``), never ``{0.attr}``/``{0[k]}``.
Widths and precisions are checked against ``max_str_len`` *before* formatting.
"""

from __future__ import annotations

import collections
import datetime
import decimal
import enum
import re
import string
from typing import Any

from seglam.run import cost, datefmt, decimalwork
from seglam.run.context import BULK_UNIT, RunContext
from seglam.run.faults import Fault, none_used
from seglam.run.stdlib_coll import getitem
from seglam.run.stdlib_core import collect, seglam_repr, seglam_str
from seglam.run.values import is_record

_SPEC = re.compile(
    r"(?:(?P<fill>.)?(?P<align>[<>=^]))?(?P<sign>[-+ ])?(?P<z>z)?(?P<alt>#)?(?P<zero>0)?"
    r"(?P<width>\d+)?(?P<grouping>[,_])?(?:\.(?P<precision>\d+))?(?P<type>[bcdeEfFgGnosxX%])?",
    re.DOTALL,
)


def spec_chars(spec: str) -> int:
    """The larger of a format spec's width and precision (0 without either): a lower bound on
    the length of what the field writes for ``f``/``e``/``%`` and the padding's, charged
    before formatting (:func:`seglam.run.cost.formatted`). ``-1`` for a spec whose width or
    precision is written with more than 30 digits (past any cap)."""
    m = _SPEC.fullmatch(spec)
    if m is None:
        return 0  # Python itself rejects it with ValueError (F-VALUE)
    out = 0
    for part in ("width", "precision"):
        text = m.group(part)
        if text is not None:
            if len(text) > 30:
                return -1
            out = max(out, int(text))
    return out


def check_spec(ctx: RunContext, spec: str) -> None:
    """Fault with ``F-STR-SIZE`` when a format spec asks for a width or precision past the
    cap; else charge for the text the field writes, before it is written."""
    chars = spec_chars(spec)
    if chars < 0 or chars > ctx.max_str_len:
        raise ctx.str_fault(chars if chars >= 0 else ctx.max_str_len + 1)
    ctx.spend(cost.formatted(chars))


def format_value(ctx: RunContext, value: Any, conversion: str | None = None, spec: str = "") -> str:
    """One f-string field ``{value!conversion:spec}``: Python's ``format()``, capped."""
    if conversion == "r":
        value = seglam_repr(ctx, value)
    elif conversion == "s":
        value = seglam_str(ctx, value)
    elif conversion == "a":  # ascii(): the repr with its non-ASCII characters escaped
        value = seglam_repr(ctx, value).encode("ascii", "backslashreplace").decode("ascii")
    if not spec:
        return ctx.check_str(seglam_str(ctx, value))
    check_spec(ctx, spec)
    t = type(value)
    if value is None:  # a regex group that took no part, typed str: as CPython's TypeError
        raise Fault("F-NONE", f"None cannot be formatted with {spec!r}")
    if isinstance(value, (list, tuple, dict, set)) or is_record(value):
        raise Fault("F-VALUE", f"unsupported format string passed to {t.__name__}.__format__")
    if t is decimal.Decimal and value.is_finite():
        # 'f' of Decimal('1E+999999') writes a million digits: estimate before formatting.
        if abs(value.adjusted()) > ctx.max_str_len:
            raise ctx.str_fault(abs(value.adjusted()))
        ctx.spend(decimalwork.pass_cost(value))
    if t is datetime.date:  # date.__format__: strftime, written by Seglam (no host time zone or locale)
        return ctx.check_str(datefmt.strftime(value, spec, ctx.max_str_len))
    if isinstance(value, enum.Enum):
        value = str(value)
    if t is int:
        ctx.spend(cost.int_to_str(abs(value).bit_length()))
    return ctx.check_str(format(value, spec))


def join_fstring(ctx: RunContext, parts: list[str]) -> str:
    """Concatenate the pieces of an f-string (or ``str.format``) under the cap, charged for
    the length of the result (:func:`seglam.run.cost.formatted`) before it is made."""
    total = 0
    for p in parts:
        total += len(p)
    if total > ctx.max_str_len:
        raise ctx.str_fault(total)
    ctx.spend(cost.formatted(total))
    return "".join(parts)


def str_format(ctx: RunContext, fmt: str, *args: Any, **kwargs: Any) -> str:
    """``fmt.format(*args, **kwargs)`` without attribute or item access."""
    ctx.charge(len(fmt))
    out: list[str] = []
    auto = 0
    for literal, field, spec, conversion in string.Formatter().parse(fmt):
        out.append(literal)
        if field is None:
            continue
        if "." in field or "[" in field:
            raise Fault("F-VALUE", f"format field {field!r}: attribute and item access are not allowed")
        if field == "":
            if auto >= len(args):
                raise Fault("F-INDEX", "format: not enough positional arguments")
            value = args[auto]
            auto += 1
        elif field.isdigit():
            if int(field) >= len(args):
                raise Fault("F-INDEX", f"format: no positional argument {field}")
            value = args[int(field)]
        else:
            if field not in kwargs:
                raise Fault("F-KEY", f"format: no keyword argument {field!r}")
            value = kwargs[field]
        if spec and "{" in spec:
            spec = str_format(ctx, spec, *args, **kwargs)
        out.append(format_value(ctx, value, conversion, spec or ""))
    return join_fstring(ctx, out)


_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])")


def percent_format(ctx: RunContext, fmt: str, args: Any) -> str:
    """``fmt % args`` with widths and precisions checked first, and the text they write
    charged first (:func:`seglam.run.cost.formatted` of each conversion's larger one, a ``*``
    read from its argument)."""
    ctx.charge(len(fmt))
    star = False
    for m in _PERCENT.finditer(fmt):
        for g in (m.group(1), m.group(2)):
            if g == "*":
                star = True
            elif g is not None and (len(g) > 9 or int(g) > ctx.max_str_len):
                raise ctx.str_fault(ctx.max_str_len + 1)
    if star and isinstance(args, tuple):
        for a in args:
            if type(a) is int and abs(a) > ctx.max_str_len:
                raise ctx.str_fault(abs(a))
    work = 0
    least = len(fmt)  # what the result has at least: the literal text, then each conversion's
    at = 0  # the next positional argument: a '*' reads one, as does each conversion but '%%'
    for m in _PERCENT.finditer(fmt):
        least -= len(m.group(0))
        width = precision = None
        for i, g in ((1, m.group(1)), (2, m.group(2))):
            if g == "*":
                a = args[at] if type(args) is tuple and at < len(args) else None
                at += 1
                n = abs(a) if type(a) is int else 0
            else:
                n = int(g) if g is not None else None
            if i == 1:
                width = n
            else:
                precision = n
        kind = m.group(3)
        if kind == "%":
            least += 1
            continue
        a = _percent_arg(args, m.group(0), at)
        at += 1
        chars = max(width or 0, precision or 0)
        low = width or 0
        if kind in "fFeE" and precision is not None:
            low = max(low, precision)
        if type(a) is str and kind in "sra":  # copied (at most its precision)
            chars = max(chars, len(a))
            low = max(low, len(a) if precision is None else min(len(a), precision))
        elif type(a) is int and kind in "diusra":  # written in decimal, as str() writes it
            work += cost.int_to_str(abs(a).bit_length())
        least += low
        work += cost.formatted(chars)
    if least > ctx.max_str_len:
        raise ctx.str_fault(least)
    ctx.spend(work)
    return ctx.check_str(fmt % _shown_args(ctx, args))


def _percent_arg(args: Any, spec: str, at: int) -> Any:
    """The argument the ``%`` conversion ``spec`` (the ``at``-th positional one) reads, or
    None when Python would not find one (it raises)."""
    if spec.startswith("%("):
        key = spec[2:spec.index(")")]
        return args.get(key) if isinstance(args, dict) else None
    if type(args) is tuple:
        return args[at] if at < len(args) else None
    return args if at == 0 and not isinstance(args, dict) else None


#: Values whose Python ``str``/``repr``/``ascii`` are Seglam's own: passed to ``%`` as they
#: are (a number must stay one for ``%d``, ``%x``, ``%f``...).
_SHOWN_AS_IS = frozenset({int, float, bool, str, type(None), decimal.Decimal})


def _shown_args(ctx: RunContext, args: Any) -> Any:
    """The right operand of ``fmt % args`` with every value Python would print its own way
    (containers, records, views...) standing for itself as Seglam prints it: a set in the
    fixed order at any depth, for ``%s``, ``%r``, ``%a`` and ``%(key)s`` alike."""
    if type(args) is tuple:
        return tuple(_shown(ctx, a) for a in args)
    if isinstance(args, dict):
        return _ShownMapping(ctx, args)
    return _shown(ctx, args)


def _shown(ctx: RunContext, value: Any) -> Any:
    ctx.spend(decimalwork.pass_cost(value))  # %s, %f... of a Decimal read its digits
    if type(value) in _SHOWN_AS_IS or isinstance(value, (enum.Enum, datetime.date, datetime.timedelta)):
        return value
    return _Shown(ctx, value)


class _Shown:
    """One ``%`` argument whose ``str``/``repr`` are :func:`seglam_str`/:func:`seglam_repr`
    (``%a`` escapes the latter, as Python's ``ascii`` does)."""

    __slots__ = ("_ctx", "_value")

    def __init__(self, ctx: RunContext, value: Any) -> None:
        self._ctx = ctx
        self._value = value

    def __str__(self) -> str:
        return seglam_str(self._ctx, self._value)

    def __repr__(self) -> str:
        return seglam_repr(self._ctx, self._value)


class _ShownMapping(_Shown):
    """A dict right operand: ``%(key)s`` reads its items (shown as :class:`_Shown`), and a
    plain ``%s`` prints the whole dict, as Python's ``%`` does with a mapping."""

    __slots__ = ()

    def __getitem__(self, key: Any) -> Any:
        return _shown(self._ctx, self._value[key])


# ---- str methods ------------------------------------------------------------------------------


def _linear(name: str):
    method = getattr(str, name)

    def impl(ctx: RunContext, s: str, *args):
        ctx.fuel -= 1 + len(s) // BULK_UNIT  # ctx.charge(len(s)), inline: str methods run very often
        if ctx.fuel < 0:
            ctx.out_of_fuel()
        return method(s, *args)

    impl.__name__ = name
    return impl


def strip_work(s: str, chars: Any = None) -> int:
    """The extra fuel of ``s.strip(chars)`` (``lstrip``, ``rstrip``): each character of ``s``
    may be looked up in ``chars`` (:func:`seglam.run.cost.strip`); 0 without ``chars``."""
    return 0 if type(chars) is not str else cost.strip(len(s), len(chars))


def _stripping(name: str):
    """strip/lstrip/rstrip: the linear charge for ``s``, then :func:`strip_work`, then the call."""
    method = getattr(str, name)

    def impl(ctx: RunContext, s: str, *args):
        ctx.fuel -= 1 + len(s) // BULK_UNIT  # ctx.charge(len(s)), inline
        if ctx.fuel < 0:
            ctx.out_of_fuel()
        if args:
            ctx.spend(strip_work(s, *args))
        return method(s, *args)

    impl.__name__ = name
    return impl


def _growing(name: str):
    """Methods whose result may be longer than the receiver (upper of 'ß' is 'SS')."""
    method = getattr(str, name)

    def impl(ctx: RunContext, s: str, *args):
        ctx.fuel -= 1 + len(s) // BULK_UNIT  # ctx.charge(len(s)), inline
        if ctx.fuel < 0:
            ctx.out_of_fuel()
        out = method(s, *args)
        return out if len(out) <= ctx.max_str_len else ctx.check_str(out)

    impl.__name__ = name
    return impl


def _padding(name: str):
    method = getattr(str, name)

    def impl(ctx: RunContext, s: str, width: int, *args):
        if width > ctx.max_str_len:
            raise ctx.str_fault(width)
        n = len(s)
        ctx.fuel -= 1 + (n if n > width else width) // BULK_UNIT  # ctx.charge(max(len(s), width)), inline
        if ctx.fuel < 0:
            ctx.out_of_fuel()
        return method(s, width, *args)

    impl.__name__ = name
    return impl


def str_split(ctx: RunContext, s: str, sep: str | None = None, maxsplit: int = -1) -> list[str]:
    ctx.charge(len(s))
    out = s.split(sep, maxsplit)
    ctx.check_len(len(out))
    return out


def str_rsplit(ctx: RunContext, s: str, sep: str | None = None, maxsplit: int = -1) -> list[str]:
    ctx.charge(len(s))
    out = s.rsplit(sep, maxsplit)
    ctx.check_len(len(out))
    return out


def str_splitlines(ctx: RunContext, s: str, keepends: bool = False) -> list[str]:
    ctx.charge(len(s))
    out = s.splitlines(keepends)
    ctx.check_len(len(out))
    return out


def str_join(ctx: RunContext, sep: str, items: Any) -> str:
    items = collect(ctx, items) if not isinstance(items, (list, tuple)) else items
    n = len(items)
    total = len(sep) * max(n - 1, 0)
    for item in items:
        if type(item) is not str:
            if item is None:  # a regex group that took no part, typed str: as CPython's TypeError
                raise none_used()
            raise Fault("F-VALUE", f"join: expected str items, got {type(item).__name__}")
        total += len(item)
    if total > ctx.max_str_len:
        raise ctx.str_fault(total)
    ctx.charge(total + n)
    return sep.join(items)


def str_replace(ctx: RunContext, s: str, old: str, new: str, count: int = -1) -> str:
    ctx.charge(len(s))
    if len(new) > len(old):
        hits = s.count(old) if old else len(s) + 1
        if count >= 0:
            hits = min(hits, count)
        total = len(s) + hits * (len(new) - len(old))
        if total > ctx.max_str_len:
            raise ctx.str_fault(total)
        ctx.spend((total - len(s)) // BULK_UNIT)  # the result's length, beyond len(s)
    return s.replace(old, new, count)


def str_expandtabs(ctx: RunContext, s: str, tabsize: int = 8) -> str:
    total = len(s) + s.count("\t") * max(tabsize, 0)
    if total > ctx.max_str_len:
        raise ctx.str_fault(total)
    ctx.charge(total)
    return s.expandtabs(tabsize)


def str_format_method(ctx: RunContext, s: str, *args, **kwargs) -> str:
    return str_format(ctx, s, *args, **kwargs)


def str_maketrans(ctx: RunContext, *args: Any) -> dict:
    """``str.maketrans(x, y[, z])`` or ``str.maketrans(mapping)``: charged for the characters
    (or items) it reads, as the linear methods are; the table is capped as a collection."""
    ctx.charge(sum(len(a) for a in args))
    table = str.maketrans(*args)
    ctx.check_len(len(table))
    return table


def str_translate(ctx: RunContext, s: str, table: dict) -> str:
    """``s.translate(table)``, CPython's own: the linear charge for ``s`` (a lookup per
    character), then for the table (read for its longest replacement, which bounds the result
    before it is made). A result that may pass the string cap is made a piece at a time, each
    piece charged for its result (as ``join`` is), so one too long faults before it is all
    made."""
    ctx.charge(len(s))
    if type(table) is collections.defaultdict:
        # CPython asks the table for each character and a defaultdict makes the missing
        # ones: made here first, in the order CPython makes them, charged as reads are
        for c in dict.fromkeys(s):
            getitem(ctx, table, ord(c))
    ctx.charge(len(table))
    longest = max(1, max(map(len, filter(str.__instancecheck__, table.values())), default=1))
    if len(s) * longest <= ctx.max_str_len:
        return s.translate(table)
    step = max(1, ctx.max_str_len // longest)
    pieces: list[str] = []
    total = 0
    for start in range(0, len(s), step):
        piece = s[start:start + step].translate(table)
        ctx.charge(len(piece))
        total += len(piece)
        if total > ctx.max_str_len:
            raise ctx.str_fault(total)
        pieces.append(piece)
    return "".join(pieces)


#: ``str`` methods implemented as "charge len(s), then call": the one list, read by the compiled
#: backend's inline forms too (seglam.run.codegen.inline).
LINEAR_STR_METHODS = frozenset({
    "count", "endswith", "find", "index", "isalnum", "isalpha", "isascii", "isdecimal",
    "isdigit", "isidentifier", "islower", "isnumeric", "isprintable", "isspace",
    "istitle", "isupper", "lstrip", "partition", "removeprefix", "removesuffix",
    "rfind", "rindex", "rpartition", "rstrip", "startswith", "strip",
})
#: ... of those, the ones charged :func:`strip_work` too (after the linear charge, before the call)
STRIP_STR_METHODS = frozenset({"strip", "lstrip", "rstrip"})
#: ... "charge len(s), call, then cap the result's length".
GROWING_STR_METHODS = frozenset({"capitalize", "casefold", "lower", "swapcase", "title", "upper"})
#: "fault past the cap, charge max(len(s), width), call" (_padding)
PADDING_STR_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})

STR_METHODS: dict[str, Any] = {name: _linear(name) for name in sorted(LINEAR_STR_METHODS)}
STR_METHODS.update({name: _stripping(name) for name in sorted(STRIP_STR_METHODS)})
STR_METHODS.update({name: _growing(name) for name in sorted(GROWING_STR_METHODS)})
STR_METHODS.update({name: _padding(name) for name in sorted(PADDING_STR_METHODS)})
STR_METHODS.update(
    split=str_split, rsplit=str_rsplit, splitlines=str_splitlines, join=str_join,
    replace=str_replace, expandtabs=str_expandtabs, format=str_format_method,
    translate=str_translate,
)
