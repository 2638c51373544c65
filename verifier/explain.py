"""The last step of a report: each refutation gets its smallest counterexample the replays
find (:mod:`.shrink`) and what the failing check saw there (:mod:`.probe`): the value an
``@ensures``-checked function returned, and the failed part of a condition with its values.
"""

from __future__ import annotations

from dataclasses import replace

from seglam.verifier import fuzz as F
from seglam.verifier.probe import Seen, seen_assert, seen_ensures, seen_return
from seglam.verifier.report import Result
from seglam.verifier.runner import Outcome, ProgramRunner, shown
from seglam.verifier.shrink import shrink
from seglam.verifier.values import render_call
from seglam.verifier.view import FunctionView


def same_failure(r: Result, out: Outcome, fv: FunctionView) -> bool:
    """Does ``out`` fail the check ``r`` is about (not merely some check)?"""
    if out.fault in ("X-INPUT", "X-ERROR") or F.is_precondition_fault(out, fv):
        return False
    if r.kind == "property" and r.code is None:
        return out.ok and out.value is not True or (not out.ok and out.fault not in F.LIMIT_FAULTS)
    if out.fault is None or out.fault != (r.code or ("F-ENSURES" if r.kind == "ensures" else None)):
        return False
    site = out.site()
    return site is None or r.span is None or site.line == r.span.line


def _lambda(fv: FunctionView, r: Result, out: Outcome):
    spans = (r.span, out.span)
    return next((lam for lam in fv.ensures if lam.span in spans), None)


def _seen(program, runner: ProgramRunner, fv: FunctionView, r: Result, out: Outcome, inputs: dict) -> Seen:
    if out.fault == "F-ENSURES":
        return seen_ensures(program, runner, fv, _lambda(fv, r, out), inputs)
    holder = runner.view.functions.get(out.trace[-1]) if out.trace else fv
    if out.fault == "F-ASSERT" and holder is not None and out.span is not None:
        # the assert may be in a callee (a helper's invariant a property broke)
        return seen_assert(program, runner, fv, holder, inputs, out.span.line)
    if out.ok and r.kind == "property":
        return seen_return(program, runner, fv, inputs)
    return Seen()


def explain_one(runner: ProgramRunner, fv: FunctionView, r: Result) -> Result:
    """``r`` (a refutation with its inputs) with a shrunk counterexample and what it saw."""
    if r.inputs is None:
        return r
    inputs = shrink(r.inputs, lambda i: same_failure(r, runner.call(fv.name, i), fv))
    out = runner.call(fv.name, inputs)
    if not same_failure(r, out, fv):
        inputs, out = r.inputs, runner.call(fv.name, r.inputs)
    seen = _seen(runner.program, runner, fv, r, out, inputs)
    actual = f"{fv.name} returned {seen.returned}" if seen.returned is not None else shown(out)
    return replace(r, counterexample=render_call(fv.name, inputs), inputs=inputs, actual=actual,
                   compared=seen.compared)


def explain(view, runner: ProgramRunner, results: list[Result]) -> list[Result]:
    """Every refutation of a function's run explained (examples explain themselves)."""
    return [explain_one(runner, view.functions[r.function], r)
            if r.failed and r.inputs is not None and r.function in view.functions else r
            for r in results]


__all__ = ["explain", "explain_one", "same_failure"]
