"""The checker's operator typing against CPython (seglam.check.operators): for every operator
and every pair of sample values, the checker accepts the operation exactly when CPython does
not raise TypeError, and the value CPython computes has the type the checker gives it. A
checker that accepted an operation Python rejects, or typed its result wrongly, would let
a program through whose answers are not what its types say."""

from __future__ import annotations

import datetime
import itertools
from collections import Counter
from decimal import Decimal

import pytest

from seglam.check import types as T
from seglam.check.operators import arith, comparable_order, orderable, unary
from seglam.check.typeops import assignable, join
from seglam.syntax import ast as A
from seglam.syntax.span import NO_SPAN

L, S, D, Tup = T.ListType, T.SetType, T.DictType, T.TupleType

#: (static type, sample values); ints are positive so ``**`` stays an int (a negative
#: exponent is typed float only when it is a literal: test_power_of_a_negative_literal).
SAMPLES: list[tuple[T.Type, tuple]] = [
    (T.BOOL, (True, False)),
    (T.INT, (3, 7)),
    (T.FLOAT, (2.5, -0.5)),
    (T.STR, ("ab",)),
    (T.DECIMAL, (Decimal("1.5"),)),
    (T.DATE, (datetime.date(2024, 1, 31),)),
    (T.TIMEDELTA, (datetime.timedelta(days=2, hours=3),)),
    (T.NONE, (None,)),
    (L(T.INT), ([1, 2],)),
    (L(T.STR), (["x"],)),
    (Tup((T.INT, T.STR)), ((1, "a"),)),
    (Tup((T.FLOAT,), True), ((1.5, 2.5, 3.5),)),
    (S(T.INT), ({1, 2},)),
    (S(T.STR), ({"a"},)),
    (D(T.STR, T.INT), ({"a": 1},)),
    (D(T.STR, T.FLOAT), ({"b": 1.5},)),
    (T.CounterType(T.STR), (Counter("abb"),)),
    (T.UnionType((T.INT, T.FLOAT)), (4, 4.5)),
    (T.UnionType((T.INT, T.NONE)), (5, None)),
]

OPS = ["+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "@"]

#: Operations Python allows that Seglam's checker rejects on purpose (SPEC.md lists what
#: Seglam leaves out); they can only refuse a program, never change an answer.
REJECTED_ON_PURPOSE = {
    ("%", T.STR),  # printf-style formatting is typed separately (seglam.check.percent)
    ("*", T.INT, Tup((T.INT, T.STR))), ("*", T.BOOL, Tup((T.INT, T.STR))),
    ("*", T.INT, Tup((T.FLOAT,), True)), ("*", T.BOOL, Tup((T.FLOAT,), True)),
}


def type_of(v) -> T.Type:
    """The Seglam type of a Python value."""
    if isinstance(v, bool):
        return T.BOOL
    for py, st in ((int, T.INT), (float, T.FLOAT), (str, T.STR), (Decimal, T.DECIMAL),
                   (datetime.datetime, None), (datetime.date, T.DATE), (datetime.timedelta, T.TIMEDELTA)):
        if isinstance(v, py) and st is not None:
            return st
    if v is None:
        return T.NONE
    if isinstance(v, Counter):
        return T.CounterType(_join_all(v))
    if isinstance(v, list):
        return L(_join_all(v))
    if isinstance(v, (set, frozenset)):
        return S(_join_all(v))
    if isinstance(v, dict):
        return D(_join_all(v), _join_all(v.values()))
    if isinstance(v, tuple):
        return Tup(tuple(type_of(x) for x in v))
    raise AssertionError(f"no Seglam type for {v!r}")


def _join_all(xs) -> T.Type:
    out: T.Type = T.NEVER
    for x in xs:
        out = join(out, type_of(x))
    return out


def _python(op: str, a, b):
    """``("ok", value)``, ``("type", None)`` for a TypeError, ``("other", None)`` otherwise."""
    try:
        value = eval(f"a {op} b", {}, {"a": a, "b": b})
    except TypeError:
        return "type", None
    except (ArithmeticError, ValueError):
        return "other", None
    # a negative number to a fractional power: Seglam faults F-VALUE where Python goes complex
    return ("other", None) if isinstance(value, complex) else ("ok", value)


def _rejected_on_purpose(op, lt, rt) -> bool:
    return (op, lt) in REJECTED_ON_PURPOSE or (op, lt, rt) in REJECTED_ON_PURPOSE


@pytest.mark.parametrize("op", OPS)
def test_binary_operator_types_agree_with_cpython(op):
    problems = []
    for (lt, lvs), (rt, rvs) in itertools.product(SAMPLES, SAMPLES):
        typed = arith(op, lt, rt)
        outcomes = [_python(op, a, b) for a in lvs for b in rvs]
        if typed is None:
            if any(kind == "type" for kind, _ in outcomes) or _rejected_on_purpose(op, lt, rt):
                continue
            problems.append(f"{lt} {op} {rt}: rejected, but CPython computes it")
            continue
        for kind, value in outcomes:
            if kind == "type":
                problems.append(f"{lt} {op} {rt}: typed {typed}, but CPython raises TypeError")
            elif kind == "ok" and not assignable(type_of(value), typed):
                problems.append(f"{lt} {op} {rt}: typed {typed}, CPython gives {value!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("op", ["-", "+", "~", "not"])
def test_unary_operator_types_agree_with_cpython(op):
    problems = []
    for st, vs in SAMPLES:
        typed = unary(op, st)
        outcomes = [_python_unary(op, v) for v in vs]
        if typed is None:
            if not any(kind == "type" for kind, _ in outcomes) and not isinstance(st, T.CounterType):
                problems.append(f"{op} {st}: rejected, but CPython computes it")
            continue
        for kind, value in outcomes:
            if kind == "type" or (kind == "ok" and not assignable(type_of(value), typed)):
                problems.append(f"{op} {st}: typed {typed}, CPython gives {kind} {value!r}")
    assert not problems, "\n".join(problems)


def _python_unary(op: str, v):
    try:
        return "ok", eval(f"{op} v", {}, {"v": v})
    except TypeError:
        return "type", None


def _strict_on_purpose(lt: T.Type, rt: T.Type) -> bool:
    """Order comparisons Python allows and Seglam rejects: float with Decimal (as in
    arithmetic), Counters (multiset inclusion), and tuples whose elements are not all
    comparable pairwise (Python may decide on the first element and never look further)."""
    opts = set(T.options(lt)) | set(T.options(rt))
    return ({T.FLOAT, T.DECIMAL} <= opts or isinstance(lt, T.CounterType) or isinstance(rt, T.CounterType)
            or (isinstance(lt, Tup) and isinstance(rt, Tup)))


def test_order_comparisons_agree_with_cpython():
    problems = []
    for (lt, lvs), (rt, rvs) in itertools.product(SAMPLES, SAMPLES):
        allowed = comparable_order(lt, rt, frozenset())
        raised = [_python("<", a, b)[0] == "type" for a in lvs for b in rvs]
        if allowed and any(raised):
            problems.append(f"{lt} < {rt}: allowed, but CPython raises TypeError")
        if not allowed and not any(raised) and not _strict_on_purpose(lt, rt):
            problems.append(f"{lt} < {rt}: rejected, but CPython compares them")
    assert not problems, "\n".join(problems)


def test_sortable_types_agree_with_cpython():
    problems = []
    for st, vs in SAMPLES:
        values = list(vs) * 2
        try:
            sorted(values)
            sorts = True
        except TypeError:
            sorts = False
        if orderable(st, frozenset()) != (sorts and not isinstance(st, T.CounterType)):
            problems.append(f"{st}: orderable={orderable(st, frozenset())}, CPython sorts={sorts}")
    assert not problems, "\n".join(problems)


def test_power_of_a_negative_literal_is_a_float():
    minus_two = A.Constant(NO_SPAN, -2)
    two = A.Constant(NO_SPAN, 2)
    negated_two = A.UnaryOp(NO_SPAN, "-", two)
    for node in (minus_two, negated_two, A.UnaryOp(NO_SPAN, "-", A.Constant(NO_SPAN, 1)), A.Constant(NO_SPAN, -1)):
        assert arith("**", T.INT, T.INT, node) == T.FLOAT
        assert arith("**", T.BOOL, T.INT, node) == T.FLOAT
    for node in (None, two, A.UnaryOp(NO_SPAN, "-", A.Constant(NO_SPAN, 0)), A.Constant(NO_SPAN, True),
                 A.Constant(NO_SPAN, 0), A.Constant(NO_SPAN, -2.5), A.UnaryOp(NO_SPAN, "~", two), A.Name(NO_SPAN, "n"),
                 A.UnaryOp(NO_SPAN, "-", A.Constant(NO_SPAN, 2.5)), A.UnaryOp(NO_SPAN, "+", two)):
        assert arith("**", T.INT, T.INT, node) == T.INT
    assert arith("**", T.FLOAT, T.INT, minus_two) == T.FLOAT


def test_unions_of_numbers_sort_unless_they_mix_float_and_decimal():
    U = T.UnionType
    none = frozenset()
    assert orderable(U((T.INT, T.FLOAT)), none) and orderable(U((T.BOOL, T.INT, T.FLOAT)), none)
    assert orderable(U((T.INT, T.DECIMAL)), none) and orderable(U((T.BOOL, T.DECIMAL)), none)
    assert not orderable(U((T.FLOAT, T.DECIMAL)), none)
    assert not orderable(U((T.INT, T.FLOAT, T.DECIMAL)), none)
    assert not orderable(U((T.INT, T.STR)), none) and not orderable(U((T.STR, T.NONE)), none)
    assert not orderable(U((T.DECIMAL, T.STR)), none)
    assert orderable(T.RecordType("P"), frozenset({"P"})) and not orderable(T.RecordType("P"), frozenset({"Q"}))
    assert orderable(L(T.RecordType("P")), frozenset({"P"})) and not orderable(L(T.RecordType("P")), none)


@pytest.mark.parametrize("op", OPS)
def test_an_operand_already_in_error_gives_error_not_a_second_diagnostic(op):
    for bad in (T.ERROR, T.ANY):
        for other in (T.INT, T.STR, L(T.INT), T.NONE, bad):
            assert arith(op, bad, other) == T.ERROR
            assert arith(op, other, bad) == T.ERROR


def test_an_element_of_a_still_empty_collection_takes_the_other_side():
    assert arith("+", T.NEVER, T.INT) == T.INT and arith("*", T.FLOAT, T.NEVER) == T.FLOAT
    assert arith("/", T.NEVER, T.INT) == T.FLOAT and arith("/", T.BOOL, T.NEVER) == T.FLOAT
    assert arith("/", T.NEVER, T.DECIMAL) == T.DECIMAL
    assert arith("+", T.NEVER, L(T.STR)) == L(T.STR) and arith("-", S(T.INT), T.NEVER) == S(T.INT)
    assert arith("//", T.NEVER, T.NEVER) == T.NEVER
    assert unary("-", T.NEVER) == T.NEVER and unary("not", T.ERROR) == T.ERROR


def test_bottom_types_are_orderable():
    for bottom in (T.NEVER, T.ERROR, T.ANY):
        assert orderable(bottom, frozenset())
        assert orderable(L(bottom), frozenset())
