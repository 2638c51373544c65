"""Targeted evidence for what Z3 could not settle.

A verdict of ``unknown``, or a proof only for ``len <= K``, is not a proof. Before such an
obligation may be admitted, its function gets a run aimed at the boundaries where proofs of
this kind fail (:mod:`.boundaries`): a deterministic sweep of boundary values, then
Hypothesis with those values and lengths past K mixed into every strategy. What it finds
refutes, exactly like the ordinary Hypothesis run; when it finds nothing on enough valid
inputs, each open obligation records the run as its ``evidence``. Only obligations with
evidence are admissible (:attr:`.report.Report.admissible`).
"""

from __future__ import annotations

from dataclasses import replace

from seglam.syntax import ast as A
from seglam.verifier import fuzz as F
from seglam.verifier import typeview as T
from seglam.verifier.boundaries import finite_domain
from seglam.verifier.bounds import lift
from seglam.verifier.report import NO_EVIDENCE, UNKNOWN, Result

#: Fewest valid inputs an aimed run needs before its silence counts as evidence.
MIN_VALID = 10
#: ... or, for a precondition that rejects at least nine in ten of at least 100 aimed inputs.
MIN_SELECTIVE = 3
#: A function with an ``unknown`` obligation (not merely proved for ``len <= K``) gets this
#: many times the examples in its aimed run: nothing bounds what Z3 missed there.
DEEP_FACTOR = 2


def is_deep(results: list[Result], name: str) -> bool:
    """Does ``name`` have an open obligation Z3 left ``unknown`` (a deeper run is owed)?"""
    return any(r.function == name and r.open and r.verdict == UNKNOWN for r in results)


def functions_to_aim(results: list[Result]) -> list[str]:
    """Functions with an open obligation, in report order."""
    return list(dict.fromkeys(r.function for r in results if r.function is not None and r.open))


def aimed_run(view, runner, name: str, aim, max_examples: int) -> F.FuzzSummary:
    try:
        return F.fuzz_function(view, runner, name, max_examples, aim.max_len, aim=aim)
    except Exception as x:  # noqa: BLE001 - a generator bug costs the evidence, not the run
        return F.FuzzSummary(name, 0, 0, (), f"internal error: {type(x).__name__}: {x}")


def record(view, fv, results: list[Result], summary: F.FuzzSummary, aim, deep: bool = False) -> list[Result]:
    """Mark ``fv``'s open obligations with the aimed run's evidence (findings were folded in
    already; an obligation they refuted is no longer open)."""
    # Runs that ended by a budget (fuel, depth) or an interpreter error show nothing.
    clean = summary.valid - summary.limit_faults
    size = finite_domain(fv, view, lift(fv, view.constants))
    exhaustive = summary.skipped is None and size is not None and clean >= 1
    # A selective precondition (a parser of one wording, a date that must be among the
    # options) rejects nearly every aimed input: the boundaries are outside its domain. Its
    # evidence is what met it (the module's examples and their mutations) and the rejections.
    selective = summary.skipped is None and clean >= MIN_SELECTIVE and summary.rejected >= 9 * clean and summary.rejected >= 100
    enough = summary.skipped is None and (clean >= MIN_VALID or not fv.params or exhaustive or selective)
    if summary.skipped is not None:
        why = f"{NO_EVIDENCE}: the aimed run was skipped ({summary.skipped})"
    elif not enough:
        why = f"{NO_EVIDENCE}: only {clean} aimed inputs met the precondition and ran to the end (at least {MIN_VALID} needed)"
        if fv.name not in view.properties:  # what the author can do about it
            why += f"; add example asserts calling {fv.name}(...) on inputs that meet its precondition: they seed the aimed run"
    else:
        why = None
    text = None
    if why is None:
        types = _types(fv)
        run = "aimed run (deep: an obligation is unknown)" if deep else "aimed run"
        text = f"{run}: no counterexample in {clean} valid inputs ({aim.describe(types)})"
        if selective and clean < MIN_VALID:
            text += f"; its precondition rejected the other {summary.rejected} aimed inputs"
        if exhaustive and clean < MIN_VALID:
            text = f"aimed run: no counterexample on every one of the {size} inputs of its finite domain"
    out = []
    for r in results:
        if r.function == fv.name and r.open:
            r = replace(r, evidence=text) if text else replace(r, notes=r.notes + (why,))
        out.append(r)
    return out


def via_properties(view, results: list[Result], summaries: dict, run) -> list[Result]:
    """Open obligations left without evidence, given the aimed run of a property that calls
    their function on every run (:func:`calls_on_every_run`). Each valid run of the property
    called the function on an input that met its precondition (a call that broke it would be
    a finding of the property) and ran it to the end under its contracts (a fault there
    would be one too), on an input that varies with the property's own: a function checked
    only by a property (``prop_formula`` building well-formed questions for ``spend``) has
    its evidence there, where generated text never meets its precondition. ``summaries``:
    the aimed runs already made, by function; ``run(name)`` makes one."""
    bare = list(dict.fromkeys(r.function for r in results if r.function is not None and r.open and r.evidence is None))
    for name in bare:
        if name in view.properties:
            continue
        for prop in properties_calling(view, name):
            if prop not in summaries:
                summaries[prop] = run(prop)
            summary = summaries[prop]
            clean = summary.valid - summary.limit_faults
            if summary.skipped is not None or summary.findings or clean < MIN_VALID:
                continue
            text = (f"through {prop}'s aimed run: no counterexample in {clean} valid inputs of {prop}, "
                    f"each of which called {name} on an input that met its precondition")
            results = [
                replace(r, evidence=text, notes=tuple(n for n in r.notes if not n.startswith(NO_EVIDENCE)))
                if r.function == name and r.open and r.evidence is None else r
                for r in results
            ]
            break
    return results


def properties_calling(view, name: str) -> tuple[str, ...]:
    """The properties that call ``name`` on every run (see :func:`calls_on_every_run`)."""
    return tuple(p for p in view.properties if calls_on_every_run(view.functions[p], name))


#: Statements that run through to the next one (or return): no branch inside skips a call.
_STRAIGHT = (A.Assign, A.AnnAssign, A.AugAssign, A.ExprStmt, A.Assert, A.Return)


def calls_on_every_run(fv, name: str) -> bool:
    """Does every run of ``fv`` that returns call ``name``, with arguments that name one of
    ``fv``'s parameters or locals (so they vary with its inputs)? The call must sit in a
    statement of the body's top level that every such run reaches (no earlier statement
    returns from a branch), outside a lambda, a comprehension, a branch of ``x if c else y``,
    an operand of ``and``/``or`` after the first, and an assert's message."""
    local = {p.name for p in fv.params} | {
        n.id for s in A.walk(fv.node) if isinstance(s, (A.Assign, A.AnnAssign, A.AugAssign, A.For))
        for t in ((s.targets if isinstance(s, A.Assign) else (s.target,))) for n in A.walk(t) if isinstance(n, A.Name)
    }
    for stmt in fv.node.body:
        if not isinstance(stmt, _STRAIGHT):
            if any(isinstance(n, A.Return) for n in A.walk(stmt)):
                return False  # a run may return from inside it, before the statements below
            continue
        root = stmt.test if isinstance(stmt, A.Assert) else stmt
        for call in _sure_calls(root, name):
            args = (*call.args, *(k.value for k in call.keywords))
            if any(isinstance(n, A.Name) and n.id in local for a in args for n in A.walk(a)):
                return True
        if isinstance(stmt, A.Return):
            return False
    return False


def _sure_calls(node, name: str):
    """The calls of ``name`` in ``node`` that every evaluation of ``node`` makes."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, (A.Lambda, A.ListComp, A.SetComp, A.DictComp, A.GeneratorExp)):
            continue
        if isinstance(n, A.IfExp):
            stack.append(n.test)
            continue
        if isinstance(n, A.BoolOp):
            stack.append(n.values[0])
            continue
        if isinstance(n, A.Compare) and len(n.ops) > 1:  # a chain stops at its first false link
            stack += [n.left, n.comparators[0]]
            continue
        if isinstance(n, A.Call) and isinstance(n.func, A.Name) and n.func.id == name:
            yield n
        stack.extend(A.iter_children(n))


def _types(fv) -> set[str]:
    """The primitive type names inside ``fv``'s parameter types."""
    names: set[str] = set()
    stack = [p.type for p in fv.params]
    while stack:
        t = stack.pop()
        k = T.kind(t)
        if k == "PrimType":
            names.add(t.name)
        elif k in ("ListType", "SetType", "DictType", "TupleType", "RecordType"):
            names.add("collection")
        for attr in ("elem", "key", "value"):
            if hasattr(t, attr):
                stack.append(getattr(t, attr))
        stack.extend(getattr(t, "elems", ()) or ())
        stack.extend(getattr(t, "options", ()) or ())
    return names
