"""The checker's type rules (SPEC.md §3, "Types"; seglam.check.typeops): assignability, the
least common type of two branches (``join``), element types and hashability, one rule per
row, then the laws every rule must keep (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.check import types as T
from seglam.check.typeops import as_dict, assignable, hashable, is_bottom, iter_elem, join, sized

L, S, D, Tup, It = T.ListType, T.SetType, T.DictType, T.TupleType, T.IteratorType
Fn, Ctr, U = T.CallableType, T.CounterType, T.union
REC_A, REC_B = T.RecordType("A"), T.RecordType("B")

ASSIGNABLE = [
    # numeric promotion bool -> int -> float, and nothing else between primitives
    (T.BOOL, T.INT), (T.BOOL, T.FLOAT), (T.INT, T.FLOAT), (T.STR, T.STR),
    # the bottom types fit anywhere; anything fits where an error or Any is expected
    (T.NEVER, T.INT), (T.ERROR, L(T.STR)), (T.ANY, T.STR), (T.STR, T.ERROR), (L(T.INT), T.ANY),
    # unions: every option must fit; a value fits a union if it fits one option
    (U(T.INT, T.BOOL), T.FLOAT), (T.NONE, T.optional(T.STR)), (T.STR, T.optional(T.STR)),
    (U(T.INT, T.STR), U(T.FLOAT, T.STR, T.NONE)),
    # covariant collections
    (L(T.INT), L(T.FLOAT)), (S(T.BOOL), S(T.INT)), (D(T.STR, T.INT), D(T.STR, T.FLOAT)),
    (Ctr(T.STR), D(T.STR, T.INT)), (Ctr(T.STR), D(T.STR, T.FLOAT)), (Ctr(T.BOOL), Ctr(T.INT)),
    (L(T.NEVER), L(T.STR)), (D(T.NEVER, T.NEVER), D(T.INT, T.STR)),
    # tuples: fixed to fixed by position, fixed to variadic by each element
    (Tup((T.INT, T.STR)), Tup((T.FLOAT, T.STR))), (Tup((T.INT, T.BOOL)), Tup((T.INT,), True)),
    (Tup((T.BOOL,), True), Tup((T.INT,), True)), (Tup(()), Tup((T.STR,), True)),
    # iterators, and a range as an iterator of ints
    (It(T.BOOL), It(T.INT)), (T.RANGE, It(T.INT)), (T.RANGE, It(T.FLOAT)),
    # callables: contravariant parameters, covariant result
    (Fn((T.FLOAT,), T.BOOL), Fn((T.INT,), T.INT)), (Fn((), T.INT), Fn((), T.FLOAT)),
]

NOT_ASSIGNABLE = [
    (T.INT, T.BOOL), (T.FLOAT, T.INT), (T.FLOAT, T.BOOL), (T.STR, T.INT), (T.INT, T.STR),
    (T.DECIMAL, T.FLOAT), (T.FLOAT, T.DECIMAL), (T.INT, T.DECIMAL), (T.NONE, T.INT),
    (T.DATE, T.TIMEDELTA), (REC_A, REC_B),
    (T.optional(T.INT), T.INT), (U(T.INT, T.STR), T.FLOAT), (T.STR, U(T.INT, T.NONE)),
    (L(T.FLOAT), L(T.INT)), (L(T.INT), S(T.INT)), (S(T.FLOAT), S(T.INT)), (L(T.INT), It(T.INT)),
    (D(T.STR, T.FLOAT), D(T.STR, T.INT)), (D(T.INT, T.INT), D(T.STR, T.INT)),
    (L(T.STR), D(T.STR, T.INT)), (Ctr(T.STR), D(T.STR, T.BOOL)), (Ctr(T.STR), D(T.INT, T.INT)),
    (Ctr(T.INT), Ctr(T.BOOL)), (D(T.STR, T.INT), Ctr(T.STR)),
    (Tup((T.INT,), True), Tup((T.INT, T.INT))), (Tup((T.INT,), True), Tup((T.INT,))),
    (Tup((T.INT, T.INT)), Tup((T.INT,))), (Tup((T.INT,)), Tup((T.INT, T.INT))),
    (Tup((T.FLOAT, T.STR)), Tup((T.INT, T.STR))), (Tup((T.INT, T.STR)), Tup((T.INT,), True)),
    (Tup((T.FLOAT,), True), Tup((T.INT,), True)), (L(T.INT), Tup((T.INT,), True)),
    (It(T.FLOAT), It(T.INT)), (T.RANGE, It(T.STR)), (T.RANGE, It(T.BOOL)), (T.INT, It(T.INT)),
    (Fn((T.INT,), T.INT), Fn((T.FLOAT,), T.INT)), (Fn((T.INT,), T.FLOAT), Fn((T.INT,), T.INT)),
    (Fn((T.INT,), T.INT), Fn((T.INT, T.INT), T.INT)), (Fn((T.INT, T.INT), T.INT), Fn((T.INT,), T.INT)),
    (T.INT, Fn((), T.INT)), (Fn((), T.INT), T.INT),
]


@pytest.mark.parametrize("src,dst", ASSIGNABLE, ids=lambda x: x.render())
def test_assignable(src, dst):
    assert assignable(src, dst)


@pytest.mark.parametrize("src,dst", NOT_ASSIGNABLE, ids=lambda x: x.render())
def test_not_assignable(src, dst):
    assert not assignable(src, dst)


JOINS = [
    (T.BOOL, T.INT, T.INT), (T.INT, T.BOOL, T.INT), (T.INT, T.FLOAT, T.FLOAT), (T.FLOAT, T.BOOL, T.FLOAT),
    (T.NEVER, T.STR, T.STR), (T.STR, T.NEVER, T.STR), (T.STR, T.INT, U(T.STR, T.INT)),
    (T.NONE, T.STR, T.optional(T.STR)), (T.STR, T.NONE, T.optional(T.STR)),
    (L(T.NEVER), L(T.INT), L(T.INT)), (L(T.INT), L(T.FLOAT), L(T.FLOAT)),
    (S(T.BOOL), S(T.INT), S(T.INT)), (S(T.INT), S(T.STR), S(U(T.INT, T.STR))),
    (D(T.NEVER, T.NEVER), D(T.STR, T.INT), D(T.STR, T.INT)), (D(T.STR, T.INT), D(T.STR, T.FLOAT), D(T.STR, T.FLOAT)),
    (D(T.STR, T.BOOL), Ctr(T.STR), D(T.STR, T.INT)), (Ctr(T.STR), Ctr(T.INT), Ctr(U(T.STR, T.INT))),
    (It(T.BOOL), It(T.FLOAT), It(T.FLOAT)),
    (Tup((T.INT, T.STR)), Tup((T.FLOAT, T.STR)), Tup((T.FLOAT, T.STR))),
    (Tup((T.INT,), True), Tup((T.FLOAT,), True), Tup((T.FLOAT,), True)),
    (Tup((T.INT,)), Tup((T.INT, T.INT)), U(Tup((T.INT,)), Tup((T.INT, T.INT)))),
    (Tup((T.INT,), True), Tup((T.INT,)), U(Tup((T.INT,), True), Tup((T.INT,)))),
    (L(T.INT), S(T.INT), U(L(T.INT), S(T.INT))),
    (T.optional(L(T.NEVER)), L(T.INT), T.optional(L(T.INT))),
    (U(T.INT, T.STR), T.FLOAT, U(T.FLOAT, T.STR)), (U(L(T.INT), T.STR), L(T.STR), U(L(U(T.INT, T.STR)), T.STR)),
    (T.DECIMAL, T.FLOAT, U(T.DECIMAL, T.FLOAT)), (REC_A, REC_B, U(REC_A, REC_B)),
]


@pytest.mark.parametrize("a,b,want", JOINS, ids=lambda x: x.render())
def test_join(a, b, want):
    assert join(a, b) == want


def test_element_types_sizes_and_hashability():
    assert iter_elem(L(T.STR)) == T.STR and iter_elem(T.STR) == T.STR and iter_elem(T.RANGE) == T.INT
    assert iter_elem(D(T.INT, T.STR)) == T.INT and iter_elem(Ctr(T.STR)) == T.STR
    assert iter_elem(Tup((T.INT, T.STR))) == U(T.INT, T.STR) and iter_elem(Tup((T.BOOL,), True)) == T.BOOL
    assert iter_elem(T.INT) is None and iter_elem(T.FLOAT) is None
    assert sized(L(T.INT)) and sized(T.STR) and sized(D(T.STR, T.INT)) and not sized(T.INT) and not sized(It(T.INT))
    assert hashable(T.INT) and hashable(Tup((T.STR, T.INT))) and hashable(REC_A)
    assert not hashable(L(T.INT)) and not hashable(S(T.INT)) and not hashable(D(T.INT, T.INT))
    assert not hashable(Tup((L(T.INT),), True)) and not hashable(T.optional(L(T.INT)))
    assert as_dict(Ctr(T.STR)) == D(T.STR, T.INT) and as_dict(D(T.INT, T.STR)) == D(T.INT, T.STR)
    assert as_dict(L(T.INT)) is None
    assert is_bottom(T.NEVER) and is_bottom(T.ERROR) and is_bottom(T.ANY) and not is_bottom(T.NONE)


# ---- laws ---------------------------------------------------------------------------------------

_PRIMS = st.sampled_from([T.BOOL, T.INT, T.FLOAT, T.STR, T.NONE, T.DECIMAL, T.DATE, REC_A, REC_B])

TYPES = st.recursive(
    _PRIMS,
    lambda inner: st.one_of(
        inner.map(L), inner.map(S), inner.map(It), st.builds(D, inner, inner), inner.map(Ctr),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: Tup(tuple(xs))),
        inner.map(lambda x: Tup((x,), True)),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: U(*xs)),
    ),
    max_leaves=6,
)


@settings(max_examples=200, deadline=None)
@given(TYPES, TYPES)
def test_join_is_an_upper_bound_of_both(a, b):
    j = join(a, b)
    assert assignable(a, j) and assignable(b, j)
    assert join(a, a) == a and join(T.NEVER, a) == a and join(a, T.NEVER) == a


@settings(max_examples=200, deadline=None)
@given(TYPES, TYPES, TYPES)
def test_assignability_is_a_preorder(a, b, c):
    assert assignable(a, a)
    assert assignable(a, U(a, b)) and assignable(b, U(a, b))
    if assignable(a, b) and assignable(b, c):
        assert assignable(a, c)
