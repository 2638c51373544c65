"""The compiled backend agrees with the reference backend on every conformance case when the
program comes through the type-less stand-in checker (every operation on the generic path):
the same value, or the same fault code at the same span with the same trace, and the same
fuel. Through the real checker (the typed fast paths), ``tests/conformance/test_conformance.py``
(``test_seglam``) checks the same agreement on every case.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from seglam.run.compiled import CompiledBackend
from seglam.run.evaluator import ReferenceBackend
from seglam.run.faults import Fault
from seglam.run.limits import Limits
from seglam.run.values import freeze, thaw
from tests.compiled.stubcheck import stub_check
from tests.conformance.cases import load_cases, same_value

_BY_FILE: dict[str, list] = defaultdict(list)
for _case in load_cases():
    if _case.kind != "error":
        _BY_FILE[_case.file].append(_case)
FILES = sorted(_BY_FILE)


def _limits(case) -> Limits:
    names = {"depth": "max_depth", "fuel": "fuel"}
    return Limits(**{names.get(k, k): v for k, v in case.limits.items()})


def _outcome(run) -> tuple:
    try:
        result = run()
    except Fault as fault:
        return ("fault", fault.code, fault.span, tuple(f.function for f in fault.trace))
    return ("value", thaw(result.value), result.fuel_used)


def _same(a: tuple, b: tuple) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "value":
        return same_value(a[1], b[1]) and a[2] == b[2]
    return a[1:] == b[1:]


@pytest.mark.parametrize("file", FILES)
def test_compiled_agrees_with_reference_without_static_types(file: str):
    mismatches = []
    for case in _BY_FILE[file]:
        checked = stub_check(case.source, case.filename, modules=dict(case.modules))
        limits = _limits(case)
        args = tuple(freeze(a) for a in case.args)
        kwargs = {k: freeze(v) for k, v in case.kwargs.items()}
        compiled = _outcome(lambda: CompiledBackend(checked, case.filename).run(case.function, args, kwargs, limits))
        reference = _outcome(lambda: ReferenceBackend(checked, case.filename).run(case.function, args, kwargs, limits))
        if not _same(compiled, reference):
            mismatches.append(f"{case.title}: compiled={compiled} reference={reference}")
    assert not mismatches, "\n".join(mismatches)
