"""The Z3 obligations of a module, each checked by its own solver.

Runs in a forked process (:mod:`seglam.verifier.worker`), one function at a time
(:func:`run_function`). For each function it sends a ``Plan`` (the obligations it will
check, so a killed process still leaves them as ``unknown``) and then one ``Finding`` per
obligation, with the ``rlimit`` units its check used; :func:`charge_in_order` then applies
the call's total budget in source order.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import z3

from seglam.syntax import ast as A
from seglam.syntax.span import Span
from seglam.verifier.context import fresh_context
from seglam.verifier.encode import Encoder, encode_function
from seglam.verifier.symbolic import SDict, SList, SOpt, SRecord, STuple, Unsupported, eq, model_value, truthy
from seglam.verifier.values import render, render_call
from seglam.verifier.view import ModuleView


@dataclass(frozen=True)
class Obligation:
    function: str
    kind: str  # precondition | fault | callee | assert | ensures | pins | property
    title: str
    span: Span | None
    code: str | None = None


@dataclass(frozen=True)
class Plan:
    function: str
    obligations: tuple[Obligation, ...]
    unsupported: str | None = None  # why the function could not be encoded
    unsupported_span: Span | None = None


@dataclass(frozen=True)
class Finding:
    obligation: Obligation
    status: str  # "sat", "unsat", "unknown"
    bounded: bool
    inputs: dict | None = None  # the model's inputs (neutral values) when sat
    reason: str = ""
    notes: tuple[str, ...] = ()
    bound: int | None = None  # the K this obligation was unrolled to
    spent: int | None = None  # rlimit units its solver check used (None: not checked)


@dataclass(frozen=True)
class Z3Options:
    bound: int = 8
    rlimit: int = 3_000_000  # per obligation
    seed: int = 0
    total: int = 0  # for the whole verify call (0: ten obligations' worth)


def solve(formulas: list, options: Z3Options, sizes: list | None = None, leaves: list | None = None, meter: list | None = None):
    """One fresh solver, fixed seed, ``rlimit`` budget: (status, model, reason). With
    ``sizes`` (input lengths), a model is shrunk to the smallest total size the solver finds."""
    # Preprocessing first, on a tenth of the budget: the unrolled encodings are long chains
    # of guarded definitions that solve-eqs and propagate-values collapse before search.
    # What that does not settle goes to the plain solver with the whole budget.
    reason = ""
    for make, rlimit in ((_tactic_solver, max(options.rlimit // 10, 1)), (z3.Solver, options.rlimit)):
        s = make()
        s.set("random_seed", options.seed)
        s.set("rlimit", rlimit)
        s.add(*formulas)
        before = _rlimit_count(s)
        r = s.check()
        _spend(s, before, meter)
        if r == z3.sat:
            s.set("rlimit", max(options.rlimit // 20, 1))  # each shrinking step gets a small budget
            model = _smallest(s, s.model(), sizes)
            return "sat", _simplest(s, model, leaves, sizes or []), ""
        if r == z3.unsat:
            return "unsat", None, ""
        reason = s.reason_unknown()
    if _out_of_budget(reason):
        reason = f"solver budget exhausted (rlimit {options.rlimit})"
    else:
        reason = f"solver gave up: {reason} (incomplete theory)"
    return "unknown", None, reason


def _rlimit_count(s) -> int:
    """Z3's resource counter as ``s`` sees it. It counts every rlimit unit the context ever
    spent (encoding's simplifications and earlier solvers included), so only a difference of
    two readings is one check's cost."""
    try:
        return int(s.statistics().get_key_value("rlimit count"))
    except Exception:  # noqa: BLE001 - statistics are advisory
        return 0


def _spend(s, before: int, meter: list | None) -> None:
    """Add the rlimit units one check used to ``meter`` (a one-element list owned by the caller)."""
    if meter is None:
        return
    meter[0] += max(_rlimit_count(s) - before, 0)


def _out_of_budget(reason: str) -> bool:
    return "resource" in reason or "canceled" in reason


def _smallest(s, model, sizes):
    """Search for a model with less total input length (counterexamples read better short)."""
    if not sizes:
        return model
    total = z3.Sum(*sizes) if len(sizes) > 1 else sizes[0]
    current = model.eval(total, model_completion=True).as_long()
    for m in range(current):
        s.push()
        s.add(total <= m)
        r = s.check()
        if r == z3.sat:
            model = s.model()
            s.pop()
            return model
        s.pop()
        if r != z3.unsat:
            break
    return model


def _simplest(s, model, leaves, sizes, limit: int = 12):
    """Prefer zeros and empty strings in a counterexample, one input value at a time (the
    sizes already chosen stay as they are)."""
    if not leaves:
        return model
    s.push()
    for size in sizes:
        s.add(size == model.eval(size, model_completion=True))
    for leaf in leaves[:limit]:
        if z3.is_int(leaf) or z3.is_real(leaf):
            want = leaf == 0
        elif z3.is_string(leaf):
            want = z3.Length(leaf) == 0
        elif z3.is_bool(leaf):
            want = z3.Not(leaf)
        else:
            continue
        if z3.is_true(model.eval(want, model_completion=True)):
            s.add(want)
            continue
        s.push()
        s.add(want)
        if s.check() == z3.sat:
            model = s.model()
        else:
            s.pop()
            s.add(leaf == model.eval(leaf, model_completion=True))
    s.pop()
    return model


def _tactic_solver():
    return z3.Then("simplify", "solve-eqs", "propagate-values", "smt").solver()


def _kind(code: str, title: str) -> str:
    if code in ("F-REQUIRES",) or title.startswith("precondition of"):
        return "callee"
    if code == "F-ASSERT":
        return "assert"
    return "fault"


def plan_function(view: ModuleView, name: str, options: Z3Options, ends: dict | None = None):
    """Encode one function: (Plan, [(Obligation, formulas, wants_model)], encoding | None).
    ``ends`` is the loop-length memo shared by the function's encodings (one context)."""
    fv = view.functions[name]
    try:
        fe = _encode_adaptively(view, name, options.bound, {} if ends is None else ends)
    except Unsupported as u:
        return Plan(name, (), u.describe(), u.span or fv.node.span), [], None
    except (RecursionError, z3.Z3Exception) as x:
        return Plan(name, (), f"the encoding failed: {type(x).__name__}", fv.node.span), [], None
    except Exception as x:  # noqa: BLE001 - an encoder bug must cost one function, not the run
        return Plan(name, (), f"internal encoder error: {type(x).__name__}: {x}", fv.node.span), [], None
    base = [*fe.domain, fe.pre]
    jobs = []
    pins_extra: dict = {}
    unknown_reasons: dict = {}
    is_property = name in view.properties
    if fv.has_precondition:
        ob = Obligation(name, "precondition", "precondition is satisfiable", fv.node.name_span or fv.node.span)
        jobs.append((ob, base + fe.bounds))
    seen = set()
    for site in fe.sites:
        if site.inlined:
            continue
        key = (site.code, site.span, site.title)
        if key in seen:
            continue
        seen.add(key)
        ob = Obligation(name, _kind(site.code, site.title), _site_title(site.code, site.title), site.span, site.code)
        conds = [s.cond for s in fe.sites if (s.code, s.span, s.title) == key and not s.inlined]
        jobs.append((ob, base + fe.bounds + [z3.Or(*conds)]))
    for h in fe.havocs:
        if h.span in {j[0].span for j in jobs}:
            continue
        ob = Obligation(name, "fault", f"no fault in this {_describe(h.text)}", h.span)
        jobs.append((ob, None))
        seen.add(("havoc", h.span, ""))
        unknown_reasons[ob] = f"outside the Z3 fragment: {h.reason}"
    if not seen:
        # Nothing in the body can fault (the fragment models every fault but the budgets').
        ob = Obligation(name, "fault", "no operation can fault", fv.node.name_span or fv.node.span)
        jobs.append((ob, [z3.BoolVal(False)]))
    for i, (lam, holds) in enumerate(fe.ensures):
        ob = Obligation(name, "ensures", f"postcondition #{i + 1} holds", lam.span, "F-ENSURES")
        jobs.append((ob, base + fe.bounds + [fe.returned, z3.Not(holds)]))
    if fe.ensures and not fe.havocs:
        pins = _pins(view, name, options)
        if pins is not None:
            ob = Obligation(name, "pins", "postconditions pin the result", fv.node.decorators[0].span if fv.node.decorators else fv.node.span)
            jobs.append((ob, pins[0]))
            pins_extra[ob] = pins[1:]
    if is_property:
        if fe.result is None:
            return Plan(name, (), "the property never returns", fv.node.span), [], None
        ob = Obligation(name, "property", "property holds", fv.node.name_span or fv.node.span)
        jobs.append((ob, base + fe.bounds + [fe.returned, z3.Not(truthy(fe.result))]))
    return Plan(name, tuple(j[0] for j in jobs)), jobs, (fe, pins_extra, unknown_reasons)


#: Encoder visits above which a smaller K is tried: nested loops over nested lists grow as
#: K to the power of the nesting, and the solver's time with them.
WORK_TARGET = 4_000


def _encode_adaptively(view: ModuleView, name: str, bound: int, ends: dict):
    """Encode with the largest K <= bound whose unrolled encoding stays small.

    K doubles from 2; the next size is tried only when the growth seen so far predicts it
    stays under WORK_TARGET (nested loops grow as K to the power of the nesting)."""
    ks = sorted({k for k in (2, 4, 8, 16, 32, 64) if k < bound} | {bound})
    best = None
    prev_work = None
    for k in ks:
        if best is not None and prev_work:
            growth = max(best.work / prev_work, 1.0)
            if best.work * growth * (k / best.bound) > WORK_TARGET * 2:
                return best
        try:
            # Past the first size, give up as soon as the encoding outgrows the target.
            fe = encode_function(view, name, k, max_work=None if best is None else WORK_TARGET * 2, ends=ends)
        except Unsupported as u:
            if "too large" in u.reason and best is not None:
                return best
            raise
        if not fe.bounded:
            return fe  # nothing was unrolled: K does not matter
        if fe.work > WORK_TARGET and best is not None:
            return best
        prev_work = best.work if best is not None else None
        best = fe
        if fe.work > WORK_TARGET:
            return fe
    return best


def _describe(node_kind: str) -> str:
    return {"Call": "call", "BinOp": "operation", "Subscript": "subscript", "Attribute": "attribute"}.get(node_kind, "expression")


def _site_title(code: str, title: str) -> str:
    names = {
        "F-ZERO-DIV": "no division by zero",
        "F-INDEX": "index in range",
        "F-NONE": "no None unwrap",
        "F-VALUE": "argument in domain",
        "F-ASSERT": "assert holds",
    }
    if title.startswith("precondition of") or code == "F-REQUIRES":
        return title
    return title or names.get(code, code)


def _pins(view: ModuleView, name: str, options: Z3Options):
    """Formulas satisfiable iff two different results both meet every ``ensures``."""
    fv = view.functions[name]
    enc = Encoder(view, options.bound, itertools.count(10_000))
    try:
        inputs = {p.name: enc.inputs.fresh(p.name, p.type) for p in fv.params}
        r1 = enc.inputs.fresh("result", fv.returns)
        r2 = enc.inputs.fresh("result'", fv.returns)
        enc.env = dict(inputs)
        enc.stack.append(name)
        pre = z3.BoolVal(True)
        for lam in fv.requires:
            pre = z3.And(pre, truthy(enc.call_lambda(lam, enc._lambda_args(lam, inputs, None))))
        for s in fv.prelude:  # the assignments name what the asserts test (SPEC §8)
            if isinstance(s, A.Assert):
                pre = z3.And(pre, truthy(enc.expr(s.test)))
            else:
                enc.stmt(s)
        e1 = [truthy(enc.call_lambda(lam, enc._lambda_args(lam, inputs, r1))) for lam in fv.ensures]
        e2 = [truthy(enc.call_lambda(lam, enc._lambda_args(lam, inputs, r2))) for lam in fv.ensures]
        formulas = [*enc.inputs.constraints, pre, *e1, *e2, z3.Not(eq(r1, r2)), *enc.bounds]
        return formulas, inputs, (r1, r2)
    except Unsupported:
        return None
    except Exception:  # noqa: BLE001 - the warning is optional; an encoder bug must not cost the run
        return None


def _leaves(inputs: dict) -> list:
    """The scalar input terms, parameters first, then list elements in order."""
    out, queue = [], list(inputs.values())
    while queue:
        v = queue.pop(0)
        if isinstance(v, z3.ExprRef):
            out.append(v)
        elif isinstance(v, SList):
            queue.extend(v.items)
        elif isinstance(v, SDict):
            queue.extend(v.keys + v.values)
        elif isinstance(v, STuple):
            queue.extend(v.items)
        elif isinstance(v, SRecord):
            queue.extend(x for _, x in v.fields)
        elif isinstance(v, SOpt):
            queue.extend([v.present, v.value])
    return out


def _pins_witness(view, name, model, inputs, results) -> str:
    """``f(x=1): both 3 and 4 satisfy the postconditions``."""
    fv = view.functions[name]
    try:
        args = {p.name: model_value(model, inputs[p.name], p.type, view.records) for p in fv.params}
        r1, r2 = (render(model_value(model, r, fv.returns, view.records)) for r in results)
    except Exception:  # noqa: BLE001 - the witness is a courtesy
        return ""
    return f"for {render_call(name, args)}, both {r1} and {r2} satisfy the postconditions"


def total_budget(options: Z3Options) -> int:
    return options.total or options.rlimit * 10


def budget_spent(options: Z3Options) -> str:
    return f"the verify call's total solver budget is spent (rlimit {total_budget(options)})"


def run_function(view: ModuleView, name: str, options: Z3Options, send, meter: list | None = None,
                 discarded=None) -> None:
    """Check ``name``'s obligations in order; report its Plan, then one Finding each. Once
    ``meter`` (rlimit units spent so far) passes the call's total, the rest are ``unknown``;
    so are they, unsolved, once ``discarded()`` says that the functions before this one spent
    the total (:func:`charge_in_order` would throw their verdicts away).

    The function is encoded and solved in a Z3 context of its own (:mod:`.context`), so
    its results do not depend on what Z3 work this process did before, nor on which process
    checks it; nothing Z3 crosses functions (the loop-length memo is per function too)."""
    z3.set_param("smt.random_seed", options.seed)
    z3.set_param("sat.random_seed", options.seed)
    with fresh_context():
        _check_function(view, name, options, send, [0] if meter is None else meter, discarded or _never)


def _never() -> bool:
    return False


def _check_function(view: ModuleView, name: str, options: Z3Options, send, meter: list, discarded) -> None:
    total = total_budget(options)
    plan, jobs, extra = plan_function(view, name, options, {})
    send(plan)
    fe, pins_extra, unknown_reasons = extra if extra is not None else (None, {}, {})
    for ob, formulas in jobs:
        if formulas is None:
            send(Finding(ob, "unknown", fe.bounded, None, unknown_reasons.get(ob, "outside the Z3 fragment"), (), fe.bound))
            continue
        if meter[0] > total or discarded():
            send(Finding(ob, "unknown", fe.bounded, None, budget_spent(options), (), fe.bound))
            continue
        before = meter[0]
        try:
            pinned = ob.kind == "pins"
            status, model, reason = solve(formulas, options, None if pinned else fe.sizes, None if pinned else _leaves(fe.inputs), meter)
        except z3.Z3Exception as x:
            status, model, reason = "unknown", None, f"solver error: {x}"
        inputs = None
        if status == "sat" and ob.kind != "pins":
            try:
                inputs = {p: model_value(model, fe.inputs[p], fe.param_types[p], view.records) for p in fe.inputs}
            except Exception as x:  # noqa: BLE001 - a model we cannot read is not a counterexample
                status, reason = "unknown", f"could not read the model: {type(x).__name__}"
        elif status == "sat":
            reason = _pins_witness(view, name, model, *pins_extra[ob])
        bounded = fe.bounded
        send(Finding(ob, status, bounded, inputs, reason, tuple(sorted(fe.notes)), fe.bound, meter[0] - before))


def charge_in_order(view: ModuleView, messages: list, options: Z3Options) -> list:
    """The findings as one sequential run would give them, when functions were checked
    separately (each with its own meter): walking functions and obligations in source order,
    every solver check after the call's total was spent becomes ``unknown``."""
    total = total_budget(options)
    plans = {m.function: m for m in messages if isinstance(m, Plan)}
    findings = {m.obligation: m for m in messages if isinstance(m, Finding)}
    meter = 0
    for name in view.functions:
        plan = plans.get(name)
        for ob in plan.obligations if plan is not None else ():
            f = findings.get(ob)
            if f is None or f.spent is None:
                continue
            if meter > total:
                findings[ob] = Finding(ob, "unknown", f.bounded, None, budget_spent(options), (), f.bound)
            else:
                meter += f.spent
    return [m for m in messages if not isinstance(m, Finding)] + list(findings.values())
