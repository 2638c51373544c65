"""The family programs (stdlib/families/*.sgl) on the reference backend: every module-level
example (``assert f(x) == y``) holds, as it does under CPython."""

from __future__ import annotations

from pathlib import Path

import pytest

import seglam
from seglam.program.library import imported_modules

from seglam.run.faults import Fault
from seglam.run.limits import Limits
from seglam.syntax.lower import parse
from tests.run.helpers import backend

FAMILIES = sorted((Path(__file__).resolve().parents[2] / "stdlib" / "families").glob("*.sgl"))


@pytest.mark.parametrize("path", FAMILIES, ids=[p.stem for p in FAMILIES])
def test_family_examples_hold(path):
    source = path.read_text(encoding="utf-8")
    if imported_modules(parse(source)):
        # a family over the Seglam library (`from dates import shift`) is linked with the
        # modules it imports by the real front end, then run on the reference backend
        program = seglam.load(path)
        examples, run = program.checked.examples, lambda test: program.eval_expr(test, backend="reference")
    else:
        b = backend(source)
        examples, run = b.checked.examples, lambda test: b.eval_expr(test, Limits())
    assert examples, "a family states its examples (module-level asserts)"
    for example in examples:
        try:
            value = run(example.test).value
        except Fault as fault:
            pytest.fail(f"line {example.span.line}: {fault}")
        assert value, f"example on line {example.span.line} does not hold"
