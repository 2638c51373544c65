"""The allowed standard-library module members: ``math``, ``itertools``, ``functools``,
``re`` (on RE2), ``datetime``, ``decimal``, ``dataclasses``, ``collections``, ``heapq``,
``bisect``, ``statistics``, ``string``, ``operator``.

:data:`MODULE_FUNCTIONS` maps a qualified name (``"math.sqrt"``,
``"datetime.date.fromisoformat"``) to ``impl(ctx, *args, **kwargs)``;
:data:`MODULE_CONSTANTS` maps a qualified name (``"math.pi"``, ``"re.IGNORECASE"``) to its
value.

Regular expressions run on RE2 (``google-re2``): linear time. Differences from Python's
``re`` (documented for SPEC.md): no backreferences inside patterns, no lookaround
(``(?=``, ``(?<=`` ...), no possessive/atomic groups, no ``re.VERBOSE``; ``\\d``, ``\\w``,
``\\s`` and ``\\b`` are ASCII-only; ``$`` without ``re.MULTILINE`` matches only at the very
end (Python also matches before a final newline); ``\\Z`` is accepted and means ``\\z``.
A pattern built at run time that RE2 rejects faults with ``F-REGEX``.
"""

from __future__ import annotations

import bisect
import collections
import dataclasses
import datetime
import decimal
import functools
import heapq
import itertools
import math
import operator
import re as _pyre
import statistics
import string
from typing import Any, Callable

from seglam.run import cost, decimalwork
from seglam.run.context import BULK_UNIT, RunContext
from seglam.run.regexcache import ProgramPatterns
from seglam.run.faults import Fault
from seglam.run.ordering import iterate
from seglam.run.stdlib_core import Metered, collect, compare_charged_key, keys_cost, size_of, sized
from seglam.run.values import FROZEN_TYPES, frozen_fault, is_record
from seglam.syntax import ast as A

try:
    import re2 as _re2
except ImportError:  # pragma: no cover
    _re2 = None

#: The type of an RE2 match object (None without RE2): the runtime's method and attribute tables key on it.
MATCH_TYPE: type | None = _re2._Match if _re2 is not None else None


def metered(ctx: RunContext, it: Any) -> Any:
    """Meter an unsized input so no C-level loop can spin without charging fuel."""
    if size_of(it) is not None or not hasattr(type(it), "__iter__") or isinstance(it, Metered):
        return iterate(ctx, it)
    return Metered(ctx, it)


# ---- math -----------------------------------------------------------------------------------------


def _log2_gamma(n: int) -> float:
    return math.lgamma(n + 1) / math.log(2) if n > 0 else 0.0


def _log2_falling(n: int, k: int) -> float:
    """A lower bound (within a bit or two) of ``log2(n! / (n - k)!)`` for ``0 <= k <= n``,
    also for ``n`` too large for a float: then each of the ``k`` factors has at least
    ``bit_length(n) - 2`` bits."""
    if n.bit_length() < 1000:
        return _log2_gamma(n) - _log2_gamma(n - k)
    return k * (n.bit_length() - 2.0)


def math_factorial(ctx: RunContext, n: int) -> int:
    if n >= 0 and _log2_gamma(n) > ctx.max_int_bits:
        raise ctx.int_bits_fault(int(_log2_gamma(n)))
    ctx.charge(max(n, 0))
    if n > 0:
        ctx.spend(cost.product_of_range(n, n.bit_length()))
    return math.factorial(n)


def math_comb(ctx: RunContext, n: int, k: int) -> int:
    if 0 <= k <= n and n > 0:
        j = min(k, n - k)
        if j > 2 * ctx.max_int_bits + 4:  # C(n, j) >= 2**j for j <= n / 2
            raise ctx.int_bits_fault(j)
        bits = _log2_falling(n, j) - _log2_gamma(j)
        if bits > ctx.max_int_bits + 2:
            raise ctx.int_bits_fault(int(bits))
        ctx.charge(j)
        ctx.spend(cost.product_of_range(j, n.bit_length()))
    return ctx.check_int(math.comb(n, k))


def math_perm(ctx: RunContext, n: int, k: int | None = None) -> int:
    kk = n if k is None else k
    if 0 <= kk <= n and n > 0:
        if kk > ctx.max_int_bits + 2:  # P(n, k) >= k! >= 2**(k - 1)
            raise ctx.int_bits_fault(kk)
        bits = _log2_falling(n, kk)
        if bits > ctx.max_int_bits + 2:
            raise ctx.int_bits_fault(int(bits))
        ctx.charge(kk)
        ctx.spend(cost.product_of_range(kk, n.bit_length()))
    return ctx.check_int(math.perm(n, k))


def math_prod(ctx: RunContext, items: Any, *, start: Any = 1) -> Any:
    items = sized(ctx, items)
    result = start
    for x in items:
        if type(result) is int and type(x) is int:
            if result.bit_length() + x.bit_length() > ctx.max_int_bits + 1:
                raise ctx.int_bits_fault(result.bit_length() + x.bit_length())
            ctx.spend(cost.mul(abs(result).bit_length(), abs(x).bit_length()))
        result = result * x
    return ctx.check_int(result)


def _integral(fn: Callable) -> Callable:
    """floor/ceil/trunc: a Decimal like 1E+100000 would make a 330 000-bit int."""
    def impl(ctx: RunContext, x: Any) -> int:
        if isinstance(x, decimal.Decimal):
            return decimalwork.to_int(ctx, x, fn)
        return ctx.check_int(fn(x))  # a float's int, size-checked as int(x) is

    impl.__name__ = fn.__name__
    return impl


def math_lcm(ctx: RunContext, *xs: int) -> int:
    result = 1
    for x in xs:
        if type(x) is int:
            big = max(abs(result).bit_length(), abs(x).bit_length())
            ctx.spend(cost.gcd(big, big) + cost.mul(big, big))
        result = ctx.check_int(math.lcm(result, x))
    return result


def math_gcd(ctx: RunContext, *xs: int) -> int:
    if all(type(x) is int for x in xs):
        ctx.spend(sum(cost.gcd(abs(x).bit_length(), abs(x).bit_length()) for x in xs))
    return math.gcd(*xs)


def math_isqrt(ctx: RunContext, n: int) -> int:
    if type(n) is int:
        ctx.spend(cost.isqrt(abs(n).bit_length()))
    return math.isqrt(n)


def math_fsum(ctx: RunContext, items: Any) -> float:
    return math.fsum(sized(ctx, items))


def math_dist(ctx: RunContext, p: Any, q: Any) -> float:
    ctx.charge(len(p))
    return math.dist(p, q)


def _plain(fn: Callable) -> Callable:
    def impl(ctx: RunContext, *args, **kwargs):
        return fn(*args, **kwargs)

    impl.__name__ = getattr(fn, "__name__", "impl")
    return impl


_MATH_PLAIN = (
    "sqrt", "log", "log2", "log10", "log1p", "exp",
    "expm1", "pow", "fabs", "copysign", "isnan", "isinf", "isfinite", "isclose", "hypot",
    "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "degrees",
    "radians", "modf", "fmod", "remainder", "frexp", "ldexp",
)


# ---- itertools --------------------------------------------------------------------------------------


def _metered_output(fn: Callable) -> Callable:
    def impl(ctx: RunContext, *args, **kwargs):
        args = tuple(metered(ctx, a) for a in args)
        return Metered(ctx, fn(*args, **kwargs))

    impl.__name__ = fn.__name__
    return impl


def _tuple_output(fn: Callable, longer_than_pool_is_empty: bool = True) -> Callable:
    """permutations/combinations: each item is a tuple of ``r`` elements, charged as such.
    CPython allocates ``r`` indexes when the iterator is made, before the first item (even
    when there is none): ``r`` is checked against ``max_collection_len`` (each item has ``r``
    elements) and charged in bulk first, and an iterator that makes nothing (``r`` past the
    pool's length for permutations and combinations, an empty pool for
    combinations_with_replacement) is made without them."""
    def impl(ctx: RunContext, iterable: Any, r: int | None = None):
        pool = collect(ctx, iterable)
        width = len(pool) if r is None else max(r, 0)
        if r is not None and r > 0:
            if (r > len(pool)) if longer_than_pool_is_empty else not pool:
                return Metered(ctx, (), width)
            ctx.check_len(r)
            ctx.spend(r // BULK_UNIT)
        return Metered(ctx, fn(pool) if r is None else fn(pool, r), width)

    impl.__name__ = fn.__name__
    return impl


def it_product(ctx: RunContext, *iterables: Any, repeat: int = 1) -> Metered:
    """CPython makes the ``repeat`` copies of the pools (``len(pools) * repeat`` of them) when
    the iterator is made: each item has that many elements, so that is checked against
    ``max_collection_len`` and charged in bulk first; with an empty pool nothing is made."""
    pools = [collect(ctx, it) for it in iterables]
    width = len(pools) * max(repeat, 0)
    if repeat > 0 and not all(pools):
        return Metered(ctx, (), width)
    ctx.check_len(width)
    ctx.spend(width // BULK_UNIT)
    return Metered(ctx, itertools.product(*pools, repeat=repeat), width)


def it_zip_longest(ctx: RunContext, *iterables: Any, fillvalue: Any = None) -> Metered:
    return Metered(ctx, itertools.zip_longest(*(metered(ctx, i) for i in iterables), fillvalue=fillvalue), len(iterables))


def it_repeat(ctx: RunContext, value: Any, times: int | None = None) -> Metered:
    return Metered(ctx, itertools.repeat(value) if times is None else itertools.repeat(value, times))


def it_accumulate(ctx: RunContext, iterable: Any, func: Callable | None = None, *, initial: Any = None) -> Metered:
    if func is None:
        def add(a, b):
            return ctx.check_int(a + b)
        func = add
    return Metered(ctx, itertools.accumulate(metered(ctx, iterable), func, initial=initial))


def it_groupby(ctx: RunContext, iterable: Any, key: Callable | None = None) -> Metered:
    """Each key (each item, without ``key=``) is compared with the group's: charged as
    it is made (``compare_charged_key``)."""
    charged = compare_charged_key(ctx, key if key is not None else _itself)
    return Metered(ctx, itertools.groupby(metered(ctx, iterable), charged))


def _itself(item: Any) -> Any:
    return item


def it_chain_from_iterable(ctx: RunContext, iterables: Any) -> Metered:
    return Metered(ctx, itertools.chain.from_iterable(metered(ctx, i) for i in metered(ctx, iterables)))


def it_chain(ctx: RunContext, *iterables: Any) -> Metered:
    return Metered(ctx, itertools.chain(*(metered(ctx, i) for i in iterables)))


# ---- string -------------------------------------------------------------------------------------------


def string_capwords(ctx: RunContext, s: str, sep: str | None = None) -> str:
    """``string.capwords(s, sep)``: split, capitalize each word, join: charged as the linear
    str methods are, and capped afterwards as ``capitalize`` is (``'ß'`` becomes ``'Ss'``)."""
    ctx.charge(len(s))
    return ctx.check_str(string.capwords(s, sep))


# ---- functools, operator -----------------------------------------------------------------------------


def ft_reduce(ctx: RunContext, fn: Callable, iterable: Any, *initial: Any) -> Any:
    return functools.reduce(fn, metered(ctx, iterable), *initial)


def ft_cmp_to_key(ctx: RunContext, fn: Callable) -> Any:
    return functools.cmp_to_key(fn)


# ---- re (RE2) ---------------------------------------------------------------------------------------

IGNORECASE = int(_pyre.IGNORECASE)
MULTILINE = int(_pyre.MULTILINE)
DOTALL = int(_pyre.DOTALL)
VERBOSE = int(_pyre.VERBOSE)
ASCII = int(_pyre.ASCII)


def compile_regex(pattern: str, flags: int = 0) -> Any:
    """Compile ``pattern`` with RE2 (Python's flags become inline flags). Raises the RE2
    error (``F-REGEX``) for a pattern RE2 rejects. Backends call this at preparation time
    for literal patterns."""
    if flags & VERBOSE:
        raise Fault("F-REGEX", "re.VERBOSE is not supported (RE2)")
    inline = "".join(letter for flag, letter in ((IGNORECASE, "i"), (MULTILINE, "m"), (DOTALL, "s")) if flags & flag)
    text = pattern.replace("\\Z", "\\z") if "\\Z" in pattern else pattern
    if inline:
        text = f"(?{inline}){text}"
    options = _re2.Options()
    options.log_errors = False
    try:
        return _re2.compile(text, options)
    except _re2.error as error:
        raise Fault("F-REGEX", f"invalid regular expression {pattern!r}: {error}") from None


class CompiledPattern:
    """The value of ``re.compile(pattern, flags)``: the source text (``.pattern``) and the
    RE2 object (never exposed to programs)."""

    __slots__ = ("pattern", "flags", "regex")

    def __init__(self, pattern: str, flags: int, compiled: Any) -> None:
        self.pattern = pattern
        self.flags = flags
        self.regex = compiled

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, CompiledPattern) and (self.pattern, self.flags) == (other.pattern, other.flags)

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))

    def __repr__(self) -> str:
        return f"re.compile({self.pattern!r})" if not self.flags else f"re.compile({self.pattern!r}, {self.flags})"


_RE_FUNCS = frozenset({"search", "match", "fullmatch", "findall", "finditer", "split", "sub", "subn", "compile"})


def precompile_patterns(checked: Any) -> ProgramPatterns:
    """Compile every literal pattern of ``re.<func>("...")`` calls once per backend. Both
    backends call this when they prepare a program, so a run is charged the same fuel on
    either (a pattern compiled at run time is charged by :func:`regex`)."""
    re_names = {local for local, qual in checked.imports.items() if qual == "re"}
    direct = {local: qual.split(".", 1)[1] for local, qual in checked.imports.items()
              if qual.startswith("re.") and qual.split(".", 1)[1] in _RE_FUNCS}
    out: dict = {}
    for node in A.walk(checked.module):
        if type(node) is not A.Call or not node.args or type(node.args[0]) is not A.Constant:
            continue
        pattern = node.args[0].value
        if not isinstance(pattern, str):
            continue
        f = node.func
        if (type(f) is A.Attribute and type(f.value) is A.Name and f.value.id in re_names and f.attr in _RE_FUNCS) \
                or (type(f) is A.Name and f.id in direct):
            try:
                out[(pattern, 0)] = compile_regex(pattern, 0)
            except Fault:
                pass  # faults with F-REGEX when (and if) it runs
    return ProgramPatterns(out)


def regex(ctx: RunContext, pattern: Any, flags: int = 0) -> Any:
    """The compiled RE2 object for ``pattern``: precompiled ones from the backend first,
    then the run's cache (:class:`seglam.run.regexcache.RegexCache`), else compiled now and
    charged for the pattern's length before and for the program it built
    (:func:`seglam.run.cost.regex_compile`) right after: RE2's ``max_mem`` (8 MiB) bounds
    the work done before that charge."""
    if type(pattern) is CompiledPattern:
        return pattern.regex
    key = (pattern, flags)
    got = ctx.patterns.literal.get(key) or ctx.run_regexes.get(key)
    if got is None:
        ctx.charge(len(pattern))
        got = ctx.patterns.remembered(key)
        if got is None:
            got = compile_regex(pattern, flags)
            ctx.patterns.remember(key, got)
        ctx.spend(cost.regex_compile(got.programsize))
        ctx.run_regexes.put(key, got)
    return got


def searcher(ctx: RunContext, pattern: Any, flags: int, string: str) -> Any:
    """The compiled RE2 object for ``pattern`` (:func:`regex`), after charging the search of
    ``string`` with it (:func:`seglam.run.cost.regex`: its length times the program's
    instructions past the free ones), before the search."""
    compiled = regex(ctx, pattern, flags)
    ctx.spend(cost.regex(len(string), getattr(compiled, "programsize", 0)))
    return compiled


def re_search(ctx, pattern, string, flags=0):
    ctx.charge(len(string))
    return searcher(ctx, pattern, flags, string).search(string)


def re_match(ctx, pattern, string, flags=0):
    ctx.charge(len(string))
    return searcher(ctx, pattern, flags, string).match(string)


def re_fullmatch(ctx, pattern, string, flags=0):
    ctx.charge(len(string))
    return searcher(ctx, pattern, flags, string).fullmatch(string)


def re_findall(ctx, pattern, string, flags=0):
    ctx.charge(len(string))
    out = searcher(ctx, pattern, flags, string).findall(string)
    ctx.check_len(len(out))
    return out


def re_finditer(ctx, pattern, string, flags=0):
    ctx.charge(len(string))
    return Metered(ctx, searcher(ctx, pattern, flags, string).finditer(string))


def re_split(ctx, pattern, string, maxsplit=0, flags=0):
    ctx.charge(len(string))
    out = searcher(ctx, pattern, flags, string).split(string, maxsplit)
    ctx.check_len(len(out))
    return out


def _capped_repl(ctx: RunContext, repl: Any, total: list) -> Callable:
    def replace(m):
        r = repl(m) if callable(repl) else m.expand(repl)
        total[0] += len(r)
        if total[0] > ctx.max_str_len:
            raise ctx.str_fault(total[0])
        return r

    return replace


def re_subn(ctx, pattern, repl, string, count=0, flags=0):
    s = string
    ctx.charge(len(s))
    total = [len(s)]
    if isinstance(repl, str) and "\\" not in repl:
        plain = repl
        repl = lambda m: plain  # noqa: E731 - no template escapes to expand
    return searcher(ctx, pattern, flags, s).subn(_capped_repl(ctx, repl, total), s, count)


def re_sub(ctx, pattern, repl, string, count=0, flags=0):
    return re_subn(ctx, pattern, repl, string, count, flags)[0]


def re_compile(ctx, pattern, flags=0):
    return CompiledPattern(pattern, flags, regex(ctx, pattern, flags))


def re_escape(ctx, pattern):
    ctx.charge(len(pattern))
    return ctx.check_str(_pyre.escape(pattern))


def _pattern_method(fn: Callable) -> Callable:
    def impl(ctx, compiled, *args, **kwargs):
        return fn(ctx, compiled, *args, **kwargs)

    impl.__name__ = fn.__name__
    return impl


#: Methods of a compiled pattern (``re.compile(...)``): same implementations, receiver first.
PATTERN_METHODS: dict[str, Callable] = {
    "search": lambda ctx, p, string: re_search(ctx, p, string),
    "match": lambda ctx, p, string: re_match(ctx, p, string),
    "fullmatch": lambda ctx, p, string: re_fullmatch(ctx, p, string),
    "findall": lambda ctx, p, string: re_findall(ctx, p, string),
    "finditer": lambda ctx, p, string: re_finditer(ctx, p, string),
    "split": lambda ctx, p, string, maxsplit=0: re_split(ctx, p, string, maxsplit),
    "sub": lambda ctx, p, repl, string, count=0: re_sub(ctx, p, repl, string, count),
    "subn": lambda ctx, p, repl, string, count=0: re_subn(ctx, p, repl, string, count),
}


def _match_method(name: str) -> Callable:
    def impl(ctx, m, *args):
        return getattr(m, name)(*args)

    impl.__name__ = name
    return impl


MATCH_METHODS: dict[str, Callable] = {
    n: _match_method(n) for n in ("group", "groups", "groupdict", "start", "end", "span", "expand")
}
MATCH_ATTRIBUTES = frozenset({"string", "lastindex", "lastgroup", "pos", "endpos"})


# ---- datetime, decimal, dataclasses ---------------------------------------------------------------


def dt_date(ctx, year, month, day):
    return datetime.date(year, month, day)


def dt_timedelta(ctx, days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0):
    return datetime.timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks)


def iso_date(s: str) -> datetime.date | None:
    """The date written ``YYYY-MM-DD`` (exactly: ASCII digits), or None. Python 3.10's
    ``date.fromisoformat`` on every host: 3.11's also takes ``20240102`` and week dates."""
    if len(s) != 10 or s[4] != "-" or s[7] != "-" or not all(c in "0123456789" for c in s[:4] + s[5:7] + s[8:]):
        return None
    try:
        return datetime.date.fromisoformat(s)
    except ValueError:  # a month or day out of range
        return None


def dt_fromisoformat(ctx, s):
    ctx.charge(len(s))
    d = iso_date(s)
    if d is None:
        raise Fault("F-VALUE", f"Invalid isoformat string: {s[:40]!r}")
    return d


def dt_fromordinal(ctx, n):
    return datetime.date.fromordinal(n)


def dec_decimal(ctx, value="0"):
    if isinstance(value, str):
        ctx.charge(len(value))
    return decimal.Decimal(value)


def dc_replace(ctx, obj, **changes):
    if not is_record(obj):
        raise Fault("F-VALUE", "dataclasses.replace() needs a record")
    return dataclasses.replace(obj, **changes)


# ---- collections, heapq, bisect, statistics ------------------------------------------------------


def col_counter(ctx, iterable=()):
    items = iterable if isinstance(iterable, dict) else collect(ctx, iterable)
    ctx.charge(len(items))
    ctx.spend(keys_cost(ctx, items))
    return collections.Counter(items)


def counter_most_common(ctx, c, n=None):
    ctx.charge(len(c))
    return c.most_common(n)


def counter_total(ctx, c):
    ctx.charge(len(c))
    return c.total()


def _counted(method: Callable) -> Callable:
    """``Counter.update`` and ``Counter.subtract`` of an iterable or a mapping: charged as
    ``dict.update`` is (the items collected, their count, the size check, each key hashed)."""
    name = method.__name__

    def impl(ctx, c, iterable=()):
        if type(c) in FROZEN_TYPES:
            raise frozen_fault("Counter", name)
        items = iterable if isinstance(iterable, dict) else collect(ctx, iterable)
        ctx.charge(len(items))
        ctx.check_len(len(c) + len(items))
        ctx.spend(keys_cost(ctx, items))
        method(c, items)

    impl.__name__ = name
    return impl


def counter_elements(ctx, c):
    """Each key as often as its count (a count below one: never), one step per item."""
    return Metered(ctx, c.elements())


COUNTER_METHODS: dict[str, Callable] = {
    "most_common": counter_most_common, "total": counter_total, "update": _counted(collections.Counter.update),
    "subtract": _counted(collections.Counter.subtract), "elements": counter_elements,
}


def _refuse_frozen_list(xs: Any, name: str) -> None:
    if type(xs) in FROZEN_TYPES:
        raise frozen_fault("list", name)


def hq_heappush(ctx, heap, item):
    _refuse_frozen_list(heap, "heappush")
    if len(heap) >= ctx.max_collection_len:
        raise ctx.len_fault(len(heap) + 1)
    heapq.heappush(heap, item)


def hq_heappop(ctx, heap):
    _refuse_frozen_list(heap, "heappop")
    return heapq.heappop(heap)


def hq_heapify(ctx, heap):
    _refuse_frozen_list(heap, "heapify")
    ctx.charge(len(heap))
    heapq.heapify(heap)


def hq_heappushpop(ctx, heap, item):
    _refuse_frozen_list(heap, "heappushpop")
    return heapq.heappushpop(heap, item)


def hq_heapreplace(ctx, heap, item):
    _refuse_frozen_list(heap, "heapreplace")
    return heapq.heapreplace(heap, item)


def hq_nlargest(ctx, n, iterable, key=None):
    return heapq.nlargest(n, sized(ctx, iterable), key=key)


def hq_nsmallest(ctx, n, iterable, key=None):
    return heapq.nsmallest(n, sized(ctx, iterable), key=key)


def bs_insort(ctx, a, x, lo=0, hi=None, *, key=None):
    _refuse_frozen_list(a, "insort")
    if len(a) >= ctx.max_collection_len:
        raise ctx.len_fault(len(a) + 1)
    ctx.charge(len(a))
    bisect.insort(a, x, lo, len(a) if hi is None else hi, key=key)


def _bisect(fn: Callable) -> Callable:
    def impl(ctx, a, x, lo=0, hi=None, *, key=None):
        return fn(a, x, lo, len(a) if hi is None else hi, key=key)

    impl.__name__ = fn.__name__
    return impl


def _stat(fn: Callable) -> Callable:
    def impl(ctx, data, *args):
        data = collect(ctx, data)
        ctx.charge(len(data))
        return fn(data, *args)

    impl.__name__ = fn.__name__
    return impl


def _op(fn: Callable) -> Callable:
    return fn  # replaced by stdlib.py with the capped operator implementations


MODULE_FUNCTIONS: dict[str, Callable] = {}
MODULE_FUNCTIONS.update({f"math.{n}": _plain(getattr(math, n)) for n in _MATH_PLAIN})
MODULE_FUNCTIONS.update({
    "math.factorial": math_factorial, "math.comb": math_comb, "math.perm": math_perm,
    "math.prod": math_prod, "math.floor": _integral(math.floor), "math.ceil": _integral(math.ceil),
    "math.trunc": _integral(math.trunc), "math.lcm": math_lcm, "math.gcd": math_gcd,
    "math.isqrt": math_isqrt, "math.fsum": math_fsum, "math.dist": math_dist,
    "itertools.permutations": _tuple_output(itertools.permutations),
    "itertools.combinations": _tuple_output(itertools.combinations),
    "itertools.combinations_with_replacement": _tuple_output(itertools.combinations_with_replacement, False),
    "itertools.product": it_product,
    "itertools.accumulate": it_accumulate,
    "itertools.chain": it_chain,
    "itertools.chain.from_iterable": it_chain_from_iterable,
    "itertools.groupby": it_groupby,
    "itertools.islice": _metered_output(itertools.islice),
    "itertools.pairwise": _metered_output(itertools.pairwise),
    "itertools.zip_longest": it_zip_longest,
    "itertools.starmap": _metered_output(itertools.starmap),
    "itertools.takewhile": _metered_output(itertools.takewhile),
    "itertools.dropwhile": _metered_output(itertools.dropwhile),
    "itertools.filterfalse": _metered_output(itertools.filterfalse),
    "itertools.compress": _metered_output(itertools.compress),
    "itertools.count": _metered_output(itertools.count),
    "itertools.cycle": _metered_output(itertools.cycle),
    "itertools.repeat": it_repeat,
    "string.capwords": string_capwords,
    "functools.reduce": ft_reduce,
    "functools.cmp_to_key": ft_cmp_to_key,
    "re.search": re_search, "re.match": re_match, "re.fullmatch": re_fullmatch,
    "re.findall": re_findall, "re.finditer": re_finditer, "re.split": re_split,
    "re.sub": re_sub, "re.subn": re_subn, "re.compile": re_compile, "re.escape": re_escape,
    "datetime.date": dt_date, "datetime.timedelta": dt_timedelta,
    "datetime.date.fromisoformat": dt_fromisoformat, "datetime.date.fromordinal": dt_fromordinal,
    "decimal.Decimal": dec_decimal,
    "dataclasses.replace": dc_replace,
    "collections.Counter": col_counter,
    "heapq.heappush": hq_heappush, "heapq.heappop": hq_heappop, "heapq.heapify": hq_heapify,
    "heapq.heappushpop": hq_heappushpop, "heapq.heapreplace": hq_heapreplace,
    "heapq.nlargest": hq_nlargest, "heapq.nsmallest": hq_nsmallest,
    "bisect.bisect_left": _bisect(bisect.bisect_left), "bisect.bisect_right": _bisect(bisect.bisect_right),
    "bisect.bisect": _bisect(bisect.bisect_right), "bisect.insort": bs_insort,
    "bisect.insort_right": bs_insort,
})
MODULE_FUNCTIONS.update({
    f"statistics.{n}": _stat(getattr(statistics, n))
    for n in ("mean", "fmean", "median", "median_low", "median_high", "mode", "multimode",
              "stdev", "pstdev", "variance", "pvariance")
})

MODULE_CONSTANTS: dict[str, Any] = {
    "math.pi": math.pi, "math.e": math.e, "math.tau": math.tau, "math.inf": math.inf, "math.nan": math.nan,
    "re.IGNORECASE": IGNORECASE, "re.I": IGNORECASE, "re.MULTILINE": MULTILINE, "re.M": MULTILINE,
    "re.DOTALL": DOTALL, "re.S": DOTALL, "re.ASCII": ASCII, "re.A": ASCII,
    "datetime.date.min": datetime.date.min, "datetime.date.max": datetime.date.max,
    "datetime.timedelta.min": datetime.timedelta.min, "datetime.timedelta.max": datetime.timedelta.max,
}
MODULE_CONSTANTS.update({f"decimal.{n}": getattr(decimal, n) for n in (
    "ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_HALF_DOWN", "ROUND_UP", "ROUND_DOWN",
    "ROUND_CEILING", "ROUND_FLOOR", "ROUND_05UP")})
MODULE_CONSTANTS.update({f"string.{n}": getattr(string, n) for n in (
    "ascii_lowercase", "ascii_uppercase", "ascii_letters", "digits", "hexdigits", "octdigits",
    "punctuation", "whitespace", "printable")})

_ = (operator, _pattern_method, _op)  # operator.* members are registered by stdlib.py
