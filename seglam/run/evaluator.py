"""The reference backend: a tree-walking interpreter over the checked syntax tree, the
executable specification of Seglam's meaning (CPython's meaning, under budgets).

Structure: :class:`ReferenceBackend` prepares a checked module once (record/enum classes,
precompiled literal regexes and a memo of those compiled by runs, module constants on first use)
and is then immutable (but for that memo, which only grows and needs no lock) and
thread-safe. Each run gets a fresh :class:`Interp` with its own
:class:`~seglam.run.context.RunContext`; expressions live in :mod:`eval_expr`, statements in
:mod:`eval_stmt`, ``match`` in :mod:`eval_match`, callable values in :mod:`eval_values`.

Fuel (shared with the compiled backend): +1 per ``for``/``while`` iteration (when the body
is entered), +1 per iteration of each comprehension/generator ``for`` clause (before its
``if``s), +1 per Seglam function or lambda call (on entry, before ``@requires``), +1 per
contract lambda evaluated; builtins charge in bulk (:mod:`seglam.run.stdlib_core`). Module
constants are evaluated once per backend under the default limits and are not charged to
any run. Parameter defaults are evaluated per call (then frozen).

Contracts: all ``@requires`` (top decorator first) are checked after entering the call and
before the body; ``@ensures`` are checked after the body, innermost (bottom) decorator
first, as Python's decorator stacking does.

Depth: :meth:`RunContext.enter` faults with ``F-DEPTH`` past ``max_depth`` (functions and
lambdas both count). A tree walker uses several Python frames per Seglam call, so a run
gets room for ``max_depth`` calls at the program's deepest expression nesting through
:func:`seglam.run.stack.run_deep` (a bounded recursion limit on this thread, or a worker
thread with a stack big enough); the Seglam cap then always fires first, the same way on
every run. (Capped at 250 000 frames; a caller asking for an enormous ``max_depth`` may get
``F-DEPTH`` earlier, from Python's own limit.)
"""

from __future__ import annotations

import decimal
import threading
from typing import Any, Mapping

from seglam.run import stdlib as S
from seglam.run.context import RunContext
from seglam.run.decimal_context import DECIMAL_CONTEXT
from seglam.run.eval_expr import ExprMixin, Scope
from seglam.run.eval_stmt import Return, StmtMixin
from seglam.run.eval_values import FunctionValue, LambdaValue, ModuleRef
from seglam.run.faults import Fault
from seglam.run.limits import DEFAULT_LIMITS, Limits
from seglam.run.result import RunResult
from seglam.run.stack import frames_per_call, run_deep
from seglam.run.stdlib_core import fault_for
from seglam.run.stdlib_modules import precompile_patterns
from seglam.run.intcap import unchecked_sums
from seglam.run.values import freeze, freeze_arg, handed_back, program_classes
from seglam.syntax import ast as A


class Interp(ExprMixin, StmtMixin):
    """The state of one run: the backend, the run context and resolved globals."""

    def __init__(self, backend: "ReferenceBackend", ctx: RunContext, constants: Mapping[str, Any],
                 unchecked_sums: frozenset[int] | None = None) -> None:
        self.backend = backend
        self.ctx = ctx
        self.unchecked_sums = backend.unchecked_sums if unchecked_sums is None else unchecked_sums
        self.filename = backend.filename
        self.constants = constants
        self.globals: dict[str, Any] = {}

    # ---- globals ---------------------------------------------------------------------------------

    def global_value(self, name: str) -> Any:
        got = self.globals.get(name, S._NO_DEFAULT)
        if got is not S._NO_DEFAULT:
            return got
        value = self._resolve_global(name)
        self.globals[name] = value
        return value

    def _resolve_global(self, name: str) -> Any:
        b = self.backend
        if name in self.constants:
            return self.constants[name]
        node = b.function_nodes.get(name)
        if node is not None:
            return self.top_level_function(name, node)
        if name in b.classes.records:
            return b.classes.records[name]
        if name in b.classes.enums:
            return b.classes.enums[name]
        qual = b.checked.imports.get(name)
        if qual is not None:
            return self.qualified(qual)
        if name in S.BUILTINS:
            return S.BoundBuiltin(name, S.BUILTINS[name], self.ctx)
        raise Fault("F-VALUE", f"name {name!r} is not defined")

    # ---- calls -------------------------------------------------------------------------------------

    def call_function(self, fn: FunctionValue, args: Any, kwargs: dict, span: Any) -> Any:
        ctx = self.ctx
        ctx.fuel -= 1
        if ctx.fuel < 0:
            ctx.out_of_fuel()
        node = fn.node
        ctx.enter(fn.name, span if span is not None else (node.name_span or node.span))
        bound = self.bind(node.params, args, kwargs, fn.name, fn.defaults)
        copies = None  # id(copy) -> (copy, original): what a return hands back (values.handed_back)
        for key, value in bound.items():  # every call gets frozen arguments (SPEC.md section 7)
            t = type(value)
            if t is not int and t is not str and t is not float and t is not bool and value is not None:
                if copies is None:
                    copies = {}
                bound[key] = freeze_arg(ctx, value, copies)
        scope = Scope(bound, fn.scope)
        info = fn.info
        if info is not None and info.requires:
            for lam in info.requires:
                self.check_contract(lam, scope.vars, "F-REQUIRES", f"precondition of {fn.name} failed")
        signal = self.exec_block(node.body, scope)
        result = signal.value if type(signal) is Return else None
        if copies:
            result = handed_back(copies, result)
        if info is not None and info.ensures:
            env = dict(scope.vars)
            env["result"] = result
            for lam in reversed(info.ensures):
                self.check_contract(lam, env, "F-ENSURES", f"postcondition of {fn.name} failed")
        ctx.leave()
        return result

    def call_lambda(self, lam: LambdaValue, args: Any, kwargs: dict, span: Any) -> Any:
        ctx = self.ctx
        ctx.fuel -= 1
        if ctx.fuel < 0:
            ctx.out_of_fuel()
        ctx.enter("<lambda>", span if span is not None else lam.node.span)
        scope = Scope(self.bind(lam.node.params, args, kwargs, "<lambda>", lam.defaults), lam.scope)
        result = self.ev(lam.node.body, scope)
        ctx.leave()
        return result

    def check_contract(self, lam: A.Lambda, env: dict, code: str, message: str) -> None:
        ctx = self.ctx
        ctx.fuel -= 1
        if ctx.fuel < 0:
            ctx.out_of_fuel()
        names = {}
        for p in lam.params:
            if p.name not in env:
                raise Fault("F-VALUE", f"contract parameter {p.name!r} names no parameter", lam.span, ctx.trace(), self.filename)
            names[p.name] = env[p.name]
        if not self.ev(lam.body, Scope(names, None)):
            raise Fault(code, message, lam.span, ctx.trace(), self.filename)

    def top_level_function(self, name: str, node: A.FunctionDef) -> FunctionValue:
        info = self.backend.checked.functions.get(name)
        return FunctionValue(self, name, node, None, info, self.defaults_of(node.params, Scope({}, None)))

    def defaults_of(self, params: tuple, env: Scope) -> dict:
        """Parameter defaults, evaluated once where the ``def``/``lambda`` is (as Python
        does: ``lambda i=i: i`` captures the current ``i``), then frozen."""
        out = {}
        for p in params:
            if p.default is not None:
                out[p.name] = freeze(self.ev(p.default, env))
        return out

    def bind(self, params: tuple, args: Any, kwargs: dict, fname: str, defaults: dict) -> dict:
        """Bind call arguments to parameters, Python's way (``defaults``: evaluated values)."""
        out: dict = {}
        i = 0
        n = len(args)
        var_pos = var_kw = None
        by_name = {}
        for p in params:
            kind = p.kind
            if kind == "var_positional":
                var_pos = p
            elif kind == "var_keyword":
                var_kw = p
            else:
                by_name[p.name] = p
                if kind != "keyword_only" and i < n:
                    out[p.name] = args[i]
                    i += 1
        if i < n:
            if var_pos is None:
                raise Fault("F-VALUE", f"{fname}() takes {i} positional arguments but {n} were given")
            out[var_pos.name] = tuple(args[i:])
        elif var_pos is not None:
            out[var_pos.name] = ()
        extra = {}
        for k, v in kwargs.items():
            p = by_name.get(k)
            if p is not None and p.kind != "positional_only":
                if k in out:
                    raise Fault("F-VALUE", f"{fname}() got multiple values for argument {k!r}")
                out[k] = v
            elif var_kw is not None:
                extra[k] = v
            else:
                raise Fault("F-VALUE", f"{fname}() got an unexpected keyword argument {k!r}")
        if var_kw is not None:
            out[var_kw.name] = extra
        if len(out) < len(by_name) + (var_pos is not None) + (var_kw is not None):
            for p in params:
                if p.name not in out and p.kind not in ("var_positional", "var_keyword"):
                    if p.name not in defaults:
                        raise Fault("F-VALUE", f"{fname}() missing required argument {p.name!r}")
                    out[p.name] = defaults[p.name]
        return out


class ReferenceBackend:
    """The reference backend (see the module docstring). Prepared once; thread-safe."""

    def __init__(self, checked: Any, filename: str) -> None:
        self.checked = checked
        self.filename = filename
        self.classes = program_classes(checked)
        self.function_nodes: dict[str, A.FunctionDef] = {
            stmt.name: stmt for stmt in checked.module.body if type(stmt) is A.FunctionDef
        }
        self.patterns = precompile_patterns(checked)
        self.unchecked_sums = unchecked_sums(checked)
        self.frames_per_call = frames_per_call(checked.module)
        self._constants: dict[str, Any] | None = None
        self._constants_fault: Fault | None = None
        self._lock = threading.Lock()

    # ---- module constants ------------------------------------------------------------------------

    def constants(self) -> Mapping[str, Any]:
        """The module constants, evaluated once (under the default limits) and deep-frozen."""
        if self._constants is None and self._constants_fault is None:
            with self._lock:
                if self._constants is None and self._constants_fault is None:
                    try:
                        self._constants = run_deep(self._frames(DEFAULT_LIMITS), self._evaluate_constants)
                    except Fault as fault:
                        self._constants_fault = fault
        if self._constants_fault is not None:
            raise self._constants_fault
        return self._constants  # type: ignore[return-value]

    def _evaluate_constants(self) -> dict[str, Any]:
        names = set(self.checked.constants)
        values: dict[str, Any] = {}
        ctx = RunContext(DEFAULT_LIMITS, self.patterns)
        interp = Interp(self, ctx, values)
        scope = Scope(values, None)
        with decimal.localcontext(DECIMAL_CONTEXT):
            for stmt in self.checked.module.body:
                if type(stmt) is A.Assign and any(_names_in(t) & names for t in stmt.targets) \
                        or type(stmt) is A.AnnAssign and stmt.value is not None and _names_in(stmt.target) & names:
                    try:
                        interp.ex(stmt, scope)
                    except RecursionError:
                        raise Fault("F-DEPTH", "call depth limit reached", stmt.span, (), self.filename) from None
                    for key in list(values):
                        values[key] = freeze(values[key])
                    interp.globals.clear()  # a function seen before may now see a constant
        return values

    # ---- running -----------------------------------------------------------------------------------

    def run(self, function: str, args: tuple, kwargs: dict, limits: Limits) -> Any:
        """Call ``function`` with Seglam values; a ``RunResult`` or a :class:`Fault`."""

        constants = self.constants()
        node = self.function_nodes.get(function)
        if node is None:
            raise LookupError(f"{self.filename}: no function {function!r}")
        ctx = RunContext(limits, self.patterns)
        interp = Interp(self, ctx, constants)

        def call() -> Any:
            fn = interp.top_level_function(function, node)
            return interp.call_function(fn, tuple(args), dict(kwargs), None)

        value = run_deep(self._frames(limits), lambda: self._guarded(interp, call, node.span))
        return RunResult(value, ctx.fuel_used)

    def eval_expr(self, expr: A.Expr, limits: Limits) -> Any:
        """Evaluate ``expr`` in module scope (examples); a ``RunResult`` or a :class:`Fault`."""

        constants = self.constants()
        ctx = RunContext(limits, self.patterns)
        interp = Interp(self, ctx, constants, unchecked_sums(self.checked, (expr,)))
        value = run_deep(self._frames(limits),
                         lambda: self._guarded(interp, lambda: interp.ev(expr, Scope({}, None)), expr.span))
        return RunResult(value, ctx.fuel_used)

    def _guarded(self, interp: Interp, thunk: Any, span: Any) -> Any:
        ctx = interp.ctx
        try:
            with decimal.localcontext(DECIMAL_CONTEXT):
                value = thunk()
                if hasattr(type(value), "__next__"):
                    # An iterator result (map, zip, a generator) would run Seglam code after
                    # the run ends: materialise it now, under this run's budgets.
                    value = S.collect(ctx, value)
                return value
        except Fault as fault:
            raise fault.located(span, ctx.trace(), self.filename) from None
        except RecursionError:
            raise Fault("F-DEPTH", "call depth limit reached (host recursion limit)", span, ctx.trace(), self.filename) from None
        except Exception as exc:  # noqa: BLE001 - a bug, but never a Python exception to the host
            raise fault_for(exc).located(span, ctx.trace(), self.filename) from None

    def _frames(self, limits: Limits) -> int:
        """Python frames a run under ``limits`` may need (see :mod:`seglam.run.stack`)."""
        return (limits.max_depth + 2) * self.frames_per_call + 1000


def _names_in(target: Any) -> set[str]:
    if type(target) is A.Name:
        return {target.id}
    if type(target) in (A.TupleExpr, A.ListExpr):
        out: set[str] = set()
        for e in target.elts:
            out |= _names_in(e.value if type(e) is A.Starred else e)
        return out
    return set()


__all__ = ["ReferenceBackend", "Interp", "ModuleRef"]
