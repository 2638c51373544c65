"""Pass ``merge_step_charge``: a counted loop whose body starts with a constant charge
charges it together with the loop's step.

Contract. Input: a loop of a region that counts fuel in the local ``h_f`` (after the pass
``local_fuel`` has rewritten its steps; its charges are still markers), whose body starts
with the step (``h_f -= 1`` then ``if h_f < 0: <fault>``, :func:`is_step`) and whose next
statement evaluates a charge ``h_ch(K) or <value>`` before anything but loads of names and
constants, with ``K`` an int constant (``1 + K // BULK_UNIT`` steps). Output: the step
decrements ``1 + cost`` at once (one decrement and one test per iteration instead of two)
and the charge is gone from the statement; only when that test fails are the two told apart
(give the cost back, test the step alone, take the cost, fault at the charge), so the fuel
charged and the point where ``F-FUEL`` fires are exactly those of the input. Anything else
is left as it is. Golden before/after tests: ``tests/compiled/test_pass_merge_step_charge.py``.
"""

from __future__ import annotations

import ast as py
import copy

from seglam.run.codegen import pyast as P
from seglam.run.codegen.state import CHARGE, CTX
from seglam.run.codegen.state import LOCAL_FUEL as LOCAL
from seglam.run.context import BULK_UNIT


def run(loop: py.stmt) -> None:
    """When the first thing a counted loop's body does is a constant charge (``c in "abc"``,
    a method of a short literal), charge it with the step: one decrement and one test per
    iteration instead of two. Only when the test fails are the two told apart, so F-FUEL
    still fires at the step or at the charge, exactly as before."""
    body = loop.body
    if len(body) < 3 or not is_step(body):
        return
    slot = _first_charge(body[2])
    if slot is None:
        return
    holder, charge = slot
    size = charge.args[0]
    if not (isinstance(size, py.Constant) and type(size.value) is int):
        return
    cost = 1 + size.value // BULK_UNIT
    rest = holder.values[1:]
    replacement = rest[0] if len(rest) == 1 else py.BoolOp(op=py.Or(), values=rest)
    _replace_first(body[2], holder, P.stamp(replacement, holder.lineno))
    step_fault = body[1]
    split = [
        py.AugAssign(target=P.store(LOCAL), op=py.Add(), value=P.const(cost)),
        P.if_(P.compare(P.name(LOCAL), py.Lt(), P.const(0)), copy.deepcopy(step_fault.body)),
        py.AugAssign(target=P.store(LOCAL), op=py.Sub(), value=P.const(cost)),
    ]
    fault = P.call(P.attr(P.name(CTX), "out_of_fuel"))
    step_fault.body = [*(P.at(s, step_fault) for s in split), P.stamp(py.Expr(value=fault), charge.lineno)]
    body[0].value = P.stamp(P.const(1 + cost), body[0].lineno)


def _first_charge(stmt: py.stmt) -> tuple[py.BoolOp, py.Call] | None:
    """The charge ``stmt`` evaluates before anything else, as (the ``charge or value`` it
    starts, the charge), or None. Only loads of names and constants may come before it."""
    if isinstance(stmt, py.If):
        node = stmt.test
    elif isinstance(stmt, (py.Assign, py.Expr, py.Return)) and stmt.value is not None:
        node = stmt.value
    else:
        return None
    while True:
        if isinstance(node, py.BoolOp):
            if isinstance(node.op, py.Or) and len(node.values) >= 2 and _is_charge(node.values[0]):
                return node, node.values[0]
            node = node.values[0]
        elif isinstance(node, py.UnaryOp):
            node = node.operand
        elif isinstance(node, py.Compare):
            node = node.left
        elif isinstance(node, py.NamedExpr):
            node = node.value
        else:
            return None


def _replace_first(stmt: py.stmt, old: py.expr, new: py.expr) -> None:
    for parent in py.walk(stmt):
        for name, value in py.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return


def _is_charge(node: py.expr) -> bool:
    """``h_ch(n)``: the charge marker."""
    return isinstance(node, py.Call) and isinstance(node.func, py.Name) and node.func.id == CHARGE and len(node.args) == 1


def is_step(body: list[py.stmt]) -> bool:
    """``body`` starts with the rewritten step: ``h_f -= 1`` then ``if h_f < 0: fault``."""
    dec, test = body[0], body[1]
    return (isinstance(dec, py.AugAssign) and isinstance(dec.target, py.Name) and dec.target.id == LOCAL
            and isinstance(dec.op, py.Sub) and isinstance(dec.value, py.Constant) and dec.value.value == 1
            and isinstance(test, py.If) and not test.orelse and isinstance(test.test, py.Compare)
            and isinstance(test.test.left, py.Name) and test.test.left.id == LOCAL)
