"""Inline charges for work that grows with the size of values, where Python's own operator
would do it for free (SPEC.md §10, "Work on large values"): bitwise and unary operators on
big ints, comparisons of strings and containers, and arithmetic whose static type is float
or Decimal but whose operands may be ints. Each charge is the one the stdlib makes
(:mod:`seglam.run.cost`, :mod:`seglam.run.valuework`), so both backends charge the same at the
same operation; operands whose static type rules the work out stay native.

Also the size caps written inline: the int cap test (``int_within``, ``int_capped``,
``int_checked``, ``int_divided``, ``capped_assign``), the length caps (``capped_len``,
``len_capped``), and the charge of a set or dict key (``keyed``).
"""

from __future__ import annotations

import ast as py
import copy
import decimal
from typing import Any

from seglam.check import types as T
from seglam.run.codegen.chars import is_char
from seglam.run.codegen import pyast as P
from seglam.run.codegen.state import (PY_BINOPS, PY_CMPOPS, PY_UNARY, CTX, INT_LIM, LEN_LIM, NEG_INT_LIM, NEG_SMALL,
                                      SMALL)
from seglam.run.cost import SMALL_BITS, TEXT_CHARS, WIDE_KEY
from seglam.run.decimalwork import INLINE_SIZE
from seglam.run.ir import nodes as ir
from seglam.syntax import ast as A

#: Static types whose comparison with anything is constant time (valuework.compare_cost is 0).
_SCALAR_TYPES = (T.INT, T.FLOAT, T.BOOL, T.DECIMAL, T.DATE, T.TIMEDELTA, T.NONE)
#: Static types that may hold an int (an int is accepted where a float is expected).
_MAY_BE_INT = (T.INT, T.FLOAT, T.DECIMAL)


def scalar(t: Any) -> bool:
    return t in _SCALAR_TYPES or isinstance(t, T.EnumType)


def may_be_int(t: Any) -> bool:
    return t in _MAY_BE_INT or t is None or isinstance(t, (T.UnionType, T.AnyType, T.TypeVarType))


def may_be_decimal(t: Any) -> bool:
    """A value of static type ``t`` may be a Decimal, whose operations are charged by its
    digits (decimalwork.op_cost)."""
    return t == T.DECIMAL or t is None or isinstance(t, (T.UnionType, T.AnyType, T.TypeVarType))


def decimal_charged(g, op: str, left: py.expr, right: py.expr, then, types: tuple = (None, None)) -> py.expr:
    """``then(a, b)`` on the operands bound in order, charged decimalwork.op_cost first, as
    the stdlib's operators are: ``(small(a) & small(b) or not
    h_spend(op_cost(op, a, b))) and then(a, b)``. The inline test
    admits only operands that cost nothing (:func:`_size_known_small`), so the call is made
    for large ones only; a small int literal is not tested. ``types``: the operands' static
    types."""
    binds: list[tuple[str, py.expr]] = []
    tests: list[py.expr] = []
    for x, t in zip((left, right), types):
        if not _small_literal(x):  # a literal is written where it is read, and not tested
            binds.append((g.tmp(), x))
            tests.append(_size_known_small(g, binds[-1][0], t))

    a = copy.deepcopy(left) if _small_literal(left) else P.name(binds[0][0])
    b = copy.deepcopy(right) if _small_literal(right) else P.name(binds[-1][0])
    paid = _paid(P.call(g.ref(g.runtime.decimal_cost, "decimal_cost"), [P.const(op), a, b]))
    # (``&`` evaluates both tests, in order: each operand is bound at its first read)
    known = tests[0] if len(tests) == 1 else py.BinOp(left=tests[0], op=py.BitAnd(), right=tests[1]) if tests else None
    first = paid if known is None else py.BoolOp(op=py.Or(), values=[known, paid])
    return ir.lets(binds, py.BoolOp(op=py.And(), values=[first, then(copy.deepcopy(a), copy.deepcopy(b))]))


def _size_known_small(g, tmp: str, t: Any) -> py.expr:
    """A test that ``tmp`` (of static type ``t``) costs nothing as an operand of a Decimal
    operation: an int within SMALL_BITS bits, or ``type(tmp) is Decimal and
    Decimal.__sizeof__(tmp) <= K`` (decimalwork.INLINE_SIZE: a coefficient kept inline).
    Anything else takes the exact charge, which is 0 for it too when it is small."""
    if t in (T.INT, T.BOOL):
        return _small(tmp)
    is_decimal = P.compare(P.call(g.ref(type, "type"), [P.name(tmp)]), py.Is(), g.ref(decimal.Decimal, "Decimal"))
    inline = P.compare(P.call(g.ref(decimal.Decimal.__sizeof__, "decimal_size"), [P.name(tmp)]), py.LtE(),
                       P.const(INLINE_SIZE))
    return py.BoolOp(op=py.And(), values=[is_decimal, inline])


def _paid(charge: py.expr) -> py.expr:
    """``not h_spend(charge)``: True once ``charge`` is paid (a Spend is False)."""
    return py.UnaryOp(op=py.Not(), operand=ir.Spend(charge))


def ints_possible(g, left: Any, right: Any) -> bool:
    """Both operands may be ints at run time (a float literal is not; a float-typed name may
    hold an int)."""
    return all(may_be_int(g.type_of(x)) and not (isinstance(x, A.Constant) and type(x.value) is float)
               for x in (left, right))


def _short_text(node: Any) -> bool:
    """A str literal shorter than what a comparison charges for."""
    return isinstance(node, A.Constant) and type(node.value) is str and len(node.value) < TEXT_CHARS


def comparison_is_free(g, op: str, left: Any, right: Any) -> bool:
    """``left op right`` costs nothing beyond its step whatever the values: not an ordering
    or equality, or one side is a scalar or a short str literal."""
    if op not in ("==", "!=", "<", "<=", ">", ">="):
        return True
    lt, rt = g.type_of(left), g.type_of(right)
    if may_be_decimal(lt) or may_be_decimal(rt):
        return False  # a Decimal is charged by its digits (valuework.compare_cost)
    return scalar(lt) or scalar(rt) or _short_text(left) or _short_text(right) \
        or is_char(g.chars, left) or is_char(g.chars, right)


def charged_compare(g, op: str, left: py.expr, right: py.expr, texts: bool = False) -> py.expr:
    """``h_cx(compare_cost(a := left, b := right)) or a op b`` (``a``, ``b``: ``Let``s).
    ``texts``: both are strs, so
    when one is shorter than TEXT_CHARS (compare_cost 0) they are compared natively after a
    length test: of ``left`` alone when ``right`` is a name or a constant (read again in the
    branch taken), else of both, ``(len(a := left) < K) | (len(b := right) < K)`` (``|``
    evaluates both operands, in order, before the test)."""
    a, b = g.tmp(), g.tmp()

    def compared(x: py.expr, y: py.expr) -> py.expr:
        return py.Compare(left=x, ops=[PY_CMPOPS[op]()], comparators=[y])

    def charged(x: py.expr, y: py.expr) -> py.expr:
        return _spent(g, P.call(g.ref(g.runtime.compare_cost, "compare_cost"), [x, y]), compared(P.name(a), P.name(b)))

    if not texts:
        return ir.lets([(a, left), (b, right)], charged(P.name(a), P.name(b)))

    def short(tmp: str) -> py.expr:
        return P.compare(P.call(g.ref(len, "len"), [P.name(tmp)]), py.Lt(), P.const(TEXT_CHARS))

    if isinstance(right, (py.Name, py.Constant)):
        slow = _spent(g, P.call(g.ref(g.runtime.compare_cost, "compare_cost"), [P.name(a), right]),
                      compared(P.name(a), right))
        return ir.Let(a, left, py.IfExp(test=short(a), body=compared(P.name(a), right), orelse=slow))
    either = py.BinOp(left=short(a), op=py.BitOr(), right=short(b))
    return ir.lets([(a, left), (b, right)], py.IfExp(test=either, body=compared(P.name(a), P.name(b)),
                                                       orelse=charged(P.name(a), P.name(b))))


def _spent(g, cost_call: py.expr, value: py.expr) -> py.expr:
    return py.BoolOp(op=py.Or(), values=[ir.Spend(cost_call), value])


def unary(g, op: str, operand: py.expr, t: Any) -> py.expr:
    """``-x``, ``~x`` (``op``) or ``abs(x)`` (``op`` "abs"): native for an int of at most
    SMALL_BITS bits (and any non-int), else charged a pass over it first."""
    def apply(x: py.expr) -> py.expr:
        if op == "abs":
            return P.call(g.ref(abs, "abs"), [x])
        return py.UnaryOp(op=PY_UNARY[op](), operand=x)

    if may_be_decimal(t) and not _small_literal(operand):
        # an int or a Decimal: stdlib.unary_cost, 0 for any operand the inline size test admits
        tmp = g.tmp()
        charge = P.call(g.ref(g.runtime.unary_cost, "unary_cost"), [P.name(tmp), P.const(op)])
        return ir.Let(tmp, operand, py.BoolOp(op=py.And(), values=[
            py.BoolOp(op=py.Or(), values=[_size_known_small(g, tmp, t), _paid(charge)]), apply(P.name(tmp))]))
    if op == "+" or not may_be_int(t) or _small_literal(operand):
        return apply(operand)  # (of a literal: a constant, stdlib.unary_cost 0 whatever the caps)
    tmp = g.tmp()
    slow = _spent(g, P.call(g.ref(g.runtime.unary_cost, "unary_cost"), [P.name(tmp)]), apply(P.name(tmp)))
    medium = py.IfExp(test=_small(tmp), body=apply(P.name(tmp)), orelse=slow)
    return ir.Let(tmp, operand, py.IfExp(test=int_within(tmp), body=apply(P.name(tmp)), orelse=medium))


def _small_literal(node: py.expr) -> bool:
    """An int literal of at most SMALL_BITS bits: negating or inverting it costs nothing."""
    return isinstance(node, py.Constant) and type(node.value) is int and -(1 << SMALL_BITS) < node.value < 1 << SMALL_BITS


def bitwise(g, op: str, left: py.expr, right: py.expr, compact: bool) -> py.expr:
    """``left op right`` (``&``, ``|``, ``^``) on ints: native when both are at most
    SMALL_BITS bits, else charged a pass over the larger first (``Runtime.int_cost``).
    ``right`` is written in both branches (``compact``: it is small enough), else the
    stdlib operator does it all."""
    a = g.tmp()
    if not compact:
        return P.call(g.ref(g.runtime.binop(op), "op" + op), [P.name(CTX), left, right])
    b = g.tmp()
    native = py.BinOp(left=P.name(a), op=PY_BINOPS[op](), right=P.name(b))

    def slow() -> py.expr:
        cost = P.call(g.ref(g.runtime.int_cost, "int_cost"), [P.name(CTX), P.const(op), P.const(0), P.name(a), P.name(b)])
        return _spent(g, cost, py.BinOp(left=P.name(a), op=PY_BINOPS[op](), right=P.name(b)))

    # right is evaluated once either way: in the fast branch's test, or in the slow path's cost
    fast = ir.Let(b, right, py.IfExp(test=_small(b), body=native, orelse=slow()))
    return ir.Let(a, left, py.IfExp(test=_small(a), body=fast, orelse=ir.Let(b, copy.deepcopy(right), slow())))


def int_capped(g, expr: py.expr) -> py.expr:
    """``expr`` (an int) unless it is past the int size cap: small ints pass an inline test,
    others the exact check (``int_fault`` returns the value when it is within the cap)."""
    t = g.tmp()
    fault = P.call(g.ref(g.runtime.int_fault, "int_fault"), [P.name(CTX), P.name(t)])
    return ir.Let(t, expr, ir.CapInt(int_within(t), P.name(t), fault))


def int_within(tmp: str) -> py.expr:
    """``tmp <= h_ilim and tmp >= h_nilim``: the inline int test. As a test of an ``if``,
    each comparison is followed by its own jump, so CPython specialises both to its fast
    int comparison (a chained comparison would not: it also copies and swaps)."""
    return py.BoolOp(op=py.And(), values=[P.compare(P.name(tmp), py.LtE(), P.name(INT_LIM)),
                                          P.compare(P.name(tmp), py.GtE(), P.name(NEG_INT_LIM))])


def keyed(g, key: py.expr, t: Any, node: Any = None) -> py.expr:
    """``key`` used in a set or dict operation that generated code does natively: a wide
    int key is charged (stdlib_core.key_cost, as the stdlib's operations do); an int that
    passes the inline int test is not wide. Keys of types that cannot hold an int pass, and
    so does one character (``node``, the key's Seglam node, when the caller has it)."""
    if not costly_key(t) or _free_constant(key) or is_char(g.chars, node):
        return key
    tmp = g.tmp()
    charged = py.BoolOp(op=py.Or(), values=[ir.Spend(P.call(
        g.ref(g.runtime.key_cost, "key_cost"), [P.name(CTX), P.name(tmp)])), P.name(tmp)])
    if t == T.STR:  # a str shorter than cost.TEXT_CHARS costs nothing
        short = P.compare(P.call(g.ref(len, "len"), [P.name(tmp)]), py.Lt(), P.const(TEXT_CHARS))
        return ir.Let(tmp, key, py.IfExp(test=short, body=P.name(tmp), orelse=charged))
    if _short_int_tuple(t):  # (r, c): no charge while every item passes the inline int test
        return ir.Let(tmp, key, py.IfExp(test=_items_within(tmp, len(t.elems)), body=P.name(tmp), orelse=charged))
    if t != T.INT:
        return ir.Let(tmp, key, charged)
    return ir.Let(tmp, key, py.IfExp(test=int_within(tmp), body=P.name(tmp), orelse=charged))


#: Tuple keys of at most this many ints are tested inline (valuework.key_cost charges nothing
#: for a short tuple of ints within cost.WIDE_KEY, which contains the inline int bound).
_INLINE_TUPLE_KEY = 3


def _short_int_tuple(t: Any) -> bool:
    return (isinstance(t, T.TupleType) and not t.variadic and 0 < len(t.elems) <= _INLINE_TUPLE_KEY
            and all(e == T.INT for e in t.elems))


def _items_within(tmp: str, count: int) -> py.expr:
    """``tmp[0] <= h_ilim and tmp[0] >= h_nilim and tmp[1] <= h_ilim ...``"""
    tests: list[py.expr] = []
    for i in range(count):
        tests.append(P.compare(py.Subscript(value=P.name(tmp), slice=P.const(i), ctx=P.LOAD), py.LtE(), P.name(INT_LIM)))
        tests.append(P.compare(py.Subscript(value=P.name(tmp), slice=P.const(i), ctx=P.LOAD), py.GtE(), P.name(NEG_INT_LIM)))
    return py.BoolOp(op=py.And(), values=tests)


#: Key types that valuework.key_cost charges nothing for.
_FREE_KEYS = (T.BOOL, T.NONE, T.DATE, T.TIMEDELTA)


def _free_constant(key: py.expr) -> bool:
    """A literal key that valuework.key_cost charges nothing for."""
    if not isinstance(key, py.Constant):
        return False
    v = key.value
    return (type(v) is str and len(v) < TEXT_CHARS) or (type(v) is int and -WIDE_KEY < v < WIDE_KEY) \
        or type(v) in (bool, float, type(None))


def costly_key(t: Any) -> bool:
    return not (t in _FREE_KEYS or isinstance(t, T.EnumType))


def key_type(t: Any) -> Any:
    """The key type of a dict or Counter type, the element type of a set type, else None
    (not a hashed container)."""
    if isinstance(t, (T.DictType, T.CounterType)):
        return t.key
    if isinstance(t, T.SetType):
        return t.elem
    return None


def reusable(expr: py.expr) -> bool:
    """An operand that can be read again in a slow path: a name or a constant."""
    return isinstance(expr, (py.Name, py.Constant))


def _operand(g, expr: py.expr, binds: list[tuple[str, py.expr]]) -> py.expr:
    """How to read the operand ``expr`` again: a name or constant as it is, anything else
    a temporary it is bound to first (appended to ``binds``)."""
    if reusable(expr):
        return expr
    t = g.tmp()
    binds.append((t, expr))
    return P.name(t)


def int_checked(g, op: str, left: py.expr, right: py.expr) -> py.expr:
    """``left op right`` (``+``, ``-``, ``*``) on ints: the inline cap test; outside it the
    slow path checks the cap exactly and charges the work (``Runtime.int_cost``)."""
    t = g.tmp()
    a = b = P.const(0)
    binds: list[tuple[str, py.expr]] = []
    if op == "*":  # the work depends on both operands
        left = a = _operand(g, left, binds)
        right = b = _operand(g, right, binds)
    native = py.BinOp(left=left, op=PY_BINOPS[op](), right=right)
    charged = py.BoolOp(op=py.Or(), values=[_spend_int(g, op, P.name(t), a, b), P.name(t)])
    medium = py.IfExp(test=_small(t), body=P.name(t), orelse=charged)
    return ir.lets([*binds, (t, native)], ir.CapInt(int_within(t), P.name(t), medium, work=(op, a, b)))


def _spend_int(g, op: str, value: py.expr, a: py.expr, b: py.expr) -> py.expr:
    cost = P.call(g.ref(g.runtime.int_cost, "int_cost"), [P.name(CTX), P.const(op), value, a, b])
    return ir.Spend(cost)


def int_divided(g, op: str, left: py.expr, right: py.expr) -> py.expr:
    """``left op right`` (``//``, ``%``, ``>>``) on ints: native when ``left`` is small;
    otherwise the work is charged first (``Runtime.int_cost``). ``right`` is written in
    both branches (evaluated once, after ``left``, either way); a larger divisor expression
    is bound to a temporary first (:func:`divisor_bound`)."""
    t = g.tmp()
    if not compact(right):
        return divisor_bound(g, op, t, left, right)
    # the single-digit bounds of the int cap test keep CPython's fast int comparison; the
    # slow path computes the cost, which is 0 below SMALL_BITS
    fast = py.BinOp(left=P.name(t), op=PY_BINOPS[op](), right=right)
    binds: list[tuple[str, py.expr]] = []
    again = _operand(g, copy.deepcopy(right), binds)
    slow = ir.lets(binds, py.BoolOp(op=py.Or(), values=[_spend_int(g, op, P.const(0), P.name(t), copy.deepcopy(again)),
                                                        py.BinOp(left=P.name(t), op=PY_BINOPS[op](), right=again)]))
    medium = py.IfExp(test=_small(t), body=py.BinOp(left=P.name(t), op=PY_BINOPS[op](), right=copy.deepcopy(right)),
                      orelse=slow)
    return ir.Let(t, left, py.IfExp(test=int_within(t), body=fast, orelse=medium))


def divisor_bound(g, op: str, t: str, left: py.expr, right: py.expr) -> py.expr:
    """:func:`int_divided` of a divisor too large to write twice: ``left`` bound to ``t``,
    then ``right`` to ``r`` by the test ``t is not r`` (a Compare evaluates its left
    operand and first comparator always, in that order), then the same three ways as a
    compact divisor. The test only orders the two evaluations: when ``t is r`` (the same
    small int) the medium way gives the same value."""
    r = g.tmp()
    ordered = P.compare(P.name(t), py.IsNot(), P.name(r))
    test = py.BoolOp(op=py.And(), values=[ordered, int_within(t)])
    fast = py.BinOp(left=P.name(t), op=PY_BINOPS[op](), right=P.name(r))
    slow = py.BoolOp(op=py.Or(), values=[_spend_int(g, op, P.const(0), P.name(t), P.name(r)),
                                         py.BinOp(left=P.name(t), op=PY_BINOPS[op](), right=P.name(r))])
    medium = py.IfExp(test=_small(t), body=copy.deepcopy(fast), orelse=slow)
    return ir.Let(t, left, ir.Let(r, right, py.IfExp(test=test, body=fast, orelse=medium)))


def _small(tmp: str) -> py.expr:
    """``tmp < h_small and tmp > h_nsmall`` (at most cost.SMALL_BITS bits): no extra work
    for an int this size, without calling the slow path."""
    return py.BoolOp(op=py.And(), values=[P.compare(P.name(tmp), py.Lt(), P.name(SMALL)),
                                          P.compare(P.name(tmp), py.Gt(), P.name(NEG_SMALL))])


#: The largest divisor expression (in Python AST nodes) written twice by :func:`int_divided`.
_COMPACT_NODES = 24


def compact(expr: py.expr) -> bool:
    nodes = list(py.walk(expr))
    return len(nodes) <= _COMPACT_NODES and not any(
        isinstance(n, (py.Lambda, py.ListComp, py.SetComp, py.DictComp, py.GeneratorExp)) for n in nodes)


def capped_assign(g, name: str, value: py.expr) -> list[py.stmt] | None:
    """``name = value`` where ``value`` is an :func:`int_capped` expression, as statements:
    the operation, then the cap test on the name (two plain comparisons cost less than the
    ``:=`` and chained comparison an expression needs). None for any other value."""
    bound: list[ir.Let] = []
    line = getattr(value, "lineno", None)  # the operation's line: the Lets rebuilt below have none
    while isinstance(value, ir.Let):
        bound.append(value)
        value = value.body
    if not isinstance(value, ir.CapInt):
        return None
    # the value before its test: what the last Let binds, inside the Lets before it
    raw, work = ir.lets([(let.name, let.value) for let in bound[:-1]], bound[-1].value), value.work
    over = py.BoolOp(op=py.Or(), values=[P.compare(P.name(name), py.Gt(), P.name(INT_LIM)),
                                         P.compare(P.name(name), py.Lt(), P.name(NEG_INT_LIM))])
    if work is not None:
        op, a, b = work
        if any(isinstance(x, py.Name) and x.id == name for x in (a, b)):
            return None  # the operand is overwritten before the slow path reads it
        slow = P.expr_stmt(_spend_int(g, op, P.name(name), a, b))
    else:
        fault = P.call(g.ref(g.runtime.int_fault, "int_fault"), [P.name(CTX), P.name(name)])
        slow = P.assign(P.store(name), fault)
    # the test is located at the operation, as the expression form's is
    check = P.if_(over, [slow])
    if line is not None:  # else the caller stamps the statement's line
        P.stamp(raw, line)
        P.stamp(check, line)
    return [P.assign(P.store(name), raw), check]


def len_capped(g, expr: py.expr) -> py.expr:
    """``expr`` (a new collection) unless it is longer than the collection cap."""
    return capped_len(g, expr, LEN_LIM, g.runtime.len_fault)


def capped_len(g, expr: py.expr, limit: str, fault_fn: Any) -> py.expr:
    """``expr`` unless its length is past ``limit`` (then the cap's fault)."""
    t = g.tmp()
    within = P.compare(length(g, P.name(t)), py.LtE(), P.name(limit))
    fault = P.call(g.ref(fault_fn, "cap_fault"), [P.name(CTX), length(g, P.name(t))])
    return ir.Let(t, expr, py.IfExp(test=within, body=P.name(t), orelse=fault))


def length(g, value: py.expr) -> py.expr:
    if isinstance(value, py.Constant) and isinstance(value.value, str):
        return P.const(len(value.value))  # folded: the same number the stdlib computes
    return P.call(g.ref(len, "len"), [value])
