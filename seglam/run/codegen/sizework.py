"""Inline charges for work that grows with the size of values, where Python's own operator
would do it for free (SPEC.md §10, "Work on large values"): bitwise and unary operators on
big ints, comparisons of strings and containers, and arithmetic whose static type is float
or Decimal but whose operands may be ints. Each charge is the one the stdlib makes
(:mod:`seglam.run.cost`, :mod:`seglam.run.valuework`), so both backends charge the same at the
same operation; operands whose static type rules the work out stay native.
"""

from __future__ import annotations

import ast as py
from typing import Any

from seglam.check import types as T
from seglam.run.codegen import pyast as P
from seglam.run.codegen.gen import PY_BINOPS, PY_CMPOPS, PY_UNARY, CTX, SPEND
from seglam.syntax import ast as A

#: Static types whose comparison with anything is constant time (valuework.compare_cost is 0).
_SCALAR_TYPES = (T.INT, T.FLOAT, T.BOOL, T.DECIMAL, T.DATE, T.TIMEDELTA, T.NONE)
#: Static types that may hold an int (an int is accepted where a float is expected).
_MAY_BE_INT = (T.INT, T.FLOAT, T.DECIMAL)


def scalar(t: Any) -> bool:
    return t in _SCALAR_TYPES or isinstance(t, T.EnumType)


def may_be_int(t: Any) -> bool:
    return t in _MAY_BE_INT or t is None or isinstance(t, (T.UnionType, T.AnyType, T.TypeVarType))


def ints_possible(g, left: Any, right: Any) -> bool:
    """Both operands may be ints at run time (a float literal is not; a float-typed name may
    hold an int)."""
    return all(may_be_int(g.type_of(x)) and not (isinstance(x, A.Constant) and type(x.value) is float)
               for x in (left, right))


def _short_text(node: Any) -> bool:
    """A str literal shorter than what a comparison charges for."""
    from seglam.run import cost

    return isinstance(node, A.Constant) and type(node.value) is str and len(node.value) < cost.TEXT_CHARS


def comparison_is_free(g, op: str, left: Any, right: Any) -> bool:
    """``left op right`` costs nothing beyond its step whatever the values: not an ordering
    or equality, or one side is a scalar or a short str literal."""
    if op not in ("==", "!=", "<", "<=", ">", ">="):
        return True
    lt, rt = g.type_of(left), g.type_of(right)
    return scalar(lt) or scalar(rt) or _short_text(left) or _short_text(right)


def charged_compare(g, op: str, left: py.expr, right: py.expr, texts: bool = False) -> py.expr | None:
    """``h_cx(compare_cost(a := left, b := right)) or a op b``; None where ``:=`` is not
    allowed (the caller then calls the stdlib's ``compare``). ``texts``: both are strs, so
    when one is shorter than TEXT_CHARS (compare_cost 0) they are compared natively after a
    length test: of ``left`` alone when ``right`` is a name or a constant (read again in the
    branch taken), else of both, ``(len(a := left) < K) | (len(b := right) < K)`` (``|``
    evaluates both operands, in order, before the test)."""
    a, b = g.tmp_in_expr(), g.tmp_in_expr()
    if a is None:
        return None

    def compared(x: py.expr, y: py.expr) -> py.expr:
        return py.Compare(left=x, ops=[PY_CMPOPS[op]()], comparators=[y])

    def charged(x: py.expr, y: py.expr) -> py.expr:
        return _spent(g, P.call(g.ref(g.runtime.compare_cost, "compare_cost"), [x, y]), compared(P.name(a), P.name(b)))

    if not texts:
        return charged(py.NamedExpr(target=P.store(a), value=left), py.NamedExpr(target=P.store(b), value=right))
    from seglam.run import cost

    def short(tmp: str, value: py.expr) -> py.expr:
        return P.compare(P.call(g.ref(len, "len"), [py.NamedExpr(target=P.store(tmp), value=value)]),
                         py.Lt(), P.const(cost.TEXT_CHARS))

    if isinstance(right, (py.Name, py.Constant)):
        slow = _spent(g, P.call(g.ref(g.runtime.compare_cost, "compare_cost"), [P.name(a), right]),
                      compared(P.name(a), right))
        return py.IfExp(test=short(a, left), body=compared(P.name(a), right), orelse=slow)
    either = py.BinOp(left=short(a, left), op=py.BitOr(), right=short(b, right))
    return py.IfExp(test=either, body=compared(P.name(a), P.name(b)), orelse=charged(P.name(a), P.name(b)))


def _small(tmp: str) -> py.expr:
    from seglam.run.codegen.gen import NEG_SMALL, SMALL

    return py.BoolOp(op=py.And(), values=[P.compare(P.name(tmp), py.Lt(), P.name(SMALL)),
                                          P.compare(P.name(tmp), py.Gt(), P.name(NEG_SMALL))])


def _spent(g, cost_call: py.expr, value: py.expr) -> py.expr:
    return py.BoolOp(op=py.Or(), values=[P.call(P.name(SPEND), [cost_call]), value])


def unary(g, op: str, operand: py.expr, t: Any) -> py.expr:
    """``-x``, ``~x`` (``op``) or ``abs(x)`` (``op`` "abs"): native for an int of at most
    SMALL_BITS bits (and any non-int), else charged a pass over it first."""
    def apply(x: py.expr) -> py.expr:
        if op == "abs":
            return P.call(g.ref(abs, "abs"), [x])
        return py.UnaryOp(op=PY_UNARY[op](), operand=x)

    if op == "+" or not may_be_int(t):
        return apply(operand)
    tmp = g.tmp_in_expr()
    if tmp is None:
        fn = g.runtime.unary_op(op)
        return P.call(g.ref(fn, "op_" + op), [P.name(CTX), operand])
    from seglam.run.codegen.exprs import int_within

    slow = _spent(g, P.call(g.ref(g.runtime.unary_cost, "unary_cost"), [P.name(tmp)]), apply(P.name(tmp)))
    medium = py.IfExp(test=_small(tmp), body=apply(P.name(tmp)), orelse=slow)
    return py.IfExp(test=int_within(tmp, operand), body=apply(P.name(tmp)), orelse=medium)


def bitwise(g, op: str, left: py.expr, right: py.expr, compact: bool) -> py.expr:
    """``left op right`` (``&``, ``|``, ``^``) on ints: native when both are at most
    SMALL_BITS bits, else charged a pass over the larger first (``Runtime.int_cost``).
    ``right`` is written in both branches (``compact``: it is small enough), else the
    stdlib operator does it all."""
    a = g.tmp_in_expr()
    if a is None or not compact:
        return P.call(g.ref(g.runtime.binop(op), "op" + op), [P.name(CTX), left, right])
    import copy

    b = g.tmp()
    test = _small(a)
    test.values[0].left = py.NamedExpr(target=P.store(a), value=left)
    inner_test = _small(b)
    inner_test.values[0].left = py.NamedExpr(target=P.store(b), value=right)
    native = py.BinOp(left=P.name(a), op=PY_BINOPS[op](), right=P.name(b))

    def slow(b_value: py.expr) -> py.expr:
        cost = P.call(g.ref(g.runtime.int_cost, "int_cost"), [P.name(CTX), P.const(op), P.const(0), P.name(a), b_value])
        return _spent(g, cost, py.BinOp(left=P.name(a), op=PY_BINOPS[op](), right=P.name(b)))

    fast = py.IfExp(test=inner_test, body=native, orelse=slow(P.name(b)))
    return py.IfExp(test=test, body=fast,
                    orelse=slow(py.NamedExpr(target=P.store(b), value=copy.deepcopy(right))))
