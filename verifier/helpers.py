"""Helpers are judged through their callers.

A *helper* is a function another (non-property) function of the module names: in its body,
its ``@requires``/``@ensures`` lambdas or as a value (``key=score``). The functions nobody
calls are the *entry points*; every ``prop_*`` property is one too, and a function that only
properties call stays an entry point (the cache calls it on whatever a request binds).
Functions that call each other (a recursive-descent parser) are helpers when one of them
has a caller outside their cycle; only a cycle nobody else calls is made of entry points.

A helper receives only what its callers pass, so it is not fuzzed on its own: an input it can
never receive must not refuse a program that is right on every input its entry point
accepts. It is exercised through the entry points and properties that reach it, and all of
its code is still checked there: Z3 inlines it at every call (its faults, its precondition
and its ``@ensures`` become obligations of the caller, at the helper's own lines), and every
generated run of a caller executes it under the runtime's contract checks. So a fault a
caller can reach, a failed precondition or a broken postcondition of the helper, refutes the
caller. What Z3 finds about the helper on its own stays in the report, never as a refusal:
a proof is kept, a counterexample becomes a note on an ``unknown`` obligation whose evidence
is its callers' checks.
"""

from __future__ import annotations

from dataclasses import replace

from seglam.syntax import ast as A
from seglam.verifier import fuzz as F
from seglam.verifier.report import PROVED, REFUTED, UNKNOWN, Result
from seglam.verifier.values import render_call
from seglam.verifier.view import ModuleView


def callers(view: ModuleView) -> dict[str, tuple[str, ...]]:
    """Each function -> the other functions (properties included) that name it."""
    out: dict[str, list[str]] = {name: [] for name in view.functions}
    for name, fv in view.functions.items():
        named = {n.id for n in A.walk(fv.node) if isinstance(n, A.Name) and n.id in out and n.id != name}
        for callee in sorted(named):
            out[callee].append(name)
    return {k: tuple(v) for k, v in out.items()}


def helpers(view: ModuleView) -> dict[str, tuple[str, ...]]:
    """The helpers of ``view`` -> their callers. A function is a helper when a function that
    is not a property and lies outside its cycle calls it or another function of its cycle
    (its *cycle*: the functions it reaches that reach it back; a function in no cycle is a
    cycle of its own). So a recursive-descent parser (``_parse_or`` -> ``_parse_and`` ->
    ``_parse_not`` -> ``_parse_or``) entered from ``evaluate`` is judged through
    ``evaluate``, every one of its functions: each receives only what the cycle passes on
    from ``evaluate``. Only mutual recursion with no caller outside the cycle leaves its
    functions entry points: nothing else tells what they receive."""
    graph = callers(view)
    calls: dict[str, set[str]] = {n: set() for n in graph}
    for callee, names in graph.items():
        for c in names:
            calls[c].add(callee)
    props = set(view.properties)
    out = {}
    for name, by in graph.items():
        if name in props:
            continue
        cycle = cycle_of(calls, name)
        if any(c not in props and c not in cycle for m in sorted(cycle) for c in graph[m]):
            out[name] = by
    return out


def cycle_of(calls: dict[str, set[str]], name: str) -> frozenset[str]:
    """``name`` and the functions it reaches that reach it back (its strongly connected
    component in the graph ``calls``: function -> the functions it names)."""
    return frozenset({name} | {m for m in _reached(calls, name) if name in _reached(calls, m)})


def entry_points(view: ModuleView, helper_map: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The functions judged on their own inputs: every non-helper, properties included."""
    return tuple(n for n in view.functions if n not in helper_map)


def _reached(calls: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for nxt in calls[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def roots_of(name: str, helper_map: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The entry points and properties whose runs reach helper ``name``."""
    seen, out, stack = {name}, [], [name]
    while stack:
        for c in helper_map.get(stack.pop(), ()):
            if c in seen:
                continue
            seen.add(c)
            if c in helper_map:
                stack.append(c)
            else:
                out.append(c)
    return tuple(sorted(out))


def through_callers(results: list[Result], helper_map: dict[str, tuple[str, ...]]) -> list[Result]:
    """A helper's own verdicts, restated: what is not proved on its own is judged through its
    callers (a refutation on an input of its own becomes a note; the evidence names the entry
    points and properties whose obligations and runs cover it)."""
    out = []
    for r in results:
        by = helper_map.get(r.function or "")
        if by is None or r.kind in ("precondition", "pins", "example") or r.severity != "error":
            out.append(r)
            continue
        roots = roots_of(r.function, helper_map)
        evidence = (
            f"judged through its callers ({', '.join(by)}): a helper runs only on what they pass; "
            f"checked by the obligations and runs of {', '.join(roots) or 'its callers'}"
        )
        if r.verdict == REFUTED:
            seen = f"on its own, {r.counterexample} gives {r.actual}" if r.counterexample else f"on its own: {r.reason}"
            r = replace(r, verdict=UNKNOWN, counterexample=None, actual=None, expected=None,
                        reason="a helper: judged through its callers", notes=r.notes + (f"{seen} (an input no caller was shown to pass)",))
        if r.open:
            r = replace(r, evidence=evidence)
        out.append(r)
    return out


def witnessed(view: ModuleView, runner, results: list[Result], helper_map: dict[str, tuple[str, ...]], max_examples: int) -> list[Result]:
    """A helper's precondition that Z3 could not show satisfiable, shown so by an input that
    meets it. An entry point gets its witness from its own Hypothesis run; a helper has none
    (it is not fuzzed on its own), so it gets a run here whose only use is that witness: any
    input that meets the precondition shows it satisfiable, and what the run finds on inputs
    of its own is not a finding (no caller was shown to pass them)."""
    out = []
    for r in results:
        if r.function in helper_map and r.kind == "precondition" and r.verdict == UNKNOWN:
            try:
                found = F.fuzz_function(view, runner, r.function, max_examples).witness
            except Exception:  # noqa: BLE001 - a generator bug costs the witness, not the run
                found = None
            if found is not None:
                r = replace(r, verdict=PROVED, method="hypothesis", reason="",
                            notes=(f"witness: {render_call(r.function, found)} (a generated input)",))
        out.append(r)
    return out
