"""``F-FUEL`` in the step of a generator expression is located at the call that drives it
(``sum(...)``, ``sorted(...)``), as the reference evaluator locates it, also when the
generator runs inside another comprehension or generator: the frame of a comprehension
that is running an inner one stands at the inner one's line, which is not its own step
(:func:`seglam.run.codegen.locate.to_fault`). Both backends at every fuel budget."""

from __future__ import annotations

import pytest

import seglam
from tests.compiled.passcheck import disagreements_at_every_budget

EXPRESSIONS = [
    "sum(x for x in (y * 2 for y in rows[0]))",  # chained generators, driven by one call
    "[sum(a for a in r) for r in rows]",
    "[min(a for a in r) for r in rows]",
    "[sorted(a for a in r) for r in rows]",
    "[list(a for a in r) for r in rows]",
    "[[sum(a for a in r)] for r in rows]",
    "[sum(x for x in (y * 2 for y in r)) for r in rows]",
    "sum(sum(a for a in r) for r in rows)",
    "[[sum(a for a in r) for r in rows] for _ in rows]",
    "[sum(a for a in r) for r in rows if sum(b for b in r) > 0]",
    "sorted(rows, key=lambda r: sum(a for a in r))",
    "{i: max(a for a in r) for i, r in enumerate(rows)}",
    "[any(a > 3 for a in r) and all(a < 9 for a in r) for r in rows]",
]


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_a_generator_step_faults_where_the_reference_says(expression):
    source = f"""
def main(n: int) -> int:
    rows = [[(i * j) % 5 for j in range(n)] for i in range(n)]
    return len(str({expression}))
"""
    program = seglam.compile(source, filename="nested.sgl")
    assert disagreements_at_every_budget(program, "main", (3,)) == []
