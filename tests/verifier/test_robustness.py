"""Every program of the conformance suite is hostile input for the verifier: a sample of
them must verify without an exception, within budget, and with no Z3 proof that a concrete
run contradicts (that would be an encoding bug)."""

from __future__ import annotations

import pytest

import seglam

from seglam.verifier.api import make_options, verify_loaded
from seglam.verifier.load import load_program

from tests.conformance.cases import load_cases

SAMPLE = 48


def _sample():
    cases = [c for c in load_cases() if c.kind != "error"]
    step = max(len(cases) // SAMPLE, 1)
    return cases[::step][:SAMPLE]


@pytest.mark.parametrize("case", _sample(), ids=lambda c: c.id)
def test_conformance_program_verifies_cleanly(case):
    loaded = load_program(seglam.compile(case.source, "case.sgl", modules=dict(case.modules)) if case.modules
                          else case.source, "case.sgl")
    assert loaded.error is None, loaded.error
    report = verify_loaded(loaded, make_options(max_examples=5, timeout=30.0, budget=500_000))
    for r in report.results:
        assert "encoding bug" not in " ".join(r.notes), r
        assert r.verdict in ("proved", "proved for len <= K", "refuted", "unknown")
        if r.verdict == "refuted" and r.severity == "error" and r.kind not in ("example", "precondition"):
            assert r.counterexample, r
