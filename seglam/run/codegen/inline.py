"""Inline forms of the commonest stdlib operations, with exactly the stdlib's charges and caps.

Each inline form is ``h_ch(n) or <native operation>``: ``h_ch`` is the run's
``ctx.charge`` (it returns None, so the native operation's value is the result). Inside a
loop whose body makes no other charging call, :mod:`seglam.run.codegen.fuel` rewrites
``h_ch(n)`` to a decrement of a local fuel counter, which is what makes these loops run at
CPython speed. The forms are only used when every operand is a name or a constant, so
evaluating an operand twice or in a different order is unobservable.
"""

from __future__ import annotations

import ast as py
import copy
from typing import Any

from seglam.check import types as T
from seglam.run.codegen import pyast as P
from seglam.run.codegen import sizework
from seglam.run.codegen.chars import is_char
from seglam.run.codegen.sizework import capped_len, int_capped, length
from seglam.run.codegen.state import CTX, JOIN_MAX, LEN_LIM, STR_LIM, FnState
from seglam.run.cost import sort_extra, str_to_int
from seglam.run.ir import nodes as ir
from seglam.run.stdlib_text import GROWING_STR_METHODS, LINEAR_STR_METHODS, STRIP_STR_METHODS, strip_work
from seglam.run.valuework import needle_cost
from seglam.syntax import ast as A

#: A sort of fewer items costs no more than collecting them: the least ``n`` with a
#: ``cost.sort_extra`` (read from the table, not restated).
SORT_FREE = next(n for n in range(1 << 16) if sort_extra(n) > 0)
#: ``int(s)`` of at most this many characters costs no extra work: the most digits with no
#: ``cost.str_to_int`` charge.
LONG_DIGITS = next(d for d in range(1 << 16) if str_to_int(d + 1) > 0)

#: A str sought in a list or tuple (``w in words``, ``words.index(w)``) costs nothing per
#: comparison below this many characters: the shortest with a ``valuework.needle_cost``.
COSTLY_NEEDLE = next(k for k in range(1 << 16) if needle_cost("x" * k, 1) > 0)

#: ``str`` methods the stdlib implements as "charge len(s), then call" (its own table).
LINEAR_STR = LINEAR_STR_METHODS
#: ... "charge len(s), call, then cap the result's length".
GROWING_STR = GROWING_STR_METHODS
#: ... "charge len(s), call, then cap the number of parts".
SPLITTING_STR = frozenset({"split", "rsplit"})


def simple(node: Any, g: Any = None) -> bool:
    """Evaluating ``node`` has no effect and cannot fault (so it may be repeated). With the
    generator ``g`` (for static types), a field of a record (``clause.subject``) counts too:
    a value whose static type is a record always has its fields."""
    if isinstance(node, (A.ListExpr, A.TupleExpr)):
        return all(isinstance(e, A.Constant) for e in node.elts)
    if isinstance(node, A.UnaryOp) and node.op == "-":
        return isinstance(node.operand, A.Constant)
    if isinstance(node, A.Attribute) and g is not None:
        return simple(node.value, g) and isinstance(g.type_of(node.value), T.RecordType)
    return isinstance(node, A.Constant) or isinstance(node, A.Name)


def charge(n: py.expr, then: py.expr) -> py.expr:
    return py.BoolOp(op=py.Or(), values=[ir.Charge(n), then])


def operands(g, left: Any, right: Any, fn) -> tuple[py.expr, py.expr, py.expr, py.expr, list[tuple[str, py.expr]]]:
    """(first use of left, first use of right, later use of left, later use of right, the
    bindings the result goes inside, ``ir.lets``).

    Simple operands are re-evaluated; others are bound to temporaries, left then right,
    which keeps Python's left-then-right order."""
    out = []
    binds: list[tuple[str, py.expr]] = []
    for node in (left, right):
        if simple(node, g):
            out.append((g.expr(node, fn), g.expr(node, fn)))
        else:
            t = g.tmp()
            binds.append((t, g.expr(node, fn)))
            out.append((P.name(t), P.name(t)))
    return out[0][0], out[1][0], out[0][1], out[1][1], binds


def str_method(g, node: A.Call, receiver_t: Any, fn) -> py.expr | None:
    """``s.strip(...)``, ``s.isdigit()``, ``s.lower()``, ``s.split(...)`` inline."""
    func = node.func
    name = func.attr
    if receiver_t != T.STR or node.keywords or not all(simple(a, g) for a in node.args):
        return None
    if name not in LINEAR_STR and name not in GROWING_STR and name not in SPLITTING_STR:
        return None
    if name in SPLITTING_STR and len(node.args) > 2:
        return None
    binds: list[tuple[str, py.expr]] = []
    if simple(func.value, g):
        first, later = g.expr(func.value, fn), g.expr(func.value, fn)
    else:
        # the receiver is evaluated once, first (then the charge, then the call)
        tmp = g.tmp()
        binds.append((tmp, g.expr(func.value, fn)))
        first, later = P.name(tmp), P.name(tmp)
    call = P.call(P.attr(later, name), [g.expr(a, fn) for a in node.args])
    if name in STRIP_STR_METHODS and node.args:
        # each character of the receiver may be looked up in chars: charged as the stdlib does
        again = P.name(binds[0][0]) if binds else g.expr(func.value, fn)
        work = ir.Spend(P.call(g.ref(strip_work, "strip_work"), [again, g.expr(node.args[0], fn)]))
        call = py.BoolOp(op=py.Or(), values=[work, call])
    if name in GROWING_STR:
        call = capped_len(g, call, STR_LIM, g.runtime.str_fault)
    elif name in SPLITTING_STR:
        call = capped_len(g, call, LEN_LIM, g.runtime.len_fault)
    return ir.lets(binds, charge(text_length(g, func.value, first), call))


def text_length(g, node: Any, value: py.expr) -> py.expr:
    """``len(value)``, or 1 when ``node`` (``value``'s Seglam node) is a name or a literal
    of one character (:mod:`seglam.run.codegen.chars`), which ``value`` reads again, so
    leaving it out skips no evaluation (an item ``s[i]`` may be bound to a temporary here)."""
    if isinstance(node, (A.Name, A.Constant)) and is_char(g.chars, node) and isinstance(value, (py.Name, py.Constant)):
        return P.const(1)
    return length(g, value)


def linear_read(g, node: A.Call, receiver_t: Any, fn) -> py.expr | None:
    """``xs.index(x)`` / ``xs.count(x)`` on a list or tuple inline, charged its length like
    the stdlib's (a missing item raises the same ValueError there and here)."""
    func = node.func
    if not (isinstance(receiver_t, (T.ListType, T.TupleType)) and func.attr in ("index", "count")):
        return None
    if node.keywords or not simple(func.value, g) or not all(simple(a, g) for a in node.args):
        return None
    text_needle = bool(node.args) and g.type_of(node.args[0]) == T.STR
    if node.args and not text_needle and not sizework.comparison_is_free(g, "==", node.args[0], node.args[0]):
        return None  # each comparison may cost (valuework.needle_cost): the stdlib charges it
    call = P.call(P.attr(g.expr(func.value, fn), func.attr), [g.expr(a, fn) for a in node.args])
    if text_needle:
        call = _needle_charged(g, g.expr(node.args[0], fn), g.expr(func.value, fn), call)
    return charge(length(g, g.expr(func.value, fn)), call)


def membership(g, node: A.Compare, fn) -> py.expr | None:
    """``x in s`` / ``x not in xs`` for a str, list or tuple container: charged its length."""
    if len(node.ops) != 1 or node.ops[0] not in ("in", "not in"):
        return None
    container = node.comparators[0]
    t = g.type_of(container)
    if not (t == T.STR or isinstance(t, (T.ListType, T.TupleType))) or not simple(container, g):
        return None
    text_needle = t != T.STR and g.type_of(node.left) == T.STR
    if t != T.STR and not text_needle and not sizework.comparison_is_free(g, "==", node.left, node.left):
        return None  # each comparison may cost (valuework.needle_cost): the stdlib charges it
    op = py.In() if node.ops[0] == "in" else py.NotIn()
    if simple(node.left, g):
        item = g.expr(node.left, fn)
        test = py.Compare(left=item, ops=[op], comparators=[g.expr(container, fn)])
        if text_needle:
            test = _needle_charged(g, g.expr(node.left, fn), g.expr(container, fn), test)
        return charge(length(g, g.expr(container, fn)), test)
    # the item first (it may fault: `s[i] in "aeiou"`), then the charge, then the test
    item = g.tmp()
    test = py.Compare(left=P.name(item), ops=[op], comparators=[g.expr(container, fn)])
    if text_needle:
        test = _needle_charged(g, P.name(item), g.expr(container, fn), test)
    return ir.Let(item, g.expr(node.left, fn), py.BoolOp(op=py.Or(), values=[ir.Effect(P.name(item)),
                                                              charge(length(g, g.expr(container, fn)), test)]))


def _needle_charged(g, needle: py.expr, items: py.expr, then: py.expr) -> py.expr:
    """``(len(needle) >= COSTLY_NEEDLE and Spend(needle_cost(needle, len(items)))) or then``:
    a str sought in a list or tuple, its comparisons charged as the stdlib's ``contains``
    charges them (after the length), only when it is long enough to cost."""
    costly = P.compare(P.call(g.ref(len, "len"), [needle]), py.GtE(), P.const(COSTLY_NEEDLE))
    spend = ir.Spend(P.call(g.ref(needle_cost, "needle_cost"), [copy.deepcopy(needle), length(g, items)]))
    return py.BoolOp(op=py.Or(), values=[py.BoolOp(op=py.And(), values=[costly, spend]), then])


def concat(g, left: Any, right: Any, result_t: Any, fn, left_py: py.expr | None = None) -> py.expr | None:
    """``a + b`` for two strs or two lists (names or constants): the stdlib caps the total
    length first, then charges it, then concatenates."""
    if result_t == T.STR:
        limit, fault = STR_LIM, g.runtime.str_fault
    elif isinstance(result_t, T.ListType):
        limit, fault = LEN_LIM, g.runtime.len_fault
    else:
        return None
    binds: list[tuple[str, py.expr]] = []
    if left_py is not None:  # a name
        lp, lp2 = left_py, left_py
        if simple(right, g):
            rp, rp2 = g.expr(right, fn), g.expr(right, fn)
        else:
            tmp = g.tmp()
            binds.append((tmp, g.expr(right, fn)))
            rp, rp2 = P.name(tmp), P.name(tmp)
    else:
        lp, rp, lp2, rp2, binds = operands(g, left, right, fn)
    n = g.tmp()
    total = py.BinOp(left=text_length(g, left, lp), op=py.Add(), right=text_length(g, right, rp))
    over = P.compare(P.name(n), py.Gt(), P.name(limit))
    guard = py.IfExp(test=over, body=P.call(g.ref(fault, "cap_fault"), [P.name(CTX), P.name(n)]),
                     orelse=ir.Charge(P.name(n)))
    return ir.lets([*binds, (n, total)], py.BoolOp(op=py.Or(), values=[guard, py.BinOp(left=lp2, op=py.Add(), right=rp2)]))


def int_of_str(g, node: A.Call, fn) -> py.expr | None:
    """``int(s)`` for a str name: charged its length, then capped like every int."""
    if len(node.args) != 1 or node.keywords or g.type_of(node.args[0]) != T.STR or not simple(node.args[0], g):
        return None
    value = P.call(g.ref(int, "int"), [g.expr(node.args[0], fn)])
    # a long digit string costs quadratic work too (seglam.run.cost.str_to_int)
    if is_char(g.chars, node.args[0]):  # one digit: never long, one step
        return charge(P.const(1), int_capped(g, value))
    work = ir.Spend(P.call(g.ref(g.runtime.str_to_int_cost, "str_to_int"), [length(g, g.expr(node.args[0], fn))]))
    long = P.compare(length(g, g.expr(node.args[0], fn)), py.Gt(), P.const(LONG_DIGITS))
    value = py.BoolOp(op=py.Or(), values=[py.BoolOp(op=py.And(), values=[long, work]), int_capped(g, value)])
    return charge(length(g, g.expr(node.args[0], fn)), value)


def repeat(g, node: A.BinOp, fn) -> py.expr | None:
    """``s * n`` / ``xs * n`` (str or list times int): the stdlib caps ``len * max(n, 0)``
    first, then charges it, then repeats."""
    lt, rt = g.type_of(node.left), g.type_of(node.right)
    if rt == T.INT and (lt == T.STR or isinstance(lt, T.ListType)):
        seq, count = node.left, node.right
    elif lt == T.INT and (rt == T.STR or isinstance(rt, T.ListType)):
        seq, count = node.right, node.left
    else:
        return None
    first_l, first_r, later_l, later_r, binds = operands(g, node.left, node.right, fn)
    st = g.type_of(seq)
    limit, fault = (STR_LIM, g.runtime.str_fault) if st == T.STR else (LEN_LIM, g.runtime.len_fault)
    n = g.tmp()
    if seq is node.left:
        size, times = text_length(g, node.left, first_l), P.call(g.ref(max, "max"), [first_r, P.const(0)])
        total = py.BinOp(left=size, op=py.Mult(), right=times)
    else:
        times, size = P.call(g.ref(max, "max"), [first_l, P.const(0)]), text_length(g, node.right, first_r)
        total = py.BinOp(left=times, op=py.Mult(), right=size)
    over = P.compare(P.name(n), py.Gt(), P.name(limit))
    guard = py.IfExp(test=over, body=P.call(g.ref(fault, "cap_fault"), [P.name(CTX), P.name(n)]),
                     orelse=ir.Charge(P.name(n)))
    product = py.BinOp(left=later_l, op=py.Mult(), right=later_r)
    return ir.lets([*binds, (n, total)], py.BoolOp(op=py.Or(), values=[guard, product]))


def sliced(g, node: A.Subscript, fn) -> py.expr | None:
    """``s[a:b:c]`` of a str, list or tuple name: the slice is charged for its length."""
    t = g.type_of(node.value)
    sl = node.index
    if not (t == T.STR or isinstance(t, (T.ListType, T.TupleType))) or not simple(node.value, g):
        return None
    if not all(x is None or simple(x, g) for x in (sl.lower, sl.upper, sl.step)):
        return None
    tmp = g.tmp()
    value = py.Subscript(value=g.expr(node.value, fn), slice=slice_native(g, sl, fn), ctx=P.LOAD)
    return ir.Let(tmp, value, charge(length(g, P.name(tmp)), P.name(tmp)))


_NATIVE_COLLECTORS = {"sum": sum, "min": min, "max": max, "sorted": sorted}


def collecting_builtin(g, node: A.Call, ident: str, fn) -> py.expr | None:
    """``sum(xs)``, ``min(xs)``, ``max(xs)``, ``sorted(xs)`` of one list, tuple or str with no
    other argument: the stdlib charges the length, then calls the builtin (an empty min/max
    is F-VALUE either way); sum's result is capped like every int."""
    if len(node.args) != 1 or node.keywords or isinstance(node.args[0], A.Starred):
        return None
    t = g.type_of(node.args[0])
    if not (isinstance(t, (T.ListType, T.TupleType)) or (t == T.STR and ident != "sum")):
        return None
    elem = t.elem if isinstance(t, T.ListType) else (t.elems[0] if isinstance(t, T.TupleType) and t.variadic else None)
    if ident == "sum" and elem not in (T.INT, T.FLOAT, T.BOOL):
        return None
    if ident in ("min", "max") and t != T.STR and not sizework.scalar(elem):
        return None  # the items' comparisons may cost (valuework.extreme_cost): the stdlib's
    tmp = g.tmp()
    arg = g.expr(node.args[0], fn)
    value: py.expr = P.name(tmp)
    if ident == "sorted":  # a new list: the cap first, as the stdlib's collect (an argument may be longer)
        value = capped_len(g, value, LEN_LIM, g.runtime.len_fault)
    result = P.call(g.ref(_NATIVE_COLLECTORS[ident], ident), [P.name(tmp)])
    if ident == "sorted":
        # the comparisons too (seglam.run.cost.sort_extra; nothing below SORT_FREE items)
        many = P.compare(length(g, P.name(tmp)), py.GtE(), P.const(SORT_FREE))
        work = ir.Spend(P.call(g.ref(g.runtime.sort_cost, "sort_cost"), [P.name(tmp)]))
        result = py.BoolOp(op=py.Or(), values=[py.BoolOp(op=py.And(), values=[many, work]), result])
    if ident == "sum":
        result = int_capped(g, result)
    return ir.Let(tmp, arg, charge(length(g, value), result))


def scalar_extreme(g, node: A.Call, ident: str, fn) -> py.expr | None:
    """``min(a, b, ...)`` / ``max(a, b, ...)`` of two or more values of scalar static types
    with no keyword: the stdlib compares them as the builtin does and charges nothing
    (valuework.extreme_cost is 0 for scalars; no collection, no length charge)."""
    if len(node.args) < 2 or node.keywords or any(isinstance(a, A.Starred) for a in node.args):
        return None
    if not all(sizework.scalar(g.type_of(a)) for a in node.args):
        return None
    return P.call(g.ref(_NATIVE_COLLECTORS[ident], ident), [g.expr(a, fn) for a in node.args])


def join(g, node: A.Call, fn, items_expr: py.expr | None = None) -> py.expr | None:
    """``sep.join(items)`` for a list or tuple of str: the stdlib caps the total length
    first, then charges total + count, then joins. ``items_expr``: the items already
    compiled (a collected generator of str)."""
    func = node.func
    if len(node.args) != 1 or node.keywords or g.type_of(func.value) != T.STR:
        return None
    t = g.type_of(node.args[0])
    if items_expr is None and not ((isinstance(t, T.ListType) and t.elem == T.STR)
                                   or (isinstance(t, T.TupleType) and t.variadic and t.elems[0] == T.STR)):
        return None
    items, total = g.tmp(), g.tmp()
    constant_sep = isinstance(func.value, A.Constant)
    sep: py.expr = g.expr(func.value, fn) if constant_sep else P.name(g.tmp())
    binds = [] if constant_sep else [(sep.id, g.expr(func.value, fn))]
    items_value = items_expr if items_expr is not None else g.expr(node.args[0], fn)
    binds.append((items, items_value))
    chars = P.call(g.ref(sum, "sum"), [P.call(g.ref(map, "map"), [g.ref(len, "len"), P.name(items)])])
    size: py.expr = chars
    if not (constant_sep and func.value.value == ""):  # "".join: no separators to count
        gaps = P.call(g.ref(max, "max"), [py.BinOp(left=length(g, P.name(items)), op=py.Sub(), right=P.const(1)), P.const(0)])
        size = py.BinOp(left=py.BinOp(left=length(g, sep), op=py.Mult(), right=gaps), op=py.Add(), right=chars)
    cost = py.BinOp(left=P.name(total), op=py.Add(), right=length(g, P.name(items)))

    def capped(size: py.expr, result: py.expr) -> py.expr:
        over = P.compare(P.name(total), py.Gt(), P.name(STR_LIM))
        guard = py.IfExp(test=over, body=P.call(g.ref(g.runtime.str_fault, "cap_fault"), [P.name(CTX), P.name(total)]),
                         orelse=ir.Charge(copy.deepcopy(cost)))
        return ir.Let(total, size, py.BoolOp(op=py.Or(), values=[guard, result]))

    # Few items: join, then cap and charge by the result's length (the same total, and
    # nothing can be observed in between), instead of summing the item lengths first.
    joined = g.tmp()
    few = ir.Let(joined, P.call(P.attr(sep, "join"), [P.name(items)]), capped(length(g, P.name(joined)), P.name(joined)))
    many = capped(size, P.call(P.attr(copy.deepcopy(sep), "join"), [P.name(items)]))
    small = P.compare(length(g, P.name(items)), py.LtE(), P.name(JOIN_MAX))
    # the separator, then the items, are evaluated first (as for the call), for effect only
    effects = [ir.Effect(P.name(name)) for name, _ in binds]
    return ir.lets(binds, py.BoolOp(op=py.Or(), values=[*effects, py.IfExp(test=small, body=few, orelse=many)]))


def slice_object(g, node: A.Slice, fn: FnState) -> py.expr:
    parts = [P.const(None) if x is None else g.expr(x, fn) for x in (node.lower, node.upper, node.step)]
    return P.call(g.ref(slice, "slice"), parts)


def slice_native(g, node: A.Slice, fn: FnState) -> py.expr:
    return py.Slice(
        lower=None if node.lower is None else g.expr(node.lower, fn),
        upper=None if node.upper is None else g.expr(node.upper, fn),
        step=None if node.step is None else g.expr(node.step, fn),
    )
