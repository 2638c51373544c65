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
from seglam.verifier import typeview as T
from seglam.verifier.symbolic import (
    NONE, Inputs, SDict, SEnum, SFunc, SLambda, SList, SNone, SOpt, SRange, SRecord, STuple, Unsupported,
    as_arith, eq, is_bool, string_val, is_int, is_real, is_str, is_term, ite, truthy,
)
from seglam.verifier.view import FunctionView, ModuleView

TRUE = z3.BoolVal(True)
FALSE = z3.BoolVal(False)
MAX_WORK = 60_000  # expression/statement visits per function: the encoding's own budget


@dataclass(frozen=True)
class Site:
    """A place that faults with ``code`` when ``cond`` holds."""

    code: str
    span: Span
    title: str
    cond: object
    inlined: bool = False  # inside an inlined callee: that function's own obligation


@dataclass(frozen=True)
class SClass:
    name: str  # a record or enum class used as a value (constructor, member access)


@dataclass
class _Loop:
    broken: object = FALSE
    cont: object = FALSE


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


def encode_function(
    view: ModuleView, name: str, bound: int, inputs: dict | None = None, counter=None, havoc: bool = True
) -> FunctionEncoding:
    """Encode ``name``'s precondition, body, faults and postconditions (over ``inputs`` when
    given: ``seglam diff`` encodes two versions over the same inputs). With ``havoc``, a pure
    expression outside the fragment becomes an unconstrained value of its static type."""
    enc = _Encoder(view, bound, counter, havoc)
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


def _or(a, b):
    if z3.is_false(a):
        return b
    if z3.is_false(b):
        return a
    return z3.Or(a, b)


def _and(a, b):
    if z3.is_true(a):
        return b
    if z3.is_true(b):
        return a
    return z3.And(a, b)


class _Encoder:
    def __init__(self, view: ModuleView, bound: int, counter=None, havoc: bool = False) -> None:
        self.view = view
        self.havoc_enabled = havoc
        self.havocs: list[Havoc] = []
        self.K = bound
        self.inputs = Inputs(bound, dict(view.records), dict(view.enums), [], counter or itertools.count())
        self.sites: list[Site] = []
        self.bounds: list = []
        self.notes: set[str] = set()
        self.alive = TRUE
        self.env: dict = {}
        self.ret = None
        self.returned = FALSE
        self.loops: list[_Loop] = []
        self.stack: list[str] = []
        self.constants: dict = {}
        self.work = 0
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
        pre = TRUE
        saved_sites = len(self.sites)
        for lam in fv.requires:
            pre = _and(pre, truthy(self.call_lambda(lam, self._lambda_args(lam, inputs, None)), lam.span))
        for a in fv.leading_asserts:
            self.alive = pre
            pre = _and(pre, truthy(self.expr(a.test), a.span))
        del self.sites[saved_sites:]  # faults while evaluating the precondition only reject inputs
        self.alive = pre
        body = fv.node.body[len(fv.leading_asserts):]
        self.block(body)
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
            list(self.inputs.sizes), list(self.havocs),
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

    def tick(self, span: Span) -> None:
        self.work += 1
        if self.work > MAX_WORK:
            raise Unsupported("the unrolled encoding is too large", span)

    def fault(self, code: str, span: Span, cond, title: str) -> None:
        cond = z3.simplify(cond) if not is_bool(cond) else cond
        if z3.is_false(cond):
            return
        self.sites.append(Site(code, span, title, _and(self.alive, cond), len(self.stack) > 1))
        self.alive = _and(self.alive, z3.Not(cond))

    def guarded(self, cond, fn):
        saved = self.alive
        self.alive = _and(saved, cond)
        out = fn()
        after = self.alive
        self.alive = _or(_and(saved, z3.Not(cond)), after)
        return out

    def assign(self, name: str, value, span: Span) -> None:
        old = self.env.get(name)
        if old is None or z3.is_true(self.alive):
            self.env[name] = value
        else:
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
            self.bound_loop(_and(self.alive, count > self.K), span)
            items = [v.start + k * v.step for k in range(self.K)]
            return SList(z3.If(count > self.K, z3.IntVal(self.K), count), tuple(items), next(self.idents))
        if is_str(v):
            self.bound_loop(_and(self.alive, z3.Length(v) > self.K), span)
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
            raise Unsupported(f"mutation of the frozen value {name}", span)
        if lst.ident <= 0:
            raise Unsupported(f"mutation of {name} after it was merged from several branches", span)
        if lst.ident in self.iterating:
            raise Unsupported(f"mutation of {name} while it is being iterated", span)
        for other, v in self.env.items():
            if other != name and _contains_list(v, lst.ident):
                raise Unsupported(f"mutation of {name}, which is shared with {other}", span)
        return lst

    def append(self, lst: SList, value, guard) -> SList:
        items = list(lst.items)
        new = []
        for k, item in enumerate(items):
            new.append(ite(_and(guard, lst.length == k), value, item))
        new.append(value)
        return SList(z3.If(guard, lst.length + 1, lst.length), tuple(new), lst.ident)

    # ---- statements -------------------------------------------------------------------------

    def block(self, stmts) -> None:
        for s in stmts:
            if z3.is_false(self.alive):
                return
            self.stmt(s)

    def stmt(self, s) -> None:
        self.tick(s.span)
        if isinstance(s, A.Return):
            v = self.expr(s.value) if s.value is not None else NONE
            self.ret = v if self.ret is None else ite(self.alive, v, self.ret, s.span)
            self.returned = _or(self.returned, self.alive)
            self.alive = FALSE
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
            self.alive = _and(saved, c)
            self.block(s.body)
            a1 = self.alive
            self.alive = _and(saved, z3.Not(c))
            self.block(s.orelse)
            self.alive = _or(a1, self.alive)
        elif isinstance(s, A.For):
            self.for_loop(s)
        elif isinstance(s, A.While):
            self.while_loop(s)
        elif isinstance(s, A.Break):
            self.loops[-1].broken = _or(self.loops[-1].broken, self.alive)
            self.alive = FALSE
        elif isinstance(s, A.Continue):
            self.loops[-1].cont = _or(self.loops[-1].cont, self.alive)
            self.alive = FALSE
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
            from seglam.verifier.patterns import match

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
            from seglam.verifier import dicts

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
            items = tuple(ite(_and(self.alive, j == k), v, item, span) for k, item in enumerate(lst.items))
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
            from seglam.verifier import dicts

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
            items = tuple(ite(_and(self.alive, j == k), v, item, s.span) for k, item in enumerate(lst.items))
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
        exited = FALSE
        for k in range(cap):
            enter = _and(head, k < length)
            exited = _or(exited, _and(head, z3.Not(k < length)))
            if z3.is_false(z3.simplify(enter)):
                head = FALSE
                break
            self.alive = enter
            loop.cont = FALSE
            self.target(s.target, get(k), s.span)
            self.block(s.body)
            head = _or(self.alive, loop.cont)
        if bounded_range:
            self.bound_loop(_and(head, length > cap), s.span)
        self.loops.pop()
        self.alive = _or(exited, head)
        if s.orelse:
            self.block(s.orelse)
        self.alive = _or(self.alive, loop.broken)

    def while_loop(self, s: A.While) -> None:
        loop = _Loop()
        self.loops.append(loop)
        head = self.alive
        exited = FALSE
        for _ in range(self.K):
            self.alive = head
            c = truthy(self.expr(s.test), s.test.span)
            head = self.alive
            exited = _or(exited, _and(head, z3.Not(c)))
            self.alive = _and(head, c)
            if z3.is_false(z3.simplify(self.alive)):
                head = FALSE
                break
            loop.cont = FALSE
            self.block(s.body)
            head = _or(self.alive, loop.cont)
        if not z3.is_false(head):
            self.alive = head
            c = truthy(self.expr(s.test), s.test.span)
            self.bound_loop(_and(self.alive, c), s.span)
            exited = _or(exited, _and(self.alive, z3.Not(c)))
        self.loops.pop()
        self.alive = exited
        if s.orelse:
            self.block(s.orelse)
        self.alive = _or(self.alive, loop.broken)

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
                    self.env, self.alive = {}, TRUE
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

    def e_Constant(self, e: A.Constant):
        v = e.value
        if v is None:
            return NONE
        if isinstance(v, bool):
            return z3.BoolVal(v)
        if isinstance(v, int):
            return z3.IntVal(v)
        if isinstance(v, str):
            return string_val(v, e.span)
        raise Unsupported(f"{type(v).__name__} literals", e.span)

    def e_Name(self, e: A.Name):
        return self.lookup(e.id, e.span)

    def e_NamedExpr(self, e: A.NamedExpr):
        v = self.expr(e.value)
        self.assign(e.target.id, v, e.span)
        return v

    def e_TupleExpr(self, e: A.TupleExpr):
        if any(isinstance(x, A.Starred) for x in e.elts):
            raise Unsupported("starred items", e.span)
        return STuple(tuple(self.expr(x) for x in e.elts))

    def e_ListExpr(self, e: A.ListExpr):
        if any(isinstance(x, A.Starred) for x in e.elts):
            raise Unsupported("starred items", e.span)
        items = [self.expr(x) for x in e.elts]
        return self.new_list(z3.IntVal(len(items)), items)

    def e_IfExp(self, e: A.IfExp):
        c = truthy(self.expr(e.test), e.test.span)
        a = self.guarded(c, lambda: self.expr(e.body))
        b = self.guarded(z3.Not(c), lambda: self.expr(e.orelse))
        return ite(c, a, b, e.span)

    def e_BoolOp(self, e: A.BoolOp):
        v = self.expr(e.values[0])
        for nxt in e.values[1:]:
            t = truthy(v, e.span)
            if e.op == "and":
                w = self.guarded(t, lambda n=nxt: self.expr(n))
                v = ite(t, w, v, e.span)
            else:
                w = self.guarded(z3.Not(t), lambda n=nxt: self.expr(n))
                v = ite(t, v, w, e.span)
        return v

    def e_UnaryOp(self, e: A.UnaryOp):
        v = self.expr(e.operand)
        if e.op == "not":
            return z3.Not(truthy(v, e.span))
        if e.op == "-":
            return -as_arith(self.val(v, e.span), e.span)
        if e.op == "+":
            return as_arith(self.val(v, e.span), e.span)
        raise Unsupported(f"the unary operator {e.op}", e.span)

    def e_BinOp(self, e: A.BinOp):
        return self.binop(e.op, self.val(self.expr(e.left), e.left.span), self.val(self.expr(e.right), e.right.span), e.span)

    def val(self, v, span: Span):
        """``v`` where a value is required: a ``T | None`` must not be None here (F-NONE)."""
        if isinstance(v, SOpt):
            self.fault("F-NONE", span, z3.Not(v.present), "no None unwrap")
            return v.value
        if isinstance(v, SNone):
            self.fault("F-NONE", span, TRUE, "no None unwrap")
            raise Unsupported("a value that is always None", span)
        return v

    def binop(self, op: str, a, b, span: Span):
        if is_str(a) and is_str(b):
            if op == "+":
                return z3.Concat(a, b)
            raise Unsupported(f"the string operator {op}", span)
        if isinstance(a, SList) and isinstance(b, SList):
            if op == "+":
                return self.concat(a, b)
            raise Unsupported(f"the list operator {op}", span)
        if isinstance(a, STuple) and isinstance(b, STuple) and op == "+":
            return STuple(a.items + b.items)
        x, y = as_arith(a, span), as_arith(b, span)
        if x.sort() != y.sort():
            x = z3.ToReal(x) if is_int(x) else x
            y = z3.ToReal(y) if is_int(y) else y
        real = is_real(x)
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op in ("//", "%"):
            if real:
                raise Unsupported(f"Decimal {op} (it truncates toward zero)", span)
            self.fault("F-ZERO-DIV", span, y == 0, "no division by zero")
            q = z3.If(y > 0, x / y, (-x) / (-y))
            return q if op == "//" else x - y * q
        if op == "/":
            if not real:
                raise Unsupported("int / int (it gives a float)", span)
            self.fault("F-ZERO-DIV", span, y == 0, "no division by zero")
            self.notes.add("Decimal division modelled as exact")
            return x / y
        if op == "**":
            if is_int(x) and z3.is_int_value(z3.simplify(y)):
                n = z3.simplify(y).as_long()
                if 0 <= n <= 8:
                    out = z3.IntVal(1)
                    for _ in range(n):
                        out = out * x
                    return out
            raise Unsupported("** with a non-constant or large exponent", span)
        raise Unsupported(f"the operator {op}", span)

    def concat(self, a: SList, b: SList) -> SList:
        items = []
        for k in range(len(a.items) + len(b.items)):
            from_b = self.select(b, z3.IntVal(k) - a.length, None) if b.items else None
            if k < len(a.items):
                items.append(a.items[k] if from_b is None else ite(z3.IntVal(k) < a.length, a.items[k], from_b))
            else:
                items.append(from_b)
        return self.new_list(a.length + b.length, items)

    def e_Compare(self, e: A.Compare):
        left = self.expr(e.left)
        out = TRUE
        for op, comp in zip(e.ops, e.comparators):
            right = self.expr(comp)
            out = _and(out, self.compare(op, left, right, e.span))
            left = right
        return out

    def compare(self, op: str, a, b, span: Span):
        if op in ("==", "is"):
            return eq(a, b, span)
        if op in ("!=", "is not"):
            return z3.Not(eq(a, b, span))
        if op in ("in", "not in"):
            r = self.contains(self.val(b, span), a, span)
            return r if op == "in" else z3.Not(r)
        a, b = self.val(a, span), self.val(b, span)
        if isinstance(a, STuple) and isinstance(b, STuple):
            return self.tuple_order(op, a.items, b.items, span)
        if is_str(a) and is_str(b):
            raise Unsupported("string ordering", span)
        x, y = as_arith(a, span), as_arith(b, span)
        if x.sort() != y.sort():
            x = z3.ToReal(x) if is_int(x) else x
            y = z3.ToReal(y) if is_int(y) else y
        return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]

    def tuple_order(self, op, xs, ys, span):
        if not xs or not ys:
            return z3.BoolVal({"<": len(xs) < len(ys), "<=": len(xs) <= len(ys), ">": len(xs) > len(ys), ">=": len(xs) >= len(ys)}[op])
        head_eq = eq(xs[0], ys[0], span)
        return z3.If(head_eq, self.tuple_order(op, xs[1:], ys[1:], span), self.compare(op[0], xs[0], ys[0], span))

    def contains(self, container, item, span: Span):
        if is_str(container) and is_str(item):
            return z3.Contains(container, item)
        if isinstance(container, SDict):
            from seglam.verifier import dicts

            return dicts.find(container, item, span)[0]
        if isinstance(container, SRange):
            if container.step != 1:
                raise Unsupported("in range(...) with a step", span)
            return z3.And(container.start <= item, item < container.stop)
        if isinstance(container, STuple):
            return z3.Or(*[eq(item, x, span) for x in container.items]) if container.items else FALSE
        if isinstance(container, SList):
            parts = [_and(k < container.length, eq(item, x, span)) for k, x in enumerate(container.items)]
            return z3.Or(*parts) if parts else FALSE
        raise Unsupported(f"`in` on {type(container).__name__}", span)

    def e_Attribute(self, e: A.Attribute):
        base = self.expr(e.value)
        if isinstance(base, SRecord):
            return base.get(e.attr, e.span)
        if isinstance(base, SOpt):
            self.fault("F-NONE", e.span, z3.Not(base.present), "no None unwrap")
            return self.expr_attr(base.value, e)
        if isinstance(base, SNone):
            self.fault("F-NONE", e.span, TRUE, "no None unwrap")
            raise Unsupported("attribute of None", e.span)
        return self.expr_attr(base, e)

    def expr_attr(self, base, e: A.Attribute):
        if isinstance(base, SRecord):
            return base.get(e.attr, e.span)
        if isinstance(base, SClass) and base.name in self.view.enums:
            members = tuple(self.view.enums[base.name].members)
            names = [m[0] for m in members]
            if e.attr in names:
                return SEnum(base.name, z3.IntVal(names.index(e.attr)), members)
        if isinstance(base, SEnum):
            if e.attr == "name":
                return self._enum_table(base, [z3.StringVal(m[0]) for m in base.members], e.span)
            if e.attr == "value":
                vals = []
                for _, v in base.members:
                    if isinstance(v, bool) or not isinstance(v, (int, str)):
                        raise Unsupported("enum values that are not int or str", e.span)
                    vals.append(z3.IntVal(v) if isinstance(v, int) else z3.StringVal(v))
                return self._enum_table(base, vals, e.span)
        raise Unsupported(f"the attribute .{e.attr}", e.span)

    def _enum_table(self, v: SEnum, values, span):
        out = values[0]
        for k in range(1, len(values)):
            out = ite(v.index == k, values[k], out, span)
        return out

    def e_Subscript(self, e: A.Subscript):
        base = self.expr(e.value)
        if isinstance(base, SOpt):
            self.fault("F-NONE", e.span, z3.Not(base.present), "no None unwrap")
            base = base.value
        if isinstance(e.index, A.Slice):
            return self.slice(base, e.index, e.span)
        if isinstance(base, SDict):
            from seglam.verifier import dicts

            return dicts.getitem(self, base, self.expr(e.index), e.span)
        i = self.expr(e.index)
        if isinstance(base, STuple):
            iv = z3.simplify(as_arith(i, e.span))
            if not z3.is_int_value(iv):
                raise Unsupported("a tuple indexed by a non-constant", e.span)
            k = iv.as_long()
            if not -len(base.items) <= k < len(base.items):
                self.fault("F-INDEX", e.span, TRUE, "index in range")
                raise Unsupported("a tuple index out of range", e.span)
            return base.items[k]
        if not is_int(i):
            raise Unsupported("a subscript that is not an int index", e.span)
        if is_str(base):
            n = z3.Length(base)
            self.fault("F-INDEX", e.span, z3.Or(i >= n, i < -n), "index in range")
            return z3.SubString(base, z3.If(i < 0, i + n, i), 1)
        if isinstance(base, SRange):
            base = self.as_list(base, e.span)
        if isinstance(base, SList):
            return self.index(base, i, e.span)
        raise Unsupported(f"subscript of {type(base).__name__}", e.span)

    def slice(self, base, sl: A.Slice, span: Span):
        if sl.step is not None:
            raise Unsupported("slices with a step", span)
        if is_str(base):
            n = z3.Length(base)
        elif isinstance(base, SList):
            n = base.length
        else:
            raise Unsupported(f"slicing {type(base).__name__}", span)

        def clamp(x, default):
            if x is None:
                return default
            v = as_arith(self.expr(x), span)
            return z3.If(v < 0, z3.If(v + n < 0, 0, v + n), z3.If(v > n, n, v))

        lo, hi = clamp(sl.lower, z3.IntVal(0)), clamp(sl.upper, n)
        size = z3.If(hi > lo, hi - lo, 0)
        if is_str(base):
            return z3.SubString(base, lo, size)
        items = [self.select(base, lo + k, span) for k in range(len(base.items))]
        return self.new_list(size, items)

    def e_DictExpr(self, e: A.DictExpr):
        from seglam.verifier import dicts

        return dicts.literal(self, e)

    def e_DictComp(self, e: A.DictComp):
        return self.comprehension((e.key, e.value), e.generators, e.span, as_dict=True)

    def e_SetExpr(self, e: A.SetExpr):
        from seglam.verifier import dicts

        return dicts.set_literal(self, e)

    def e_SetComp(self, e: A.SetComp):
        return self.comprehension((e.elt, None), e.generators, e.span, as_dict=True, is_set=True)

    def e_ListComp(self, e: A.ListComp):
        return self.comprehension(e.elt, e.generators, e.span)

    def e_GeneratorExp(self, e: A.GeneratorExp):
        return self.comprehension(e.elt, e.generators, e.span)

    def comprehension(self, elt, gens, span: Span, as_dict: bool = False, is_set: bool = False):
        from seglam.verifier import dicts

        out = [dicts.empty(self, is_set) if as_dict else self.new_list(z3.IntVal(0), [])]
        saved_env = dict(self.env)
        saved_alive = self.alive

        def run(level: int) -> None:
            if level == len(gens):
                if as_dict:
                    k = self.expr(elt[0])
                    v = NONE if elt[1] is None else self.expr(elt[1])
                    out[0] = dicts.store(out[0], k, v, self.alive, span)
                else:
                    out[0] = self.append(out[0], self.expr(elt), self.alive)
                return
            g = gens[level]
            it = self.expr(g.iter)
            if isinstance(it, SRange):
                count = self.range_count(it)
                cap, length = self.K, count
                get = lambda k: it.start + k * it.step  # noqa: E731
                self.bound_loop(_and(self.alive, count > self.K), g.span)
            else:
                lst = self.as_list(it, g.iter.span)
                cap, length = len(lst.items), lst.length
                get = lambda k: lst.items[k]  # noqa: E731
            head = self.alive
            self.iterating.append(getattr(it, "ident", 0))
            for k in range(cap):
                self.alive = _and(head, k < length)
                if z3.is_false(z3.simplify(self.alive)):
                    break
                self.target(g.target, get(k), g.span)
                for cond in g.ifs:
                    self.alive = _and(self.alive, truthy(self.expr(cond), cond.span))
                run(level + 1)
            self.iterating.pop()
            self.alive = head

        run(0)
        self.env = saved_env
        self.alive = saved_alive
        return out[0]

    def e_JoinedStr(self, e: A.JoinedStr):
        out = z3.StringVal("")
        for part in e.values:
            if isinstance(part, str):
                out = z3.Concat(out, string_val(part, e.span))
            else:
                if part.conversion is not None or part.format_spec is not None:
                    raise Unsupported("f-string conversions and format specs", e.span)
                out = z3.Concat(out, self.to_str(self.expr(part.value), e.span))
        return out

    def to_str(self, v, span):
        if is_str(v):
            return v
        if is_int(v):
            return z3.If(v >= 0, z3.IntToStr(v), z3.Concat(z3.StringVal("-"), z3.IntToStr(-v)))
        if is_bool(v):
            return z3.If(v, z3.StringVal("True"), z3.StringVal("False"))
        raise Unsupported("str() of this type", span)

    def e_Lambda(self, e: A.Lambda):
        return SLambda(e, tuple(self.env.items()))

    def e_Call(self, e: A.Call):
        from seglam.verifier.calls import call

        return call(self, e)

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
        self.env, self.ret, self.returned, self.loops = dict(bound), None, FALSE, []
        self.stack.append(name)
        entry_alive = self.alive
        try:
            for a in fv.leading_asserts:
                t = truthy(self.expr(a.test), a.test.span)
                self.stack.pop()  # a callee's leading assert is the caller's obligation
                self.fault("F-ASSERT", span, z3.Not(t), f"precondition of {name} holds (assert)")
                self.stack.append(name)
            self.block(fv.node.body[len(fv.leading_asserts):])
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


__all__ = ["encode_function", "FunctionEncoding", "Site", "SClass", "Unsupported", "T", "SNone", "is_term", "is_str", "is_int"]
