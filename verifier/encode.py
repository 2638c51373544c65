"""Symbolic execution of Seglam functions into Z3 terms.

The encoder walks a function's syntax tree once, with every path at the same time: each
assignment is guarded by ``alive`` (the condition under which control reaches it), so no
environment merging is needed. Loops are unrolled ``bound`` times; inputs that would need
more iterations (or longer lists) are excluded by ``bounds`` and make a proof "for len <= K".
Every operation that can fault records a :class:`Site` (its fault condition under ``alive``),
and afterwards execution continues assuming that fault did not happen, so each later site is
checked on the inputs that really reach it.

Anything outside the fragment raises :class:`Unsupported`; the caller turns that into an
honest ``unknown``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import z3

from seglam.syntax import ast as A
from seglam.syntax.span import Span
from seglam.verifier import dicts
from seglam.verifier.exprs import Expressions
from seglam.verifier.logic import and_, dead, false, or_, past_end, true
from seglam.verifier.patterns import match
from seglam.verifier.terms import is_false, is_true
from seglam.verifier.symbolic import (
    NONE, PROVER_LIMIT, Inputs, SClass, SDict, SEnum, SFunc, SList, SOpt, SRange, SRecord, STuple, Unsupported,
    is_bool, is_int, is_str, ite, truthy,
)
from seglam.verifier.view import FunctionView, ModuleView

MAX_WORK = 20_000  # weighted visits per function (see weight()): the encoding's own budget


@dataclass(frozen=True)
class Site:
    """A place that faults with ``code`` when ``cond`` holds."""

    code: str
    span: Span
    title: str
    cond: object
    inlined: bool = False  # inside an inlined callee: that function's own obligation



@dataclass
class _Loop:
    broken: object = field(default_factory=false)
    cont: object = field(default_factory=false)


@dataclass
class FunctionEncoding:
    name: str
    inputs: dict
    param_types: dict
    domain: list
    pre: object
    bounds: list
    bounded: bool
    sites: list
    result: object
    returned: object
    ensures: list  # (lambda node, holds term)
    notes: set = field(default_factory=set)
    sizes: list = field(default_factory=list)  # input lengths, minimised in counterexamples
    havocs: list = field(default_factory=list)  # Havoc sites: their own faults are unknown
    work: int = 0  # how much the encoder visited: a proxy for how hard the solver's job is
    bound: int = 0  # K used


def encode_function(
    view: ModuleView, name: str, bound: int, inputs: dict | None = None, counter=None, havoc: bool = True,
    max_work: int | None = None, ends: dict | None = None,
) -> FunctionEncoding:
    """Encode ``name``'s precondition, body, faults and postconditions (over ``inputs`` when
    given: ``seglam diff`` encodes two versions over the same inputs). With ``havoc``, a pure
    expression outside the fragment becomes an unconstrained value of its static type."""
    enc = Encoder(view, bound, counter, havoc, ends)
    if max_work is not None:
        enc.max_work = max_work
    return enc.entry(view.functions[name], inputs)


#: Methods that change their receiver: an expression calling one is never havocked, since
#: dropping the mutation would be unsound.
MUTATORS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "popitem",
    "setdefault", "update", "add", "discard", "intersection_update", "difference_update",
    "symmetric_difference_update",
})


@dataclass(frozen=True)
class Havoc:
    """A pure expression outside the fragment, replaced by an unconstrained value."""

    span: Span
    reason: str
    text: str


class Encoder(Expressions):
    """Encodes one function's statements and expressions as Z3 terms over a bounded unrolling."""

    def __init__(self, view: ModuleView, bound: int, counter=None, havoc: bool = False, ends: dict | None = None) -> None:
        self.view = view
        self.ends = {} if ends is None else ends  # past_end's memo (see logic.past_end)
        self.havoc_enabled = havoc
        self.havocs: list[Havoc] = []
        self.K = bound
        self.inputs = Inputs(bound, dict(view.records), dict(view.enums), [], counter or itertools.count())
        self.sites: list[Site] = []
        self.bounds: list = []
        self.notes: set[str] = set()
        self.decimal_seen: list = []  # (exact, rounded) Decimal results, for monotonicity
        self.alive = true()
        self.env: dict = {}
        self.ret = None
        self.returned = false()
        self.loops: list[_Loop] = []
        self.stack: list[str] = []
        self.constants: dict = {}
        self.work = 0
        self.max_work = MAX_WORK
        self.idents = itertools.count(1)
        self.iterating: list[int] = []  # collections being iterated: mutating them is outside the fragment

    # ---- entry ------------------------------------------------------------------------------

    def entry(self, fv: FunctionView, given: dict | None = None) -> FunctionEncoding:
        inputs, types = {}, {}
        for p in fv.params:
            if p.kind in ("var_positional", "var_keyword"):
                raise Unsupported("*args / **kwargs parameters", fv.node.span)
            if given is not None:
                inputs[p.name] = given[p.name]
            else:
                inputs[p.name] = self.inputs.fresh(p.name, p.type, span=p.default.span if p.default else fv.node.span)
            types[p.name] = p.type
        self.stack.append(fv.name)
        self.env = dict(inputs)
        pre = true()
        saved_sites = len(self.sites)
        for lam in fv.requires:
            pre = and_(pre, truthy(self.call_lambda(lam, self._lambda_args(lam, inputs, None)), lam.span))
        del self.sites[saved_sites:]  # faults while evaluating the precondition only reject inputs
        for s in fv.prelude:  # SPEC §8: asserts, with the assignments that name what they test
            self.alive = pre
            if isinstance(s, A.Assert):
                mark = len(self.sites)
                pre = and_(pre, truthy(self.expr(s.test), s.span))
                del self.sites[mark:]
            else:
                self.stmt(s)  # a fault here is the program's: its site stays an obligation
                pre = self.alive
        self.alive = pre
        self.block(fv.node.body[len(fv.prelude):])
        result, returned = self.ret, self.returned
        ens = []
        self.alive = returned
        mark = len(self.sites)
        for lam in fv.ensures:
            if result is None:
                raise Unsupported("the function never returns", fv.node.span)
            ens.append((lam, truthy(self.call_lambda(lam, self._lambda_args(lam, inputs, result)), lam.span)))
        del self.sites[mark:]
        return FunctionEncoding(
            fv.name, inputs, types, list(self.inputs.constraints), pre, list(self.bounds),
            self.inputs.bounded or bool(self.bounds), list(self.sites), result, returned, ens, set(self.notes),
            list(self.inputs.sizes), list(self.havocs), self.work, self.K,
        )

    def _lambda_args(self, lam: A.Lambda, inputs: dict, result) -> list:
        args = []
        for p in lam.params:
            if p.name == "result" and result is not None:
                args.append(result)
            elif p.name in inputs:
                args.append(inputs[p.name])
            else:
                raise Unsupported(f"contract parameter {p.name} names no parameter", lam.span)
        return args

    # ---- helpers ----------------------------------------------------------------------------

    def tick(self, span: Span | None, cost: int = 1) -> None:
        self.work += cost
        if self.work > self.max_work:
            raise Unsupported("the unrolled encoding is too large", span)

    def fault(self, code: str, span: Span, cond, title: str) -> None:
        cond = z3.simplify(cond) if not is_bool(cond) else cond
        if is_false(cond):
            return
        self.sites.append(Site(code, span, title, and_(self.alive, cond), len(self.stack) > 1))
        self.alive = and_(self.alive, z3.Not(cond))

    def guarded(self, cond, fn):
        saved = self.alive
        self.alive = and_(saved, cond)
        out = fn()
        after = self.alive
        self.alive = or_(and_(saved, z3.Not(cond)), after)
        return out

    def assign(self, name: str, value, span: Span) -> None:
        old = self.env.get(name)
        if old is None or is_true(self.alive):
            self.env[name] = value
        else:
            self.tick(span, weight(value))
            self.env[name] = ite(self.alive, value, old, span)

    def bound_loop(self, cond, span: Span) -> None:
        """Exclude inputs on which a loop would run more than K times."""
        self.bounds.append(z3.Not(cond))

    def new_list(self, length, items) -> SList:
        return SList(length, tuple(items), next(self.idents))

    def as_list(self, v, span: Span) -> SList:
        if isinstance(v, SList):
            return v
        if isinstance(v, SRange):
            count = self.range_count(v)
            self.bound_loop(and_(self.alive, count > self.K), span)
            items = [v.start + k * v.step for k in range(self.K)]
            return SList(z3.If(count > self.K, z3.IntVal(self.K), count), tuple(items), next(self.idents))
        if is_str(v):
            self.bound_loop(and_(self.alive, z3.Length(v) > self.K), span)
            self.inputs.bounded = True
            items = [z3.SubString(v, k, 1) for k in range(self.K)]
            return SList(z3.Length(v), tuple(items), next(self.idents), True)
        if isinstance(v, SDict):
            if v.is_set:
                raise Unsupported("iterating over a set (its order is CPython's hash order)", span)
            return SList(v.length, v.keys, next(self.idents), True)
        if isinstance(v, SClass) and v.name in self.view.enums:
            members = tuple(self.view.enums[v.name].members)
            items = [SEnum(v.name, z3.IntVal(k), members) for k in range(len(members))]
            return SList(z3.IntVal(len(items)), tuple(items), next(self.idents), True)
        raise Unsupported(f"iteration over {type(v).__name__}", span)

    @staticmethod
    def range_count(r: SRange):
        if r.step > 0:
            return z3.If(r.stop > r.start, (r.stop - r.start + r.step - 1) / r.step, 0)
        return z3.If(r.start > r.stop, (r.start - r.stop - r.step - 1) / (-r.step), 0)

    def select(self, lst: SList, idx, span: Span):
        if not lst.items:
            raise Unsupported("indexing an empty list literal", span)
        self.tick(span, len(lst.items) * weight(lst.items[0]))
        out = lst.items[0]
        for k in range(1, len(lst.items)):
            out = ite(idx == k, lst.items[k], out, span)
        return out

    def index(self, lst: SList, i, span: Span):
        n = lst.length
        self.fault("F-INDEX", span, z3.Or(i >= n, i < -n), "index in range")
        return self.select(lst, z3.If(i < 0, i + n, i), span)

    def check_alias(self, name: str, span: Span):
        lst = self.env.get(name)
        if not isinstance(lst, (SList, SDict)):
            raise Unsupported(f"mutation of {name}", span)
        if lst.frozen:
            # a copy such as dict(d) still reads as the argument it copies: say so, since
            # copying is exactly what SPEC §7 asks (a real change of an argument faults
            # F-FROZEN in the runs, which then refute it)
            raise Unsupported(f"changing {name} in place, a copy of an argument or constant that the prover does "
                              f"not track apart from it ({PROVER_LIMIT})", span)
        if lst.ident <= 0:
            raise Unsupported(f"changing {name} in place after branches gave it different values ({PROVER_LIMIT})", span)
        if lst.ident in self.iterating:
            raise Unsupported(f"mutation of {name} while it is being iterated", span)
        for other, v in self.env.items():
            if other != name and _contains_list(v, lst.ident):
                raise Unsupported(f"mutation of {name}, which is shared with {other}", span)
        return lst

    def append(self, lst: SList, value, guard) -> SList:
        self.tick(None, (len(lst.items) + 1) * weight(value))
        items = list(lst.items)
        new = []
        for k, item in enumerate(items):
            new.append(ite(and_(guard, lst.length == k), value, item))
        new.append(value)
        return SList(z3.If(guard, lst.length + 1, lst.length), tuple(new), lst.ident)

    # ---- statements -------------------------------------------------------------------------

    def block(self, stmts) -> None:
        for s in stmts:
            if is_false(self.alive):
                return
            self.stmt(s)

    def stmt(self, s) -> None:
        self.tick(s.span)
        if isinstance(s, A.Return):
            v = self.expr(s.value) if s.value is not None else NONE
            self.ret = v if self.ret is None else ite(self.alive, v, self.ret, s.span)
            self.returned = or_(self.returned, self.alive)
            self.alive = false()
        elif isinstance(s, A.Assign):
            v = self.expr(s.value)
            for t in s.targets:
                self.target(t, v, s.span)
        elif isinstance(s, A.AnnAssign):
            if s.value is not None:
                self.target(s.target, self.expr(s.value), s.span)
        elif isinstance(s, A.AugAssign):
            self.aug_assign(s)
        elif isinstance(s, A.If):
            c = truthy(self.expr(s.test), s.test.span)
            saved = self.alive
            self.alive = and_(saved, c)
            self.block(s.body)
            a1 = self.alive
            self.alive = and_(saved, z3.Not(c))
            self.block(s.orelse)
            self.alive = or_(a1, self.alive)
        elif isinstance(s, A.For):
            self.for_loop(s)
        elif isinstance(s, A.While):
            self.while_loop(s)
        elif isinstance(s, A.Break):
            self.loops[-1].broken = or_(self.loops[-1].broken, self.alive)
            self.alive = false()
        elif isinstance(s, A.Continue):
            self.loops[-1].cont = or_(self.loops[-1].cont, self.alive)
            self.alive = false()
        elif isinstance(s, A.Pass):
            pass
        elif isinstance(s, A.Assert):
            t = truthy(self.expr(s.test), s.test.span)
            self.fault("F-ASSERT", s.span, z3.Not(t), "assert holds")
        elif isinstance(s, A.ExprStmt):
            if isinstance(s.value, A.Constant):
                return
            self.expr(s.value)
        elif isinstance(s, A.Match):
            match(self, s)
        else:
            raise Unsupported(f"the {type(s).__name__} statement", s.span)

    def target(self, t, v, span: Span) -> None:
        if isinstance(t, A.Name):
            self.assign(t.id, v, span)
        elif isinstance(t, (A.TupleExpr, A.ListExpr)):
            if isinstance(v, STuple) and len(v.items) == len(t.elts):
                for sub, x in zip(t.elts, v.items):
                    self.target(sub, x, span)
            else:
                raise Unsupported("unpacking a value that is not a tuple of that size", span)
        elif isinstance(t, A.Subscript) and isinstance(t.value, A.Name) and isinstance(self.env.get(t.value.id), SDict):
            d = self.check_alias(t.value.id, span)
            self.env[t.value.id] = dicts.store(d, self.expr(t.index), v, self.alive, span)
        elif isinstance(t, A.Subscript) and isinstance(t.value, A.Name) and not isinstance(t.index, A.Slice):
            lst = self.check_alias(t.value.id, span)
            i = self.expr(t.index)
            if not is_int(i):
                raise Unsupported("item assignment with a non-int index", span)
            n = lst.length
            self.fault("F-INDEX", t.span, z3.Or(i >= n, i < -n), "index in range")
            j = z3.If(i < 0, i + n, i)
            items = tuple(ite(and_(self.alive, j == k), v, item, span) for k, item in enumerate(lst.items))
            self.env[t.value.id] = SList(lst.length, items, lst.ident)
        else:
            raise Unsupported(f"assignment to {type(t).__name__}", span)

    def aug_assign(self, s: A.AugAssign) -> None:
        if isinstance(s.target, A.Name):
            old = self.lookup(s.target.id, s.target.span)
            v = self.expr(s.value)
            if isinstance(old, SList):
                self.check_alias(s.target.id, s.span)
                new = self.concat(old, self.as_list(v, s.value.span))
                self.assign(s.target.id, SList(new.length, new.items, old.ident), s.span)
            else:
                self.assign(s.target.id, self.binop(s.op, old, v, s.span), s.span)
        elif isinstance(s.target, A.Subscript) and isinstance(s.target.value, A.Name) and isinstance(self.env.get(s.target.value.id), SDict):
            d = self.env[s.target.value.id]
            k = self.expr(s.target.index)
            cur = dicts.getitem(self, d, k, s.target.span)
            v = self.binop(s.op, cur, self.val(self.expr(s.value), s.value.span), s.span)
            d = self.check_alias(s.target.value.id, s.span)
            self.env[s.target.value.id] = dicts.store(d, k, v, self.alive, s.span)
        elif isinstance(s.target, A.Subscript) and isinstance(s.target.value, A.Name):
            lst = self.env.get(s.target.value.id)
            if not isinstance(lst, SList):
                raise Unsupported("augmented assignment to an item of a non-list", s.span)
            i = self.expr(s.target.index)
            cur = self.index(lst, i, s.target.span)
            v = self.binop(s.op, cur, self.expr(s.value), s.span)
            lst = self.check_alias(s.target.value.id, s.span)
            n = lst.length
            j = z3.If(i < 0, i + n, i)
            items = tuple(ite(and_(self.alive, j == k), v, item, s.span) for k, item in enumerate(lst.items))
            self.env[s.target.value.id] = SList(lst.length, items, lst.ident)
        else:
            raise Unsupported("this augmented assignment target", s.span)

    def for_loop(self, s: A.For) -> None:
        it = self.val(self.expr(s.iter), s.iter.span)
        if isinstance(it, SRange):
            count = self.range_count(it)
            cap = self.K
            get = lambda k: it.start + k * it.step  # noqa: E731
            length = count
        else:
            lst = self.as_list(it, s.iter.span)
            cap, length = len(lst.items), lst.length
            get = lambda k: lst.items[k]  # noqa: E731
        self.iterating.append(getattr(it, "ident", 0))
        try:
            self.loop(s, cap, length, get, bounded_range=isinstance(it, SRange))
        finally:
            self.iterating.pop()

    def loop(self, s, cap, length, get, bounded_range: bool) -> None:
        loop = _Loop()
        self.loops.append(loop)
        head = self.alive
        exited = false()
        ended = past_end(length, self.ends) if cap else None
        for k in range(cap):
            enter = and_(head, k < length)
            exited = or_(exited, and_(head, z3.Not(k < length)))
            if is_false(head) or ended(k):
                head = false()
                break
            self.alive = enter
            loop.cont = false()
            self.target(s.target, get(k), s.span)
            self.block(s.body)
            head = or_(self.alive, loop.cont)
        if bounded_range:
            self.bound_loop(and_(head, length > cap), s.span)
        self.loops.pop()
        self.alive = or_(exited, head)
        if s.orelse:
            self.block(s.orelse)
        self.alive = or_(self.alive, loop.broken)

    def while_loop(self, s: A.While) -> None:
        loop = _Loop()
        self.loops.append(loop)
        head = self.alive
        exited = false()
        for _ in range(self.K):
            self.alive = head
            c = truthy(self.expr(s.test), s.test.span)
            head = self.alive
            exited = or_(exited, and_(head, z3.Not(c)))
            self.alive = and_(head, c)
            if dead(head, c):
                head = false()
                break
            loop.cont = false()
            self.block(s.body)
            head = or_(self.alive, loop.cont)
        if not is_false(head):
            self.alive = head
            c = truthy(self.expr(s.test), s.test.span)
            self.bound_loop(and_(self.alive, c), s.span)
            exited = or_(exited, and_(self.alive, z3.Not(c)))
        self.loops.pop()
        self.alive = exited
        if s.orelse:
            self.block(s.orelse)
        self.alive = or_(self.alive, loop.broken)

    # ---- names ------------------------------------------------------------------------------

    def lookup(self, name: str, span: Span):
        if name in self.env:
            return self.env[name]
        if name in self.view.functions:
            return SFunc(name)
        if name in self.view.records or name in self.view.enums:
            return SClass(name)
        for cname, cexpr in self.view.constants:
            if cname == name:
                if name not in self.constants:
                    saved = (self.env, self.alive)
                    self.env, self.alive = {}, true()
                    mark = len(self.sites)
                    try:
                        self.constants[name] = _freeze(self.expr(cexpr))
                    finally:
                        del self.sites[mark:]
                        self.env, self.alive = saved
                return self.constants[name]
        raise Unsupported(f"the name {name}", span)

    # ---- expressions ------------------------------------------------------------------------

    def expr(self, e):
        self.tick(e.span)
        method = getattr(self, "e_" + type(e).__name__, None)
        try:
            if method is None:
                raise Unsupported(f"the {type(e).__name__} expression", e.span)
            return method(e)
        except Unsupported as u:
            return self.havoc(e, u)

    def havoc(self, e, u: Unsupported):
        """An unconstrained value of ``e``'s static type, when ``e`` is pure; else re-raise."""
        t = self.view.types.get(id(e)) if self.havoc_enabled else None
        if t is None or not _pure(e):
            raise u
        try:
            v = self.inputs.fresh(f"havoc@{e.span.line}:{e.span.col}", t, span=e.span)
        except Unsupported:
            raise u from None
        self.havocs.append(Havoc(e.span, u.describe(), type(e).__name__))
        self.notes.add(f"treated as an unknown value, outside the fragment: {u.describe()}")
        return v

    # ---- calls (used by calls.py) ---------------------------------------------------------

    def call_lambda(self, lam: A.Lambda, args: list, env: tuple = ()):
        saved = self.env
        self.env = dict(env) if env else dict(saved)
        try:
            for p, a in zip(lam.params, args):
                self.env[p.name] = a
            return self.expr(lam.body)
        finally:
            self.env = saved

    def inline(self, name: str, args: list, kwargs: dict, span: Span):
        fv = self.view.functions[name]
        if name in self.stack:
            raise Unsupported(f"the recursive call to {name}", span)
        if len(self.stack) > 6:
            raise Unsupported("calls nested too deeply to inline", span)
        bound = {}
        for p, a in zip(fv.params, args):
            bound[p.name] = a
        for k, v in kwargs.items():
            bound[k] = v
        for p in fv.params:
            if p.name not in bound:
                if p.default is None:
                    raise Unsupported(f"a call to {name} without {p.name}", span)
                saved_env = self.env
                self.env = {}
                try:
                    bound[p.name] = self.expr(p.default)
                finally:
                    self.env = saved_env
        for lam in fv.requires:
            ok = truthy(self.call_lambda(lam, [bound[p.name] for p in lam.params], ()), lam.span)
            self.fault("F-REQUIRES", span, z3.Not(ok), f"precondition of {name} holds")
        saved = (self.env, self.ret, self.returned, self.loops)
        self.env, self.ret, self.returned, self.loops = dict(bound), None, false(), []
        self.stack.append(name)
        entry_alive = self.alive
        try:
            for s in fv.prelude:
                if not isinstance(s, A.Assert):
                    self.stmt(s)
                    continue
                t = truthy(self.expr(s.test), s.test.span)
                self.stack.pop()  # a callee's precondition assert is the caller's obligation
                self.fault("F-ASSERT", span, z3.Not(t), f"precondition of {name} holds (assert)")
                self.stack.append(name)
            self.block(fv.node.body[len(fv.prelude):])
            result, returned = self.ret, self.returned
            if result is None:
                raise Unsupported(f"{name} never returns", span)
            self.alive = returned
            for lam in fv.ensures:
                args2 = [result if p.name == "result" else bound[p.name] for p in lam.params]
                ok = truthy(self.call_lambda(lam, args2, ()), lam.span)
                self.fault("F-ENSURES", span, z3.Not(ok), f"postcondition of {name} holds")
        finally:
            self.stack.pop()
            self.env, self.ret, self.returned, self.loops = saved
        del entry_alive
        return result


def weight(v) -> int:
    """Roughly how many Z3 terms copying ``v`` builds: what unrolling multiplies."""
    if isinstance(v, SList):
        return 1 + (len(v.items) * weight(v.items[0]) if v.items else 0)
    if isinstance(v, STuple):
        return 1 + sum(weight(x) for x in v.items)
    if isinstance(v, SRecord):
        return 1 + sum(weight(x) for _, x in v.fields)
    if isinstance(v, SDict):
        return 1 + (len(v.keys) * (weight(v.keys[0]) + weight(v.values[0])) if v.keys else 0)
    if isinstance(v, SOpt):
        return 1 + weight(v.value)
    return 1


def _pure(e) -> bool:
    """No assignment expression and no call of a mutating method anywhere inside ``e``."""
    for node in A.walk(e):
        if isinstance(node, A.NamedExpr):
            return False
        if isinstance(node, A.Call) and isinstance(node.func, A.Attribute) and node.func.attr in MUTATORS:
            return False
    return True


def _contains_list(v, ident: int) -> bool:
    if isinstance(v, SList):
        return v.ident == ident or any(_contains_list(x, ident) for x in v.items)
    if isinstance(v, SDict):
        return v.ident == ident or any(_contains_list(x, ident) for x in v.values)
    if isinstance(v, STuple):
        return any(_contains_list(x, ident) for x in v.items)
    if isinstance(v, SRecord):
        return any(_contains_list(x, ident) for _, x in v.fields)
    if isinstance(v, SOpt):
        return _contains_list(v.value, ident)
    return False


def _freeze(v):
    if isinstance(v, SDict):
        return SDict(v.length, v.keys, tuple(_freeze(x) for x in v.values), v.ident, True)
    if isinstance(v, SList):
        return SList(v.length, tuple(_freeze(x) for x in v.items), v.ident, True)
    if isinstance(v, STuple):
        return STuple(tuple(_freeze(x) for x in v.items))
    return v


__all__ = ["encode_function", "FunctionEncoding", "Site", "Havoc", "Unsupported"]
