"""Pass ``local_fuel``: a pure region counts its fuel in the local ``h_f``.

Contract. Input: a region the ``purity`` pass calls pure (a loop, a comprehension, or the
whole body of a leaf function), its fuel work still the IR's nodes. First (:class:`Region`)
each ``ir.Step`` counts in ``h_f`` (``local``), and every ``return`` writes ``h_f`` back first
(its value computed before); the charges stay context markers while the loop passes run
(``precharge``, ``countdown``, ``merge_step_charge`` charge the ones they can their way). Last
(:class:`Charges`) the markers left count in ``h_f`` too (emission writes ``ir.Charge(n)`` as
``(h_f := -1 - n // BULK_UNIT + h_f) < 0 and (h_f := h_ctx.refuel(h_f)) < 0``, ``ir.Spend(n)``
the same with ``-n``, ``ir.ItemStep()`` as ``(h_f := h_f - 1) >= 0 or (h_f :=
h_ctx.refuel(h_f)) >= 0``: a count gone negative takes the context's unspent chunk of steps,
and faults only if that does not cover it, RunContext.refuel). Lambdas
keep the context counter. The caller brackets the region with :func:`enter` and :func:`leave` (or, for a
comprehension, :func:`counted_comprehension`). The cost is evaluated before ``h_f`` is read,
so the steps charged, and the point where ``F-FUEL`` fires, are those of the context counter.
Golden before/after tests: ``tests/compiled/test_pass_local_fuel.py``.
"""

from __future__ import annotations

import ast as py
from typing import Any

from seglam.run.codegen import pyast as P
from seglam.run.codegen.state import CTX
from seglam.run.codegen.state import LOCAL_FUEL as LOCAL
from seglam.run.ir import nodes as ir


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
    """A pure region's steps and returns -> ``h_f``: each step counts in ``h_f``, and every
    ``return`` writes ``h_f`` back first (its value computed before). Its charges stay
    context markers, for the loop passes; :class:`Charges` turns them last."""

    def visit_Lambda(self, node: py.Lambda) -> py.Lambda:
        return node  # its own scope: keeps the context counter

    def visit_Step(self, node: ir.Step) -> ir.Step:
        return py.copy_location(ir.Step(local=True), node)

    def visit_Return(self, node: py.Return) -> Any:
        self.generic_visit(node)
        sync = leave(node)
        if node.value is None or isinstance(node.value, (py.Constant, py.Name)):
            return [sync, node]
        keep = P.at(P.assign(P.store("h_r"), node.value), node)
        return [keep, sync, P.at(py.Return(value=P.name("h_r")), node)]


class Charges(py.NodeTransformer):
    """A pure region's charge markers count in ``h_f`` (the last step of the pass, after the
    loop passes have charged the ones they can their way)."""

    def visit_Lambda(self, node: py.Lambda) -> py.Lambda:
        return node  # its own scope: keeps the context counter

    def visit_Charge(self, node: ir.Charge) -> ir.Charge:
        self.generic_visit(node)
        return py.copy_location(type(node)(*node.args, local=True), node)

    visit_Spend = visit_ItemStep = visit_Charge
