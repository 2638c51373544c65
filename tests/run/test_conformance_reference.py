"""The conformance suite on the reference backend alone, with a stand-in for the checker
(tests/run/helpers.py: no static types), so the runtime is tested while the checker is
being built. Values are thawed like the host API would (frozen → plain)."""

from __future__ import annotations

import pytest

from seglam.check.diagnostics import CheckError
from seglam.run.faults import Fault
from seglam.run.limits import Limits
from seglam.run.values import thaw
from tests.conformance.cases import load_cases, same_value
from tests.run.helpers import backend

_ALIASES = {"depth": "max_depth", "int_bits": "max_int_bits", "str_len": "max_str_len",
            "collection_len": "max_collection_len"}

CASES = [c for c in load_cases() if c.kind != "error" and "reference" in c.backends]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_reference(case):
    try:
        b = backend(case.source)
    except CheckError:
        pytest.skip("does not parse")
    limits = Limits(**{_ALIASES.get(k, k): v for k, v in case.limits.items()}) if case.limits else Limits()
    try:
        value = thaw(b.run(case.function, case.args, case.kwargs, limits).value)
    except Fault as fault:
        assert case.kind == "fault", f"expected {case.expected!r}, got fault {fault}"
        assert fault.code == case.expected, str(fault)
        return
    assert case.kind == "value", f"expected fault {case.expected}, got {value!r}"
    assert same_value(value, case.expected), f"expected {case.expected!r}, got {value!r}"
