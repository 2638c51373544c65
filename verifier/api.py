"""``verify(program, **options) -> Report``: examples, Hypothesis and Z3, merged per obligation.

Z3 runs in forked processes while this process runs the examples and Hypothesis; whichever
side finishes first helps the other (see :mod:`seglam.verifier.worker` and
:mod:`seglam.verifier.claims`), so both cores work until the end. Every Z3 counterexample
is replayed on the interpreter; only a reproduced one is ``refuted``. Hypothesis can refute,
never prove.

Every module of the Z3 encoding is imported at the top of this one, so before any fork: a
fork of a threaded process must not need the import lock another thread may hold. Each
function's Z3 work runs in a Z3 context of its own (:mod:`seglam.verifier.context`), so the
report does not depend on the Z3 work this process did before, nor on which process checked
which function.
"""

from __future__ import annotations

import pickle
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from seglam.verifier import evidence as E
from seglam.verifier import fuzz as F
from seglam.verifier import helpers as H
from seglam.verifier import library as L
from seglam.verifier import worker
from seglam.verifier.boundaries import aim_for
from seglam.verifier.claims import Claims, Fuzzed, Spending
from seglam.verifier.examples import run_examples
from seglam.verifier.explain import explain
from seglam.verifier.load import load_program
from seglam.verifier.report import BOUNDED, PROVED, REFUTED, UNKNOWN, Report, Result, sort_key
from seglam.verifier.runner import Outcome, shown
from seglam.verifier.values import render_call
from seglam.verifier.view import ModuleView
from seglam.verifier.z3pass import Finding, Plan, Z3Options, charge_in_order, run_function, total_budget


@dataclass(frozen=True)
class Options:
    """Verifier settings (all keyword options of :func:`verify`)."""

    max_examples: int = 50  # Hypothesis examples per function and property
    bound: int = 8  # K: lists, strings and loops unrolled to this length
    budget: int = 3_000_000  # Z3 rlimit per obligation
    timeout: float = 60.0  # wall-clock safety net for the whole Z3 worker, seconds (only a hang reaches it)
    z3: bool = True
    hypothesis: bool = True
    examples: bool = True
    max_len: int = 8  # largest generated collection
    entries: tuple[str, ...] = ()  # functions always fuzzed on their own (say, the cache's entry point), even if another calls them
    #: function name -> inputs (keyword arguments) known to be in its domain, such as the
    #: bindings of a request and of the examples: the aimed run starts from them
    seeds: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)


def make_options(**options) -> Options:
    unknown = set(options) - set(Options.__dataclass_fields__)
    if unknown:
        raise TypeError(f"verify(): unknown option(s) {', '.join(sorted(unknown))}")
    opts = Options(**options)
    if opts.bound < 0 or opts.bound > 64:
        raise ValueError("bound must be between 0 and 64")
    if opts.max_examples < 1:
        raise ValueError("max_examples must be at least 1")
    if isinstance(opts.entries, str) or not all(isinstance(e, str) for e in opts.entries):
        raise ValueError("entries must be a sequence of function names")
    opts = replace(opts, entries=tuple(opts.entries), seeds=_seeds(opts.seeds))
    if opts.budget < 1:
        raise ValueError("budget must be positive")
    if not opts.timeout > 0:
        raise ValueError("timeout must be positive")
    return opts


def _seeds(seeds) -> dict[str, tuple[dict[str, Any], ...]]:
    """``seeds`` checked and copied: function names to tuples of keyword-argument dicts."""
    if not isinstance(seeds, Mapping):
        raise ValueError("seeds must map function names to sequences of keyword-argument dicts")
    out = {}
    for name, inputs in seeds.items():
        if not isinstance(name, str) or isinstance(inputs, (str, bytes, Mapping)) or not isinstance(inputs, Sequence):
            raise ValueError("seeds must map function names to sequences of keyword-argument dicts")
        if not all(isinstance(i, Mapping) and all(isinstance(k, str) for k in i) for i in inputs):
            raise ValueError(f"seeds for {name!r}: each input must be a dict of argument names to values")
        out[name] = tuple(dict(i) for i in inputs)
    return out


def verify(program, **options) -> Report:
    """Verify a :class:`seglam.Program` (or Seglam source text, or a path). Never raises for
    a bad program: check errors come back as a report with ``error`` set (exit code 2).
    Options (defaults in :class:`Options`): ``max_examples`` (50), ``bound`` (K = 8),
    ``budget`` (Z3 rlimit per obligation, 3,000,000), ``timeout`` (60 seconds, the Z3
    worker's safety net), ``max_len`` (8), ``z3`` / ``hypothesis`` / ``examples`` (True)."""
    opts = make_options(**options)
    loaded = load_program(program)
    if loaded.error is not None:
        return Report(loaded.filename, (), loaded.error)
    return verify_loaded(loaded, opts)


def verify_loaded(loaded, opts: Options) -> Report:
    view, runner, source, filename = loaded.view, loaded.runner, loaded.source, loaded.filename
    if opts.seeds:
        view = replace(view, seeds={k: v for k, v in opts.seeds.items() if k in view.functions})
    timings: dict[str, float] = {}
    z3run = None
    # The standard library's functions were verified when it shipped (:mod:`.library`).
    library = L.library_modules(loaded.program)
    shipped = L.library_functions(view.functions, library)
    names = [n for n in view.functions if n not in shipped]
    # Helpers are judged through their callers (:mod:`.helpers`): only entry points and
    # properties are fuzzed on inputs of their own.
    helper_map = {k: v for k, v in H.helpers(view).items() if k not in opts.entries}
    entries = [n for n in H.entry_points(view, helper_map) if n not in shipped]
    t0 = time.perf_counter()
    if opts.z3:
        z3opts = Z3Options(opts.bound, opts.budget, 0)
        deadline = time.monotonic() + opts.timeout
        zclaims = worker.make_claims(len(names))
        spending = worker.make_spending(len(names))
        claims = worker.make_claims(len(entries) if opts.hypothesis else 0)

        def job_for(i: int):
            return lambda send: _z3_job(view, names, i, z3opts, spending, send)

        def lane(send) -> None:
            send(worker.LaneEnd(worker.run_lane(zclaims, Claims.in_order, job_for, send, deadline)))
            _fuzz_back(view, runner, opts, claims, entries, send)

        z3run = worker.start_job(lane)
    else:
        claims = Claims(len(entries) if opts.hypothesis else 0)
    timings["z3_start"] = time.perf_counter() - t0
    results: list[Result] = []

    t1 = time.perf_counter()
    if opts.examples:
        results += run_examples(view.examples, runner, source)
    timings["examples"] = time.perf_counter() - t1

    # Hypothesis: this process takes functions from the front, the worker (once no Z3 work
    # is left) from the back; whatever the worker did not report is run here at the end.
    t2 = time.perf_counter()
    fuzzed: dict[str, F.FuzzSummary] = {}
    while (i := claims.front()) is not None:
        fuzzed[entries[i]] = _fuzz(view, runner, entries[i], opts)
    timings["hypothesis"] = time.perf_counter() - t2

    # Then this process checks functions' Z3 obligations too, taking the next one in source
    # order as the worker does (both from the front: a function's earlier ones are then
    # done or nearly, so the work past the call's total can be left out, _z3_job).
    t3 = time.perf_counter()
    own: list = []
    own_stopped = None
    if z3run is not None:
        own_stopped = worker.run_lane(zclaims, Claims.in_order, job_for, own.append, deadline, pump=z3run.drain)
    timings["z3_here"] = time.perf_counter() - t3
    t6 = time.perf_counter()
    messages, stopped = z3run.collect(opts.timeout) if z3run is not None else ([], None)
    ends = [m for m in messages if isinstance(m, worker.LaneEnd)] if z3run is not None else []
    if ends:
        stopped = ends[0].stopped  # the worker's lane ended: a later stop only cut a Hypothesis run
    stopped = stopped or own_stopped
    timings["z3_wait"] = time.perf_counter() - t6

    for m in messages:
        if isinstance(m, Fuzzed):
            fuzzed.setdefault(m.function, m.summary)
    timings["fuzzed_by_worker"] = float(sum(isinstance(m, Fuzzed) for m in messages))
    t5 = time.perf_counter()
    if opts.hypothesis:
        for name in entries:
            if name not in fuzzed:
                fuzzed[name] = _fuzz(view, runner, name, opts)
    timings["hypothesis"] += time.perf_counter() - t5

    t4 = time.perf_counter()
    z3_messages = []
    if z3run is not None:
        z3_messages = charge_in_order(view, [m for m in messages + own if not isinstance(m, (Fuzzed, worker.LaneEnd))], z3opts)
    results += H.through_callers(merge(view, runner, z3_messages, stopped, fuzzed, opts, shipped), helper_map)
    if opts.hypothesis:
        results = H.witnessed(view, runner, results, helper_map, opts.max_examples)
    timings["replay"] = time.perf_counter() - t4
    t7 = time.perf_counter()
    if opts.hypothesis:
        results = _aim(view, runner, results, opts, frozenset(helper_map))
    timings["aimed"] = time.perf_counter() - t7
    t8 = time.perf_counter()
    results = explain(view, runner, results)
    timings["explain"] = time.perf_counter() - t8
    timings["total"] = time.perf_counter() - t0
    order = {None: -1, **{n: i for i, n in enumerate(view.functions)}}
    results.sort(key=lambda r: sort_key(r, order))
    return Report(filename, tuple(results), None, timings, library)


def _z3_job(view, names: list[str], i: int, options: Z3Options, spending: Spending, send) -> None:
    """Function ``i``'s Z3 checks, in whichever process claimed it. Both processes claim in
    source order, so the functions before ``i`` are done or being done: when all are done,
    their spend starts this function's meter (its checks past the call's total are not
    solved, as :func:`charge_in_order` would throw them away), and a function whose earlier
    ones spent the total is not solved at all; what it spent is recorded for later ones."""
    spent = [0]

    def counted(message) -> None:
        if isinstance(message, Finding) and message.spent:
            spent[0] += message.spent
        send(message)

    before = spending.before(i)
    total = total_budget(options)
    run_function(view, names[i], options, counted, None if before is None else [before],
                 lambda: spending.discarded(i, total))
    spending.finish(i, spent[0])


def _aim(view, runner, results: list[Result], opts: Options, helpers: frozenset = frozenset()) -> list[Result]:
    """The aimed run (:mod:`.evidence`) on every entry point or property with an open
    obligation: what it finds refutes; silence on enough inputs is recorded as each open
    obligation's evidence. (A helper is aimed at through its callers.)"""
    aim = aim_for(view, opts.bound)
    summaries: dict[str, F.FuzzSummary] = {}
    for name in E.functions_to_aim(results):
        if name in helpers:
            continue
        fv = view.functions[name]
        deep = E.is_deep(results, name)
        summary = summaries[name] = E.aimed_run(view, runner, name, aim, opts.max_examples * (E.DEEP_FACTOR if deep else 1))
        mine = [r for r in results if r.function == name]
        mine = E.record(view, fv, _fold_findings(view, fv, mine, summary, opts, "aimed"), summary, aim, deep)
        results = [r for r in results if r.function != name] + mine
    # A function checked only through a property that calls it on every run (V-09).
    return E.via_properties(view, results, summaries, lambda p: E.aimed_run(view, runner, p, aim, opts.max_examples))


def _fuzz(view, runner, name: str, opts: Options) -> F.FuzzSummary:
    try:
        return F.fuzz_function(view, runner, name, opts.max_examples, opts.max_len)
    except Exception as x:  # noqa: BLE001 - a generator bug costs one function, not the run
        return F.FuzzSummary(name, 0, 0, (), f"internal error: {type(x).__name__}: {x}")


def _fuzz_back(view, runner, opts: Options, claims: Claims, names: list[str], send) -> None:
    """In the worker: Hypothesis on functions the parent has not taken yet (their summaries
    go back pickled; one that does not pickle is left to the parent, which runs whatever the
    worker did not report)."""
    while (i := claims.back()) is not None:
        summary = _fuzz(view, runner, names[i], opts)
        try:
            pickle.dumps(summary)
        except Exception:  # noqa: BLE001 - e.g. a run's value of a generated class
            continue
        send(Fuzzed(names[i], summary))


def merge(view: ModuleView, runner, messages, stopped, fuzzed, opts: Options,
          shipped: frozenset[str] = frozenset()) -> list[Result]:
    """One result per obligation: Z3 verdicts (replayed), Hypothesis findings, unknowns;
    none for the functions in ``shipped`` (the standard library's, verified already)."""
    plans = {m.function: m for m in messages if isinstance(m, Plan)}
    findings = {}
    for m in messages:
        if isinstance(m, Finding):
            findings[(m.obligation.function, m.obligation.kind, m.obligation.title, m.obligation.span, m.obligation.code)] = m
    out: list[Result] = []
    for name, fv in view.functions.items():
        if name in shipped:
            continue
        summary = fuzzed.get(name)
        plan = plans.get(name)
        fn_results: list[Result] = []
        if plan is not None and plan.unsupported is None:
            for ob in plan.obligations:
                f = findings.get((ob.function, ob.kind, ob.title, ob.span, ob.code))
                fn_results.append(_z3_result(view, runner, fv, ob, f, stopped, opts))
        else:
            if not opts.z3:
                why = "Z3 was not run"
            elif plan is None:
                why = f"Z3 did not finish: {stopped or 'no result'}"
            else:
                why = f"outside the Z3 fragment: {plan.unsupported}"
            fn_results += _untried(view, fv, why, plan)
        fn_results = _add_fuzz(view, fv, fn_results, summary, opts)
        out += fn_results
    return out


def _untried(view, fv, why: str, plan) -> list[Result]:
    """Obligations we can name without an encoding, all ``unknown``."""
    name = fv.name
    span = fv.node.name_span or fv.node.span
    res = [Result(name, "fault", "no fault under the precondition", UNKNOWN, span, method="z3", reason=why)]
    for i, lam in enumerate(fv.ensures):
        res.append(Result(name, "ensures", f"postcondition #{i + 1} holds", UNKNOWN, lam.span, "F-ENSURES", "z3", why))
    if name in view.properties:
        res.append(Result(name, "property", "property holds", UNKNOWN, span, None, "z3", why))
    return res


def _z3_result(view, runner, fv, ob, f, stopped, opts) -> Result:
    base = Result(fv.name, ob.kind, ob.title, UNKNOWN, ob.span, ob.code, "z3")
    if f is None:
        return replace(base, reason=f"not checked: {stopped or 'the solver stopped'}")
    notes = f.notes
    k = f.bound or opts.bound
    if k != opts.bound and f.bounded:  # nothing unrolled: the encoder stopped at its first K, not for size
        notes = notes + (f"unrolled to K = {k} instead of {opts.bound}: the encoding was too large",)
    proved = replace(base, verdict=BOUNDED if f.bounded else PROVED, bound=k if f.bounded else None, notes=notes)
    if ob.kind == "precondition":
        if f.status == "sat":
            out = runner.call(fv.name, f.inputs)
            if not F.is_precondition_fault(out, fv):
                return replace(base, verdict=PROVED, reason="", counterexample=None, notes=(f"witness: {render_call(fv.name, f.inputs)}",))
            return replace(base, reason="the solver's witness did not pass the precondition in the interpreter")
        if f.status == "unsat":
            if f.bounded:
                return replace(base, reason=f"no input with len <= {k} satisfies the precondition", severity="warning")
            return replace(base, verdict=REFUTED, reason="vacuous spec: no input satisfies the precondition")
        return replace(base, reason=f.reason)
    if ob.kind == "pins":
        if f.status == "unsat":
            return replace(proved, notes=())
        if f.status == "sat":
            detail = f": {f.reason}" if f.reason else ""
            return replace(base, verdict=REFUTED, severity="warning", reason=f"weak spec: the postconditions allow more than one result{detail}")
        return replace(base, reason=f.reason)
    if f.status == "unsat":
        return proved
    if f.status == "unknown":
        return replace(base, reason=f.reason)
    # sat: a candidate counterexample; it counts only if the interpreter reproduces it.
    call_text = render_call(fv.name, f.inputs)
    out = runner.call(fv.name, f.inputs)
    if _reproduces(ob, out, fv, view):
        return replace(base, verdict=REFUTED, counterexample=call_text, actual=_show(out), reason=_refute_reason(ob), notes=notes,
                       inputs=f.inputs)
    if any(n.startswith("treated as an unknown value") for n in notes):
        why = f"it depends on expressions outside the Z3 fragment (the solver's candidate {call_text} did not reproduce)"
    else:
        why = f"the solver's counterexample {call_text} did not reproduce in the interpreter (it gave {_show(out)})"
    return replace(base, reason=why, notes=notes)


def _reproduces(ob, out: Outcome, fv, view) -> bool:
    if F.is_precondition_fault(out, fv):
        return False
    if ob.kind == "property":
        return out.ok and out.value is not True or (not out.ok and out.fault not in F.LIMIT_FAULTS)
    if ob.kind == "ensures":
        return out.fault == "F-ENSURES"
    if out.fault is None or ob.code is None:
        return False
    if out.fault != ob.code:
        return False
    site = out.site()
    if site is None or ob.span is None:
        return True
    return ob.span.line == site.line


def _refute_reason(ob) -> str:
    if ob.kind == "ensures":
        return "the postcondition fails on this input"
    if ob.kind == "property":
        return "the property does not hold on this input"
    return f"{ob.code} on this input"


def _show(out: Outcome) -> str:
    return shown(out)


def _add_fuzz(view, fv, results: list[Result], summary, opts) -> list[Result]:
    """Fold Hypothesis findings into the obligations (a reproduced finding refutes one)."""
    if summary is None:
        return results
    results = _fold_findings(view, fv, results, summary, opts)
    results = [_witnessed(r, summary) for r in results]
    if summary.skipped is None and summary.valid == 0 and fv.params:
        results.append(
            Result(fv.name, "precondition", "some generated input meets the precondition", REFUTED,
                   fv.node.name_span or fv.node.span, None, "hypothesis",
                   f"none of the generated inputs met the precondition ({summary.rejected} rejected)", severity="warning")
        )
    tried = f"Hypothesis: no counterexample in {summary.valid} valid inputs" if summary.skipped is None else f"Hypothesis skipped: {summary.skipped}"
    results[:] = [
        replace(r, reason=f"{r.reason}; {tried}" if r.reason else tried) if r.verdict == UNKNOWN and r.severity == "error" else r
        for r in results
    ]
    return results


def _witnessed(r: Result, summary) -> Result:
    """A precondition the solver could not show satisfiable is, when a generated input met
    it: that input is the witness (a run of the real program, not a claim of the solver)."""
    if r.kind != "precondition" or r.verdict != UNKNOWN or summary.witness is None:
        return r
    witness = f"witness: {render_call(r.function, summary.witness)} (a generated input)"
    return replace(r, verdict=PROVED, method="hypothesis", reason="", notes=(witness,))


def _fold_findings(view, fv, results: list[Result], summary, opts, method: str = "hypothesis") -> list[Result]:
    """Each finding refutes the obligation it matches (or a new one); ``method`` names the run."""
    results = list(results)
    for finding in summary.findings:
        out = finding.outcome
        call_text = render_call(fv.name, finding.inputs)
        idx = _match(results, finding)
        refuted = dict(
            verdict=REFUTED, counterexample=call_text, actual=_show(out), method=method,
            reason=_refute_reason_f(finding), inputs=finding.inputs,
        )
        if idx is not None:
            prior = results[idx]
            note = ()
            if prior.verdict in (PROVED, BOUNDED):
                bounded_ok = prior.verdict == BOUNDED and _longest(finding.inputs) > (prior.bound or opts.bound)
                if not bounded_ok:
                    note = ("Z3 claimed a proof that this run contradicts: an encoding bug; the run wins",)
                else:
                    note = (f"the proof covered len <= {prior.bound or opts.bound} only",)
            if prior.verdict != REFUTED:
                results[idx] = replace(prior, **refuted, notes=prior.notes + note, **_at_fault(prior, out))
        else:
            kind = {"ensures": "ensures", "property": "property"}.get(finding.kind, "fault")
            title = {"ensures": "postcondition holds", "property": "property holds"}.get(kind, f"no {out.fault}")
            results.append(Result(fv.name, kind, title, REFUTED, out.span, out.fault, **{k: v for k, v in refuted.items() if k != "verdict"}))
    return results


def _at_fault(prior: Result, out: Outcome) -> dict:
    """Where a refutation of the generic "no fault" obligation (a function Z3 could not
    encode, located at its ``def``) is: at the operation that faulted, with its code."""
    if prior.kind != "fault" or prior.code is not None or out.fault is None or out.site() is None:
        return {}
    return {"span": out.site(), "code": out.fault}


def _match(results: list[Result], finding) -> int | None:
    out = finding.outcome
    site = out.site()
    by_line = []
    if finding.kind == "ensures":  # the postcondition that failed, not merely the first one
        ensures = [i for i, r in enumerate(results) if r.kind == "ensures"]
        same = [i for i in ensures if out.span is not None and results[i].span == out.span]
        if same or ensures:
            return (same or ensures)[0]
    for i, r in enumerate(results):
        if finding.kind == "property" and r.kind == "property":
            return i
        if r.kind in ("fault", "assert", "callee") and r.code == out.fault and r.span and site is not None:
            if r.span == site:
                return i
            if r.span.line == site.line:
                by_line.append(i)
    if by_line:
        # Several sites on one line: the one Z3 did not prove is the one that faulted.
        open_ = [i for i in by_line if results[i].verdict not in (PROVED, BOUNDED)]
        return (open_ or by_line)[0]
    for i, r in enumerate(results):
        # An expression outside the fragment (no fault code of its own) on the same line.
        if r.kind == "fault" and r.code is None and r.verdict == UNKNOWN and r.span and r.span.line in out.lines():
            return i
    for i, r in enumerate(results):
        if r.kind == "fault" and r.code is None and r.verdict == UNKNOWN and finding.kind == "fault":
            return i  # the generic "no fault" obligation of a function Z3 could not encode
    return None


def _longest(inputs: dict) -> int:
    best = 0
    stack = list(inputs.values())
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple, str, dict, set)):
            best = max(best, len(v))
            if not isinstance(v, str):
                stack.extend(v.values() if isinstance(v, dict) else v)
    return best


def _refute_reason_f(finding) -> str:
    if finding.kind == "ensures":
        return "the postcondition fails on this input"
    if finding.kind == "property":
        out = finding.outcome
        return "the property does not hold on this input" if out.ok else f"the property faults with {out.fault}"
    return f"{finding.outcome.fault} on this input"


__all__ = ["verify", "verify_loaded", "Options", "make_options"]
