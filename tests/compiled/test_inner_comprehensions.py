"""A comprehension whose own steps cannot be charged up front (its element or a condition
holds a loop, so it is not quiet) still has the comprehensions inside its element and
conditions charged up front where the pass ``precharge`` can
(:meth:`seglam.run.codegen.fuel.Localizer._precharge_inner`): each is evaluated whole where
it stands, counting in the same local fuel. Both backends at every fuel budget, in a
function that counts all its fuel locally and in one that calls others."""

from __future__ import annotations

import pytest

import seglam
from tests.compiled.passcheck import disagreements_at_every_budget

_BODIES = {  # name -> (expression over rows: list[list[int]], how many comprehensions are charged up front)
    "an inner comprehension in the element": ("[[x * 3 for x in r] for r in rows]", 1),
    "a zip in a generator's sum": ("[[sum(a * b for a, b in zip(r, s)) for s in rows] for r in rows]", 1),
    "an inner comprehension in a condition": ("[r for r in rows if len([x for x in r if x > 1]) > 1]", 1),
    "a dict's value": ("{i: [x * x for x in r] for i, r in enumerate(rows)}", 1),
    "big ints inside": ("[sum([x * 10 ** 40 * x for x in r]) for r in rows]", 1),
}


def _program(expression: str, leaf: bool) -> str:
    rows = "[[(i * j) % 5 for j in range(n)] for i in range(n)]"
    call = "" if leaf else "    k = len(str(n))\n"  # str(): a stdlib call, so the function is no leaf
    return f"""
def main(n: int) -> int:
    rows = {rows}
{call}    return len(str({expression}))
"""


@pytest.mark.parametrize("leaf", [True, False])
@pytest.mark.parametrize("name", sorted(_BODIES))
def test_fuel_agrees_at_every_budget(name, leaf):
    program = seglam.compile(_program(_BODIES[name][0], leaf), filename="inner.sgl")
    assert disagreements_at_every_budget(program, "main", (3,)) == []


@pytest.mark.parametrize("name", sorted(_BODIES))
def test_the_inner_comprehension_is_charged_up_front(name):
    expression, inner = _BODIES[name]
    text = seglam.compile(_program(expression, True), filename="inner.sgl").python_source("main")
    # the rows' own inner comprehension, and the expression's
    assert text.count("(h_f := (h_f - h_n)) is not None") >= 1 + inner
