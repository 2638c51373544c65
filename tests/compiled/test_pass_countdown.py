"""Golden before/after tests of the pass ``countdown``
(:mod:`seglam.run.codegen.passes.countdown`), and the fuel it leaves: the same steps, and
``F-FUEL`` at the same point, as the reference evaluator at every budget."""

from __future__ import annotations

import ast as py
import textwrap

import pytest

import seglam
from seglam.run.codegen.passes import countdown
from tests.compiled.passcheck import disagreements_at_every_budget, emitted, lifted, normalised


def _run_pass(before: str) -> str:
    loop = lifted(py.parse(textwrap.dedent(before)).body[0])
    return emitted(countdown.run(loop, lambda prefix: f"{prefix}1", "g_repeat", "g_length_hint", None))


def test_a_quiet_while_counts_down_an_iterator_of_its_fuel():
    before = """
        while u_i < u_n:
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            u_i += 1
        """
    after = """
        h_rep1 = g_repeat(None, h_f)
        while True:
            for h_x in h_rep1:
                if not u_i < u_n:
                    h_f = g_length_hint(h_rep1) + 1
                    break
                u_i += 1
            else:
                h_f = 0
                if u_i < u_n:
                    h_rep1 = g_repeat(None, h_ctx.refuel(-1) + 1)
                    continue
            break
        """
    assert _run_pass(before) == normalised(after)


def test_a_break_leaves_with_the_step_charged():
    before = """
        while u_i < u_n:
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            if u_i == 7:
                break
            u_i += 1
        """
    after = """
        h_rep1 = g_repeat(None, h_f)
        while True:
            for h_x in h_rep1:
                if not u_i < u_n:
                    h_f = g_length_hint(h_rep1) + 1
                    break
                if u_i == 7:
                    h_f = g_length_hint(h_rep1)
                    break
                u_i += 1
            else:
                h_f = 0
                if u_i < u_n:
                    h_rep1 = g_repeat(None, h_ctx.refuel(-1) + 1)
                    continue
            break
        """
    assert _run_pass(before) == normalised(after)


@pytest.mark.parametrize("before", [
    # a charge in the body
    """
    while u_i < u_n:
        h_f -= 1
        if h_f < 0:
            h_f = h_ctx.refuel(h_f)
        u_i += h_ch(3) or 1
    """,
    # a nested loop
    """
    while u_i < u_n:
        h_f -= 1
        if h_f < 0:
            h_f = h_ctx.refuel(h_f)
        for u_j in u_xs:
            u_i += u_j
    """,
    # an else clause
    """
    while u_i < u_n:
        h_f -= 1
        if h_f < 0:
            h_f = h_ctx.refuel(h_f)
        u_i += 1
    else:
        u_i = 0
    """,
])
def test_anything_else_is_left_as_it_is(before):
    assert _run_pass(before) == normalised(before)


_PROGRAM = """
def main(n: int) -> int:
    i = 0
    total = 0
    while i < n:
        if total > 40:
            break
        total += i
        i += 1
    return total
"""


@pytest.mark.parametrize("n", [0, 3, 12])
def test_the_pass_runs_on_generated_code_and_fuel_agrees_at_every_budget(n):
    program = seglam.compile(_PROGRAM, filename="countdown.sgl")
    assert "h_rep" in program.python_source("main")  # the loop counts down an iterator
    assert disagreements_at_every_budget(program, "main", (n,)) == []
