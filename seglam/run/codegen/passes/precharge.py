"""Pass ``precharge``: a quiet sized loop or one-clause comprehension charges all its steps
up front when the fuel covers them.

Contract. Input: a ``for`` of a region that counts fuel in the local ``h_f``, sized (an
``ir.For`` with its ``sized``; one sized ``unmutated``, over a list or dict, only when its
body cannot change a collection's length, :func:`sized.mutates`), with no ``else``, whose
body starts with the step (``ir.Step``) and whose rest is quiet (:func:`regions.quiet`: no early exit, no nested loop,
no charge marker but ``ir.Spend``, work on large values); or a pure list/set/dict
comprehension (``Purity.pure``) with one sized clause (``ir.Clause``) whose first condition
is the step marker ``ir.ItemStep`` and whose other conditions and element are quiet (and,
for a clause over a list or dict sized ``unmutated``, call no method that can change a
collection's length, :func:`sized.mutates`: in a pure comprehension nothing else can). Output:
the iterable is bound once (``h_itK``) and measured (:func:`sized.measure`); when its length
is at most ``h_f``, ``h_f`` drops by it at once and a copy without the step (and, for a
``for``, without the cap checks the room test :func:`sized.room` makes redundant) runs;
otherwise the counting input runs over the same ``h_itK``. No ``F-FUEL`` can fire in the
fast copy, and the steps charged are the input's. Work on large values in a fast copy is
charged from the fuel left after the steps (``Runtime.prespent``): when that runs short, the
rest of the items run counting (``ctx.resume``, ``Runtime.resumed``, ``Runtime.join_rest``),
so the fault fires where the input's would. Anything else is returned as it is (``run``) or
gives None (``comprehension``). Golden before/after tests:
``tests/compiled/test_pass_precharge.py``.
"""

from __future__ import annotations

import ast as py
import copy
from typing import Callable

from seglam.run.codegen import pyast as P
from seglam.run.codegen.passes.regions import Spent, has_spends, quiet
from seglam.run.codegen.passes.sized import Natives, calls, measure, mutates, room, without_cap_checks
from seglam.run.codegen.state import CTX
from seglam.run.codegen.state import LOCAL_FUEL as LOCAL
from seglam.run.ir import nodes as ir


def run(loop: py.For, natives: Natives, fresh: Callable[[str], str]) -> list[py.stmt]:
    """A quiet sized ``for``: ``if <fits>: h_f -= h_n; <fast> else: <loop>``."""
    spends = not calls(loop.iter, natives.reversed)
    if not (ir.sized_of(loop) and not loop.orelse and len(loop.body) > 1 and isinstance(loop.body[0], ir.Step)
            and quiet(loop.body[1:], spends=spends)):
        return [loop]
    if ir.needs_unmutated(loop) and mutates(loop.body):
        return [loop]  # the list or dict iterated may change length under the loop
    it, n = fresh("h_it"), "h_n"
    fast_body, grown, growth = without_cap_checks(loop.body[1:])
    fast = py.For(target=loop.target, iter=P.name(it), body=fast_body, orelse=[], type_comment=None)
    slow = py.For(target=loop.target, iter=P.name(it), body=loop.body, orelse=[], type_comment=None)
    resume: list[py.stmt] = []
    if spends and has_spends(fast_body):
        # work on large values is charged from the fuel left after the steps charged up
        # front; when it runs short, the loop goes on counting (Runtime.prespent)
        steps = f"{it}i"
        fast.iter = P.name(steps)
        fast.body = [_prespent(natives, steps).visit(s) for s in copy.deepcopy(fast_body)]
        rest = P.attr(P.name(CTX), "resume")
        counting = py.For(target=copy.deepcopy(loop.target), iter=P.name(steps), body=copy.deepcopy(loop.body),
                          orelse=[], type_comment=None)
        resume = [P.assign(P.store(steps), P.call(P.name(natives.iter), [P.name(it)])), fast,
                  P.if_(P.compare(rest, py.IsNot(), P.const(None)),
                        [P.assign(P.store(steps), copy.deepcopy(rest)),
                         py.Assign(targets=[P.attr_store(P.name(CTX), "resume")], value=P.const(None)),
                         counting])]
    size = measure(ir.sized_of(loop), loop.iter, it, natives)
    fits = P.compare(py.NamedExpr(target=P.store(n), value=size), py.LtE(), P.name(LOCAL))
    if grown:
        # the checks left out cannot fire: no list grows past its length now plus the
        # loop's appends, and that is within the cap
        fits = py.BoolOp(op=py.And(), values=[fits, *room(grown, growth, P.name(n), natives)])
    charge_all = py.AugAssign(target=P.store(LOCAL), op=py.Sub(), value=P.name(n))
    return [P.at(P.if_(fits, [charge_all, *(resume or [fast])], [slow]), loop)]


def comprehension(comp: py.AST, natives: Natives,
                  fresh: Callable[[str], str]) -> tuple[py.expr, py.expr] | None:
    """(test, fast comprehension) for a quiet one-clause sized comprehension: the test binds
    the iterable once (``h_itK``), and when the fuel covers every step charges them all up
    front. The counting comprehension (``comp``, changed in place) then iterates the same
    ``h_itK``: the caller emits ``fast if test else comp``."""
    if len(comp.generators) != 1:
        return None
    gen = comp.generators[0]
    if not ir.sized_of(gen) or not gen.ifs or not isinstance(gen.ifs[0], ir.ItemStep):
        return None
    rest = [*gen.ifs[1:], *([comp.key, comp.value] if isinstance(comp, py.DictComp) else [comp.elt])]
    if ir.needs_unmutated(gen) and mutates(rest):
        return None  # the list or dict iterated may change length under the comprehension
    spends = not calls(gen.iter, natives.reversed) and has_spends(rest)
    if not quiet([py.Expr(value=e) for e in rest], spends=spends):
        return None
    it = fresh("h_it")
    size = measure(ir.sized_of(gen), gen.iter, it, natives)
    fits = P.compare(py.NamedExpr(target=P.store("h_n"), value=size), py.LtE(), P.name(LOCAL))
    charge_all = P.compare(py.NamedExpr(target=P.store(LOCAL), value=py.BinOp(
        left=P.name(LOCAL), op=py.Sub(), right=P.name("h_n"))), py.IsNot(), P.const(None))
    test = py.BoolOp(op=py.And(), values=[fits, charge_all])
    fast_gen = py.comprehension(target=gen.target, iter=P.name(it), ifs=gen.ifs[1:], is_async=0)
    if isinstance(comp, py.ListComp):
        fast = py.ListComp(elt=comp.elt, generators=[fast_gen])
    elif isinstance(comp, py.SetComp):
        fast = py.SetComp(elt=comp.elt, generators=[fast_gen])
    else:
        fast = py.DictComp(key=comp.key, value=comp.value, generators=[fast_gen])
    if spends:
        # work on large values is charged from what the steps charged up front left; when
        # it runs short the fast comprehension stops (Runtime.prespent) and a counting one
        # goes on over the rest of the items, joined after it (Runtime.join_rest)
        fast = copy.deepcopy(fast)
        rest_comp = copy.deepcopy(comp)
        steps = f"{it}i"
        test.values.append(P.compare(py.NamedExpr(target=P.store(steps), value=P.call(
            P.name(natives.iter), [P.name(it)])), py.IsNot(), P.const(None)))
        fast.generators[0].iter = P.name(steps)
        fast = _prespent(natives, steps).visit(fast)
        rest_comp.generators[0].iter = P.call(P.name(natives.resumed), [P.name(CTX)])
        more = py.IfExp(test=P.compare(P.attr(P.name(CTX), "resume"), py.IsNot(), P.const(None)),
                        body=rest_comp, orelse=P.const(None))
        fast = P.call(P.name(natives.join_rest), [fast, more])
    gen.iter = P.name(it)  # the counting version iterates the same, already evaluated, iterable
    return P.at(test, comp), P.at(fast, comp)


def _prespent(natives: Natives, steps: str) -> Spent:
    """Charges of work on large values -> ``(h_f := prespent(ctx, h_f, cost, steps)) is None``:
    false while the fuel left covers them."""
    return Spent(lambda cost: P.compare(py.NamedExpr(target=P.store(LOCAL), value=P.call(
        P.name(natives.prespent), [P.name(CTX), P.name(LOCAL), cost, P.name(steps)])), py.Is(), P.const(None)))

