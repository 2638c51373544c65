"""The language conformance suite: every case against CPython (the oracle) and both Seglam backends.

Each case runs once against CPython (``test_cpython`` for value and fault cases,
``test_error_case_is_python_iff_not_syntax`` for error cases) and once in Seglam
(``test_seglam``: each backend once, then the two compared; ``test_checker_rejects`` for
error cases). See ``cases.py`` for the case format and ``README.md`` for the table.
"""

from __future__ import annotations

import functools
from collections import Counter

import pytest

import seglam
from seglam.syntax.diagnostics import DIAGNOSTIC_CODES
from seglam.run.faults import FAULT_CODES
from seglam.run.oracle import OracleError, run_cpython

from .cases import BACKENDS, LIMIT_FAULTS, Case, load_cases, same_value

CASES = load_cases()


def _ids(cases: list[Case]) -> list[str]:
    return [c.id for c in cases]


def _show(value) -> str:
    return f"{value!r} ({type(value).__name__})"


# ---- the suite itself -------------------------------------------------------------------------


def test_suite_size_and_coverage():
    kinds = Counter(c.kind for c in CASES)
    assert len(CASES) >= 450, kinds
    faults = Counter(c.expected for c in CASES if c.kind == "fault")
    # F-INTERNAL is Seglam's own bug: no correct case can expect it (tests/run covers it)
    missing = {code: faults[code] for code in FAULT_CODES if faults[code] < 2 and code != "F-INTERNAL"}
    assert not missing, f"fault codes with fewer than 2 cases: {missing}"
    errors = Counter(code for c in CASES if c.kind == "error" for code in set(c.expected))
    missing = {code: errors[code] for code in DIAGNOSTIC_CODES if errors[code] < 3}
    assert not missing, f"diagnostic codes with fewer than 3 cases: {missing}"


# ---- CPython: the oracle validates every value and fault expectation ----------------------------

CPYTHON_CASES = [c for c in CASES if c.cpython_runs]


@pytest.mark.parametrize("case", CPYTHON_CASES, ids=_ids(CPYTHON_CASES))
def test_cpython(case: Case):
    try:
        result = run_cpython(
            case.source, case.function, case.args, case.kwargs, filename=case.filename,
            modules=dict(case.modules),
        )
    except OracleError as exc:
        pytest.fail(f"unmapped Python exception: {exc}")
    if case.kind == "value":
        assert result.ok, f"expected {_show(case.expected)}, CPython faulted {result.fault_code}: {result.message}"
        assert same_value(result.value, case.expected), (
            f"expected {_show(case.expected)}, CPython gave {_show(result.value)}"
        )
    else:
        assert not result.ok, f"expected fault {case.expected}, CPython gave {_show(result.value)}"
        assert result.fault_code == case.expected, f"{result.fault_code}: {result.message}"


ERROR_CASES = [c for c in CASES if c.kind == "error"]


@pytest.mark.parametrize("case", ERROR_CASES, ids=_ids(ERROR_CASES))
def test_error_case_is_python_iff_not_syntax(case: Case):
    """An ``error`` case is rejected for Seglam reasons: CPython compiles it unless it expects
    E-SYNTAX (what CPython calls a SyntaxError is E-SYNTAX in Seglam too) or E-NESTING (whose
    limits may also be CPython's)."""
    try:
        compile(case.source, case.filename, "exec", dont_inherit=True)
        parsed = True
    except (SyntaxError, RecursionError, MemoryError):
        parsed = False
    if "E-SYNTAX" in case.expected:
        assert not parsed, "expects E-SYNTAX but CPython parses it"
    elif "E-NESTING" not in case.expected:
        assert parsed, "CPython cannot parse it, yet it does not expect E-SYNTAX"


# ---- Seglam: the checker, then both backends --------------------------------------------------


@functools.lru_cache(maxsize=None)
def _compiled(source: str, filename: str, modules: tuple = ()):
    """(program, None) or (None, CheckError); one compile per case per worker."""
    try:
        return seglam.compile(source, filename=filename, modules=dict(modules)), None
    except seglam.CheckError as exc:
        return None, exc


#: Short limit names allowed in ``--- limits`` sections, mapped to ``seglam.Limits`` fields.
_LIMIT_ALIASES = {
    "depth": "max_depth",
    "int_bits": "max_int_bits",
    "str_len": "max_str_len",
    "collection_len": "max_collection_len",
}


def _limits(case: Case):
    if not case.limits:
        return None
    return seglam.Limits(**{_LIMIT_ALIASES.get(k, k): v for k, v in case.limits.items()})


@pytest.mark.parametrize("case", ERROR_CASES, ids=_ids(ERROR_CASES))
def test_checker_rejects(case: Case):
    """An ``error`` case: the checker reports every expected diagnostic code."""
    _, error = _compiled(case.source, case.filename, case.modules)
    assert error is not None, f"expected {' '.join(case.expected)}, but the program checks"
    got = Counter(error.codes)
    want = Counter(case.expected)
    assert not (want - got), f"expected {' '.join(case.expected)}, got {' '.join(error.codes)}:\n{error.render()}"


def _outcome(prog, case: Case, backend: str) -> tuple:
    """("value", value, fuel) or ("fault", code, span, the trace's functions, message)."""
    try:
        res = prog.run(case.function, case.args, case.kwargs, limits=_limits(case), backend=backend)
    except seglam.Fault as fault:
        return ("fault", fault.code, fault.span, tuple(f.function for f in fault.trace), str(fault))
    return ("value", res.value, res.fuel_used)


def _expectation_problem(case: Case, outcome: tuple) -> str | None:
    if outcome[0] == "fault":
        if case.kind == "value":
            return f"expected {_show(case.expected)}, got fault {outcome[1]}: {outcome[4]}"
        return None if outcome[1] == case.expected else f"expected fault {case.expected}, got {outcome[1]}: {outcome[4]}"
    if case.kind == "fault":
        return f"expected fault {case.expected}, got {_show(outcome[1])}"
    return None if same_value(outcome[1], case.expected) else f"expected {_show(case.expected)}, got {_show(outcome[1])}"


RUN_CASES = [c for c in CASES if c.kind != "error" and set(BACKENDS) <= set(c.backends)]


@pytest.mark.parametrize("case", RUN_CASES, ids=_ids(RUN_CASES))
def test_seglam(case: Case):
    """The case once on each backend: each gives the expected value (equal types, all the way
    down) or fault code, and the two agree exactly. Fuel is part of the meaning (SPEC.md
    section 10: the same fault after the same number of steps), so both report the same fuel
    for a value, and the same code, source span and call trace for a fault."""
    prog, error = _compiled(case.source, case.filename, case.modules)
    assert error is None, f"the checker rejected an accepted program:\n{error.render()}"
    outcomes = {backend: _outcome(prog, case, backend) for backend in BACKENDS}
    problems = [f"{b}: {p}" for b, o in outcomes.items() if (p := _expectation_problem(case, o))]
    assert not problems, "\n".join(problems)
    compiled, reference = outcomes["compiled"], outcomes["reference"]
    if compiled[0] == "value":
        assert compiled[2] == reference[2], f"fuel: compiled {compiled[2]}, reference {reference[2]}"
    else:
        assert compiled[:4] == reference[:4], f"compiled {compiled[:4]}, reference {reference[:4]}"


def test_every_case_runs_somewhere():
    """No case is collected by none of the tests above (a case restricted to one backend
    would be)."""
    assert {c.id for c in CASES} == {c.id for c in CPYTHON_CASES + ERROR_CASES + RUN_CASES}


def test_limit_faults_are_seglam_only():
    assert LIMIT_FAULTS <= set(FAULT_CODES)
