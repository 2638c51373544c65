"""Inputs aimed at the boundaries where Seglam's values stop behaving like mathematics.

An obligation Z3 left ``unknown``, or proved only for ``len <= K``, is accepted only after a
run aimed at the places such proofs miss (see :mod:`.evidence`):

- lengths past the unrolling bound K (up to 2K + 4) and lengths the program names;
- ints the program names (and their neighbours), ints where floats lose precision
  (2**53 + 1), machine-word edges, shift and exponent sizes that pass the int limit;
- floats at their limits: 5e-324, the smallest normal, 1.7976931348623157e308, -0.0;
- Decimals at the 28-digit context: 1E+28, 28 nines, 1/3 rounded;
- characters whose case mapping changes length (İ ß ŉ ﬁ ΐ), digit-like characters that
  ``int()`` refuses (² ½ Ⅻ ①), unusual whitespace, combining marks, astral characters
  (U+1F600, past U+2FFFF, U+10FFFF), letters of non-English text (é ñ Ω ж 中) and a
  two-letter alphabet (so that substrings recur);
- the first and last dates.

:class:`Aim` holds the value pools for one module; :func:`candidates` lists the values a
deterministic sweep tries for a type, and :func:`aimed_strategy` mixes the same pools into
the Hypothesis strategies of :mod:`.strategies`.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from hypothesis import strategies as st

from seglam.syntax import ast as A
from seglam.verifier import typeview as T
from seglam.verifier.bounds import Bounds
from seglam.verifier.values import EnumLit, RecordLit
from seglam.verifier.view import ModuleView

#: Ints where arithmetic changes character: float precision, machine words, sizes.
INTS = (
    0, 1, -1, 2, 3, 7, 10, 100, 255, 256, 1000, 4096, 65535, 65536, 70000, 100_000, 10**6,
    2**31 - 1, 2**31, 2**32, 10**9 + 7, 2**53, 2**53 + 1, -(2**53 + 1), 10**16 + 1, 2**63 - 1,
    2**63, 2**64, 10**20 + 1, 2**100 + 1, 2**1024 + 1, -(2**1024 + 1),
)
FLOATS = (
    0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-200, 1e-16, 0.1, 0.3, 0.5, 1.0,
    -1.0, 3.0, 1 / 3, 2.0**53, 2.0**53 + 2, 1e16, 1e100, 1e300, 1e308, 1.7e308,
    1.7976931348623157e308, -1.7976931348623157e308,
)
DECIMALS = tuple(
    Decimal(x)
    for x in (
        "0", "1", "-1", "0.1", "3", "100", "1E+28", "1E+29", "1E+30", "-1E+28",
        "9999999999999999999999999999", "9.999999999999999999999999999",
        "0.3333333333333333333333333333", "1.000000000000000000000000001", "1E-28",
        "123456789.0123456789012345678", "5E+27", "-9999999999999999999999999999",
    )
)
#: Characters by what breaks on them.
CASE = ("İ", "ß", "ŉ", "ﬁ", "ΐ", "ǅ", "Σ", "ς", "K")  # K: KELVIN SIGN, lowercases to ASCII k
DIGITS = ("²", "³", "½", "٣", "Ⅻ", "①", "𝟘", "߃")
SPACES = ("\u00a0", "\u2028", "\u3000", "\t", "\n", "\x85")
MARKS = ("\u0301", "\u200d", "\ufeff")
ASTRAL = ("\U0001F600", "\U0002FFFF", "\U00030000", "\U000E0001", "\U0010FFFF", "\uffff")
PLAIN = ("a", "b", "A", "s", "S", "0", "1", "9", " ", ":", ",", ".", "-")
#: Letters of ordinary non-English text: accented Latin (precomposed), Greek, Cyrillic, CJK,
#: Arabic. Code that quietly handles ASCII only (a filter on ``ord(c)``, a table of a-z)
#: drops or mangles them without faulting.
LETTERS = ("é", "ñ", "ü", "ø", "à", "ç", "Å", "Ω", "ж", "中", "ع")
ALPHABET = CASE + DIGITS + SPACES + MARKS + ASTRAL + LETTERS + PLAIN
TINY = ("a", "b")  # two letters: prefixes, suffixes and repeats come up often
DATES = (
    date.min, date(1, 1, 2), date(1900, 2, 28), date(1900, 3, 1), date(2000, 2, 29),
    date(2024, 2, 29), date(2023, 12, 31), date(9999, 12, 1), date(9999, 12, 30), date.max,
)
#: The most values the sweep tries per parameter.
SWEEP_CAP = 48


@dataclass(frozen=True)
class Aim:
    """The value pools for one module's aimed run."""

    ints: tuple[int, ...]
    floats: tuple[float, ...]
    decimals: tuple[Decimal, ...]
    texts: tuple[str, ...]  # the program's own short string literals
    lengths: tuple[int, ...]  # lengths favoured for strings and collections
    max_len: int  # the longest aimed string or collection
    bound: int  # K, the unrolling bound the lengths reach past
    literals: tuple[int, ...]  # the ints the program names (for the report)

    def describe(self, types: set[str]) -> str:
        """What the run aimed at, for the parameter types in ``types``."""
        named = [n for n in self.lengths if n <= self.bound]
        parts = []
        if types & {"str", "collection"}:
            parts.append(f"lengths {self.bound + 1}..{self.max_len} (past K = {self.bound})" + (f" and {', '.join(map(str, named))}" if named else ""))
        if "int" in types:
            named = f", the program's ints {', '.join(map(str, self.literals[:6]))} and neighbours" if self.literals else ""
            parts.append(f"ints 2**53+1, 2**63, 2**64, 2**1024+1, shift sizes 70000 and 10**6{named}")
        if "float" in types:
            parts.append("floats 5e-324, 2.2e-308, 1.7976931348623157e308, -0.0")
        if "Decimal" in types:
            parts.append("Decimals at 28 digits (1E+28, 28 nines, 1/3 rounded)")
        if "str" in types:
            parts.append("case-changing characters (İ ß ŉ ﬁ), digit-like characters (² ½ Ⅻ), "
                         "Unicode whitespace, combining marks, astral characters (U+1F600, U+30000, U+10FFFF), "
                         "non-ASCII letters (é ñ Ω ж 中), a two-letter alphabet")
        if "date" in types:
            parts.append("dates 0001-01-01, 2000-02-29, 9999-12-31")
        return "; ".join(parts) or "the boundary values of its parameter types"


def aim_for(view: ModuleView, bound: int) -> Aim:
    """The pools for ``view``: the fixed boundaries plus the literals the module names."""
    ints: set[int] = set()
    floats: set[float] = set()
    decimals: set[Decimal] = set()
    texts: set[str] = set()
    for node in A.walk(view.module):
        if not isinstance(node, A.Constant):
            continue
        v = node.value
        if type(v) is int and abs(v) <= 10**12:
            ints.update((v - 1, v, v + 1))
        elif type(v) is float:
            floats.add(v)
        elif type(v) is str and len(v) <= 40:
            texts.add(v)
            try:
                d = Decimal(v)
            except (InvalidOperation, ValueError):
                continue
            if d.is_finite():
                decimals.add(d)
    named_ints = sorted(ints, key=lambda v: (abs(v), v))
    past = range(bound + 1, 2 * bound + 5)
    named = {n for n in ints if 0 <= n <= 64}
    lengths = tuple(sorted(set(past) | named))
    return Aim(
        ints=tuple(dict.fromkeys((*named_ints, *INTS))),
        floats=tuple(dict.fromkeys((*FLOATS, *sorted(floats)))),
        decimals=tuple(dict.fromkeys((*DECIMALS, *sorted(decimals)))),
        texts=tuple(sorted(texts)),
        lengths=lengths,
        max_len=max(lengths, default=2 * bound + 4),
        bound=bound,
        literals=tuple(sorted({v for v in ints if v - 1 in ints and v + 1 in ints}, key=abs)),
    )


# -- the deterministic sweep ---------------------------------------------------------------


def candidates(t, view: ModuleView, b: Bounds | None, aim: Aim, depth: int = 0) -> list:
    """Boundary values of type ``t`` within ``b`` (at most SWEEP_CAP; [] when none apply)."""
    b = b or Bounds()
    k = T.kind(t)
    if b.choices:
        return list(b.choices)[:SWEEP_CAP]
    if k == "PrimType":
        return _prim_candidates(t.name, b, aim)[:SWEEP_CAP]
    if depth >= 2:
        return []
    lo_len, hi_len = b.min_len or 0, b.max_len if b.max_len is not None else aim.max_len
    lengths = [n for n in (0, 1, 2, *aim.lengths) if lo_len <= n <= hi_len] or [lo_len]
    if k in ("ListType", "SetType") or (k == "TupleType" and t.variadic):
        elem = t.elem if k != "TupleType" else t.elems[0]
        items = candidates(elem, view, b.item, aim, depth + 1)
        if not items:
            return []
        out = []
        # Every length once (short ones twice, shifted), then one boundary value beside an
        # ordinary one ([1E+28, 1]).
        shapes = [[items[(i + shift) % len(items)] for i in range(n)] for n in lengths for shift in ((0, 1) if n <= 2 else (0,))]
        if lo_len <= 2 <= hi_len:
            shapes += [[v, w] for v in items[:12] for w in items[:2] if v != w]
        for xs in shapes:
            out.append(tuple(xs) if k == "TupleType" else set(xs) if k == "SetType" else xs)
        if k == "SetType":
            out = [s for s in out if lo_len <= len(s) <= hi_len]
        return out[:SWEEP_CAP]
    if k == "DictType":
        keys = candidates(t.key, view, None, aim, depth + 1)
        vals = candidates(t.value, view, None, aim, depth + 1)
        if not keys or not vals:
            return []
        out = []
        for n in lengths:
            d = {}
            for i in range(len(keys)):
                if len(d) == n:
                    break
                d.setdefault(keys[i], vals[i % len(vals)])
            if lo_len <= len(d) <= hi_len:
                out.append(d)
        return out[:SWEEP_CAP]
    if k == "TupleType":
        parts = [candidates(e, view, None, aim, depth + 1) for e in t.elems]
        if not all(parts):
            return []
        n = max(len(p) for p in parts)
        return [tuple(p[(i + j) % len(p)] for j, p in enumerate(parts)) for i in range(n)][:SWEEP_CAP]
    if k == "EnumType":
        en = view.enums.get(t.name)
        return [EnumLit(t.name, m[0]) for m in en.members] if en is not None else []
    if k == "RecordType":
        rec = view.records.get(t.name)
        if rec is None:
            return []
        parts = [candidates(f.type, view, None, aim, depth + 1) for f in rec.fields]
        if not all(parts):
            return []
        names = tuple(f.name for f in rec.fields)
        n = min(max(len(p) for p in parts), SWEEP_CAP // 2)
        return [RecordLit(t.name, tuple(zip(names, (p[(i + j) % len(p)] for j, p in enumerate(parts))))) for i in range(n)]
    if k == "UnionType":
        out = []
        for o in t.options:
            out += [None] if T.is_prim(o, "None") else candidates(o, view, b, aim, depth + 1)[: SWEEP_CAP // 2]
        return out[:SWEEP_CAP]
    return []


def _prim_candidates(name: str, b: Bounds, aim: Aim) -> list:
    if name == "int":
        edges = [v for v in (b.lo, b.hi) if v is not None]
        edges += [v + d for v in edges for d in (1, -1)]
        return [v for v in dict.fromkeys((*edges, *aim.ints)) if _within(v, b)]
    if name == "float":
        return [v for v in aim.floats if _within(v, widened(b))]
    if name == "Decimal":
        return [v for v in aim.decimals if _within(v, widened(b))]
    if name == "bool":
        return [False, True]
    if name == "None":
        return [None]
    if name == "date":
        return list(DATES)
    if name == "str":
        lo, hi = b.min_len or 0, b.max_len if b.max_len is not None else aim.max_len
        # Short strings over two letters first: the pairwise part of the sweep combines the
        # first few values of each parameter, so prefixes, suffixes and repeats meet there.
        # Then every letter of non-English text in one string (the sweep keeps only its
        # first SWEEP_CAP values, which the single characters below can pass).
        pool = ["", "a", "b", "ab", "ba", "aab", "".join(LETTERS), "cafe\u0301", *aim.texts[:12], *ALPHABET, "İi", "ßs", "a\U00030000", *aim.texts[12:]]
        if aim.texts:  # the program's own words, joined: inputs a parser-like precondition accepts
            tokens = aim.texts
            pool[6:6] = [sep.join(tokens[(i + j) % len(tokens)] for j in range(n)) for i, n in enumerate(aim.lengths) for sep in (" ", "")][:8]
        pool += ["".join(ALPHABET[(i + j) % len(ALPHABET)] for j in range(n)) for i, n in enumerate(aim.lengths)]
        chars = b.item.choices if b.item is not None and b.item.choices else None
        if chars:  # the characters the precondition allows, at every length
            pool = [*("".join(chars[(i + j) % len(chars)] for j in range(n)) for i, n in enumerate((1, 2, 3, *aim.lengths))), *pool]
        return [s for s in dict.fromkeys(pool) if lo <= len(s) <= hi]
    return []


def widened(b: Bounds) -> Bounds:
    """Lifted bounds are integral (``x > 0`` gives ``lo = 1``); for a float or Decimal they
    are widened by one, and the precondition itself decides."""
    from dataclasses import replace

    return replace(b, lo=None if b.lo is None else b.lo - 1, hi=None if b.hi is None else b.hi + 1)


def _within(v, b: Bounds) -> bool:
    return (b.lo is None or v >= b.lo) and (b.hi is None or v <= b.hi)


# -- Hypothesis strategies ----------------------------------------------------------------


def aimed_prim(name: str, b: Bounds, aim: Aim, plain):
    """``plain`` (the ordinary strategy) mixed with the boundary values of ``name``."""
    if name == "str":
        lo = b.min_len or 0
        hi = b.max_len if b.max_len is not None else aim.max_len
        hi = max(hi, lo)
        chars = b.item.choices if b.item is not None and b.item.choices else TINY
        parts = [
            st.text(alphabet=st.sampled_from(chars), min_size=lo, max_size=max(min(hi, 4), lo)),
            st.text(alphabet=st.sampled_from(ALPHABET), min_size=lo, max_size=hi),
            plain,
        ]
        if aim.texts:  # sequences of the program's own words, space-separated or not
            words = st.lists(st.sampled_from(aim.texts), max_size=aim.max_len)
            joined = st.tuples(words, st.sampled_from((" ", ""))).map(lambda ws: ws[1].join(ws[0]))
            parts.insert(0, joined.filter(lambda t: lo <= len(t) <= hi))
        return st.one_of(*parts)
    values = _prim_candidates(name, b, aim)
    if not values:
        return plain
    return st.one_of(st.sampled_from(values), plain)


def aimed_length(lo: int, hi: int, aim: Aim):
    """A length for a string or collection: often past K, sometimes a length the program names."""
    top = max(min(hi, aim.max_len), lo)
    named = [n for n in aim.lengths if lo <= n <= top]
    plain = st.integers(lo, top)
    return st.one_of(st.sampled_from(named), plain) if named else plain


# -- shaped inputs: every list of one length ---------------------------------------------
#
# A precondition on shapes (a matrix product: ``len(a[0]) == len(b)``, every row as long as
# the first) is met by independently drawn nested lists about never: an aimed run of
# matmul met it on 1 input in 500. Square inputs meet every such precondition at once: all
# the lists of all the parameters, at every depth, of one length n. The sweep tries them
# for a few n (:func:`shaped_sweep`), the aimed strategies mix them in
# (:mod:`.strategies`).

#: The square sizes the sweep tries: the smallest, and one past each K a bounded proof of
#: nested loops falls back to (the encoder lowers K as the nesting grows).
SHAPE_SIZES = (1, 2, 3, 4, 5)


def is_list_type(t) -> bool:
    """A list (or a variadic tuple, or an Iterable or Sequence: a list is one)."""
    k = T.kind(t)
    return k in ("ListType", "IterableType", "SequenceType") or (k == "TupleType" and bool(getattr(t, "variadic", False)))


def shapeable(fv) -> bool:
    """Do ``fv``'s parameters have a shape to agree on: a list of lists, or two lists?"""
    lists = [p.type for p in fv.params if is_list_type(p.type)]
    return len(lists) >= 2 or any(is_list_type(_elem(t)) for t in lists)


def list_depth(t) -> int:
    """How many lists deep ``t`` is (``list[list[list[int]]]``: 3; not a list: 0)."""
    return 1 + list_depth(_elem(t)) if is_list_type(t) else 0


def _elem(t):
    return t.elems[0] if T.kind(t) == "TupleType" else t.elem


def fitted_length(n: int, b: Bounds | None) -> int:
    """``n`` moved into the length bounds ``b`` lifts from a precondition, if any (a pixel's
    ``len(px) == 3`` at its depth)."""
    if b is None:
        return n
    n = max(n, b.min_len or 0)
    return min(n, b.max_len) if b.max_len is not None else n


def square(t, n: int, items, offset: int = 0, b: Bounds | None = None):
    """A value of list type ``t`` whose lists, at every depth, all have ``n`` items (or the
    length the bounds ``b`` fix at that depth), the leaves taken from ``items(leaf_type)``
    in turn (shifted by ``offset``, so that rows differ)."""
    if not is_list_type(t):
        pool = items(t)
        return pool[offset % len(pool)] if pool else None
    inner = b.item if b is not None else None
    k = fitted_length(n, b)
    out = [square(_elem(t), n, items, offset + i * (k + 1), inner) for i in range(k)]
    return tuple(out) if T.kind(t) == "TupleType" else out


def shaped_sweep(fv, view: ModuleView, aim: Aim, per_param: list[list], lifted: dict | None = None) -> list[dict]:
    """Square inputs for the sweep (see above): for each size in SHAPE_SIZES and one past K,
    every list parameter square of that size (but for the lengths its ``lifted`` bounds fix
    at some depth), its leaves the boundary values of their type; the other parameters take
    their sweep values in turn."""
    if not (fv.has_precondition and shapeable(fv)):
        return []
    pools: dict[str, list] = {}

    def items(t):
        key = repr(t)
        if key not in pools:
            pools[key] = candidates(t, view, None, aim, 1)[:SWEEP_CAP]
        return pools[key]

    out = []
    for i, n in enumerate(dict.fromkeys((*SHAPE_SIZES, aim.bound + 1))):
        d = {}
        for p, values in zip(fv.params, per_param):
            d[p.name] = square(p.type, n, items, i, (lifted or {}).get(p.name)) if is_list_type(p.type) else (values[i % len(values)] if values else None)
        if all(v is not None for v in d.values()):
            out.append(d)
    return out


#: How many leading values of each parameter the sweep combines in every way.
CORE = 6


def sweep(params: list, per_param: list[list], cap: int = 200) -> list[dict]:
    """Every combination of each parameter's first CORE values (``s = "ba"``, ``p = "a"``);
    parameters of one type all equal to (or, for ints, one apart from) each boundary value;
    then each parameter at each of
    its boundary values, the others cycling through theirs ("U+10FFFF and k = 1")."""
    if not params or not all(per_param):
        return []
    out = []
    if len(params) > 1:
        for combo in itertools.islice(itertools.product(*(v[:CORE] for v in per_param)), cap // 2):
            out.append(copy.deepcopy(dict(zip(params, combo))))
        # Equal arguments (a == b == 2**53 + 1): parameters with the same boundary values
        # take each of them together.
        for values in {tuple(map(repr, v)): v for v in per_param}.values():
            same = [q for q, others in enumerate(per_param) if others is values or others == values]
            if len(same) > 1:
                for i, v in enumerate(values):
                    # Equal, and (for ints) consecutive: a == b == 10**20 + 1, then b == a + 1.
                    steps = (0, 1) if type(v) is int else (0,)
                    for step in steps:
                        d = {
                            params[q]: ((v + step * same.index(q) if step else v) if q in same else others[(i + 1) % len(others)])
                            for q, others in enumerate(per_param)
                        }
                        out.append(copy.deepcopy(d))
    for j, values in enumerate(per_param):
        for i, v in enumerate(values):
            d = {}
            for q, others in enumerate(per_param):
                d[params[q]] = v if q == j else others[(i + 1 + q) % len(others)]
            out.append(copy.deepcopy(d))  # runs must not share a mutable argument
            if len(out) >= cap:
                return out
    return out


def finite_domain(fv, view: ModuleView, lifted: dict) -> int | None:
    """How many inputs ``fv`` has when every parameter takes at most CORE values (bools,
    enums, ``x in (...)`` choices, ints in a short range), so the sweep's every-combination
    part tries them all; None otherwise."""
    total = 1
    for p in fv.params:
        n = _finite(p.type, view, lifted.get(p.name))
        if n is None or n > CORE:
            return None
        total *= n
    return total


def _finite(t, view: ModuleView, b: Bounds | None) -> int | None:
    b = b or Bounds()
    k = T.kind(t)
    if b.choices:
        return len(b.choices)
    if k == "PrimType":
        if t.name == "bool":
            return 2
        if t.name == "None":
            return 1
        if t.name == "int" and b.lo is not None and b.hi is not None:
            return max(b.hi - b.lo + 1, 0)
        return None
    if k == "EnumType":
        en = view.enums.get(t.name)
        return len(en.members) if en is not None else None
    if k == "UnionType":
        sizes = [_finite(o, view, None) for o in t.options]
        return None if any(n is None for n in sizes) else sum(sizes)
    return None
