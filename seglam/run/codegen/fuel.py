"""The fuel passes' driver: which code of a generated module counts fuel in a local, and the
order the passes of ``codegen/passes/`` (each with its contract) run in.

A loop, a comprehension, or the whole body of a leaf function that ``purity`` calls pure
(only the fuel markers can reach ``ctx.fuel``) becomes a region counting in ``h_f``
(``local_fuel``: the run's fuel is copied into ``h_f`` before it and written back after it
and at every ``return``). Within such regions the loops that charge nothing but their step
count cheaper, in this order: ``precharge`` (a quiet sized ``for`` or one-clause
comprehension charges all its steps up front), ``countdown`` (a quiet ``while`` counts by
``itertools.repeat(None, fuel)``), ``merge_step_charge`` (a constant charge first in the body
joins the step) and ``cap_versioning`` (a sized ``for`` that grows collections only by
checked appends runs a copy without the checks when the room is proven; also outside pure
regions). Before all of them, ``bounded_ints`` gives each loop whose integers are proven
small a copy without their int tests. Each pass keeps the steps counted and the point where
``F-FUEL`` fires those of the context counter, so both backends agree step for step.
"""

from __future__ import annotations

import ast as py
from typing import Callable

from seglam.run.codegen import pyast as P
from seglam.run.codegen.passes import bounded_ints, cap_versioning, countdown, merge_step_charge, precharge
from seglam.run.codegen.passes.local_fuel import Charges, Region, counted_comprehension, enter, leave
from seglam.run.codegen.passes.purity import Purity, has_step_marker
from seglam.run.codegen.passes.sized import Natives


class Localizer:
    """Runs the fuel passes over the functions of one generated module. ``safe(name)`` says
    whether the global ``name`` is an allow-listed native (it never touches fuel)."""

    def __init__(self, safe: Callable[[str], bool], fin: str, *, subscripts_may_charge: bool,
                 sized_len: str, len_name: str, min_name: str, range_name: str, reversed_name: str, repeat_name: str,
                 length_hint_name: str, take_name: str, prespent_name: str, iter_name: str, join_name: str,
                 resumed_name: str, number_test: Callable[[], tuple[str, str, str]] = lambda: ("g_type", "g_int", "g_float")) -> None:
        # global names of what the fast versions of sized loops call (passes.sized) ...
        self.natives = Natives(sized_len=sized_len, len=len_name, min=min_name, range=range_name, reversed=reversed_name,
                               iter=iter_name, prespent=prespent_name, join_rest=join_name, resumed=resumed_name)
        # ... and countdown loops: itertools.repeat, operator.length_hint, Runtime.take
        self.repeat_name = repeat_name
        self.length_hint_name = length_hint_name
        self.take_name = take_name
        self.purity = Purity(safe, subscripts_may_charge)
        self.loops = 0
        self.number_test = number_test  # binds type, int and float when a pass needs them (bounded_ints)
        self.fin = fin  # global name of the helper that writes h_f back after a comprehension

    # ---- rewriting ------------------------------------------------------------------------------

    def function(self, fn: py.FunctionDef) -> None:
        fn.body = bounded_ints.run(fn, self.natives, self.number_test, self.fresh)
        if fn.name.startswith("u_") and all(self.purity.pure(s) for s in fn.body):
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
            out = Region().visit(stmt)
            rewritten.extend(out if isinstance(out, list) else [out])
        counted = [Charges().visit(s) for s in self._nested(py.Module(body=rewritten, type_ignores=[])).body]
        before, after = enter(body[0]), leave(body[-1])
        return [before, *counted] if isinstance(counted[-1], py.Return) else [before, *counted, after]

    def _precharge_comprehensions(self, node: py.AST, fields: tuple[str, ...] | None = None) -> None:
        """Give each outermost comprehension of ``node`` (of its ``fields`` if given) its
        charged-up-front fast version (the pass ``precharge``), in place."""
        for name, value in py.iter_fields(node):
            if fields is not None and name not in fields:
                continue
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                if not isinstance(item, py.AST) or isinstance(item, (py.Lambda, py.GeneratorExp)):
                    continue
                if isinstance(item, (py.ListComp, py.SetComp, py.DictComp)):
                    fast = precharge.comprehension(item, self.natives, self.fresh) \
                        if has_step_marker(item) else None
                    if fast is None:
                        self._precharge_inner(item)
                        continue
                    new = P.at(py.IfExp(test=fast[0], body=fast[1], orelse=item), item)
                    if isinstance(value, list):
                        value[i] = new
                    else:
                        setattr(node, name, new)
                else:
                    self._precharge_comprehensions(item)

    def _precharge_inner(self, comp: py.AST) -> None:
        """The comprehensions in the element and conditions of ``comp``, which is not charged
        up front (a nested loop is not quiet), charged up front where they can be: each is
        evaluated whole where it stands, counting in the same ``h_f``. (Never in its
        iterables, where ``:=`` is not allowed.)"""
        self._precharge_comprehensions(comp, fields=("elt", "key", "value"))
        for gen in comp.generators:
            self._precharge_comprehensions(gen, fields=("ifs",))

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
            if self.purity.pure(s):
                local = Region().visit(s)
                return [enter(s), *(Charges().visit(x) for x in self._counted(self._nested(local))), leave(s)]
            s.body = self.block(s.body)
            s.orelse = self.block(s.orelse)
            self._comprehensions(s, fields=("iter", "test"))
            return cap_versioning.run(s, self.natives, self.fresh, self.purity.safe_call)
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
        out = countdown.run(loop, self.fresh, self.repeat_name, self.length_hint_name, self.take_name) \
            if isinstance(loop, py.While) else precharge.run(loop, self.natives, self.fresh)
        if out == [loop]:
            merge_step_charge.run(loop)
            out = cap_versioning.run(loop, self.natives, self.fresh, self.purity.safe_call)
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
            if self.purity.pure(node) and has_step_marker(node):
                fast = precharge.comprehension(node, self.natives, self.fresh)
                if fast is None:
                    self._precharge_inner(node)
                inner = Charges().visit(node)
                if fast is not None:
                    inner = py.IfExp(test=Charges().visit(fast[0]), body=Charges().visit(fast[1]), orelse=inner)
                return counted_comprehension(node, inner, self.fin)
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

