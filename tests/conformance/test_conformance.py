"""The language conformance suite: every case against CPython (the oracle) and both Seglam backends.

One pytest id per case and backend: ``test_cpython[file::title]``,
``test_seglam[compiled-file::title]``. See ``cases.py`` for the case format.
"""

from __future__ import annotations

import functools
from collections import Counter

import pytest

from seglam.check.diagnostics import DIAGNOSTIC_CODES
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
            case.source, case.function, case.args, case.kwargs, filename=case.filename
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


# ---- Seglam: both backends ----------------------------------------------------------------------


def _seglam():
    try:
        import seglam
    except ImportError:  # pragma: no cover
        pytest.skip("seglam is not importable")
    if not callable(getattr(seglam, "compile", None)):
        pytest.skip("seglam.compile does not exist yet")
    return seglam


@functools.lru_cache(maxsize=None)
def _compiled(source: str, filename: str):
    """(program, None) or (None, CheckError); one compile per case per worker."""
    seglam = _seglam()
    try:
        return seglam.compile(source, filename=filename), None
    except seglam.CheckError as exc:
        return None, exc
    except NotImplementedError as exc:
        pytest.skip(f"not implemented yet: {exc}")


#: Short limit names allowed in ``--- limits`` sections, mapped to ``seglam.Limits`` fields.
_LIMIT_ALIASES = {
    "depth": "max_depth",
    "int_bits": "max_int_bits",
    "str_len": "max_str_len",
    "collection_len": "max_collection_len",
}


def _call(seglam, prog, case: Case, backend: str):
    limits = None
    if case.limits:
        limits = seglam.Limits(**{_LIMIT_ALIASES.get(k, k): v for k, v in case.limits.items()})
    return prog.run(case.function, case.args, case.kwargs, limits=limits, backend=backend).value


SEGLAM_PARAMS = [
    pytest.param(backend, case, id=f"{backend}-{case.id}")
    for case in CASES
    for backend in BACKENDS
    if backend in case.backends
]


@pytest.mark.parametrize("backend,case", SEGLAM_PARAMS)
def test_seglam(backend: str, case: Case):
    seglam = _seglam()
    prog, error = _compiled(case.source, case.filename)
    if case.kind == "error":
        assert error is not None, f"expected {' '.join(case.expected)}, but the program checks"
        got = Counter(error.codes)
        want = Counter(case.expected)
        assert not (want - got), (
            f"expected {' '.join(case.expected)}, got {' '.join(error.codes)}:\n{error.render()}"
        )
        return
    if error is not None:
        pytest.fail(f"the checker rejected an accepted program:\n{error.render()}")
    try:
        value = _call(seglam, prog, case, backend)
    except NotImplementedError as exc:
        pytest.skip(f"{backend} backend not implemented yet: {exc}")
    except seglam.Fault as fault:
        if case.kind == "value":
            pytest.fail(f"expected {_show(case.expected)}, got fault {fault}")
        assert fault.code == case.expected, str(fault)
        return
    if case.kind == "fault":
        pytest.fail(f"expected fault {case.expected}, got {_show(value)}")
    assert same_value(value, case.expected), f"expected {_show(case.expected)}, got {_show(value)}"


def test_limit_faults_are_seglam_only():
    assert LIMIT_FAULTS <= set(FAULT_CODES)


# ---- the two backends agree with each other, step for step ------------------------------------

AGREE_CASES = [c for c in CASES if c.kind != "error" and set(BACKENDS) <= set(c.backends)]


@pytest.mark.parametrize("case", AGREE_CASES, ids=_ids(AGREE_CASES))
def test_backends_agree_on_fuel_and_fault_position(case: Case):
    """Fuel is part of the meaning (SPEC.md section 10: the same fault after the same number
    of steps), so both backends must report the same fuel for a value and the same code and
    source position for a fault."""
    seglam = _seglam()
    prog, error = _compiled(case.source, case.filename)
    if error is not None:
        pytest.skip("rejected by the checker (test_seglam reports it)")
    limits = None
    if case.limits:
        limits = seglam.Limits(**{_LIMIT_ALIASES.get(k, k): v for k, v in case.limits.items()})
    outcomes = {}
    for backend in BACKENDS:
        try:
            res = prog.run(case.function, case.args, case.kwargs, limits=limits, backend=backend)
            outcomes[backend] = ("value", res.fuel_used)
        except NotImplementedError as exc:
            pytest.skip(f"{backend} backend not implemented yet: {exc}")
        except seglam.Fault as fault:
            span = (fault.span.line, fault.span.col) if fault.span else None
            outcomes[backend] = ("fault", fault.code, span)
    assert outcomes["compiled"] == outcomes["reference"], outcomes
