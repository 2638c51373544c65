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
