"""Pass ``local_fuel``: a pure region counts its fuel in the local ``h_f``.

Contract. Input: a region the ``purity`` pass calls pure (a loop, a comprehension, or the
whole body of a leaf function), its fuel work still the markers. First (:class:`Region`) the
step ``h_ctx.fuel -= 1`` and its test read and write ``h_f``, and every ``return`` writes
``h_f`` back first (its value computed before); the charges stay explicit markers while the
loop passes run (``precharge``, ``countdown``, ``merge_step_charge`` charge the ones they can
their way). Last (:class:`Charges`) the markers left become arithmetic on ``h_f``: ``h_ch(n)``
``(h_f := -1 - n // BULK_UNIT + h_f) < 0 and h_ctx.out_of_fuel()``, ``h_cx(n)`` the same with
``-n``, ``h_ctk()`` ``(h_f := h_f - 1) >= 0 or h_ctx.out_of_fuel()``. Lambdas keep the context
counter. The caller brackets the region with :func:`enter` and :func:`leave` (or, for a
comprehension, :func:`counted_comprehension`). The cost is evaluated before ``h_f`` is read,
so the steps charged, and the point where ``F-FUEL`` fires, are those of the context counter.
Golden before/after tests: ``tests/compiled/test_pass_local_fuel.py``.
"""

from __future__ import annotations

import ast as py
from typing import Any

from seglam.run.codegen import pyast as P
from seglam.run.codegen.state import CHARGE, COMP_TICK, CTX, SPEND
from seglam.run.codegen.state import LOCAL_FUEL as LOCAL
from seglam.run.context import BULK_UNIT


def enter(at: py.AST) -> py.stmt:
    """``h_f = h_ctx.fuel``, located at ``at``: a region starts counting locally."""
    return P.at(P.assign(P.store(LOCAL), P.attr(P.name(CTX), "fuel")), at)


def leave(at: py.AST) -> py.stmt:
    """``h_ctx.fuel = h_f``, located at ``at``: the count goes back to the context."""
    return P.at(py.Assign(targets=[P.attr_store(P.name(CTX), "fuel")], value=P.name(LOCAL)), at)


def counted_comprehension(comp: py.AST, rewritten: py.expr, fin: str) -> py.expr:
    """``fin(h_ctx, (h_f := h_ctx.fuel), rewritten, h_f)``: a pure comprehension counted in
    ``h_f`` (``fin``, ``Runtime.fuel_fin``, writes it back), located at ``comp``."""
    snapshot = py.NamedExpr(target=P.store(LOCAL), value=P.attr(P.name(CTX), "fuel"))
    return P.at(P.call(P.name(fin), [P.name(CTX), snapshot, rewritten, P.name(LOCAL)]), comp)


class Region(py.NodeTransformer):
    """A pure region's steps and returns -> ``h_f``: the step ``h_ctx.fuel -= 1`` and its test
    read and write ``h_f``, and every ``return`` writes ``h_f`` back first (its value computed
    before). Its charges stay markers, for the loop passes; :class:`Charges` writes them last."""

    def visit_Lambda(self, node: py.Lambda) -> py.Lambda:
        return node  # its own scope: keeps the context counter

    def visit_AugAssign(self, node: py.AugAssign) -> py.AST:
        t = node.target
        if isinstance(t, py.Attribute) and isinstance(t.value, py.Name) and t.value.id == CTX and t.attr == "fuel":
            return P.at(py.AugAssign(target=P.store(LOCAL), op=node.op, value=node.value), node)
        return self.generic_visit(node)

    def visit_Compare(self, node: py.Compare) -> py.AST:
        left = node.left
        if isinstance(left, py.Attribute) and isinstance(left.value, py.Name) and left.value.id == CTX and left.attr == "fuel":
            node.left = P.at(P.name(LOCAL), left)
            return node
        return self.generic_visit(node)

    def visit_Return(self, node: py.Return) -> Any:
        self.generic_visit(node)
        sync = leave(node)
        if node.value is None or isinstance(node.value, (py.Constant, py.Name)):
            return [sync, node]
        keep = P.at(P.assign(P.store("h_r"), node.value), node)
        return [keep, sync, P.at(py.Return(value=P.name("h_r")), node)]


class Charges(py.NodeTransformer):
    """A pure region's charge markers -> ``h_f`` arithmetic (the last step of the pass, after
    the loop passes have charged the ones they can their way)."""

    def visit_Lambda(self, node: py.Lambda) -> py.Lambda:
        return node  # its own scope: keeps the context counter

    def visit_Call(self, node: py.Call) -> py.AST:
        self.generic_visit(node)
        f = node.func
        if isinstance(f, py.Name) and f.id == CHARGE:
            # ctx.charge(n): fuel -= 1 + n // BULK_UNIT, fault when negative
            # -(1 + n // BULK_UNIT) as -1 - n // BULK_UNIT: one operation less per charge
            negated = py.BinOp(left=P.const(-1), op=py.Sub(),
                               right=py.BinOp(left=node.args[0], op=py.FloorDiv(), right=P.const(BULK_UNIT)))
            return P.at(_decrement(negated), node)
        if isinstance(f, py.Name) and f.id == SPEND:
            # ctx.spend(n): fuel -= n, fault when negative (n is 0 or more)
            return P.at(_decrement(py.UnaryOp(op=py.USub(), operand=node.args[0])), node)
        if isinstance(f, py.Name) and f.id == COMP_TICK:
            # one comprehension step: the marker's value must be true, so test `>= 0`
            dec = py.NamedExpr(target=P.store(LOCAL), value=py.BinOp(left=P.name(LOCAL), op=py.Sub(), right=P.const(1)))
            ok = P.compare(dec, py.GtE(), P.const(0))
            return P.at(py.BoolOp(op=py.Or(), values=[ok, P.call(P.attr(P.name(CTX), "out_of_fuel"))]), node)
        return node


def _decrement(negated_cost: py.expr) -> py.expr:
    """``(h_f := negated_cost + h_f) < 0 and ctx.out_of_fuel()``: False, or the fault.

    The cost is evaluated *before* ``h_f`` is read: it may itself charge (a method of a
    method's result), and ``h_f - cost`` would subtract from the stale value."""
    dec = py.NamedExpr(target=P.store(LOCAL),
                       value=py.BinOp(left=negated_cost, op=py.Add(), right=P.name(LOCAL)))
    return py.BoolOp(op=py.And(), values=[P.compare(dec, py.Lt(), P.const(0)), P.call(P.attr(P.name(CTX), "out_of_fuel"))])
