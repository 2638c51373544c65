"""Local fuel: a post-pass over the generated Python tree that makes "pure" loops and
comprehensions count fuel in a local variable instead of the context attribute.

A loop is *pure* when nothing inside it can look at or charge ``ctx.fuel`` except the
generated tick and charge markers: no Seglam call, no stdlib call, only Python's own
operations and the allow-listed natives. For such a loop the run's fuel is copied into the
local ``h_f`` before it, every tick/charge inside becomes ``h_f`` arithmetic (``:=`` in
expressions), and ``h_f`` is written back after it and before any ``return`` inside it. A
whole function that is pure (a *leaf*) is treated the same way, from its call step on. The
steps counted, and the point where ``F-FUEL`` fires, are exactly those of the context
counter, so both backends still agree step for step.

Within a pure region, the loop passes of ``codegen/passes/`` make loops that charge nothing
but their step count cheaper, in this order: ``precharge`` (a quiet sized ``for`` or
one-clause comprehension charges all its steps up front), ``countdown`` (a quiet ``while``
counts by ``itertools.repeat(None, fuel)``), ``merge_step_charge`` (a constant charge first
in the body joins the step) and ``cap_versioning`` (a sized ``for`` that grows collections
only by checked appends runs a copy without the checks when the room is proven; also
outside pure regions).
"""

from __future__ import annotations

import ast as py
from typing import Any, Callable

from seglam.run.codegen import pyast as P
from seglam.run.codegen.facts import Facts
from seglam.run.codegen.passes import cap_versioning, countdown, merge_step_charge, precharge
from seglam.run.codegen.passes.sized import Natives
from seglam.run.codegen.state import CHARGE, COMP_TICK, CTX, SPEND
from seglam.run.codegen.state import LOCAL_FUEL as LOCAL
from seglam.run.context import BULK_UNIT
from seglam.run.stdlib_text import GROWING_STR_METHODS, LINEAR_STR_METHODS


#: Native method names generated code may call directly (never a user-reachable method:
#: user method calls always go through the stdlib, so these come from the generator).
SAFE_METHODS = frozenset({
    "append", "add", "pop", "get", "keys", "values", "items", "bit_length", "split", "rsplit", "join",
}) | LINEAR_STR_METHODS | GROWING_STR_METHODS


class Localizer:
    """Rewrites the functions of one generated module. ``safe(name)`` says whether the
    global ``name`` is an allow-listed native (it never touches fuel)."""

    def __init__(self, facts: Facts, safe: Callable[[str], bool], fin: str, *, subscripts_may_charge: bool,
                 sized_len: str, len_name: str, range_name: str, reversed_name: str, repeat_name: str,
                 length_hint_name: str, take_name: str, prespent_name: str, iter_name: str, join_name: str,
                 resumed_name: str) -> None:
        self.facts = facts  # what the lowering stated about the nodes (codegen.facts)
        # global names of what the fast versions of sized loops call (passes.sized) ...
        self.natives = Natives(sized_len=sized_len, len=len_name, range=range_name, reversed=reversed_name,
                               iter=iter_name, prespent=prespent_name, join_rest=join_name, resumed=resumed_name)
        # ... and countdown loops: itertools.repeat, operator.length_hint, Runtime.take
        self.repeat_name = repeat_name
        self.length_hint_name = length_hint_name
        self.take_name = take_name
        self.safe = safe
        self.loops = 0
        self.fin = fin  # global name of the helper that writes h_f back after a comprehension
        # A defaultdict's factory runs inside `d[k]` (and may be charged, or be a lambda):
        # in programs that can build one, reading an item is not pure.
        self.subscripts_may_charge = subscripts_may_charge

    # ---- purity ---------------------------------------------------------------------------------

    def pure(self, node: py.AST) -> bool:
        """No call in ``node`` can reach the fuel counter (other than the markers), and every
        marker is in a place where ``:=`` is legal."""
        return self._pure(node, in_comp_iter=False)

    def _pure(self, node: py.AST, in_comp_iter: bool) -> bool:
        if isinstance(node, (py.Lambda,)):
            return True  # created, not called, here (a call of it is a call: impure)
        if isinstance(node, (py.FunctionDef, py.GeneratorExp, py.Nonlocal, py.Global, py.Try)):
            return False
        if isinstance(node, py.Call):
            if not self.safe_call(node):
                return False
            if in_comp_iter and isinstance(node.func, py.Name) and node.func.id in (CHARGE, SPEND, COMP_TICK):
                return False  # would need := inside a comprehension iterable
        if isinstance(node, py.NamedExpr) and in_comp_iter:
            return False
        if self.subscripts_may_charge and isinstance(node, py.Subscript) and isinstance(node.ctx, py.Load):
            return False
        if isinstance(node, (py.ListComp, py.SetComp, py.DictComp)):
            for gen in node.generators:
                if not self._pure(gen.iter, True) or not self._pure(gen.target, in_comp_iter):
                    return False
                if not all(self._pure(c, in_comp_iter) for c in gen.ifs):
                    return False
            elts = [node.key, node.value] if isinstance(node, py.DictComp) else [node.elt]
            return all(self._pure(e, in_comp_iter) for e in elts)
        return all(self._pure(c, in_comp_iter) for c in py.iter_child_nodes(node))

    def safe_call(self, node: py.Call) -> bool:
        f = node.func
        if isinstance(f, py.Name):
            return f.id in (CHARGE, SPEND, COMP_TICK) or (f.id.startswith("g_") and self.safe(f.id))
        if isinstance(f, py.Attribute):
            if isinstance(f.value, py.Name) and f.value.id == CTX:
                return f.attr == "out_of_fuel"
            return f.attr in SAFE_METHODS
        return False

    # ---- rewriting ------------------------------------------------------------------------------

    def function(self, fn: py.FunctionDef) -> None:
        if fn.name.startswith("u_") and all(self.pure(s) for s in fn.body):
            fn.body = self._local_body(fn.body)
        else:
            fn.body = self.block(fn.body)

    def _local_body(self, body: list[py.stmt]) -> list[py.stmt]:
        """A whole Seglam function that calls nothing (a leaf: no Seglam call, no stdlib call
        that charges) counts all its fuel in ``h_f``, from its own call step on: charges are
        arithmetic instead of calls, comprehensions need no write-back, and ``h_f`` goes back
        to the context at every ``return`` and at the end."""
        for stmt in body:
            self._precharge_comprehensions(stmt)
        rewritten: list[py.stmt] = []
        for stmt in body:
            out = _Rewrite(self.facts).visit(stmt)
            rewritten.extend(out if isinstance(out, list) else [out])
        counted = self._nested(py.Module(body=rewritten, type_ignores=[])).body
        line = body[0]
        before = P.at(P.assign(P.store(LOCAL), P.attr(P.name(CTX), "fuel")), line)
        after = P.at(py.Assign(targets=[P.attr_store(P.name(CTX), "fuel")], value=P.name(LOCAL)), body[-1])
        return [before, *counted] if isinstance(counted[-1], py.Return) else [before, *counted, after]

    def _precharge_comprehensions(self, node: py.AST) -> None:
        """Give each outermost comprehension of ``node`` its charged-up-front fast version
        (the pass ``precharge``), in place."""
        for name, value in py.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                if not isinstance(item, py.AST) or isinstance(item, (py.Lambda, py.GeneratorExp)):
                    continue
                if isinstance(item, (py.ListComp, py.SetComp, py.DictComp)):
                    fast = precharge.comprehension(item, self.facts, self.natives, self.fresh) if _has_marker(item) else None
                    if fast is not None:
                        new = P.at(py.IfExp(test=fast[0], body=fast[1], orelse=item), item)
                        if isinstance(value, list):
                            value[i] = new
                        else:
                            setattr(node, name, new)
                else:
                    self._precharge_comprehensions(item)

    def block(self, stmts: list[py.stmt]) -> list[py.stmt]:
        out: list[py.stmt] = []
        for s in stmts:
            out.extend(self.stmt(s))
        return out

    def stmt(self, s: py.stmt) -> list[py.stmt]:
        if isinstance(s, py.FunctionDef):
            self.function(s)
            return [s]
        if isinstance(s, (py.For, py.While)):
            if self.pure(s):
                local = _Rewrite(self.facts).visit(s)
                before = P.at(P.assign(P.store(LOCAL), P.attr(P.name(CTX), "fuel")), s)
                after = P.at(py.Assign(targets=[P.attr_store(P.name(CTX), "fuel")], value=P.name(LOCAL)), s)
                return [before, *self._counted(self._nested(local)), after]
            s.body = self.block(s.body)
            s.orelse = self.block(s.orelse)
            self._comprehensions(s, fields=("iter", "test"))
            return cap_versioning.run(s, self.facts, self.natives, self.fresh, self.safe_call)
        if isinstance(s, py.If):
            self._comprehensions(s, fields=("test",))
            s.body = self.block(s.body)
            s.orelse = self.block(s.orelse)
            return [s]
        if isinstance(s, py.Match):
            for case in s.cases:
                case.body = self.block(case.body)
            return [s]
        self._comprehensions(s)
        return [s]

    def _nested(self, node: py.AST) -> py.AST:
        """Apply the loop passes (:meth:`_counted`) to the loops nested in a rewritten pure region."""
        for field_name in ("body", "orelse"):
            stmts = getattr(node, field_name, None)
            if isinstance(stmts, list):
                out: list[py.stmt] = []
                for stmt in stmts:
                    if isinstance(stmt, (py.For, py.While, py.If)):
                        stmt = self._nested(stmt)
                    out.extend(self._counted(stmt) if isinstance(stmt, (py.For, py.While)) else [stmt])
                setattr(node, field_name, out)
        if isinstance(node, py.Match):
            for case in node.cases:
                self._nested(case)
        return node

    def _counted(self, loop: py.stmt) -> list[py.stmt]:
        out = countdown.run(loop, self.facts, self.fresh, self.repeat_name, self.length_hint_name, self.take_name) \
            if isinstance(loop, py.While) else precharge.run(loop, self.facts, self.natives, self.fresh)
        if out == [loop]:
            merge_step_charge.run(loop)
            out = cap_versioning.run(loop, self.facts, self.natives, self.fresh, self.safe_call)
        return out

    def fresh(self, prefix: str) -> str:
        """A new name for a loop's iterable or step iterator: ``prefix`` and a serial number."""
        self.loops += 1
        return f"{prefix}{self.loops}"

    def _comprehensions(self, s: py.AST, fields: tuple[str, ...] | None = None) -> None:
        """Wrap each outermost pure list/set/dict comprehension of ``s``'s expressions."""
        roots = [getattr(s, f, None) for f in fields] if fields is not None else [s]
        for root in roots:
            if root is not None:
                self._wrap_in(root)

    def _wrap_in(self, node: py.AST) -> None:
        for name, value in py.iter_fields(node):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, py.AST):
                        value[i] = self._maybe_wrap(item)
            elif isinstance(value, py.AST):
                setattr(node, name, self._maybe_wrap(value))

    def _maybe_wrap(self, node: py.AST) -> py.AST:
        if isinstance(node, (py.Lambda, py.GeneratorExp, py.FunctionDef)):
            return node
        if isinstance(node, (py.ListComp, py.SetComp, py.DictComp)):
            if self.pure(node) and _has_marker(node):
                fast = precharge.comprehension(node, self.facts, self.natives, self.fresh)
                inner = _Rewrite(self.facts).visit(node)
                if fast is not None:
                    inner = py.IfExp(test=_Rewrite(self.facts).visit(fast[0]), body=_Rewrite(self.facts).visit(fast[1]), orelse=inner)
                snapshot = py.NamedExpr(target=P.store(LOCAL), value=P.attr(P.name(CTX), "fuel"))
                wrapped = P.call(P.name(self.fin), [P.name(CTX), snapshot, inner, P.name(LOCAL)])
                return P.at(wrapped, node)
            # not pure itself: its element and conditions may hold pure comprehensions (never
            # its iterables, where := is not allowed)
            if isinstance(node, py.DictComp):
                node.key = self._maybe_wrap(node.key)
                node.value = self._maybe_wrap(node.value)
            else:
                node.elt = self._maybe_wrap(node.elt)
            for gen in node.generators:
                gen.ifs = [self._maybe_wrap(c) for c in gen.ifs]
            return node
        self._wrap_in(node)
        return node


def _has_marker(node: py.AST) -> bool:
    return any(isinstance(n, py.Call) and isinstance(n.func, py.Name) and n.func.id == COMP_TICK for n in py.walk(node))


class _Rewrite(py.NodeTransformer):
    """Ticks and charges → ``h_f`` arithmetic, inside one pure region (a charge of work on
    large values is stated in ``facts``: countdown and precharged loops charge it their way)."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts

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
        sync = P.at(py.Assign(targets=[P.attr_store(P.name(CTX), "fuel")], value=P.name(LOCAL)), node)
        if node.value is None or isinstance(node.value, (py.Constant, py.Name)):
            return [sync, node]
        keep = P.at(P.assign(P.store("h_r"), node.value), node)
        return [keep, sync, P.at(py.Return(value=P.name("h_r")), node)]

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
            out = P.at(_decrement(py.UnaryOp(op=py.USub(), operand=node.args[0])), node)
            self.facts.set_spend(out, node.args[0])  # countdown and precharged loops charge it their way
            return out
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
