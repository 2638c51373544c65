"""Pass ``bounded_ints``: a loop whose integers are proven small runs a copy without the
int tests of its arithmetic on them.

Contract. Input: a function, before the fuel passes. Names with a bound on their magnitude:
the counter of ``for NAME in range(a[, b[, step]])`` (stored nowhere else in the loop; every
value lies between ``a`` and ``b``), tested ``|a|, |b| < 2**30`` before the loop, or bounded
already; the same for a ``for ... in range(...)`` clause of a comprehension (a later clause's
arguments must be bounded already); a parameter the function never rebinds; and, in a loop,
a parameter or a local surely assigned before it (an earlier statement of the same block)
that the loop rebinds only to values at most a step larger than the largest of these names,
the counters and the fixed parameters (``a, b = b, a % b``, ``x //= 10``, ``x //= len(s)``,
a bounded name or literal: no step; ``lo = mid + 1``, ``total += x % 10``, ``mid = (lo +
hi) // 2``: a step of 1, 9, 1; a name stored once, first in the body, counts as its value):
tested within ``2**30`` when the loop starts (``type(x) is int or type(x) is float``, then
``-2**30 < x < 2**30``; an optional int narrowed inside the loop may be None there; a name
set to a literal or a bounded counter earlier in the block, and not stored since, needs no
test), they stay within ``2**30 + MAX_FUEL * (the sum of the steps)``, since each store runs
at most once per step of the run. From those and int literals, ``+ - * //
% >>`` give a bound ``M`` (``x % y`` is below ``|y|`` whatever ``x``). An int test of such an
expression (the cap test of ``+ - *``, ``ir.CapInt``, in its expression or statement
form, ``sizework.capped_assign``; the size test of the left operand of ``// % >>``; the
wide-key test of an int key, when ``M < cost.WIDE_KEY``) cannot
fire, and its slow path charges nothing, when ``M < h_small`` (``h_small = 2 **
min(max_int_bits, SMALL_BITS)``: within the cap, and no extra work below SMALL_BITS bits).
Output: ``if <bounds tests> and h_small > M_max: <loop without those tests> else: <loop>``
(for a comprehension the same as an ``IfExp``), a range's arguments that are not names or
literals bound first to fresh names (evaluated once, in order, as the loop header did); the
copy keeps the loop's facts, so the fuel passes still apply to both. The tests left out
cannot fire and charge 0, so the value, the fuel and the faults are the input's. Loops where
no test can go are returned as they are. Golden before/after and differential tests:
``tests/compiled/test_pass_bounded_ints.py``.
"""

from __future__ import annotations

import ast as py
import copy
from typing import Callable

from seglam.run.codegen import pyast as P
from seglam.run.codegen.passes.sized import Natives
from seglam.run.ir import nodes as ir
from seglam.run.codegen.state import INT_LIM, NEG_INT_LIM, SMALL
from seglam.run.cost import WIDE_KEY
from seglam.run.limits import MAX_FUEL

#: Range bounds are tested against this (exclusive) magnitude: the counter stays below it.
BOUND = 1 << 30
#: No bound past this many bits is used (SMALL_BITS: beyond it the slow path may charge).
MAX_BITS = 512
#: Loops nested deeper than this are not versioned themselves (found by a red-team run: 16
#: nested loops took 30 s to compile, doubling per level).
MAX_NESTING = 4

_DIVIDING = (py.FloorDiv, py.Mod, py.RShift)


def run(fn: py.FunctionDef, natives: Natives, number_test: Callable[[], tuple[str, str, str]],
        fresh: Callable[[str], str]) -> list[py.stmt]:
    """The body of ``fn`` with its loops versioned. ``number_test()``: the global names of
    ``type``, ``int`` and ``float``, with which a region's test tells a number (bound on
    first use)."""
    stripper = _Stripper(natives.range, fresh, {}, fixed_params(fn))
    stripper.rebound, stripper.len_name, stripper.number_test = _params(fn) - stripper.params, natives.len, number_test
    return stripper.block(fn.body)


def _params(fn: py.FunctionDef) -> frozenset[str]:
    return frozenset(a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)
                     if a.arg.startswith("u_"))


def fixed_params(fn: py.FunctionDef) -> frozenset[str]:
    """The program's parameters of ``fn`` that its body never rebinds."""
    stored = {n.id for s in fn.body for n in py.walk(s) if isinstance(n, py.Name) and not isinstance(n.ctx, py.Load)}
    return _params(fn) - stored


class _Stripper:
    """Rewrites one block with the magnitude bounds ``known`` (name -> bound) of the counters
    of the enclosing versioned loops; ``largest`` is the largest bound it relied on."""

    def __init__(self, range_name: str, fresh: Callable[[str], str], known: dict[str, int],
                 params: frozenset[str]) -> None:
        self.range_name = range_name
        self.fresh = fresh
        self.known = known
        self.params = params  # parameters never rebound: tested once when a region relies on them
        self.assumed: dict[str, None] = {}  # the parameters this region's test must bound
        self.rebound: frozenset[str] = frozenset()  # the parameters the function rebinds
        self.region = False  # within a versioned copy, whose test the bounds rely on
        self.assigned: set[str] = set()  # the program's names surely assigned before this point
        self.len_name = ""  # the global name of builtins.len
        self.number_test: Callable[[], tuple[str, str, str]] = lambda: ("", "", "")  # type, int, float
        self.once: frozenset[str] = frozenset()  # the names the copied loop stores just once
        self.largest = -1  # the largest bound a test left out relies on (-1: none)
        self.slack: dict[str, int] = {}  # names a versioned loop rebinds -> how far past BOUND they may grow
        self.entry: dict[str, int] = {}  # names set to a bounded value earlier in this block -> the bound
        self.stripped = False  # a test was left out here or in a loop nested here
        self.nesting = 0  # how many loops enclose this block (each versioned loop is processed twice)

    def block(self, stmts: list[py.stmt]) -> list[py.stmt]:
        out: list[py.stmt] = []
        before, known, entry = set(self.assigned), dict(self.known), self.entry
        self.entry = dict(entry)  # this block's: what it learns is forgotten after it
        for stmt in stmts:
            if self._redundant_check(stmt, out):
                continue
            rewritten = self.stmt(stmt)
            out.extend(rewritten)
            for name in {n.id for s in rewritten for n in py.walk(s) if isinstance(n, py.Name) and not isinstance(n.ctx, py.Load)}:
                self.entry.pop(name, None)
            if isinstance(stmt, py.Assign):  # a later statement of this block runs after it
                self.assigned.update(n.id for t in stmt.targets for n in py.walk(t)
                                     if isinstance(n, py.Name) and n.id.startswith("u_"))
                self._bind_once(stmt)
                self._entry_bound(stmt)
        self.assigned, self.known, self.entry = before, known, entry
        return out

    def _entry_bound(self, stmt: py.Assign) -> None:
        """After ``name = <a value bounded whatever the run>`` (literals, known counters),
        ``name`` is known to start a loop of this block within that bound until it is stored
        again: no region test needs to read it."""
        target = stmt.targets[0] if len(stmt.targets) == 1 else None
        if isinstance(target, py.Name):
            m = self.bound(stmt.value)
            if m is not None and m < BOUND:
                self.entry[target.id] = m

    def _bind_once(self, stmt: py.Assign) -> None:
        """After ``name = <bounded>``, the only store to ``name`` in the loop being copied,
        ``name`` is bounded for the rest of the block."""
        target = stmt.targets[0] if len(stmt.targets) == 1 else None
        if not (self.region and isinstance(target, py.Name) and target.id in self.once):
            return
        assumed: dict[str, None] = {}
        m = self.bound(stmt.value, assumed)
        if m is not None and m.bit_length() <= MAX_BITS:
            self.assumed.update(assumed)
            self.known = {**self.known, target.id: m}

    def _scope(self, known: dict[str, int], params: frozenset[str], region: bool) -> _Stripper:
        """A stripper for a nested block or copy, knowing what this one knows of the names."""
        inner = _Stripper(self.range_name, self.fresh, known, params)
        inner.rebound, inner.region, inner.assigned = self.rebound, region, set(self.assigned)
        inner.len_name, inner.number_test, inner.once = self.len_name, self.number_test, self.once
        inner.slack, inner.entry, inner.nesting = self.slack, dict(self.entry), self.nesting
        return inner

    def stmt(self, s: py.stmt) -> list[py.stmt]:
        if isinstance(s, (py.FunctionDef, py.AsyncFunctionDef, py.ClassDef)):
            return [s]
        if isinstance(s, (py.For, py.While)):
            versioned = self._version(s)
            if versioned is not None:
                return versioned
        for field_name in ("body", "orelse", "finalbody"):
            inner = getattr(s, field_name, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], py.stmt):
                setattr(s, field_name, self.block(inner))
        if isinstance(s, py.Match):
            for case in s.cases:
                case.body = self.block(case.body)
        if isinstance(s, py.Try):
            for handler in s.handlers:
                handler.body = self.block(handler.body)
        for field_name, value in py.iter_fields(s):
            if isinstance(value, py.expr):
                setattr(s, field_name, self.expr(value))
            elif isinstance(value, list) and value and isinstance(value[0], py.expr):
                setattr(s, field_name, [self.expr(v) for v in value])
        return [s]

    # ---- loops ----------------------------------------------------------------------------

    def _range_loop(self, loop: py.For) -> str | None:
        """The counter of ``for NAME in range(...)`` when the body never stores ``NAME``."""
        it, target = loop.iter, loop.target
        if not (isinstance(target, py.Name) and isinstance(it, py.Call) and isinstance(it.func, py.Name)
                and it.func.id == self.range_name and 1 <= len(it.args) <= 3 and not it.keywords
                and not any(isinstance(a, py.Starred) for a in it.args)):
            return None
        if any(isinstance(n, py.Name) and n.id == target.id and not isinstance(n.ctx, py.Load)
               for s in loop.body for n in py.walk(s)):
            return None
        return target.id

    def _version(self, loop: py.For | py.While) -> list[py.stmt] | None:
        """The loop versioned on its counter's bounds (a range ``for``) and on those of the
        parameters it rebinds without growing them (:meth:`_shrinking`); None: neither, or
        the loop is nested past MAX_NESTING (each versioned level processes its body twice:
        a deeper nest would take time exponential in its depth; its tests may still go, on
        the bounds of the loops around it)."""
        if self.nesting >= MAX_NESTING:
            return None
        counter = self._range_loop(loop) if isinstance(loop, py.For) else None
        shrinking, grown = self._shrinking(loop)
        if counter is None and not shrinking:
            return None
        pre: list[py.stmt] = []
        tests: list[py.expr] = []
        bound = 0
        if isinstance(loop, py.For):
            loop.iter = self.expr(loop.iter) if counter is None else loop.iter
        args = loop.iter.args if counter is not None else []
        for i, arg in enumerate(args):
            arg = args[i] = self.expr(arg)
            static = self.bound(arg) if i < 2 else None
            if static is not None and static < BOUND:
                bound = max(bound, static)
                continue
            if not isinstance(arg, (py.Name, py.Constant)):
                name = self.fresh("h_rg")
                pre.append(P.at(P.assign(P.store(name), arg), loop))
                args[i] = P.name(name)
            if i < 2:
                tests.append(_within(copy.deepcopy(args[i])))
                bound = BOUND - 1
        counters = {} if counter is None else {counter: bound}
        inner = self._scope({**self.known, **counters}, self.params | shrinking, True)
        inner.nesting = self.nesting + 1
        inner.slack = {**self.slack, **grown}
        loop_stores = {n.id for n in py.walk(loop) if isinstance(n, py.Name) and not isinstance(n.ctx, py.Load)}
        inner.entry = {k: v for k, v in self.entry.items() if k not in loop_stores}
        stored = [name for name, _ in _stores(loop.body) or []]
        inner.once = frozenset(name for name in stored if stored.count(name) == 1)
        fast = copy.deepcopy(loop)  # an IR node: with its facts (how it is sized ...)
        fast.body = inner.block(fast.body)
        # the input loop, and both else clauses, with the enclosing loops' bounds still known
        outer_known = self._scope(self.known, self.params, self.region)
        outer_known.entry = dict(inner.entry)  # what the loop stores may differ when a nested loop starts
        outer_known.nesting = self.nesting + 1
        if isinstance(loop, py.While):  # evaluated before each iteration
            fast.test = inner.expr(fast.test)
            loop.test = outer_known.expr(loop.test)
        loop.body = outer_known.block(loop.body)
        loop.orelse = outer_known.block(loop.orelse)
        fast.orelse = outer_known.block(fast.orelse)
        self.largest = max(self.largest, outer_known.largest)
        self.stripped = self.stripped or inner.stripped or outer_known.stripped
        self.assumed.update(outer_known.assumed)
        if not inner.stripped:
            return [*pre, loop]
        # the parameters the loop rebinds stay within the bound when all of them start within it
        tests.extend(test for name in {**dict.fromkeys(sorted(shrinking)), **inner.assumed} if name not in self.entry
                     for test in _number_within(self.number_test(), name))
        if inner.largest >= 0:
            tests.append(P.compare(P.name(SMALL), py.Gt(), P.const(inner.largest)))
        if not tests:  # the bounds hold whatever the run: the loop without the tests only
            return [*pre, fast]
        test = tests[0] if len(tests) == 1 else py.BoolOp(op=py.And(), values=tests)
        return [*pre, P.at(P.if_(test, [fast], [loop]), loop)]

    def _shrinking(self, loop: py.For | py.While) -> tuple[frozenset[str], dict[str, int]]:
        """The parameters and locals (assigned before the loop: its test can read them) the
        loop rebinds only to values at most a little larger than the largest of them, the
        known counters and the fixed parameters (:meth:`_growth`: ``b = a % b``,
        ``x = x // 10``, ``a, b = b, a % b``; ``lo = mid + 1`` with ``mid = (lo + hi) // 2``
        stored first in the body): each store adds at most its growth to that largest
        magnitude, and each runs at most once per step, so after any run (at most MAX_FUEL
        steps) they stay within ``2**30 + MAX_FUEL * (the sum of the growths)`` when they start
        within ``2**30``. With them, the fixed parameters their stores read, which the loop's
        test bounds too. Also ``{name: MAX_FUEL * that sum}`` for the rebound names, when the
        sum is not 0: what they may grow past ``2**30``."""
        stores = _stores(loop.body)
        if stores is None:
            return frozenset(), {}
        names = {target for target, _ in stores}
        candidates = set(names & (self.rebound | self.assigned)) - set(self.known)
        # stored by the loop's header too (its target, a := in its test or iterable): not by a step of the body
        candidates -= {n.id for node in _header(loop) for n in py.walk(node)
                       if isinstance(n, py.Name) and not isinstance(n.ctx, py.Load)}
        derived = _derived(loop, stores, candidates)
        changed = True
        while changed:
            changed = False
            for target, value in stores:
                if target in candidates and self._growth(value, candidates, derived) is None:
                    candidates.discard(target)
                    changed = True
        if not candidates:
            return frozenset(), {}
        growth = sum(self._growth(value, candidates, derived) for target, value in stores if target in candidates)
        # the fixed parameters those stores read (also through the names derived) are tested with them
        reads = [value for target, value in stores if target in candidates or target in derived]
        read = {n.id for value in reads if value is not None for n in py.walk(value)
                if isinstance(n, py.Name) and n.id in self.params}
        return frozenset(candidates | read), ({name: MAX_FUEL * growth for name in candidates} if growth else {})

    def _growth(self, value: py.expr | None, names: set[str], derived: dict[str, py.expr],
                seen: frozenset[str] = frozenset()) -> int | None:
        """How much larger than ``M`` ``|value|`` can be whenever ``names``, the counters and
        the fixed parameters are within ``M >= 2**30`` (a name with a slack, rebound by an
        enclosing loop, within ``M`` plus its slack); ``derived``: names stored once, first
        in the loop's body, from such values. None: no such bound (``a + b``, ``a * 2``)."""
        if value is None:
            return None
        if isinstance(value, ir.Let):
            shape = _test_of(value)
            return None if shape is None else self._growth(shape[1], names, derived, seen)
        if isinstance(value, py.Name):
            if value.id in names or self.known.get(value.id, BOUND) < BOUND:
                return 0
            if value.id in self.params:
                return self.slack.get(value.id, 0)
            if value.id in derived and value.id not in seen:
                return self._growth(derived[value.id], names, derived, seen | {value.id})
            return None
        if isinstance(value, py.Constant):
            return 0 if type(value.value) is int and abs(value.value) < BOUND else None
        if not isinstance(value, py.BinOp):
            return None
        right = value.right
        if isinstance(value.op, py.Mod):  # |x % y| < |y|, for any number y
            return self._growth(right, names, derived, seen)
        if isinstance(value.op, (py.FloorDiv, py.RShift)) and isinstance(right, py.Constant) \
                and type(right.value) is int and right.value >= (1 if isinstance(value.op, py.FloorDiv) else 0):
            halved = right.value >= (2 if isinstance(value.op, py.FloorDiv) else 1)
            total = _unchecked(value.left)
            if halved and isinstance(total, py.BinOp) and isinstance(total.op, (py.Add, py.Sub)):
                # (a + b) // 2: at most half of 2 * M plus both growths, and one for the floor
                a = self._growth(total.left, names, derived, seen)
                b = self._growth(total.right, names, derived, seen)
                if a is not None and b is not None:
                    return (a + b) // 2 + 1
            return self._growth(value.left, names, derived, seen)
        if isinstance(value.op, py.FloorDiv) and isinstance(right, py.Call) and isinstance(right.func, py.Name) \
                and right.func.id == self.len_name:  # an int: 0 faults, else |x // n| <= |x|
            return self._growth(value.left, names, derived, seen)
        if isinstance(value.op, (py.Add, py.Sub)):  # x + e, e + x, x - e: a step of at most |e|
            for x, e in ((value.left, right), (right, value.left)):
                step = _absolute(e)
                if step is not None:
                    grown = self._growth(x, names, derived, seen)
                    return None if grown is None else grown + step
        return None

    # ---- expressions ----------------------------------------------------------------------

    def expr(self, node: py.expr) -> py.expr:
        """``node`` with its redundant int tests left out (children first)."""
        if isinstance(node, py.Lambda):
            return node  # another scope: its parameters may shadow the counters
        if isinstance(node, (py.ListComp, py.SetComp, py.DictComp, py.GeneratorExp)):
            return self._comprehension(node)
        for field_name, value in py.iter_fields(node):
            if isinstance(value, py.expr):
                setattr(node, field_name, self.expr(value))
            elif isinstance(value, list):
                setattr(node, field_name, [self.expr(v) if isinstance(v, py.expr) else v for v in value])
        if not self.region:
            return node  # outside a versioned loop: no region test to rely on
        shape = _test_of(node)
        if shape is not None and self._fits(shape[0], shape[2]):
            return _located(shape[1], node)
        return node

    def _comprehension(self, node: py.expr) -> py.expr:
        """A comprehension whose ``for NAME in range(...)`` clauses have bounds proven small:
        ``<copy without the tests> if <bounds test> else <comprehension>``. The first clause's
        range is evaluated where the comprehension is, so its arguments are tested as a
        loop's; a later clause's must be bounded already (literals, counters, parameters)."""
        gens = node.generators
        gens[0].iter = self.expr(gens[0].iter)  # evaluated in the enclosing scope
        if self.nesting >= MAX_NESTING:  # as for a loop (_version): its tests go on the outer bounds only
            return self.inside(node)
        stored = [n.id for n in py.walk(node) if isinstance(n, py.Name) and not isinstance(n.ctx, py.Load)]
        known = {k: v for k, v in self.known.items() if k not in stored}
        counters: dict[str, int] = {}
        tests: list[py.expr] = []
        assumed: dict[str, None] = {}
        for i, gen in enumerate(gens):
            name = self._range_target(gen, stored)
            if name is None:
                continue
            scope = self._scope({**known, **counters}, self.params, self.region)
            bound, checks = 0, []
            for arg in gen.iter.args[:2]:
                static = scope.bound(arg, assumed)
                if static is not None and static < BOUND:
                    bound = max(bound, static)
                elif i == 0 and isinstance(arg, py.Name):
                    checks.append(_within(P.name(arg.id)))
                    bound = BOUND - 1
                else:
                    bound = -1
                    break
            if bound >= 0:
                counters[name] = bound
                tests.extend(checks)
        fast_scope = self._scope({**known, **counters}, self.params, True)
        fast_scope.nesting = self.nesting + 1
        fast = fast_scope.inside(copy.deepcopy(node))
        slow_scope = self._scope(known, self.params, self.region)
        slow_scope.nesting = self.nesting + 1
        node = slow_scope.inside(node)
        self.largest = max(self.largest, slow_scope.largest)
        self.stripped = self.stripped or slow_scope.stripped or fast_scope.stripped
        self.assumed.update(slow_scope.assumed)
        if not counters or not fast_scope.stripped:
            return node
        tests.extend(test for name in {**assumed, **fast_scope.assumed} for test in _number_within(self.number_test(), name))
        if fast_scope.largest >= 0:
            tests.append(P.compare(P.name(SMALL), py.Gt(), P.const(fast_scope.largest)))
        if not tests:
            return fast
        test = tests[0] if len(tests) == 1 else py.BoolOp(op=py.And(), values=tests)
        return _located(py.IfExp(test=test, body=fast, orelse=node), node)

    def inside(self, node: py.expr) -> py.expr:
        """``node``, a comprehension, with the tests of its element, conditions and later
        clauses' iterables left out where this scope's bounds allow."""
        for i, gen in enumerate(node.generators):
            if i:
                gen.iter = self.expr(gen.iter)
            gen.ifs = [self.expr(c) for c in gen.ifs]
        if isinstance(node, py.DictComp):
            node.key, node.value = self.expr(node.key), self.expr(node.value)
        else:
            node.elt = self.expr(node.elt)
        return node

    def _range_target(self, gen: py.comprehension, stored: list[str]) -> str | None:
        """The counter of a ``for NAME in range(a[, b[, step]])`` clause, stored nowhere else."""
        it, target = gen.iter, gen.target
        if gen.is_async or not (isinstance(target, py.Name) and stored.count(target.id) == 1
                                and isinstance(it, py.Call) and isinstance(it.func, py.Name)
                                and it.func.id == self.range_name and 1 <= len(it.args) <= 3 and not it.keywords
                                and not any(isinstance(a, py.Starred) for a in it.args)):
            return None
        return target.id

    def _redundant_check(self, stmt: py.stmt, before: list[py.stmt]) -> bool:
        """``if name > h_ilim or name < h_nilim: ...`` right after ``name = <bounded>``."""
        if not (self.region and before and isinstance(stmt, py.If) and not stmt.orelse and isinstance(stmt.test, py.BoolOp)
                and isinstance(stmt.test.op, py.Or) and len(stmt.test.values) == 2):
            return False
        prev = before[-1]
        if not (isinstance(prev, py.Assign) and len(prev.targets) == 1 and isinstance(prev.targets[0], py.Name)):
            return False
        name = prev.targets[0].id
        if [_compared(v) for v in stmt.test.values] != [(name, py.Gt, INT_LIM), (name, py.Lt, NEG_INT_LIM)]:
            return False
        return self._fits(prev.value)

    def _fits(self, value: py.expr, limit: int | None = None) -> bool:
        """``value`` and every operand in it have a bound (the slow path would look at the
        operands too), at most MAX_BITS bits (and below ``limit``); the largest is recorded
        for the region test."""
        assumed: dict[str, None] = {}
        if self.bound(value, assumed) is None:
            return False
        m = max(b for b in (self.bound(n, assumed) for n in py.walk(value)) if b is not None)
        if m.bit_length() > MAX_BITS or (limit is not None and m >= limit):
            return False
        self.assumed.update(assumed)
        self.largest = max(self.largest, m)
        self.stripped = True
        return True

    def bound(self, node: py.expr, assumed: dict[str, None] | None = None) -> int | None:
        """A bound on ``|node|`` when it is built only of known counters, int literals and
        (with ``assumed``, which collects them) fixed parameters, bounded by the region test.
        (A parameter reached here is an operand of arithmetic the lowering tests as int
        arithmetic: a number, so the region test compares it without raising.)"""
        if isinstance(node, py.Constant):
            return abs(node.value) if type(node.value) is int else None
        if isinstance(node, py.Name):
            if node.id in self.known:
                return self.known[node.id]
            if assumed is not None and node.id in self.params and isinstance(node.ctx, py.Load):
                assumed[node.id] = None
                return BOUND - 1 + self.slack.get(node.id, 0)
            return None
        if isinstance(node, ir.Let):
            shape = _test_of(node)
            if shape is not None:
                return self.bound(shape[1], assumed)
            value = self.bound(node.value, assumed)
            if value is None:
                return None
            outer, self.known = self.known, {**self.known, node.name: value}
            try:
                return self.bound(node.body, assumed)
            finally:
                self.known = outer
        if isinstance(node, py.UnaryOp) and isinstance(node.op, py.USub):
            return self.bound(node.operand, assumed)
        if not isinstance(node, py.BinOp):
            return None
        right = node.right
        if isinstance(node.op, py.Mod) and isinstance(right, py.Constant) and type(right.value) is int \
                and right.value > 0 and self.bound(node.left, assumed) is not None:
            return right.value - 1
        a, b = self.bound(node.left, assumed), self.bound(right, assumed)
        if a is None or b is None:
            return None
        if isinstance(node.op, (py.Add, py.Sub)):
            return a + b
        if isinstance(node.op, py.Mult):
            return a * b
        if isinstance(node.op, (py.FloorDiv, py.RShift)) and isinstance(right, py.Constant) \
                and type(right.value) is int and right.value >= 1:
            return a
        return None


def _compared(test: py.expr) -> tuple | None:
    """``(left name, op type, right name)`` of a one-operator comparison of two names."""
    if isinstance(test, py.Compare) and len(test.ops) == 1 and isinstance(test.left, py.Name) \
            and isinstance(test.comparators[0], py.Name):
        return (test.left.id, type(test.ops[0]), test.comparators[0].id)
    return None


def _stores(body: list[py.stmt]) -> list[tuple[str, py.expr | None]] | None:
    """Every ``(name, value)`` stored in ``body`` (value None: not a plain assignment), or
    None when a nested scope is defined there."""
    out: list[tuple[str, py.expr | None]] = []
    seen: set[int] = set()  # the target names of the plain assignments
    for stmt in body:
        for node in py.walk(stmt):
            if isinstance(node, (py.FunctionDef, py.AsyncFunctionDef, py.Lambda, py.ClassDef)):
                return None
            if isinstance(node, py.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
                if isinstance(target, py.Tuple) and isinstance(value, py.Tuple) and len(target.elts) == len(value.elts):
                    pairs = [(t, v) for t, v in zip(target.elts, value.elts) if isinstance(t, py.Name)]
                elif isinstance(target, py.Name):
                    pairs = [(target, value)]
                else:
                    pairs = []
                out.extend((t.id, v) for t, v in pairs)
                seen.update(id(t) for t, _ in pairs)
            elif isinstance(node, py.Name) and not isinstance(node.ctx, py.Load) and id(node) not in seen:
                out.append((node.id, None))
    return out


def _header(loop: py.For | py.While) -> list[py.AST]:
    """What a loop evaluates outside its body: a ``while``'s test, a ``for``'s iterable and
    target."""
    return [loop.test] if isinstance(loop, py.While) else [loop.iter, loop.target]


def _derived(loop: py.For | py.While, stores: list[tuple[str, py.expr | None]],
             candidates: set[str]) -> dict[str, py.expr]:
    """Names other than the candidates that the loop stores once, by a plain assignment of
    its body's own (so every iteration stores them), and reads only after that store: in
    the loop's test, iterable or target never, in the body's earlier statements and the
    value stored never. Each holds, where it is read, the value of this iteration's store."""
    counts: dict[str, int] = {}
    for target, _ in stores:
        counts[target] = counts.get(target, 0) + 1
    header = _header(loop)
    out: dict[str, py.expr] = {}
    for k, stmt in enumerate(loop.body):
        if not (isinstance(stmt, py.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], py.Name)):
            continue
        name = stmt.targets[0].id
        if name in candidates or counts.get(name) != 1 or not name.startswith("u_"):
            continue
        earlier = [*header, *loop.body[:k], stmt.value]
        if not any(isinstance(n, py.Name) and n.id == name for node in earlier for n in py.walk(node)):
            out[name] = stmt.value
    return out


def _absolute(node: py.expr) -> int | None:
    """A bound below BOUND on ``|node|`` whatever the names in it: an int literal, or
    ``x % c`` for a positive int literal ``c`` (``0 <= x % c < c`` for any number ``x``)."""
    node = _unchecked(node)
    if isinstance(node, py.Constant) and type(node.value) is int and abs(node.value) < BOUND:
        return abs(node.value)
    if isinstance(node, py.BinOp) and isinstance(node.op, py.Mod):
        c = node.right
        if isinstance(c, py.Constant) and type(c.value) is int and 0 < c.value <= BOUND:
            return c.value - 1
    return None


def _unchecked(node: py.expr) -> py.expr:
    """``node`` without the int tests around it (``Let`` shapes :func:`_test_of` knows)."""
    while isinstance(node, ir.Let):
        shape = _test_of(node)
        if shape is None:
            break
        node = shape[1]
    return node


def _within(value: py.expr) -> py.expr:
    """``-BOUND < value < BOUND``."""
    return py.Compare(left=P.const(-BOUND), ops=[py.Lt(), py.Lt()], comparators=[value, P.const(BOUND)])


def _number_within(natives: tuple[str, str, str], name: str) -> list[py.expr]:
    """``(type(name) is int or type(name) is float)`` and ``-BOUND < name < BOUND``:
    ``name`` holds an int or float within the bound (an optional int narrowed inside the loop
    may be None when it starts, a bool is not taken for a number). ``natives``: the global
    names of ``type``, ``int`` and ``float``."""
    type_name, int_name, float_name = natives
    kind = P.call(P.name(type_name), [P.name(name)])
    number = py.BoolOp(op=py.Or(), values=[P.compare(kind, py.Is(), P.name(int_name)),
                                           P.compare(copy.deepcopy(kind), py.Is(), P.name(float_name))])
    return [number, _within(P.name(name))]


def _located(new: py.expr, old: py.expr) -> py.expr:
    """``new`` at ``old``'s place in the source (a fault in it is reported there)."""
    return new if hasattr(new, "lineno") else py.copy_location(new, old)


def _test_of(node: py.expr) -> tuple[py.expr, py.expr, int | None] | None:
    """An int test bound by a ``Let``: ``Let(t, value, <t if within(t) else ...>)``, a cap
    test (``ir.CapInt``) or the wide-key test of an int key (``sizework.keyed``, a plain
    ``IfExp``), or ``Let(t, value, <t op right if within(t) else ...>)``, the size test of the
    left operand of ``// % >>`` (``sizework.int_divided``). ``(the value tested, the
    expression without the test, the bound the value must stay below: None for h_small,
    cost.WIDE_KEY for a key)``; None for anything else."""
    if not (isinstance(node, ir.Let) and isinstance(node.body, py.IfExp) and _is_int_test(node.body.test, node.name)):
        return None
    t, body = node.name, node.body.body
    if isinstance(body, py.Name) and body.id == t:
        return node.value, node.value, None if isinstance(node.body, ir.CapInt) else WIDE_KEY
    if isinstance(body, py.BinOp) and isinstance(body.op, _DIVIDING) and isinstance(body.left, py.Name) \
            and body.left.id == t and not any(isinstance(n, py.Name) and n.id == t for n in py.walk(body.right)):
        return node.value, py.BinOp(left=node.value, op=body.op, right=body.right), None
    return None


def _is_int_test(test: py.expr, t: str) -> bool:
    """``test`` is ``t <= h_ilim and t >= h_nilim`` (``sizework.int_within``)."""
    return isinstance(test, py.BoolOp) and isinstance(test.op, py.And) and len(test.values) == 2 \
        and _compared(test.values[0]) == (t, py.LtE, INT_LIM) and _compared(test.values[1]) == (t, py.GtE, NEG_INT_LIM)
