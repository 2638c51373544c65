"""Seglam checked tree → one Python module tree.

The generated module defines a single factory ``h_factory(h_ctx, h_consts)``. Calling it
creates one run's closures (user functions as ``u_<name>``, module constants as cells) and
returns ``(functions, constants, evaluators)``. A prepared program is therefore immutable:
all per-run state (the context, the depth counter) lives in the closures of one call.

Every generated node carries a synthetic line number that indexes :attr:`ModuleGen.spans`,
so the innermost generated frame of a traceback names the Seglam span that faulted.
"""

from __future__ import annotations

import ast as py
import itertools
import operator
from dataclasses import dataclass, field
from typing import Any

from seglam.check import types as T
from seglam.run.codegen import calls, exprs, functions, stmts
from seglam.run.codegen.aliasing import may_return_a_part
from seglam.run.codegen import pyast as P
from seglam.run.codegen.chars import one_char_reads
from seglam.run.codegen.naming import hint, user
from seglam.run.codegen.escape import HELD, Held, held_params
from seglam.run.codegen.emit import python_forms
from seglam.run.codegen.fuel import Localizer
from seglam.run.codegen.runtime import Runtime
from seglam.run.codegen.state import (CHARGE, COPIES, CTX, DEPTH, INT_LIM, JOIN_BUDGET, JOIN_MAX, LEN_LIM,
                                      MAXD, NEXT, NEG_INT_LIM, NEG_SMALL, SMALL, SPEND, STR_LIM, TICK, CodegenError, FnState)
from seglam.run.cost import SMALL_BITS
from seglam.run.codegen.scopes import Scope, def_names, function_locals, lambda_locals, target_names
from seglam.run.intcap import unchecked_sums
from seglam.run.ir import nodes as ir
from seglam.run.values import FrozenDict, FrozenList, FrozenSet
from seglam.syntax import ast as A

@dataclass
class ModuleGen:
    """Generates the factory module for one checked program."""

    checked: Any
    runtime: Runtime
    spans: list = field(default_factory=lambda: [None])
    code_names: dict = field(default_factory=dict)  # generated def name -> Seglam function name
    tmp_counter: int = 0
    driven_lines: set = field(default_factory=set)  # structural lines of genexps and lambdas
    driven_nodes: dict = field(default_factory=dict)  # id of a listcomp made from a genexp -> its consumer's span
    driver_spans: dict = field(default_factory=dict)  # line of such a listcomp -> its consumer's span
    keep: list = field(default_factory=list)  # synthetic nodes, alive so their ids stay unique
    entry_lines: set = field(default_factory=set)   # lines of function entries (prologues)
    entered_lines: set = field(default_factory=set)  # lines of work done once a call is entered
    name_spans: dict = field(default_factory=dict)  # Seglam function name -> span of its name
    str_method_lines: dict = field(default_factory=dict)  # line of a method call on a str -> the method
    unchecked_sums: frozenset = frozenset()  # ids of the +/- nodes not size-checked (run.intcap)
    fixed_lists: dict = field(default_factory=dict)  # id of a def's scope -> its list params never rebound
    synthetic_types: dict = field(default_factory=dict)  # id of a node the generator made -> its static type
    chars: frozenset = frozenset()  # ids of the name reads that hold one character (codegen.chars)
    held_escapes: set = field(default_factory=set)  # ids of uses of held parameters handed out (codegen.escape)
    held_passes: set = field(default_factory=set)  # ids of self-calls passing held parameters on
    rebinds: bool = False  # a module constant holds function values: rebuilt over each run's factory

    # ---- bookkeeping ------------------------------------------------------------------------

    def line(self, node: Any) -> int:
        """A new synthetic line number standing for ``node``'s span."""
        self.spans.append(getattr(node, "span", None))
        return len(self.spans) - 1

    def tmp(self) -> str:
        self.tmp_counter += 1
        return f"h_t{self.tmp_counter}"

    def type_of(self, node: Any) -> T.Type | None:
        got = self.checked.types.get(id(node))
        return got if got is not None else self.synthetic_types.get(id(node))

    def ref(self, obj: Any, label: str) -> py.Name:
        """A global name bound to ``obj`` in the generated module."""
        return P.name(self.runtime.bind(obj, label))

    def fail(self, message: str, node: Any) -> CodegenError:
        return CodegenError(message, getattr(node, "span", None))

    # ---- module -------------------------------------------------------------------------------

    def module(self, extra_exprs: tuple = ()) -> py.Module:
        """The factory module. ``extra_exprs``: expressions to compile as evaluators
        (``h_eval_<i>``), evaluated in module scope (used for examples)."""
        checked = self.checked
        mod = checked.module
        self.unchecked_sums = unchecked_sums(checked, extra_exprs)
        names: set[str] = set()
        for stmt in mod.body:
            if isinstance(stmt, (A.FunctionDef,)):
                names.add(stmt.name)
            elif isinstance(stmt, (A.Assign, A.AnnAssign)):
                for t in (stmt.targets if isinstance(stmt, A.Assign) else (stmt.target,)):
                    target_names(t, names)
        # records and enums are not scope bindings: they are classes bound as globals
        scope = Scope("module", frozenset(names) - frozenset(checked.records) - frozenset(checked.enums),
                      defs=frozenset(s.name for s in mod.body if isinstance(s, A.FunctionDef)))
        fn = FnState("<module>", scope)
        body: list[py.stmt] = []
        line0 = self.line(mod)
        body.append(P.stamp(P.assign(P.store(DEPTH), P.const(0)), line0))
        for name, attr_ in ((MAXD, "max_depth"), (STR_LIM, "max_str_len"), (LEN_LIM, "max_collection_len"), (TICK, "tick"),
                            (CHARGE, "charge"), (SPEND, "spend")):
            body.append(P.stamp(P.assign(P.store(name), P.attr(P.name(CTX), attr_)), line0))
        body.append(P.stamp(P.assign(P.store(NEXT), self.ref(next, "next")), line0))
        # The inline int cap tests `v <= h_ilim and v >= h_nilim` with bounds that CPython keeps as
        # single-digit ints (so the comparison is its fast path); anything outside takes the
        # exact check of the slow path (which also lets floats through).
        bits = P.attr(P.name(CTX), "max_int_bits")
        fast_bound = py.BinOp(left=py.BinOp(left=P.const(1), op=py.LShift(), right=P.call(
            self.ref(min, "min"), [bits, P.const(30)])), op=py.Sub(), right=P.const(1))
        body.append(P.stamp(P.assign(P.store(INT_LIM), fast_bound), line0))
        body.append(P.stamp(P.assign(P.store(NEG_INT_LIM), py.UnaryOp(op=py.USub(), operand=P.name(INT_LIM))), line0))
        body.append(P.stamp(P.assign(P.store(JOIN_MAX), py.BinOp(
            left=P.const(JOIN_BUDGET), op=py.FloorDiv(),
            right=py.BinOp(left=P.name(STR_LIM), op=py.Add(), right=P.const(1)))), line0))
        # work on ints past SMALL_BITS bits is charged (seglam.run.cost)
        # (and within the int size cap: the medium test of an int result skips the cap check)
        small_bits = P.call(self.ref(min, "min"), [P.attr(P.name(CTX), "max_int_bits"), P.const(SMALL_BITS)])
        body.append(P.stamp(P.assign(P.store(SMALL), py.BinOp(left=P.const(1), op=py.LShift(), right=small_bits)), line0))
        body.append(P.stamp(P.assign(P.store(NEG_SMALL), py.UnaryOp(op=py.USub(), operand=P.name(SMALL))), line0))
        const_names: list[str] = []
        for stmt in mod.body:
            if isinstance(stmt, A.FunctionDef):
                body.extend(self.function_def(stmt, fn))
            elif isinstance(stmt, (A.Assign, A.AnnAssign)) and stmt.value is not None and _is_constant(stmt, checked):
                body.extend(self.constant(stmt, fn, const_names))
        evaluators = []
        for i, expr in enumerate(extra_exprs):
            ename = f"h_eval_{i}"
            ln = self.line(expr)
            fdef = py.FunctionDef(
                name=ename, args=_args([]), body=[P.stamp(py.Return(value=self.expr(expr, fn)), ln)],
                decorator_list=[], returns=None, type_comment=None,
            )
            body.append(P.stamp(fdef, ln))
            evaluators.append(P.name(ename))
        functions = py.Dict(
            keys=[P.const(n) for n in self.checked.functions],
            values=[P.name(user(n)) for n in self.checked.functions],
        )
        if self.rebinds:
            body.insert(0, P.stamp(_environment(body), line0))
        consts = py.Tuple(elts=[P.name(user(n)) for n in const_names], ctx=P.LOAD)
        body.append(py.Return(value=py.Tuple(elts=[functions, consts, py.Tuple(elts=evaluators, ctx=P.LOAD)], ctx=P.LOAD)))
        factory = py.FunctionDef(
            name="h_factory", args=_args(["h_ctx", "h_consts"]), body=body,
            decorator_list=[], returns=None, type_comment=None,
        )
        collections_used = any(q == "collections" or q.startswith("collections.") for q in self.checked.imports.values())
        Localizer(self.runtime.is_safe, self.runtime.bind(self.runtime.fuel_fin, "fuel_fin"),
                  subscripts_may_charge=collections_used,
                  sized_len=self.runtime.bind(self.runtime.sized_len, "sized_len"),
                  len_name=self.runtime.bind(len, "len"),
                  min_name=self.runtime.bind(min, "min"),
                  range_name=self.runtime.bind(range, "range"),
                  reversed_name=self.runtime.bind(reversed, "reversed"),
                  repeat_name=self.runtime.bind(itertools.repeat, "repeat"),
                  length_hint_name=self.runtime.bind(operator.length_hint, "length_hint"),
                  take_name=self.runtime.bind(self.runtime.take, "take"),
                  prespent_name=self.runtime.bind(self.runtime.prespent, "prespent"),
                  iter_name=self.runtime.bind(iter, "iter"),
                  join_name=self.runtime.bind(self.runtime.join_rest, "join_rest"),
                  resumed_name=self.runtime.bind(self.runtime.resumed, "resumed"),
                  number_test=lambda: (self.runtime.bind(type, "type"), self.runtime.bind(int, "int"),
                                       self.runtime.bind(float, "float"))).function(factory)
        tree = py.Module(body=[python_forms(factory)], type_ignores=[])
        P.stamp(tree, line0)
        return py.fix_missing_locations(tree)

    def constant(self, stmt: Any, fn: FnState, const_names: list[str]) -> list[py.stmt]:
        target = stmt.targets[0] if isinstance(stmt, A.Assign) else stmt.target
        if isinstance(stmt, A.Assign) and len(stmt.targets) != 1 or not isinstance(target, A.Name):
            raise self.fail("a module constant must assign one name", stmt)
        ln = self.line(stmt)
        index = len(const_names)
        const_names.append(target.id)
        freeze = self.ref(self.runtime.freeze, "freeze")
        value = P.call(freeze, [self.expr(stmt.value, fn)])
        cached: py.expr = py.Subscript(value=P.name("h_consts"), slice=P.const(index), ctx=P.LOAD)
        if functions.may_hold_functions(self, self.type_of(stmt.value) or self.type_of(target)):
            # its function values were made by the factory call that evaluated the constants
            self.rebinds = True
            cached = P.call(self.ref(self.runtime.rebound, "rebound"), [cached, P.name(ENV)])
        node = P.if_(
            py.Compare(left=P.name("h_consts"), ops=[py.Is()], comparators=[P.const(None)]),
            [P.assign(P.store(user(target.id)), value)],
            [P.assign(P.store(user(target.id)), cached)],
        )
        return [P.stamp(node, ln)]

    # ---- functions ----------------------------------------------------------------------------

    def function_def(self, node: A.FunctionDef, outer: FnState) -> list[py.stmt]:
        info = self.checked.functions.get(node.name) if outer.scope.kind == "module" else None
        scope = outer.scope.child("function", function_locals(node.params, node.body), def_names(node.body))
        fn = FnState(node.name, scope)
        self.chars |= one_char_reads(node.body, self.type_of, frozenset(p.name for p in node.params),
                                     lambda name: not scope.binds(name))
        if info is not None:
            rebound = function_locals((), node.body)
            self.fixed_lists[id(scope)] = frozenset(
                p.name for p in info.params if isinstance(p.type, T.ListType) and p.name not in rebound)
        ln = self.line(node)
        self.entry_lines.add(ln)
        self.name_spans.setdefault(node.name, node.name_span or node.span)
        held = self.held(node, info, scope)
        args = self.arguments(node.params, outer, hidden_depth=True, held=bool(held.passes))
        has_contracts = info is not None and (info.requires or info.ensures)
        entered = self.line(node)  # after the call is entered: freezing, contract steps
        self.entered_lines.add(entered)
        copies = self.hands_back(node, info, held)
        freezes = self.freeze_params(node, info, entered, held, copies)
        fn.hands_back = copies and not has_contracts  # with contracts, the wrapper hands back
        body = ([] if has_contracts else freezes) + self.block(node.body, fn)
        if not has_contracts:
            pyname = user(node.name)
            self.code_names[pyname] = node.name
            fdef = py.FunctionDef(
                name=pyname, args=args, body=self.prologue(ln) + body,
                decorator_list=[], returns=None, type_comment=None,
            )
            return [P.stamp(fdef, ln)]
        # With contracts: the body runs in its own function, the public one checks the
        # contracts around it (every call path, including stdlib callbacks, goes through it).
        impl = f"h_impl_{len(self.code_names)}_{hint(node.name)}"
        self.code_names[impl] = node.name
        impl_def = py.FunctionDef(
            name=impl, args=self.arguments(node.params, outer, defaults=False, hidden_depth=True), body=body or [py.Pass()],
            decorator_list=[], returns=None, type_comment=None,
        )
        pyname = user(node.name)
        self.code_names[pyname] = node.name
        checks: list[py.stmt] = list(freezes)
        for lam in info.requires:
            checks.extend(self.contract_check(lam, fn, "F-REQUIRES", f"precondition of {node.name} failed", entered))
        forward = P.call(P.name(impl), [P.name(DEPTH)] + [P.name(user(p.name)) for p in node.params if p.kind in ("positional_only", "normal")],
                         [P.kw(user(p.name), P.name(user(p.name))) for p in node.params if p.kind == "keyword_only"])
        inner: list[py.stmt] = checks + [P.stamp(P.assign(P.store("h_result"), forward), ln)]
        if copies:
            back = P.call(self.ref(self.runtime.handed_back, "handed_back"), [P.name(COPIES), P.name("h_result")])
            inner.append(P.stamp(P.assign(P.store("h_result"), back), ln))
        if info.ensures:
            ens_scope = scope.child("lambda", frozenset({"result"}))
            ens_fn = FnState(node.name, ens_scope)
            inner.append(P.stamp(P.assign(P.store(user("result")), P.name("h_result")), ln))
            for lam in reversed(info.ensures):  # innermost decorator first, as Python stacks them
                inner.extend(self.contract_check(lam, ens_fn, "F-ENSURES", f"postcondition of {node.name} failed", entered))
        inner.append(P.stamp(py.Return(value=P.name("h_result")), ln))
        wrapper = py.FunctionDef(
            name=pyname, args=args, body=self.prologue(ln) + inner,
            decorator_list=[], returns=None, type_comment=None,
        )
        return [P.stamp(impl_def, ln), P.stamp(wrapper, ln)]

    def held(self, node: A.FunctionDef, info: Any, scope: Scope) -> Held:
        """The list and set parameters of a module-level function kept as received
        (:mod:`seglam.run.codegen.escape`); records where they are handed out."""
        if info is None or node.decorators:
            return Held()
        records = self.checked.records
        declared = {q.name: q.type for q in info.params}
        types = [self._param_type(p, declared) for p in node.params]
        # no lambda or deep value among the arguments can reach a flat list argument
        if not all(immutable_type(t, records) or flat_collection(t, records) for t in types):
            return Held()
        candidates = tuple(p.name for p, t in zip(node.params, types) if flat_list_or_set(t, records))
        returns = self._returns(node, info)
        returned = frozenset(p.name for p, t in zip(node.params, types) if p.name in candidates and may_return_a_part(returns, t, records))
        held = held_params(node, candidates, lambda name: not scope.binds(name), scope.is_module_def(node.name), returned)
        self.held_escapes |= held.escapes
        self.held_passes |= held.passes
        return held

    def hands_back(self, node: A.FunctionDef, info: Any, held: Held) -> bool:
        """Whether a return of ``node`` may be a frozen copy its entry made of an argument,
        which goes back to the caller as the caller's own object (``values.handed_back``):
        some parameter is copied (not immutable, not held) and the return type may be it or
        a part of it (:mod:`aliasing`). Held parameters are returned as received
        (codegen.escape)."""
        records = self.checked.records
        returns = self._returns(node, info)
        if immutable_type(returns, records):
            return False
        types = {p.name: p.type for p in info.params} if info is not None else {}
        copied = [self._param_type(p, types) for p in node.params if p.name not in held.names]
        return any(not immutable_type(t, records) and (returns is None or t is None or may_return_a_part(returns, t, records))
                   for t in copied)

    def freeze_params(self, node: A.FunctionDef, info: Any, ln: int, held: Held, copies: bool = False) -> list[py.stmt]:
        """Every call receives deep-frozen arguments (Seglam's freeze model; the oracle does
        the same). Parameters of immutable static types need nothing; held ones are charged,
        not copied, and not charged at all when the caller passed its own on (``HELD``).
        With ``copies`` each copy is noted in ``COPIES`` for the returns (``hands_back``)."""
        types = {p.name: p.type for p in info.params} if info is not None else {}
        out: list[py.stmt] = [P.stamp(P.assign(P.store(COPIES), py.Dict(keys=[], values=[])), ln)] if copies else []
        noted = [P.name(COPIES)] if copies else []
        freeze = self.ref(self.runtime.freeze_arg, "freeze_arg")
        flat = self.ref(self.runtime.freeze_flat_arg, "freeze_flat_arg")
        nested = self.ref(self.runtime.freeze_nested_arg, "freeze_nested_arg")
        params = [(p, self._param_type(p, types)) for p in node.params]
        records = self.checked.records
        for p, t in params:
            if immutable_type(t, records):
                continue
            if flat_list_or_set(t, records):
                out.append(P.stamp(self.freeze_flat_inline(user(p.name), t, p.name not in held.names, bool(held.passes), copies), ln))
                continue
            freezer = flat if flat_collection(t, records) else nested if nested_collection(t, records) else freeze
            frozen = P.assign(P.store(user(p.name)), P.call(freezer, [P.name(CTX), P.name(user(p.name)), *noted]))
            done = _FROZEN_CLASS.get(type(t))
            if done is not None:  # an argument passed on frozen (recursion) is returned as it is: skip the call
                is_done = P.compare(P.call(self.ref(type, "type"), [P.name(user(p.name))]), py.IsNot(), self.ref(done, done.__name__))
                frozen = P.if_(is_done, [frozen])
            out.append(P.stamp(frozen, ln))
        return out

    def _returns(self, node: A.FunctionDef, info: Any) -> Any:
        """The return type of ``node`` (None if unknown)."""
        if info is not None:
            return info.returns
        return None if node.returns is None else self.type_of(node.returns)

    def _param_type(self, p: A.Param, types: dict) -> Any:
        t = types.get(p.name)
        if t is None and p.annotation is not None:
            t = self.type_of(p.annotation)
        return t

    def freeze_flat_inline(self, name: str, t: Any, copy: bool = True, passed: bool = False, noted: bool = False) -> py.stmt:
        """``freeze_flat_arg`` of a list or set parameter, written out so that a function
        with one stays a leaf for the local-fuel pass: a plain list (set) is copied once into
        a frozen one and charged its length when not empty; anything else (already frozen,
        a frozenset) is kept, exactly as the stdlib does. Without ``copy`` (a held parameter,
        :mod:`seglam.run.codegen.escape`) only the charge is made, and with ``passed`` not
        even that when the caller passed its own held parameters on. With ``noted`` the copy
        goes into ``COPIES`` (``values.record_copy``)."""
        plain, frozen = (list, FrozenList) if isinstance(t, T.ListType) else (set, FrozenSet)
        value = P.name(name)
        is_plain = P.compare(P.call(self.ref(type, "type"), [value]), py.Is(), self.ref(plain, plain.__name__))
        charge = P.if_(P.name(name), [P.expr_stmt(ir.Charge(P.call(self.ref(len, "len"), [P.name(name)])))])
        if not copy:
            if passed:
                is_plain = py.BoolOp(op=py.And(), values=[py.UnaryOp(op=py.Not(), operand=P.name(HELD)), is_plain])
            return P.if_(is_plain, [charge])
        copied: py.expr = P.call(self.ref(frozen, frozen.__name__), [P.name(name)])
        if noted:
            copied = P.call(self.ref(self.runtime.record_copy, "record_copy"), [P.name(COPIES), P.name(name), copied])
        return P.if_(is_plain, [charge, P.assign(P.store(name), copied)])

    def contract_check(self, lam: A.Lambda, fn: FnState, code: str, message: str, entered: int) -> list[py.stmt]:
        ln = self.line(lam)
        fault = self.ref(self.runtime.fault_raiser(code, message), "contract")
        names = lambda_locals(lam)
        if names == frozenset(p.name for p in lam.params):
            test = self.expr(lam.body, fn)
        else:  # `:=` binds in the lambda: run it as one, so the function's own names stay untouched
            inner = FnState(fn.name, fn.scope.child("lambda", names))
            own = py.Lambda(args=_args([user(p.name) for p in lam.params]), body=self.expr(lam.body, inner))
            test = P.call(own, [P.name(user(p.name)) for p in lam.params])
        # each contract evaluation costs one step, like a lambda call
        check = P.if_(py.UnaryOp(op=py.Not(), operand=test), [P.expr_stmt(P.call(fault, []))])
        return [P.stamp(s, entered) for s in self.tick_stmts()] + [P.stamp(check, ln)]

    def prologue(self, ln: int) -> list[py.stmt]:
        """Charge one step for the call and enter one level of depth."""
        # The depth travels as the hidden first parameter ``h_d`` (the caller's depth), so
        # nothing needs undoing on return.
        stmts = [
            *self.tick_stmts(),
            P.if_(P.compare(P.name(DEPTH), py.GtE(), P.name(MAXD)),
                  [P.expr_stmt(P.call(self.ref(self.runtime.depth_fault, "depth_fault"), [P.name(CTX)]))]),
        ]
        return [P.stamp(s, ln) for s in stmts]

    def depth_arg(self, fn: FnState) -> py.expr:
        """The depth argument of a call made from ``fn``'s code (the callee's caller depth)."""
        return py.BinOp(left=P.name(DEPTH), op=py.Add(), right=P.const(1))

    def tick_stmts(self) -> list[py.stmt]:
        """One step of fuel (the IR's ``Step``: emission writes ``h_next(h_ctx.ticks, False) or
        h_ctx.refill()``, or a decrement of ``h_f`` and its test)."""
        return [ir.Step()]

    def arguments(self, params: tuple, outer: FnState, defaults: bool = True, hidden_depth: bool = False,
                  held: bool = False) -> py.arguments:
        posonly, normal, kwonly, kw_defaults, pos_defaults = [], [], [], [], []
        if hidden_depth:
            posonly.append(py.arg(arg=DEPTH, annotation=None))
        vararg = kwarg = None
        for p in params:
            arg = py.arg(arg=user(p.name), annotation=None)
            if p.kind == "positional_only":
                posonly.append(arg)
            elif p.kind == "normal":
                normal.append(arg)
            elif p.kind == "keyword_only":
                kwonly.append(arg)
                kw_defaults.append(self.default(p.default, outer) if defaults and p.default is not None else None)
                continue
            elif p.kind == "var_positional":
                vararg = arg
                continue
            elif p.kind == "var_keyword":
                kwarg = arg
                continue
            if defaults and p.default is not None:
                pos_defaults.append(self.default(p.default, outer))
        if held:  # last of the positional parameters, False unless a pass sets it
            normal.append(py.arg(arg=HELD, annotation=None))
            pos_defaults.append(P.const(False))
        return py.arguments(posonlyargs=posonly, args=normal, vararg=vararg, kwonlyargs=kwonly,
                            kw_defaults=kw_defaults, kwarg=kwarg, defaults=pos_defaults)

    def default(self, expr: Any, outer: FnState) -> py.expr:
        """A parameter default: evaluated when the def runs, and frozen (as the reference
        freezes every default it binds)."""
        return P.call(self.ref(self.runtime.freeze, "freeze"), [self.expr(expr, outer)])

    # ---- statements ---------------------------------------------------------------------------

    def block(self, body: tuple, fn: FnState) -> list[py.stmt]:
        out: list[py.stmt] = []
        for s in body:
            out.extend(self.stmt(s, fn))
        return out

    def stmt(self, node: Any, fn: FnState) -> list[py.stmt]:
        return stmts.emit(self, node, fn)

    # ---- expressions --------------------------------------------------------------------------

    def expr(self, node: Any, fn: FnState) -> py.expr:
        ln = self.line(node)
        if isinstance(node, A.Call) and isinstance(node.func, A.Attribute) and self.type_of(node.func.value) == T.STR:
            self.str_method_lines[ln] = node.func.attr  # a None receiver's fault names it (locate)
        if isinstance(node, (A.GeneratorExp, A.Lambda)) or id(node) in self.driven_nodes:
            self.driven_lines.add(ln)
            if id(node) in self.driven_nodes:
                self.driver_spans[ln] = self.driven_nodes[id(node)]
        return P.stamp(exprs.emit(self, node, fn), ln)

    def call(self, node: A.Call, fn: FnState) -> py.expr:
        return calls.emit_call(self, node, fn)

    def pattern(self, node: Any, fn: FnState) -> py.pattern:
        return stmts.pattern(self, node, fn)


#: The frozen class of a list, dict or set: freeze_arg returns a value of it unchanged, uncharged.
_FROZEN_CLASS = {T.ListType: FrozenList, T.DictType: FrozenDict, T.SetType: FrozenSet}

_IMMUTABLE = (T.INT, T.FLOAT, T.STR, T.BOOL, T.NONE, T.DECIMAL, T.DATE, T.TIMEDELTA)


def immutable_type(t: Any, records: Any, seen: frozenset = frozenset()) -> bool:
    """Whether every value of static type ``t`` is deeply immutable, so that freezing it
    returns it unchanged and charges nothing: scalars, enums, and tuples, unions and records
    made only of those. ``records`` maps a record name to its ``RecordInfo``."""
    if t in _IMMUTABLE or isinstance(t, T.EnumType):
        return True
    if isinstance(t, T.UnionType):
        return all(immutable_type(o, records, seen) for o in t.options)
    if isinstance(t, T.TupleType):
        return all(immutable_type(e, records, seen) for e in t.elems)
    if isinstance(t, T.RecordType):
        info = records.get(t.name)
        if info is None or t.name in seen:  # a recursive record: decide it the safe way
            return False
        return all(immutable_type(f.type, records, seen | {t.name}) for f in info.fields)
    return False


def flat_collection(t: Any, records: Any) -> bool:
    """A list, dict or set whose elements are deeply immutable: freezing copies it once."""
    if isinstance(t, (T.ListType, T.SetType)):
        return immutable_type(t.elem, records)
    if isinstance(t, T.DictType):
        return immutable_type(t.key, records) and immutable_type(t.value, records)
    return False


def flat_list_or_set(t: Any, records: Any) -> bool:
    """A flat list or set: frozen by a copy written out inline, or held (codegen.escape)."""
    return isinstance(t, (T.ListType, T.SetType)) and flat_collection(t, records)


def nested_collection(t: Any, records: Any) -> bool:
    """A list, or a dict with immutable keys, whose elements (values) are flat collections:
    a grid, an adjacency list, groups (Runtime.freeze_nested_arg)."""
    if isinstance(t, T.ListType):
        return flat_collection(t.elem, records)
    if isinstance(t, T.DictType):
        return immutable_type(t.key, records) and flat_collection(t.value, records)
    return False


def _args(names: list[str]) -> py.arguments:
    return py.arguments(posonlyargs=[], args=[py.arg(arg=n, annotation=None) for n in names], vararg=None,
                        kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])


__all__ = ["ModuleGen"]


def _is_constant(stmt: A.Assign | A.AnnAssign, checked: Any) -> bool:
    """A module-level assignment that binds a constant; a type alias (``Row = tuple[str, int]``)
    is only a name for a type, which the checker resolved and which is never evaluated (as in
    the reference evaluator, which evaluates exactly the checker's constants)."""
    names: set[str] = set()
    for t in (stmt.targets if isinstance(stmt, A.Assign) else (stmt.target,)):
        target_names(t, names)
    return bool(names & set(checked.constants))


#: The factory's function whose closure holds the cells of all its names (``Runtime.rebound``).
ENV = "h_env"


def _environment(body: list[py.stmt]) -> py.stmt:
    """``def h_env(): return (h_ctx, h_maxd, ..., u_f, ...)``: every name the factory binds
    is then a cell of its closure, which ``Runtime.rebound`` gives a constant's lambdas."""
    names = ["h_ctx"]
    for stmt in body:
        for node in [stmt, *getattr(stmt, "body", ()), *getattr(stmt, "orelse", ())] if isinstance(stmt, py.If) else [stmt]:
            if isinstance(node, py.Assign):
                names += [t.id for t in node.targets if isinstance(t, py.Name)]
            elif isinstance(node, py.FunctionDef):
                names.append(node.name)
    listed = py.Tuple(elts=[P.name(n) for n in dict.fromkeys(names)], ctx=P.LOAD)
    return py.FunctionDef(name=ENV, args=_args([]), body=[py.Return(value=listed)], decorator_list=[],
                          returns=None, type_comment=None)
