"""Pass ``merge_step_charge``: a counted loop whose body starts with a constant charge
charges it together with the loop's step.

Contract. Input: a loop of a region that counts fuel in the local ``h_f`` (after the pass
``local_fuel`` has rewritten its steps; its charges are still markers), whose body starts
with its step (an ``ir.Step`` counting in ``h_f``, :func:`is_local_step`) and whose next
statement evaluates a charge ``ir.Charge(K) or <value>`` before anything but loads of names
and constants, with ``K`` an int constant (``1 + K // BULK_UNIT`` steps). Output: the step
has the charge's cost merged into it (``Step.merged``: it decrements ``1 + cost`` at once,
one decrement and one test per iteration instead of two) and the charge is gone from the
statement; only when that test fails are the two told apart (emission: give the cost back,
test the step alone, take the cost, fault at the charge, ``Step.merged_at``), so the fuel
charged and the point where ``F-FUEL`` fires are exactly those of the input. Anything else
is left as it is. Golden before/after tests: ``tests/compiled/test_pass_merge_step_charge.py``.
"""

from __future__ import annotations

import ast as py

from seglam.run.codegen import pyast as P
from seglam.run.context import BULK_UNIT
from seglam.run.ir import nodes as ir


def run(loop: py.stmt) -> None:
    """When the first thing a counted loop's body does is a constant charge (``c in "abc"``,
    a method of a short literal), charge it with the step: one decrement and one test per
    iteration instead of two. Only when the test fails are the two told apart, so F-FUEL
    still fires at the step or at the charge, exactly as before."""
    body = loop.body
    if len(body) < 2 or not is_local_step(body[0]):
        return
    slot = _first_charge(body[1])
    if slot is None:
        return
    holder, charge = slot
    size = charge.cost
    if not (isinstance(size, py.Constant) and type(size.value) is int):
        return
    rest = holder.values[1:]
    replacement = rest[0] if len(rest) == 1 else py.BoolOp(op=py.Or(), values=rest)
    _replace_first(body[1], holder, P.stamp(replacement, holder.lineno))
    merged = ir.Step(local=True, merged=1 + size.value // BULK_UNIT, merged_at=charge.lineno)
    body[0] = py.copy_location(merged, body[0])


def _first_charge(stmt: py.stmt) -> tuple[py.BoolOp, ir.Charge] | None:
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
            if isinstance(node.op, py.Or) and len(node.values) >= 2 and isinstance(node.values[0], ir.Charge):
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


def is_local_step(stmt: py.stmt) -> bool:
    """``stmt`` is a step that counts in ``h_f`` (pass ``local_fuel`` rewrote it), one step
    alone (no charge merged into it yet)."""
    return isinstance(stmt, ir.Step) and stmt.local and not stmt.merged
