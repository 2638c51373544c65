"""Pass ``countdown``: a pure ``while`` counts its steps by iterating ``repeat(None, h_f)``.

Contract. Input: a ``while`` of a region that counts fuel in the local ``h_f`` whose body
starts with its step (an ``ir.Step`` counting in ``h_f``), whose condition charges
nothing and is quiet (:func:`regions.quiet`) and whose rest is silent (:func:`regions.silent`:
it leaves ``h_f`` alone, no nested loop or scope; ``break`` and ``return`` are fine), with no
``else``. Output: ``h_repK = repeat(None, h_f)`` and a ``for`` over it that tests the
condition first in every step, so a step costs the ``for`` (no int is made) instead of a
decrement and a test; wherever the loop is left, ``h_f`` is the items left (a false condition
gives back the step taken for it). When the items run out, one more true condition takes
its step from the context's unspent chunk of steps (``RunContext.refuel``) and the loop goes
on over the rest of the chunk (a ``while True`` around the ``for``: the ``for``'s ``else``
continues it, anything else that leaves the ``for`` leaves it); with no chunk left that step
is ``F-FUEL``, exactly where the input faults. Charges of work on large values in the body (the
markers ``ir.Spend``, still explicit: ``local_fuel`` writes them last) take
their steps from the same iterator (``Runtime.take``). Anything else is returned as it is.
Golden before/after tests: ``tests/compiled/test_pass_countdown.py``.
"""

from __future__ import annotations

import ast as py
import copy
from typing import Callable

from seglam.run.codegen import pyast as P
from seglam.run.codegen.passes.merge_step_charge import is_local_step
from seglam.run.codegen.passes.regions import Spent, quiet, rewrite_blocks, silent
from seglam.run.codegen.state import CTX
from seglam.run.codegen.state import LOCAL_FUEL as LOCAL


def run(loop: py.While, fresh: Callable[[str], str], repeat_name: str | None,
    length_hint_name: str | None, take_name: str | None) -> list[py.stmt]:
    """A pure ``while`` whose condition and body charge nothing but the step: the loop
    runs over ``repeat(None, h_f)``, one item a step, so a step costs the ``for`` (no
    int is made, unlike a decrement or a range) instead of a decrement and a test. The
    condition is tested first in every step, as before; when the items run out, one
    more true condition takes the context's unspent steps, or is ``F-FUEL``.

    ``h_f`` is the items left (``length_hint``) wherever the loop is left: a false
    condition gives back the step taken for it, ``break``/``return`` leave with the
    step charged."""
    if not (repeat_name and length_hint_name and not loop.orelse and len(loop.body) > 1
            and is_local_step(loop.body[0]) and quiet([py.Expr(value=loop.test)])
            and silent(loop.body[1:], spends=take_name is not None)):
        return [loop]
    steps = fresh("h_rep")
    left = P.call(P.name(length_hint_name), [P.name(steps)])
    if take_name:  # work on large values consumes steps: Runtime.take
        loop.body[1:] = [Spent(lambda cost: P.call(P.name(take_name), [P.name(CTX), P.name(steps), cost])).visit(s)
                         for s in loop.body[1:]]

    def settle(extra: int = 0) -> py.stmt:
        value = left if not extra else py.BinOp(left=copy.deepcopy(left), op=py.Add(), right=P.const(extra))
        return P.assign(P.store(LOCAL), copy.deepcopy(value))

    body = [_FuelLeft(left).visit(stmt) for stmt in loop.body[1:]]
    body = _settled_breaks(body, settle)
    step = loop.body[0]
    stop = P.if_(py.UnaryOp(op=py.Not(), operand=loop.test), [settle(1), py.Break()])
    # the items ran out with the condition true: the step takes the context's unspent chunk
    # of steps (RunContext.refuel: F-FUEL if there is none) and the loop goes on over them
    more = py.BinOp(left=P.call(P.attr(P.name(CTX), "refuel"), [P.const(-1)]), op=py.Add(), right=P.const(1))
    refueled = P.if_(copy.deepcopy(loop.test), [P.assign(P.store(steps), P.call(P.name(repeat_name), [P.const(None), more])),
                                                 py.Continue()])
    counted = py.For(target=P.store("h_x"), iter=P.name(steps), body=[P.at(stop, loop), *body],
                     orelse=[P.at(P.assign(P.store(LOCAL), P.const(0)), step), P.at(refueled, step)],
                     type_comment=None)
    start = P.assign(P.store(steps), P.call(P.name(repeat_name), [P.const(None), P.name(LOCAL)]))
    again = py.While(test=P.const(True), body=[P.at(counted, loop), P.at(py.Break(), loop)], orelse=[])
    return [P.at(start, loop), P.at(again, loop)]


class _FuelLeft(py.NodeTransformer):
    """Inside a countdown loop, ``h_f`` is read only to write it back
    before a ``return``: it reads the items left instead."""

    def __init__(self, left: py.expr) -> None:
        self.left = left

    def visit_Name(self, node: py.Name) -> py.AST:
        if node.id == LOCAL and isinstance(node.ctx, py.Load):
            return P.at(copy.deepcopy(self.left), node)
        return node


def _settled_breaks(stmts: list[py.stmt], settle: Callable[[], py.stmt]) -> list[py.stmt]:
    """``stmts`` with ``h_f`` set to the items left before each ``break`` (no nested loop
    is in a countdown body, so every ``break`` leaves it)."""
    return rewrite_blocks(stmts, lambda stmt: [P.at(settle(), stmt), stmt] if isinstance(stmt, py.Break) else [stmt])
