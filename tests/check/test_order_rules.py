"""The checker's order and operator rules case by case (seglam.check.operators): which
``left < right`` it admits for tuples, lists, unions and records with an order, and the
result types of tuple repetition, dict and Counter merges, and powers over a union. Written
to pin the rows a mutation run (bench/mutation.py) found untested; each row says what
CPython does with values of those types."""

from __future__ import annotations

import pytest

from seglam.check import types as T
from seglam.check.operators import arith, comparable_order, orderable
from seglam.check.typeops import iter_elem, join, sized
from seglam.syntax import ast as A
from seglam.syntax.span import NO_SPAN

L, S, D, Tup, Ctr, U = T.ListType, T.SetType, T.DictType, T.TupleType, T.CounterType, T.union
P, Q = T.RecordType("P"), T.RecordType("Q")
ORDERED = frozenset({"P"})  # records declared with an order (P), and one without (Q)
NONE: frozenset[str] = frozenset()

COMPARABLE = [
    # a side whose type is not known yet (an element of a still-empty list) compares with anything
    (T.NEVER, T.STR), (T.STR, T.NEVER), (L(T.NEVER), L(T.STR)),
    # a record with an order, alone, in a tuple, a list, a union
    (P, P), (Tup((P, T.INT)), Tup((P, T.BOOL))), (L(P), L(P)), (L(P), L(T.NEVER)), (U(P, P), P),
    (Tup((P,), True), Tup((P, P))), (Tup((P, P)), Tup((P,), True)),
    # tuples: lexicographic over the common prefix, a variadic one by its element type
    (Tup((T.INT, T.STR)), Tup((T.FLOAT, T.STR))), (Tup((T.INT,)), Tup((T.FLOAT, T.STR))),
    (Tup((T.INT,), True), Tup((T.BOOL, T.INT))), (Tup((T.INT, T.BOOL)), Tup((T.FLOAT,), True)),
    (Tup(()), Tup((T.STR,), True)), (Tup((T.STR,), True), Tup(())),
    # lists by their joined element type
    (L(T.INT), L(T.FLOAT)), (L(T.BOOL), L(T.INT)),
]

NOT_COMPARABLE = [
    (P, Q), (Q, Q), (Tup((Q,)), Tup((Q,))), (L(Q), L(Q)), (L(P), L(Q)), (U(P, Q), P),
    (Tup((T.INT, T.STR)), Tup((T.FLOAT, T.INT))), (Tup((T.STR,)), Tup((T.INT,))),
    # a variadic tuple against a fixed one: every element of the fixed one must compare
    (Tup((T.INT,), True), Tup((T.INT, T.STR))), (Tup((T.INT, T.STR)), Tup((T.INT,), True)),
    (Tup((T.STR, T.INT)), Tup((T.INT,), True)), (Tup((T.INT,), True), Tup((T.STR, T.INT))),
    (Tup((T.INT,), True), Tup((T.STR,), True)),
    (L(T.INT), L(T.STR)), (L(T.STR), L(T.INT)), (U(T.INT, T.STR), T.INT), (T.INT, U(T.STR, T.NONE)),
]


@pytest.mark.parametrize(("left", "right"), COMPARABLE, ids=str)
def test_order_comparison_admitted(left, right):
    assert comparable_order(left, right, ORDERED) is True


@pytest.mark.parametrize(("left", "right"), NOT_COMPARABLE, ids=str)
def test_order_comparison_refused(left, right):
    assert comparable_order(left, right, ORDERED) is False


def test_a_tuple_of_records_sorts_only_if_every_record_has_an_order():
    assert orderable(Tup((P, T.INT)), ORDERED) and orderable(Tup((P,), True), ORDERED)
    assert not orderable(Tup((T.INT, Q)), ORDERED) and not orderable(Tup((P,)), NONE)


def test_repeating_a_tuple():
    # () * n is still (); (1, "a") * n is any number of ints and strs
    assert arith("*", Tup(()), T.INT) == Tup(())
    assert arith("*", Tup((T.INT, T.STR)), T.BOOL) == Tup((U(T.INT, T.STR),), True)


def test_merging_dicts_and_counters_joins_keys_and_values():
    assert arith("|", D(T.STR, T.INT), D(T.STR, T.FLOAT)) == D(T.STR, T.FLOAT)
    assert arith("|", D(T.BOOL, T.STR), D(T.INT, T.STR)) == D(T.INT, T.STR)
    assert arith("|", D(T.STR, T.INT), D(T.INT, T.INT)) == D(U(T.STR, T.INT), T.INT)
    for op in ("+", "-", "&"):
        assert arith(op, Ctr(T.STR), Ctr(T.STR)) == Ctr(T.STR)
        assert arith(op, Ctr(T.BOOL), Ctr(T.INT)) == Ctr(T.INT)
        assert arith(op, Ctr(T.INT), Ctr(T.BOOL)) == Ctr(T.INT)
        assert arith(op, Ctr(T.STR), Ctr(T.INT)) == Ctr(U(T.STR, T.INT))


def test_a_negative_literal_power_is_a_float_for_every_int_option_of_a_union():
    minus_one = A.UnaryOp(NO_SPAN, "-", A.Constant(NO_SPAN, 1))
    assert arith("**", U(T.INT, T.DECIMAL), T.INT, minus_one) == U(T.FLOAT, T.DECIMAL)
    assert arith("**", T.INT, U(T.INT, T.DECIMAL), minus_one) == U(T.FLOAT, T.DECIMAL)
    assert arith("**", U(T.INT, T.DECIMAL), T.INT, A.Constant(NO_SPAN, 2)) == U(T.INT, T.DECIMAL)


def test_element_type_and_size_of_bottom_and_empty_collections():
    for bottom in (T.NEVER, T.ERROR, T.ANY):
        assert iter_elem(bottom) == bottom
        assert sized(bottom)
    assert iter_elem(Tup(())) == T.NEVER and iter_elem(Tup((T.INT, T.STR))) == U(T.INT, T.STR)
    assert not sized(T.INT) and not sized(T.NONE)


def test_join_with_a_union_on_one_side_only():
    assert join(U(T.INT, T.STR), T.FLOAT) == U(T.FLOAT, T.STR)
    assert join(T.FLOAT, U(T.INT, T.STR)) == U(T.FLOAT, T.STR)
    assert join(L(T.INT), U(L(T.FLOAT), T.NONE)) == U(L(T.FLOAT), T.NONE)
