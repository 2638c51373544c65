"""A list display's items and the int cap (SPEC.md §10, :mod:`seglam.run.intcap`): in
``[n, n + 1, n + 2]`` each ``n ± c`` with a small literal is a small step, never checked, in
both backends (the display keeps it, but one such step grows an int by less than ``2 ** 16``,
so passing the cap that way takes about ``2 ** 65536`` steps); ``n + n`` in a display is
checked. Both backends agree at every fuel budget, and at int caps of 1 to 700 bits with
``n`` at, just below and just past the cap."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.limits import Limits
from tests.compiled.agree import outcomes
from tests.compiled.passcheck import disagreements_at_every_budget

SOURCE = """
def main(n: int) -> int:
    xs = [n, n + 1, n + 2]
    ys = [n + n, n - 3]
    t = 0
    for x in xs:
        t = t + x
    return len(xs) + xs[2] - ys[0] + t
"""


def test_small_steps_in_a_display_are_unchecked_and_a_wide_sum_is_checked():
    source = seglam.compile(SOURCE, filename="display.sgl").python_source("main")
    display = next(line for line in source.splitlines() if line.strip().startswith("u_xs ="))
    assert "u_n + 1, u_n + 2" in display and "int_cost" not in display
    ys = next(line for line in source.splitlines() if line.strip().startswith("u_ys ="))
    assert "int_cost(h_ctx, '+'" in ys  # n + n: checked


def test_fuel_agrees_at_every_budget():
    program = seglam.compile(SOURCE, filename="display.sgl")
    assert disagreements_at_every_budget(program, "main", (3,)) == []


@pytest.mark.parametrize("bits", [1, 2, 8, 30, 31, 64, 512, 513, 700])
def test_caps_agree_at_the_edge(bits):
    for n in (2 ** bits - 3, 2 ** bits - 1, 2 ** bits, -(2 ** bits), 2 ** (bits + 1)):
        compiled, reference = outcomes(SOURCE, "main", (n,), Limits(max_int_bits=bits))
        assert compiled == reference, (bits, n)
