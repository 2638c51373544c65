"""``-1``, ``~0``: the negation or inversion of an int literal of at most SMALL_BITS bits is a
constant (``stdlib.unary_cost`` is 0 below that, whatever the caps, and neither operator
checks a cap: :func:`seglam.run.codegen.sizework.unary`); a longer literal keeps its charge.
Both backends agree at every fuel budget and under small int caps."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.limits import Limits
from tests.compiled.agree import outcomes
from tests.compiled.passcheck import disagreements_at_every_budget

SOURCE = """
def main(n: int) -> int:
    xs = [n, n + 1, n + 2]
    t = xs[-1] + (~0) * xs[-2]
    for i in range(n, -1, -1):
        t += i * -2
    return t + abs(-3) - (-(2 ** 600) // 2 ** 599)
"""


def test_a_small_literal_is_negated_as_a_constant():
    source = seglam.compile(SOURCE, filename="neg.sgl").python_source("main")
    assert "u_xs[-1]" in source and "u_xs[-2]" in source and "(u_n, -1, " in source
    assert "unary_cost(" in source  # kept for -(2 ** 600), which is no literal


def test_fuel_agrees_at_every_budget():
    program = seglam.compile(SOURCE, filename="neg.sgl")
    assert disagreements_at_every_budget(program, "main", (3,)) == []


@pytest.mark.parametrize("bits", [1, 2, 8, 64, 700])
def test_small_int_caps_agree(bits):
    compiled, reference = outcomes(SOURCE, "main", (3,), Limits(max_int_bits=bits))
    assert compiled == reference
