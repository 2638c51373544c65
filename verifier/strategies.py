"""Hypothesis strategies derived from Seglam types.

Values come out neutral (records as :class:`RecordLit`, enum members as :class:`EnumLit`), so
the same strategies serve every program; the runner converts them. Collections are small
(``max_len``) and records nest at most a few levels, so generation stays fast.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from seglam.verifier import typeview as T
from seglam.verifier.boundaries import SHAPE_SIZES, aimed_length, aimed_prim, fitted_length, is_list_type, list_depth, shapeable, widened
from seglam.verifier.bounds import Bounds
from seglam.verifier.values import EnumLit, RecordLit
from seglam.verifier.view import ModuleView

MAX_DEPTH = 3


class NoStrategy(Exception):
    """A parameter type no strategy can generate (a callable, an iterator...)."""


def for_type(t, view: ModuleView, bounds: Bounds | None = None, max_len: int = 8, depth: int = 0, aim=None):
    """A strategy for values of type ``t`` (``bounds`` apply to this value only). With
    ``aim`` (a :class:`.boundaries.Aim`), boundary values and long lengths are mixed in."""
    b = bounds or Bounds()
    k = T.kind(t)
    if aim is not None and k == "PrimType" and not b.choices:
        return aimed_prim(t.name, b, aim, for_type(t, view, b, max_len, depth))
    if b.choices and k == "PrimType":
        fits = [c for c in b.choices if type(c) is {"int": int, "str": str, "bool": bool}.get(t.name)]
        if fits:
            return st.sampled_from(fits)
    if k == "PrimType":
        name = t.name
        if name == "int":
            return st.integers(min_value=b.lo, max_value=b.hi)
        if name == "bool":
            return st.booleans()
        if name == "str":
            lo = b.min_len or 0
            hi = b.max_len if b.max_len is not None else max(max_len * 2, lo)
            chars = b.item.choices if b.item is not None and b.item.choices else None
            alphabet = st.sampled_from(chars) if chars else st.characters(codec="utf-8")
            return st.text(alphabet=alphabet, min_size=lo, max_size=max(hi, lo))
        if name in ("float", "Decimal"):
            b = widened(b)  # `x > 0` lifts to lo = 1: integral, too narrow here
        if name == "float":
            return st.floats(
                min_value=None if b.lo is None else float(b.lo),
                max_value=None if b.hi is None else float(b.hi),
                allow_nan=False,
                allow_infinity=False,
            )
        if name == "Decimal":
            return st.decimals(
                min_value=Decimal(b.lo) if b.lo is not None else Decimal("-1e9"),
                max_value=Decimal(b.hi) if b.hi is not None else Decimal("1e9"),
                allow_nan=False,
                allow_infinity=False,
                places=4,
            )
        if name == "None":
            return st.none()
        if name == "date":
            return st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
        if name == "timedelta":
            return st.integers(-100_000, 100_000).map(lambda d: timedelta(days=d))
    lo = b.min_len or 0
    hi = b.max_len if b.max_len is not None else max(max_len, lo)
    hi = max(min(hi, max(max_len, lo)), lo)

    def sub(elem, item=None):
        return for_type(elem, view, item, max_len, depth + 1, aim)

    def sized(make):
        """``make(min_size, max_size)``; aimed, the length is drawn first (often past K)."""
        if aim is None:
            return make(lo, hi)
        if depth > 0:
            # Nested collections stay small (the sweep tries long ones): at most K. Before,
            # they reached the aimed run's longest length (2K + 4, or past a number the
            # program names: 51 for a matrix example's 50), and a matrix product's aimed
            # run drew lists of 51 lists of 51 big ints, nearly all rejected (V-03).
            return make(lo, max(min(hi, aim.bound), lo))
        top = b.max_len if b.max_len is not None else aim.max_len
        # one strategy per length, built once: building (and validating) a new one for
        # every draw took most of an aimed run's time
        return aimed_length(lo, top, aim).flatmap(functools.cache(lambda n: make(n, n)))

    if k in ("ListType", "IterableType", "SequenceType"):  # an Iterable or a Sequence: a list is one
        return sized(lambda a, z: st.lists(sub(t.elem, b.item), min_size=a, max_size=z))
    if k == "SetType":
        return st.sets(sub(t.elem, b.item), min_size=lo, max_size=hi if aim is None else max(aim.max_len, lo))
    if k == "DictType":
        return st.dictionaries(sub(t.key), sub(t.value), min_size=lo, max_size=hi if aim is None else max(aim.max_len, lo))
    if k == "TupleType":
        if t.variadic:
            return sized(lambda a, z: st.lists(sub(t.elems[0], b.item), min_size=a, max_size=z).map(tuple))
        return st.tuples(*(sub(e) for e in t.elems))
    if k == "UnionType":
        opts = list(t.options)
        # None first: Hypothesis shrinks towards the first option.
        opts.sort(key=lambda o: 0 if T.is_prim(o, "None") else 1)
        if depth >= MAX_DEPTH and any(T.is_prim(o, "None") for o in opts):
            return st.none()
        return st.one_of(*(for_type(o, view, b if not T.is_prim(o, "None") else None, max_len, depth + 1, aim) for o in opts))
    if k == "RecordType":
        rec = view.records.get(t.name)
        if rec is None:
            raise NoStrategy(f"record {t.name}")
        if depth > MAX_DEPTH + 2:
            raise NoStrategy(f"record {t.name} nests too deeply")
        names = tuple(f.name for f in rec.fields)
        parts = [for_type(f.type, view, None, max_len, depth + 1, aim) for f in rec.fields]
        return st.tuples(*parts).map(lambda vals, n=t.name, ns=names: RecordLit(n, tuple(zip(ns, vals))))
    if k == "EnumType":
        en = view.enums.get(t.name)
        if en is None or not en.members:
            raise NoStrategy(f"enum {t.name}")
        return st.sampled_from([EnumLit(t.name, m[0]) for m in en.members])
    raise NoStrategy(T.render(t))


def arguments(fv, view: ModuleView, lifted: dict, max_len: int = 8, aim=None):
    """A strategy for a whole argument dict: independent parameters first, then those whose
    bounds depend on another's length (``i < len(xs)``, ``len(ys) == len(xs)``); when the
    lists must agree in shape, mixed with :func:`shaped` inputs."""
    params = list(fv.params)
    names = {p.name for p in params}
    dependent = [p for p in params if lifted.get(p.name) and any(d in names for d in lifted[p.name].dependent)]
    independent = [p for p in params if p not in dependent]
    base = st.fixed_dictionaries({p.name: for_type(p.type, view, lifted.get(p.name), max_len, 0, aim) for p in independent})
    base = _dependent(base, dependent, view, lifted, max_len, aim)
    if fv.has_precondition and shapeable(fv):
        # Lists agree in shape by construction (``len(ys) == len(xs)`` included); only the
        # other dependent parameters (``i < len(xs)``) are drawn after them.
        rest = [p for p in dependent if not is_list_type(p.type)]
        firsts = [p for p in params if p not in rest]
        base = st.one_of(base, _dependent(shaped(firsts, view, lifted, max_len, aim), rest, view, lifted, max_len, aim))
    return base


def _dependent(base, dependent, view: ModuleView, lifted: dict, max_len: int, aim):
    """``base`` (a strategy of argument dicts) with each of ``dependent`` drawn after the
    parameters its bounds name."""
    from dataclasses import replace as _replace

    for p in dependent:
        b = lifted[p.name]
        # one strategy per bounds, built once (not for every draw)
        bounded = functools.cache(lambda nb, at_least, p=p: for_type(p.type, view, nb, max(max_len, at_least), 0, aim))

        def extend(d, p=p, b=b, bounded=bounded):
            lo, hi = b.lo, b.hi
            min_len, max_len_ = b.min_len, b.max_len
            for op, other, offset in b.rel:
                if other not in d:
                    continue
                n = len(d[other]) + offset
                if op == "<":
                    hi = n - 1 if hi is None else min(hi, n - 1)
                elif op == "<=":
                    hi = n if hi is None else min(hi, n)
                elif op == ">":
                    lo = n + 1 if lo is None else max(lo, n + 1)
                elif op == ">=":
                    lo = n if lo is None else max(lo, n)
                elif op == "==":
                    lo = hi = n
            if b.same_len_as in d:
                min_len = max_len_ = len(d[b.same_len_as])
            if lo is not None and hi is not None and lo > hi:
                return st.nothing()
            nb = _replace(b, lo=lo, hi=hi, min_len=min_len, max_len=max_len_, rel=(), same_len_as=None)
            return bounded(nb, min_len or 0).map(lambda v, d=d, n=p.name: {**d, n: v})

        base = base.flatmap(extend)
    return base


def shaped(params, view: ModuleView, lifted: dict, max_len: int, aim):
    """Argument dicts whose list parameters agree in shape (:mod:`.boundaries`, "shaped
    inputs"): the lists at each depth of every list parameter have one length (the outer
    ones n, those nested in them m, those below p...; all one length half of the time:
    square), the leaves aimed values; the other parameters as usual. A shape precondition
    (``len(a[0]) == len(b)``, rows of equal length, a list of matrices of one shape) that
    independent lists about never meet is met by these. A length the precondition fixes at
    some depth (``len(px) == 3``: a pixel) is kept there, and leaves keep their bounds."""
    past = (aim.bound + 1,) if aim is not None else ()  # aimed: one past K as well
    sizes = st.sampled_from(tuple(n for n in dict.fromkeys((*SHAPE_SIZES, 0, *past)) if aim is not None or n <= max_len))
    depth = max([list_depth(p.type) for p in params] + [2])
    dims = st.one_of(sizes.map(lambda n: (n,) * depth), st.tuples(*[sizes] * depth))
    cache = functools.cache(
        lambda dims: st.fixed_dictionaries({
            p.name: _square(p.type, view, dims, max_len, aim, lifted.get(p.name)) if is_list_type(p.type) else
            for_type(p.type, view, lifted.get(p.name), max_len, 0, aim)
            for p in params
        })
    )
    return dims.flatmap(cache)


def _square(t, view: ModuleView, dims: tuple[int, ...], max_len: int, aim, b: Bounds | None = None, depth: int = 0):
    """Lists of type ``t``, ``dims[d]`` long at depth ``d`` (the last for any deeper), within
    the bounds ``b`` lifts at each depth; the leaves of the (aimed, with ``aim``) strategy of
    their type and bounds."""
    if not is_list_type(t):
        return for_type(t, view, b, max_len, depth, aim)
    n = fitted_length(dims[min(depth, len(dims) - 1)], b)
    elem = t.elems[0] if T.kind(t) == "TupleType" else t.elem
    lists = st.lists(_square(elem, view, dims, max_len, aim, b.item if b else None, depth + 1), min_size=n, max_size=n)
    return lists.map(tuple) if T.kind(t) == "TupleType" else lists
