"""The family programs (stdlib/families/*.sgl) on the reference backend: every module-level
example (``assert f(x) == y``) holds, as it does under CPython."""

from __future__ import annotations

from pathlib import Path

import pytest

from seglam.run.faults import Fault
from seglam.run.limits import Limits
from tests.run.helpers import backend

FAMILIES = sorted((Path(__file__).resolve().parents[2] / "stdlib" / "families").glob("*.sgl"))


@pytest.mark.parametrize("path", FAMILIES, ids=[p.stem for p in FAMILIES])
def test_family_examples_hold(path):
    b = backend(path.read_text(encoding="utf-8"))
    examples = b.checked.examples
    assert examples, "a family states its examples (module-level asserts)"
    for example in examples:
        try:
            value = b.eval_expr(example.test, Limits()).value
        except Fault as fault:
            pytest.fail(f"line {example.span.line}: {fault}")
        assert value, f"example on line {example.span.line} does not hold"
