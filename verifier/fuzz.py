"""Hypothesis testing of a function or property on inputs derived from its types (the
verifier runs it on every entry point and property; helpers are judged through their
callers, see :mod:`.helpers`).

Runs are derandomised, have no deadline and use no example database, so the same program
gives the same findings every time. A fault raised by the function's own precondition (a
failed ``@requires`` or an ``assert`` of its prelude, SPEC §8) means the input is outside the domain: it is
rejected, not reported. Anything else that faults, a broken ``ensures`` (``F-ENSURES``) and a
property that returns False are findings, shrunk by Hypothesis.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, Verbosity, errors, given, reject, settings
from hypothesis.internal.conjecture import providers as _providers

from seglam.syntax.span import Span
from seglam.verifier import bounds as B
from seglam.verifier.boundaries import candidates, shaped_sweep, sweep
from seglam.verifier.runner import Outcome
from seglam.verifier.seeds import NotAValue, seeded
from seglam.verifier.strategies import NoStrategy, arguments
from seglam.verifier.view import FunctionView, ModuleView

#: Faults that only say a budget ran out on a large generated input, not that the code is wrong.
LIMIT_FAULTS = frozenset({"F-FUEL", "F-INT-SIZE", "F-STR-SIZE", "F-COLLECTION-SIZE", "F-DEPTH"})
#: In a run aimed at the boundaries, inputs are small (ints below 2**1100, strings and
#: collections of a few dozen items): a size limit reached there is the program's own growth
#: (``1 << n``, ``10 ** n``), a finding. Running out of fuel or depth is still the budget's.
AIMED_LIMIT_FAULTS = frozenset({"F-FUEL", "F-DEPTH"})
#: Outcomes that say the interpreter itself failed: never a finding against the program.
INTERNAL = frozenset({"X-ERROR", "X-PYTHON"})
ROUNDS = 2  # after a finding, look once more for a different fault site


@dataclass(frozen=True)
class FuzzFinding:
    function: str
    kind: str  # "fault" | "ensures" | "property"
    inputs: dict
    outcome: Outcome


@dataclass(frozen=True)
class FuzzSummary:
    function: str
    valid: int  # inputs that met the precondition
    rejected: int
    findings: tuple[FuzzFinding, ...]
    skipped: str | None = None  # why the function was not tested
    limit_faults: int = 0
    witness: dict | None = None  # the first input that met the precondition


class _Enough(BaseException):
    """Ends an aimed run that keeps missing the precondition (a BaseException, so Hypothesis
    passes it through instead of shrinking it as a failure)."""


#: An aimed run stops after this many rejected inputs per requested example.
AIMED_REJECTS_PER_EXAMPLE = 5


class _Found(Exception):
    def __init__(self, inputs: dict, outcome: Outcome) -> None:
        super().__init__("finding")
        self.inputs = inputs
        self.outcome = outcome


def is_precondition_fault(out: Outcome, fv: FunctionView) -> bool:
    """Did the run stop in ``fv``'s own precondition (the input is outside the domain)?"""
    if out.fault == "F-REQUIRES":
        if out.span is None:
            return len(out.trace) <= 1
        return any(_within(out.span, d.span) for d in fv.node.decorators) or (
            len(out.trace) <= 1 and not _inside_body(out.span, fv)
        )
    if out.fault == "F-ASSERT" and fv.leading_asserts:
        if out.span is None:
            return False
        return len(out.trace) <= 1 and any(_within(out.span, a.span) for a in fv.leading_asserts)
    return False


def _within(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.col) <= (inner.line, inner.col) and (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col) or (
        inner.line == outer.line and inner.line != 0 and outer.line == outer.end_line
    )


def _inside_body(span: Span, fv: FunctionView) -> bool:
    body = fv.node.body
    return bool(body) and body[0].span.line <= span.line <= fv.node.span.end_line


def fault_key(out: Outcome) -> tuple:
    return (out.fault, (out.span.line, out.span.col) if out.span else None)


def fuzz_function(view: ModuleView, runner, name: str, max_examples: int, max_len: int = 8, aim=None) -> FuzzSummary:
    """Test ``name`` (a function or a ``prop_*`` property) on generated inputs. With ``aim``
    (a :class:`.boundaries.Aim`): a deterministic sweep of boundary values first, then
    Hypothesis with the boundaries mixed into every strategy."""
    fv = view.functions[name]
    is_property = name in view.properties
    if any(p.kind in ("var_positional", "var_keyword") for p in fv.params):
        return FuzzSummary(name, 0, 0, (), "it takes *args or **kwargs")
    lifted = B.lift(fv, view.constants)
    try:
        strategy = arguments(fv, view, lifted, max_len, aim) if fv.params else None
    except NoStrategy as x:
        return FuzzSummary(name, 0, 0, (), f"no generator for {x}")
    counts = {"valid": 0, "rejected": 0, "limits": 0, "generated_rejects": 0}
    witness: list[dict] = []  # at most one: the first valid input
    known: set = set()
    limit_faults = LIMIT_FAULTS if aim is None else AIMED_LIMIT_FAULTS

    def check(inputs) -> bool:
        """Run once: False if the input is outside the domain; raises _Found on a finding."""
        out = runner.call(name, inputs)
        if out.fault == "X-INPUT" or is_precondition_fault(out, fv):
            counts["rejected"] += 1
            return False
        counts["valid"] += 1
        if not witness:
            witness.append(dict(inputs))
        if out.fault in limit_faults or out.fault in INTERNAL:
            counts["limits"] += 1
            return True
        if out.fault is not None:
            if fault_key(out) not in known:
                raise _Found(inputs, out)
            return True
        if is_property and out.value is not True and ("property", None) not in known:
            raise _Found(inputs, out)
        return True

    def body(inputs):
        if not check(inputs):
            counts["generated_rejects"] += 1
            if aim is not None and counts["generated_rejects"] > AIMED_REJECTS_PER_EXAMPLE * max_examples:
                raise _Enough()
            reject()

    test = settings(
        max_examples=max_examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        verbosity=Verbosity.quiet,
        print_blob=False,
    )(given(strategy)(body)) if strategy is not None else None

    findings: list[FuzzFinding] = []
    if aim is not None and test is not None:
        findings += _sweep(fv, view, runner, lifted, aim, check, known, is_property, name)
    if test is None:  # no parameters: one run is the whole domain
        try:
            body({})
        except _Found as f:
            findings.append(_finding(name, f, is_property))
        except Exception as x:  # noqa: BLE001 - hypothesis.reject() outside a test
            if not isinstance(x, errors.UnsatisfiedAssumption):
                raise
        return FuzzSummary(name, counts["valid"], counts["rejected"], tuple(findings), None, counts["limits"],
                           next(iter(witness), None))
    for _ in range(ROUNDS):
        try:
            with no_harvested_constants():
                test()
        except _Found as f:
            finding = _finding(name, f, is_property)
            findings.append(finding)
            known.add(fault_key(f.outcome) if f.outcome.fault else ("property", None))
            continue
        except (errors.Unsatisfiable, _Enough):
            break
        except errors.HypothesisException as x:
            return FuzzSummary(name, counts["valid"], counts["rejected"], tuple(findings), f"hypothesis: {type(x).__name__}",
                               witness=next(iter(witness), None))
        break
    return FuzzSummary(name, counts["valid"], counts["rejected"], tuple(findings), None, counts["limits"],
                       next(iter(witness), None))


def module_value(runner):
    """An evaluator of expressions at module level on ``runner`` (an example's argument, a
    default): their value, or :class:`.seeds.NotAValue` when the run faults (a name bound
    only inside the example, such as a comprehension's variable, faults too)."""

    def evaluate(expr):
        out = runner.eval(expr)
        if not out.ok:
            raise NotAValue(out.fault or "no value")
        return out.value

    return evaluate


def _sweep(fv, view, runner, lifted, aim, check, known: set, is_property: bool, name: str) -> list[FuzzFinding]:
    """Run the deterministic boundary sweep; its first ROUNDS distinct faults are findings."""
    params = [p.name for p in fv.params]
    per_param = [candidates(p.type, view, _independent(lifted.get(p.name)), aim) for p in fv.params]
    found: list[FuzzFinding] = []
    shaped = shaped_sweep(fv, view, aim, per_param, lifted)
    for inputs in seeded(fv, view, aim, module_value(runner)) + shaped + sweep(params, per_param):
        try:
            check(inputs)
        except _Found as f:
            found.append(_finding(name, f, is_property))
            known.add(fault_key(f.outcome) if f.outcome.fault else ("property", None))
            if len(found) >= ROUNDS:
                break
    return found


def _independent(b):
    """``b`` without the bounds that depend on another parameter (the sweep fixes values one
    parameter at a time; inputs that break the precondition are rejected)."""
    from dataclasses import replace

    return None if b is None else replace(b, rel=(), same_len_as=None)


@contextmanager
def no_harvested_constants():
    """Hypothesis mixes literals harvested from every local module imported so far into what
    it generates (``providers._get_local_constants``: modules outside site-packages, so a
    checkout's own modules count and an installed wheel's do not), so its inputs depend on
    the process's history and the installation, not only on the seed. A verdict must not:
    while the verifier (or ``seglam diff``) runs Hypothesis, that pool is empty."""
    original, original_cache = _providers._get_local_constants, _providers.CONSTANTS_CACHE
    empty = _providers.Constants()
    _providers._get_local_constants = lambda: empty
    _providers.CONSTANTS_CACHE = type(original_cache)(original_cache.max_size)  # it memoises the pool
    try:
        yield
    finally:
        _providers._get_local_constants, _providers.CONSTANTS_CACHE = original, original_cache


def _finding(name: str, f: _Found, is_property: bool) -> FuzzFinding:
    out = f.outcome
    if out.fault == "F-ENSURES":
        kind = "ensures"
    elif out.fault is not None:
        kind = "fault"
    else:
        kind = "property" if is_property else "fault"
    return FuzzFinding(name, kind, dict(f.inputs), out)
