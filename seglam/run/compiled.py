"""The compiled backend: Seglam → Python code, generated once per program.

The checked tree is translated to one Python module tree (:mod:`seglam.run.codegen`),
compiled with ``compile()`` and executed in a globals dict that holds only the runtime
objects the generator bound (``g_*``) and an empty ``__builtins__``. All user names are
mangled (``u_<name>``), every literal is an ``ast.Constant``, and no attribute starting with
``_`` is ever emitted, so a program can reach nothing but its own values and the shared
stdlib.

Per run, the module's factory is called with a fresh :class:`RunContext`: it creates the
run's closures, so a prepared backend is immutable and thread-safe. Faults are located by
walking the traceback to the innermost generated frame: its line number indexes the span
table built during generation (:mod:`seglam.run.codegen.locate`).

Budgets, counted exactly as the reference backend counts them (tests/compiled checks fuel
step for step, at every budget):

- fuel: a call, loop or comprehension step takes one item of the context's chunk of steps
  (``next(ctx.ticks, False) or ctx.refill()``: no int is made per step; the chunk is given
  back wherever a charge finds ``ctx.fuel`` or a local count short, so ``F-FUEL`` comes
  exactly where the steps run out, :class:`~seglam.run.context.RunContext`); stdlib operations with a simple charge are inlined with that charge
  (:mod:`~seglam.run.codegen.inline`); loops and comprehensions that call nothing count in a
  local variable and write it back (:mod:`~seglam.run.codegen.fuel`), and those over a
  range/str/tuple that cannot exit early charge all their steps up front when the fuel
  covers them; a pure ``while`` counts its steps with ``itertools.repeat``;
- depth: the caller's depth is the hidden first argument ``h_d`` of every generated def
  (lambdas count one level, checked on entry: ``ir.LambdaEntry``);
- size caps: checked where a value can grow, chosen from the static types; every other
  operation calls the shared stdlib implementation (:mod:`seglam.run.stdlib`).
"""

from __future__ import annotations

import decimal
import threading
from typing import Any

from seglam.run.codegen.build import Prepared, prepare
from seglam.run.codegen.emit import python_source
from seglam.run.codegen.locate import to_fault
from seglam.run.codegen.naming import user
from seglam.run.context import RunContext
from seglam.run.decimal_context import DECIMAL_CONTEXT
from seglam.run.faults import Fault
from seglam.run.limits import DEFAULT_LIMITS, Limits
from seglam.run.result import RunResult
from seglam.run.stack import MAX_FRAMES, run_deep
from seglam.syntax import ast as A

__all__ = ["CompiledBackend"]

#: Python frames a Seglam call may need (its own, a comprehension, a lambda, a stdlib
#: helper...), used to keep CPython's recursion limit above ``max_depth``.
_FRAMES_PER_CALL = 4


class CompiledBackend:
    """Backend protocol: ``run(function, args, kwargs, limits)`` and ``eval_expr``."""

    def __init__(self, checked: Any, filename: str) -> None:
        self._checked = checked
        self._filename = filename
        self._prepared: Prepared = prepare(checked, filename)
        self._lock = threading.Lock()
        self._consts: tuple | None = None
        self._consts_fault: Fault | None = None
        self._evaluators: dict[int, tuple[Prepared, int]] = {}

    @property
    def source_tree(self):
        """The generated Python module tree (for debugging and tests)."""
        return self._prepared.tree

    def python_source(self, source: str | None = None, function: str | None = None) -> str:
        """The generated Python as readable text, with comments naming the Seglam lines
        (quoted from ``source`` if given); only ``function``'s def if given."""
        return python_source(self._prepared, self._filename, source, function)

    # ---- running ------------------------------------------------------------------------

    def run(self, function: str, args: tuple, kwargs: dict, limits: Limits) -> Any:
        if function not in self._checked.functions:
            raise LookupError(f"no function {function!r}")
        consts = self._consts if self._consts is not None else self._constants()
        ctx = self._context(limits)
        prepared = self._prepared
        named = {user(k): v for k, v in kwargs.items()} if kwargs else {}

        def call() -> Any:
            try:
                with decimal.localcontext(DECIMAL_CONTEXT):
                    return prepared.factory(ctx, consts)[0][function](0, *args, **named)
            except Exception as exc:  # noqa: BLE001 - every exception becomes a located Fault
                raise to_fault(exc, prepared, self._filename, function) from None

        value = run_deep(_frames(limits.max_depth), call)
        return RunResult(value, ctx.fuel_used)

    def eval_expr(self, expr: Any, limits: Limits) -> Any:
        """Evaluate ``expr`` (a node of this program's tree) in module scope."""
        consts = self._constants()
        prepared, index = self._evaluator(expr)
        ctx = self._context(limits)

        def evaluate() -> Any:
            try:
                with decimal.localcontext(DECIMAL_CONTEXT):
                    _, _, evaluators = prepared.factory(ctx, consts)
                    return evaluators[index]()
            except Exception as exc:  # noqa: BLE001
                raise to_fault(exc, prepared, self._filename, None) from None

        value = run_deep(_frames(limits.max_depth), evaluate)
        return RunResult(value, ctx.fuel_used)

    # ---- preparation ----------------------------------------------------------------------

    def _context(self, limits: Limits) -> RunContext:
        if not isinstance(limits, Limits):
            raise TypeError(f"limits must be a seglam Limits, not {type(limits).__name__}")
        return RunContext(limits, self._prepared.patterns)

    def _constants(self) -> tuple:
        """Module constants, evaluated once per backend under the default limits."""
        if self._consts is not None:
            return self._consts
        if self._consts_fault is not None:
            raise self._consts_fault
        with self._lock:
            if self._consts is None and self._consts_fault is None:
                ctx = RunContext(DEFAULT_LIMITS, self._prepared.patterns)

                def evaluate() -> tuple:
                    with decimal.localcontext(DECIMAL_CONTEXT):
                        return self._prepared.factory(ctx, None)[1]

                try:
                    self._consts = run_deep(_frames(DEFAULT_LIMITS.max_depth), evaluate)
                except Exception as exc:  # noqa: BLE001
                    self._consts_fault = to_fault(exc, self._prepared, self._filename, None)
        if self._consts_fault is not None:
            raise self._consts_fault
        return self._consts  # type: ignore[return-value]

    def _evaluator(self, expr: Any) -> tuple[Prepared, int]:
        """The generated module that evaluates ``expr``, and the evaluator's index in it.

        The first example expression asked for generates one module for all of them (each
        example's test, and both sides of an ``==`` test, as the verifier evaluates them):
        a module per expression cost a whole generation and ``compile()`` each."""
        got = self._evaluators.get(id(expr))
        if got is None:
            with self._lock:
                got = self._evaluators.get(id(expr))
                if got is None:
                    batch = _example_exprs(self._checked)
                    if not any(e is expr for e in batch):
                        batch = (expr,)
                    try:
                        prepared = prepare(self._checked, self._filename, extra_exprs=batch, base=self._prepared)
                    except Fault:
                        if batch == (expr,):
                            raise
                        batch = (expr,)  # another example cannot be compiled: this one alone
                        prepared = prepare(self._checked, self._filename, extra_exprs=batch, base=self._prepared)
                    for index, e in enumerate(batch):
                        self._evaluators[id(e)] = (prepared, index)
                    got = self._evaluators[id(expr)]
        return got


def _example_exprs(checked: Any) -> tuple:
    """Every expression the examples are evaluated by: each ``assert`` test, and for a
    comparison test its two sides."""
    out: list = []
    for example in checked.examples:
        out.append(example.test)
        if isinstance(example.test, A.Compare) and len(example.test.ops) == 1:
            out.extend((example.test.left, example.test.comparators[0]))
    return tuple(out)


def _frames(max_depth: int) -> int:
    """Python frames a run may need: CPython must not stop before Seglam's own depth limit
    does (F-DEPTH either way, but the Seglam check gives the right span and trace)."""
    return min(max_depth * _FRAMES_PER_CALL + 200, MAX_FRAMES)  # past SAFE_FRAMES: a thread with a big stack
