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

Within a pure region, loops that charge nothing but their step count cheaper: a ``for`` over
a sized iterable (a range, str, tuple or fresh list) charges all its steps up front when
the fuel covers them, and a ``while`` counts its steps with ``itertools.repeat(None, fuel)``.
Other counted loops charge a constant charge that starts their body together with the step.
A ``for`` over a sized iterable that grows collections only by ``append``/``add``/item
stores runs a copy without the cap checks after those when no collection can reach the cap.
"""

from __future__ import annotations

import ast as py
import copy
from typing import Any, Callable

from seglam.run.codegen import pyast as P
from seglam.run.codegen.facts import Facts
from seglam.run.codegen.passes import countdown, merge_step_charge
from seglam.run.codegen.passes.regions import Spent, has_spends, quiet, rewrite_blocks
from seglam.run.codegen.state import CHARGE, COMP_TICK, CTX, SPEND
from seglam.run.codegen.state import LEN_LIM as LEN_LIMIT
from seglam.run.codegen.state import LOCAL_FUEL as LOCAL
from seglam.run.context import BULK_UNIT
from seglam.run.stdlib_text import GROWING_STR_METHODS, LINEAR_STR_METHODS, PADDING_STR_METHODS


#: Native method names generated code may call directly (never a user-reachable method:
#: user method calls always go through the stdlib, so these come from the generator).
SAFE_METHODS = frozenset({
    "append", "add", "extend", "pop", "get", "setdefault", "keys", "values", "items", "bit_length", "split", "rsplit", "join",
}) | LINEAR_STR_METHODS | GROWING_STR_METHODS | PADDING_STR_METHODS


class Localizer:
    """Rewrites the functions of one generated module. ``safe(name)`` says whether the
    global ``name`` is an allow-listed native (it never touches fuel)."""

    def __init__(self, facts: Facts, safe: Callable[[str], bool], fin: str, subscripts_may_charge: bool = False,
                 sized_len: str | None = None, len_name: str | None = None,
                 range_name: str | None = None, reversed_name: str | None = None,
                 repeat_name: str | None = None, length_hint_name: str | None = None,
                 take_name: str | None = None, prespent_name: str | None = None,
                 iter_name: str | None = None, join_name: str | None = None,
                 resumed_name: str | None = None) -> None:
        self.facts = facts  # what the lowering stated about the nodes (codegen.facts)
        self.range_name = range_name  # global names of the builtins range and reversed
        self.reversed_name = reversed_name
        self.repeat_name = repeat_name  # ... and of itertools.repeat and operator.length_hint
        self.length_hint_name = length_hint_name
        # ... and of the helpers that charge work on large values inside countdown and
        # precharged loops (Runtime.take, Runtime.prespent)
        self.take_name = take_name
        self.prespent_name = prespent_name if iter_name else None
        self.iter_name = iter_name
        self.join_name = join_name if resumed_name else None  # Runtime.join_rest, Runtime.resumed
        self.resumed_name = resumed_name
        self.safe = safe
        self.sized_len = sized_len  # global name of len-or-huge, for precharged loops
        self.len_name = len_name  # global name of the builtin len
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
            if not self._safe_call(node):
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

    def _safe_call(self, node: py.Call) -> bool:
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
        (:meth:`_precharged_comprehension`), in place."""
        for name, value in py.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            for i, item in enumerate(items):
                if not isinstance(item, py.AST) or isinstance(item, (py.Lambda, py.GeneratorExp)):
                    continue
                if isinstance(item, (py.ListComp, py.SetComp, py.DictComp)):
                    fast = self._precharged_comprehension(item) if _has_marker(item) else None
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
            return self._cap_versioned(s)
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
        """Apply :meth:`_precharged` to the loops nested in a rewritten pure region."""
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
        out = countdown.run(loop, self.facts, self._fresh, self.repeat_name, self.length_hint_name, self.take_name) \
            if isinstance(loop, py.While) else self._precharged(loop)
        if out == [loop]:
            merge_step_charge.run(loop)
            out = self._cap_versioned(loop)
        return out

    def _cap_versioned(self, loop: py.stmt) -> list[py.stmt]:
        """A ``for`` over a sized iterable that grows local collections only by
        ``append``/``add``/item stores: when no collection it grows can cross the cap even
        if every iteration grows it, run a copy of the loop without those cap checks;
        otherwise the loop as it is. (For loops that may leave early or charge: the quiet
        ones are :meth:`_precharged`.)"""
        if not (isinstance(loop, py.For) and self.facts.sized_of(loop) and self.sized_len
                and self.len_name and not loop.orelse and self._grows_only_locally(loop.body)):
            return [loop]
        fast_body, grown, growth = _without_cap_checks(loop.body, self.facts)
        if not grown:
            return [loop]
        it = self._iterable_name()
        size = py.NamedExpr(target=P.store("h_n"), value=self._measure(loop, loop.iter, it))
        room = self._room(grown, growth, size)
        fits = room[0] if len(room) == 1 else py.BoolOp(op=py.And(), values=room)
        fast = py.For(target=copy.deepcopy(loop.target), iter=P.name(it), body=fast_body, orelse=[], type_comment=None)
        slow = py.For(target=loop.target, iter=P.name(it), body=loop.body, orelse=[], type_comment=None)
        return [P.at(P.if_(fits, [fast], [slow]), loop)]

    def _room(self, grown: tuple[str, ...], growth: int, steps: py.expr) -> list[py.expr]:
        """``len(name) + growth * steps <= cap`` for each grown collection: then none can
        reach the cap in the loop. ``steps`` is evaluated in the first test (it may bind
        ``h_n``); the others read ``h_n``."""
        return [P.compare(py.BinOp(left=P.call(P.name(self.len_name), [P.name(name)]), op=py.Add(),
                                   right=py.BinOp(left=P.const(growth), op=py.Mult(),
                                                  right=steps if i == 0 else P.name("h_n"))),
                          py.LtE(), P.name(LEN_LIMIT)) for i, name in enumerate(grown)]

    def _iterable_name(self) -> str:
        return self._fresh("h_it")

    def _fresh(self, prefix: str) -> str:
        """A new name for a loop's iterable or step iterator: ``prefix`` and a serial number."""
        self.loops += 1
        return f"{prefix}{self.loops}"

    def _measure(self, loop: py.AST, iterable: py.expr, it: str) -> py.expr:
        """The length of a sized loop's ``iterable``, binding the iterable to ``it`` first:
        ``len`` for a str or a tuple; for ``range(a)`` and ``range(a, b)`` arithmetic on the
        arguments (``a if (it := range(a)) else 0``: an empty range is false); else the
        runtime's ``sized_len`` (a range with a step, a reversed sequence)."""
        bound = py.NamedExpr(target=P.store(it), value=iterable)
        if self.facts.sized_of(loop) == "len" and self.len_name:
            return P.call(P.name(self.len_name), [bound])
        inner = iterable
        if _calls(inner, self.reversed_name) and len(inner.args) == 1:
            inner = inner.args[0]  # reversed(range(...)) is as long as the range
        if _calls(inner, self.range_name) and 1 <= len(inner.args) <= 2:
            names = [f"{it}{suffix}" for suffix in ("a", "b")[:len(inner.args)]]
            inner.args = [py.NamedExpr(target=P.store(name), value=arg) for name, arg in zip(names, inner.args)]
            start, stop = (P.const(0), P.name(names[0])) if len(names) == 1 else (P.name(names[0]), P.name(names[1]))
            nonempty = py.BoolOp(op=py.And(), values=[P.compare(bound, py.IsNot(), P.const(None)),
                                                      P.compare(stop, py.Gt(), copy.deepcopy(start))])
            length = stop if len(names) == 1 else py.BinOp(left=stop, op=py.Sub(), right=start)
            return py.IfExp(test=nonempty, body=copy.deepcopy(length), orelse=P.const(0))
        return P.call(P.name(self.sized_len), [bound])

    def _grows_only_locally(self, body: list[py.stmt]) -> bool:
        """Every call is a fuel marker, an allow-listed native or a module-level function
        (which cannot see the caller's collections: its arguments reach it frozen), and no
        nested loop grows anything: only the body's own statements grow its collections, by
        a bounded number of items per iteration."""
        for stmt in body:
            for node in py.walk(stmt):
                if isinstance(node, (py.For, py.While)) and any(_grows(inner) for inner in py.walk(node)):
                    return False
                if isinstance(node, py.Call) and not self._safe_call(node) \
                        and not self.facts.is_module_call(node):
                    return False
        return True

    def _precharged(self, loop: py.stmt) -> list[py.stmt]:
        """A pure ``for`` over a range, str or tuple whose body cannot leave early and
        charges nothing but its own step: when the fuel covers every iteration, charge them
        all up front and run the loop without per-step counting (the same total, and no
        F-FUEL can fire inside it); otherwise run the counting loop."""
        spends = self.prespent_name is not None and not _calls(loop.iter, self.reversed_name)
        if not (isinstance(loop, py.For) and self.facts.sized_of(loop) and self.sized_len
                and not loop.orelse and len(loop.body) > 2 and quiet(loop.body[2:], self.facts, spends=spends)):
            return [loop]
        it, n = self._iterable_name(), "h_n"
        fast_body, grown, growth = _without_cap_checks(loop.body[2:], self.facts) if self.len_name else (loop.body[2:], (), 0)
        fast = py.For(target=loop.target, iter=P.name(it), body=fast_body, orelse=[], type_comment=None)
        slow = py.For(target=loop.target, iter=P.name(it), body=loop.body, orelse=[], type_comment=None)
        resume: list[py.stmt] = []
        if spends and has_spends(fast_body, self.facts):
            # work on large values is charged from the fuel left after the steps charged up
            # front; when it runs short, the loop goes on counting (Runtime.prespent)
            steps = f"{it}i"
            fast.iter = P.name(steps)
            fast.body = [Spent(self.facts, lambda cost: P.compare(py.NamedExpr(target=P.store(LOCAL), value=P.call(
                P.name(self.prespent_name), [P.name(CTX), P.name(LOCAL), cost, P.name(steps)])), py.Is(), P.const(None))
            ).visit(s) for s in self.facts.copy(fast_body)]
            rest = P.attr(P.name(CTX), "resume")
            counting = py.For(target=copy.deepcopy(loop.target), iter=P.name(steps), body=self.facts.copy(loop.body),
                              orelse=[], type_comment=None)
            resume = [P.assign(P.store(steps), P.call(P.name(self.iter_name), [P.name(it)])), fast,
                      P.if_(P.compare(rest, py.IsNot(), P.const(None)),
                            [P.assign(P.store(steps), copy.deepcopy(rest)),
                             py.Assign(targets=[P.attr_store(P.name(CTX), "resume")], value=P.const(None)),
                             counting])]
        size = self._measure(loop, loop.iter, it)
        fits = P.compare(py.NamedExpr(target=P.store(n), value=size), py.LtE(), P.name(LOCAL))
        if grown:
            # the checks left out cannot fire: no list grows past its length now plus the
            # loop's appends, and that is within the cap
            fits = py.BoolOp(op=py.And(), values=[fits, *self._room(grown, growth, P.name(n))])
        charge_all = py.AugAssign(target=P.store(LOCAL), op=py.Sub(), value=P.name(n))
        return [P.at(P.if_(fits, [charge_all, *(resume or [fast])], [slow]), loop)]

    def _precharged_comprehension(self, comp: py.AST) -> tuple[py.expr, py.expr] | None:
        """(test, fast comprehension) for a one-clause comprehension over a range, str or
        tuple whose element and conditions charge nothing: the test binds the iterable once
        (``h_itK``), and when the fuel covers every step charges them all up front. The
        counting comprehension then iterates the same ``h_itK``."""
        if not self.sized_len or len(comp.generators) != 1:
            return None
        gen = comp.generators[0]
        if not self.facts.sized_of(gen) or not gen.ifs or not _is_tick(gen.ifs[0]):
            return None
        rest = [*gen.ifs[1:], *([comp.key, comp.value] if isinstance(comp, py.DictComp) else [comp.elt])]
        spends = self.prespent_name is not None and self.join_name is not None \
            and not _calls(gen.iter, self.reversed_name) and has_spends(rest, self.facts)
        if not quiet([py.Expr(value=e) for e in rest], self.facts, spends=spends):
            return None
        it = self._iterable_name()
        size = self._measure(gen, gen.iter, it)
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
            fast = self.facts.copy(fast)
            rest_comp = self.facts.copy(comp)
            steps = f"{it}i"
            test.values.append(P.compare(py.NamedExpr(target=P.store(steps), value=P.call(
                P.name(self.iter_name), [P.name(it)])), py.IsNot(), P.const(None)))
            fast.generators[0].iter = P.name(steps)
            fast = Spent(self.facts, lambda cost: P.compare(py.NamedExpr(target=P.store(LOCAL), value=P.call(
                P.name(self.prespent_name), [P.name(CTX), P.name(LOCAL), cost, P.name(steps)])), py.Is(), P.const(None))
            ).visit(fast)
            rest_comp.generators[0].iter = P.call(P.name(self.resumed_name), [P.name(CTX)])
            more = py.IfExp(test=P.compare(P.attr(P.name(CTX), "resume"), py.IsNot(), P.const(None)),
                            body=rest_comp, orelse=P.const(None))
            fast = P.call(P.name(self.join_name), [fast, more])
        gen.iter = P.name(it)  # the counting version iterates the same, already evaluated, iterable
        return P.at(test, comp), P.at(fast, comp)

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
                fast = self._precharged_comprehension(node)
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


_GROWERS = frozenset({"append", "add"})
_OTHER_GROWERS = frozenset({"extend", "insert", "update", "setdefault"})


def _without_cap_checks(body: list[py.stmt], facts: Facts) -> tuple[list[py.stmt], tuple[str, ...], int]:
    """A copy of a loop body without the collection-cap checks that follow
    ``name.append(v)`` / ``name.add(v)`` / ``name[k] = v``, the names they checked, and the
    number of such growths per iteration. Each collection then grows by at most that number
    a step, whatever aliases it has; when anything else can grow a collection (another
    mutator) or a checked name is rebound, the body is returned as it is."""
    nodes = [n for stmt in body for n in py.walk(stmt)]
    growth = 0
    for node in nodes:
        if isinstance(node, py.Call) and isinstance(node.func, py.Attribute):
            if node.func.attr in _OTHER_GROWERS:
                return body, (), 0
            growth += node.func.attr in _GROWERS
        if isinstance(node, py.Subscript) and isinstance(node.ctx, py.Store):
            growth += 1  # a dict item store adds at most one key (a list item store none)
    rebound = {n.id for n in nodes if isinstance(n, py.Name) and isinstance(n.ctx, py.Store)}
    grown = {facts.grown_of(n) for n in nodes if isinstance(n, py.If)} - {None}
    if not grown or grown & rebound:
        return body, (), 0
    return _drop_checks(facts.copy(body), facts), tuple(sorted(grown)), growth


def _calls(node: py.AST, name: str | None) -> bool:
    """``node`` is a call of the global ``name`` with plain positional arguments."""
    return (name is not None and isinstance(node, py.Call) and isinstance(node.func, py.Name) and node.func.id == name
            and not node.keywords and not any(isinstance(a, py.Starred) for a in node.args))


def _grows(node: py.AST) -> bool:
    """``node`` may add an item to a collection."""
    if isinstance(node, py.Call) and isinstance(node.func, py.Attribute):
        return node.func.attr in _GROWERS or node.func.attr in _OTHER_GROWERS
    return isinstance(node, py.Subscript) and isinstance(node.ctx, py.Store)


def _drop_checks(stmts: list[py.stmt], facts: Facts) -> list[py.stmt]:
    return rewrite_blocks(stmts, lambda stmt: [] if facts.grown_of(stmt) is not None else [stmt])


def _is_tick(node: py.AST) -> bool:
    return isinstance(node, py.Call) and isinstance(node.func, py.Name) and node.func.id == COMP_TICK


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
