"""Pass ``cap_versioning``: a sized loop that grows collections only by checked appends runs
a copy without the cap checks when no collection it grows can reach the cap.

Contract. Input: a ``for`` (counting fuel in ``h_f`` or in the context), sized (an
``ir.For`` with its ``sized``), with no ``else``, whose every call is a fuel marker, an
allow-listed native (``safe_call``) or a call of a module-level def (``ir.Def``, which sees
its arguments frozen), and
with no nested loop that grows anything; its collections grow only by ``append``/``add``/item
stores, each followed by the cap check the lowering built (``ir.GrowCheck``), and no name
checked is rebound (:func:`sized.without_cap_checks`). Output: the iterable bound once
(``h_itK``) and measured; when ``len(c) + growth * h_n <= cap`` for every grown collection
``c`` (:func:`sized.room`), a copy of the loop without those checks runs, else the input loop
over the same ``h_itK``. The checks left out cannot fire, so the fuel charged, the faults and
where they fire are the input's. Anything else is returned as it is. (A quiet loop is the
``precharge`` pass's, which leaves the checks out its own way.) Golden before/after tests:
``tests/compiled/test_pass_cap_versioning.py``.
"""

from __future__ import annotations

import ast as py
import copy
from typing import Callable

from seglam.run.codegen import pyast as P
from seglam.run.codegen.passes.sized import GROWERS, OTHER_GROWERS, Natives, measure, room, without_cap_checks
from seglam.run.ir import nodes as ir


def run(loop: py.stmt, natives: Natives, fresh: Callable[[str], str],
        safe_call: Callable[[py.Call], bool]) -> list[py.stmt]:
    """``if <room>: <loop without cap checks> else: <loop>``, or ``[loop]``."""
    if not (ir.sized_of(loop) and not loop.orelse and _grows_only_locally(loop.body, safe_call)):
        return [loop]
    if ir.needs_unmutated(loop):
        return [loop]  # what it grows may be the list it iterates
    fast_body, grown, growth = without_cap_checks(loop.body)
    if not grown:
        return [loop]
    it = fresh("h_it")
    size = py.NamedExpr(target=P.store("h_n"), value=measure(ir.sized_of(loop), loop.iter, it, natives))
    tests = room(grown, growth, size, natives)
    fits = tests[0] if len(tests) == 1 else py.BoolOp(op=py.And(), values=tests)
    fast = py.For(target=copy.deepcopy(loop.target), iter=P.name(it), body=fast_body, orelse=[], type_comment=None)
    slow = py.For(target=loop.target, iter=P.name(it), body=loop.body, orelse=[], type_comment=None)
    return [P.at(P.if_(fits, [fast], [slow]), loop)]


def _grows_only_locally(body: list[py.stmt], safe_call: Callable[[py.Call], bool]) -> bool:
    """Every call is a fuel marker, an allow-listed native or a module-level function
    (which cannot see the caller's collections: its arguments reach it frozen), and no
    nested loop grows anything: only the body's own statements grow its collections, by
    a bounded number of items per iteration."""
    for stmt in body:
        for node in py.walk(stmt):
            if isinstance(node, (py.For, py.While)) and any(_grows(inner) for inner in py.walk(node)):
                return False
            if isinstance(node, py.Call) and not safe_call(node) and not ir.is_module_call(node):
                return False
    return True


def _grows(node: py.AST) -> bool:
    """``node`` may add an item to a collection."""
    if isinstance(node, py.Call) and isinstance(node.func, py.Attribute):
        return node.func.attr in GROWERS or node.func.attr in OTHER_GROWERS
    return isinstance(node, py.Subscript) and isinstance(node.ctx, py.Store)
