"""``seglam diff``: do two versions agree on every input the old precondition admits?

Two outcomes agree when both return equal values, or both fault with the same code. Z3
decides it where both versions are in the fragment (both are encoded over the same symbolic
inputs); Hypothesis differential testing runs always. Every distinguishing input is replayed
on both programs and printed with both outcomes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import z3
from hypothesis import HealthCheck, Phase, Verbosity, errors, given, reject, settings

from seglam.verifier import bounds as B
from seglam.verifier import worker
from seglam.verifier.api import make_options
from seglam.verifier.context import fresh_context
from seglam.verifier.encode import encode_function
from seglam.verifier.fuzz import LIMIT_FAULTS, is_precondition_fault, no_harvested_constants
from seglam.verifier.load import load_program
from seglam.verifier.report import BOUNDED, PROVED, REFUTED, UNKNOWN
from seglam.verifier.runner import Outcome
from seglam.verifier.strategies import NoStrategy, arguments
from seglam.verifier.symbolic import Unsupported, eq, model_value
from seglam.verifier.values import render, render_call
from seglam.verifier import typeview as T
from seglam.verifier.z3pass import Z3Options, solve


@dataclass(frozen=True)
class FunctionDiff:
    function: str
    verdict: str  # proved | proved for len <= K | refuted | unknown
    method: str = "z3"
    reason: str = ""
    input: str | None = None  # the distinguishing call
    old: str | None = None  # outcome of the old version on it
    new: str | None = None
    bound: int | None = None

    def verdict_text(self) -> str:
        return f"proved for len <= {self.bound}" if self.verdict == BOUNDED else self.verdict

    def to_json(self) -> dict:
        return {
            "function": self.function, "verdict": self.verdict, "bound": self.bound, "method": self.method,
            "reason": self.reason or None, "input": self.input, "old": self.old, "new": self.new,
        }


@dataclass(frozen=True)
class DiffReport:
    old: str
    new: str
    results: tuple[FunctionDiff, ...]
    error: str | None = None

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return 2
        return 1 if any(r.verdict == REFUTED for r in self.results) else 0

    @property
    def equivalent(self) -> bool | None:
        """True when proved equal everywhere, False on a difference, None when undecided."""
        if self.error or any(r.verdict == REFUTED for r in self.results):
            return False
        if all(r.verdict in (PROVED, BOUNDED) for r in self.results):
            return True
        return None

    def to_json(self) -> dict:
        return {"old": self.old, "new": self.new, "error": self.error, "same": self.exit_code == 0 and self.error is None,
                "functions": [r.to_json() for r in self.results]}

    def render(self) -> str:
        lines = [f"{self.old} -> {self.new}:"]
        if self.error:
            lines.append(self.error)
            return "\n".join(lines)
        for r in self.results:
            what = {PROVED: "agree (proved)", BOUNDED: f"agree (proved for len <= {r.bound})", REFUTED: "DIFFER", UNKNOWN: "no difference found (unproved)"}[r.verdict]
            lines.append(f"  {r.function}(): {what} [{r.method}]")
            if r.input:
                lines.append(f"    input: {r.input}")
                lines.append(f"    old:   {r.old}")
                lines.append(f"    new:   {r.new}")
            if r.reason:
                lines.append(f"    {r.reason}")
        return "\n".join(lines)


def _show(out: Outcome) -> str:
    return render(out.value) if out.ok else f"fault {out.fault}"


def agree(a: Outcome, b: Outcome) -> bool:
    if a.ok and b.ok:
        try:
            return bool(a.value == b.value) and type(a.value) is type(b.value)
        except Exception:  # noqa: BLE001
            return False
    return a.fault == b.fault


def diff(old, new, *, functions=None, old_filename: str = "old.sgl", new_filename: str = "new.sgl", **options) -> DiffReport:
    """Compare two programs (sources, paths or Programs) function by function."""
    opts = make_options(**options)
    lo = load_program(old, old_filename) if isinstance(old, str) else load_program(old)
    ln = load_program(new, new_filename) if isinstance(new, str) else load_program(new)
    for loaded in (lo, ln):
        if loaded.error is not None:
            return DiffReport(lo.filename, ln.filename, (), loaded.error)
    names = list(functions) if functions else [n for n in lo.view.functions if n in ln.view.functions and not n.startswith("prop_")]
    missing = [n for n in names if n not in lo.view.functions or n not in ln.view.functions]
    if missing:
        return DiffReport(lo.filename, ln.filename, (), f"no function {missing[0]!r} in both versions")
    results = []
    comparable = []
    for n in names:
        fo, fn = lo.view.functions[n], ln.view.functions[n]
        so = [(p.name, T.render(p.type)) for p in fo.params]
        sn = [(p.name, T.render(p.type)) for p in fn.params]
        if so != sn or T.render(fo.returns) != T.render(fn.returns):
            results.append(FunctionDiff(n, REFUTED, "signature", "the signatures differ"))
        else:
            comparable.append(n)
    z3found: dict = {}
    stopped = None
    if opts.z3 and comparable:
        run = worker.start_job(lambda send: _z3_job(lo.view, ln.view, comparable, opts, send))
        messages, stopped = run.collect(opts.timeout)
        z3found = dict(messages)
    for n in comparable:
        results.append(_decide(n, lo, ln, z3found.get(n), stopped, opts))
    return DiffReport(lo.filename, ln.filename, tuple(results))


def _z3_job(old_view, new_view, names, opts, send) -> None:
    for n in names:
        with fresh_context():  # each function's answer independent of the others' (as in verify)
            found = _z3_equivalence(old_view, new_view, n, Z3Options(opts.bound, opts.budget, 0))
        send((n, found))


def _z3_equivalence(old_view, new_view, name: str, zopts):
    """("unsat"|"sat"|"unknown", bounded, inputs | reason)."""
    counter = itertools.count()
    try:
        fo = encode_function(old_view, name, zopts.bound, None, counter)
        fn = encode_function(new_view, name, zopts.bound, fo.inputs, counter)
    except Unsupported as u:
        return ("unknown", False, f"outside the Z3 fragment: {u.describe()}")
    except (RecursionError, z3.Z3Exception) as x:
        return ("unknown", False, f"the encoding failed: {type(x).__name__}")

    def faults(fe, extra):
        by_code: dict = {}
        for s in fe.sites:
            by_code.setdefault(s.code, []).append(s.cond)
        ens = [z3.And(fe.returned, z3.Not(h)) for _, h in fe.ensures]
        if ens:
            by_code.setdefault("F-ENSURES", []).append(z3.Or(*ens))
        for code, cond in extra:
            by_code.setdefault(code, []).append(cond)
        return {c: z3.Or(*v) for c, v in by_code.items()}

    f_old = faults(fo, [])
    f_new = faults(fn, [("F-PRE", z3.Not(fn.pre))])
    codes = sorted(set(f_old) | set(f_new))
    no_fault_old = z3.Not(z3.Or(*f_old.values())) if f_old else z3.BoolVal(True)
    no_fault_new = z3.Not(z3.Or(*f_new.values())) if f_new else z3.BoolVal(True)
    try:
        values_differ = z3.And(no_fault_old, no_fault_new, fo.returned, fn.returned, z3.Not(eq(fo.result, fn.result)))
    except Unsupported as u:
        return ("unknown", False, f"outside the Z3 fragment: {u.describe()}")
    differ = z3.Or(values_differ, *[f_old.get(c, z3.BoolVal(False)) != f_new.get(c, z3.BoolVal(False)) for c in codes])
    status, model, reason = solve([*fo.domain, fo.pre, *fo.bounds, *fn.bounds, differ], zopts)
    bounded = fo.bounded or fn.bounded
    if status == "sat":
        inputs = {p: model_value(model, fo.inputs[p], fo.param_types[p], old_view.records) for p in fo.inputs}
        return ("sat", bounded, inputs)
    return (status, bounded, reason)


def _decide(name, lo, ln, z3res, stopped, opts) -> FunctionDiff:
    fv = lo.view.functions[name]
    if z3res is not None and z3res[0] == "sat":
        inputs = z3res[2]
        a, b = lo.runner.call(name, inputs), ln.runner.call(name, inputs)
        if not is_precondition_fault(a, fv) and not agree(a, b):
            return FunctionDiff(name, REFUTED, "z3", "", render_call(name, inputs), _show(a), _show(b))
    found = _fuzz(name, lo, ln, opts) if opts.hypothesis else None
    if found is not None:
        inputs, a, b = found
        note = ""
        if z3res is not None and z3res[0] == "unsat":
            bounded_ok = z3res[1] and any(isinstance(v, (list, str, tuple)) and len(v) > opts.bound for v in inputs.values())
            note = f"the proof covered len <= {opts.bound} only" if bounded_ok else "Z3 claimed equivalence that this run contradicts: an encoding bug; the run wins"
        return FunctionDiff(name, REFUTED, "hypothesis", note, render_call(name, inputs), _show(a), _show(b))
    if z3res is None:
        why = f"Z3 did not finish: {stopped}" if opts.z3 else "Z3 was not run"
        return FunctionDiff(name, UNKNOWN, "hypothesis", f"{why}; Hypothesis found no difference in {opts.max_examples} examples")
    status, bounded, info = z3res
    if status == "unsat":
        return FunctionDiff(name, BOUNDED if bounded else PROVED, "z3", "", bound=opts.bound if bounded else None)
    why = info if status == "unknown" else "the solver's distinguishing input did not reproduce"
    return FunctionDiff(name, UNKNOWN, "hypothesis", f"{why}; Hypothesis found no difference in {opts.max_examples} examples")


class _Differs(Exception):
    def __init__(self, inputs, a, b) -> None:
        super().__init__("differs")
        self.inputs, self.a, self.b = inputs, a, b


def _fuzz(name, lo, ln, opts):
    fv = lo.view.functions[name]
    lifted = B.lift(fv, lo.view.constants)
    try:
        strategy = arguments(fv, lo.view, lifted, opts.max_len) if fv.params else None
    except NoStrategy:
        return None

    def body(inputs):
        a = lo.runner.call(name, inputs)
        if a.fault == "X-INPUT" or is_precondition_fault(a, fv) or a.fault in LIMIT_FAULTS:
            reject()
        b = ln.runner.call(name, inputs)
        if b.fault in LIMIT_FAULTS:
            reject()
        if not agree(a, b):
            raise _Differs(inputs, a, b)

    if strategy is None:
        try:
            body({})
        except _Differs as d:
            return d.inputs, d.a, d.b
        except errors.UnsatisfiedAssumption:
            return None
        return None
    test = settings(
        max_examples=opts.max_examples, derandomize=True, deadline=None, database=None,
        suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
        phases=(Phase.explicit, Phase.generate, Phase.shrink), verbosity=Verbosity.quiet, print_blob=False,
    )(given(strategy)(body))
    try:
        with no_harvested_constants():
            test()
    except _Differs as d:
        return d.inputs, d.a, d.b
    except errors.HypothesisException:
        return None
    return None


__all__ = ["diff", "DiffReport", "FunctionDiff", "agree"]
