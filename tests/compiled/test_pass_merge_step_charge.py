"""Golden before/after tests of the pass ``merge_step_charge``
(:mod:`seglam.run.codegen.passes.merge_step_charge`), and the fuel it leaves: the same steps,
and ``F-FUEL`` at the same point, as the reference evaluator at every budget."""

from __future__ import annotations

import ast as py
import textwrap

import pytest

import seglam
from seglam.run.codegen.passes import merge_step_charge
from tests.compiled.passcheck import disagreements_at_every_budget, emitted, lifted, normalised


def _run_pass(before: str) -> str:
    tree = lifted(py.parse(textwrap.dedent(before)))
    merge_step_charge.run(tree.body[0])
    return emitted(tree)


def test_a_constant_charge_first_in_the_body_joins_the_step():
    before = """
        for u_ch in h_it1:
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            if h_ch(3) or u_ch in '([{':
                u_n += 1
        """
    after = """
        for u_ch in h_it1:
            h_f -= 2
            if h_f < 0:
                h_f += 1
                if h_f < 0:
                    h_f = h_ctx.refuel(h_f)
                h_f -= 1
                if h_f < 0:
                    h_f = h_ctx.refuel(h_f)
            if u_ch in '([{':
                u_n += 1
        """
    assert _run_pass(before) == normalised(after)


def test_a_charge_of_many_bulk_units_joins_with_its_whole_cost():
    before = """
        while u_i < u_n:
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            u_k = not (h_ch(20) or u_s.isdigit())
        """
    after = """
        while u_i < u_n:
            h_f -= 4
            if h_f < 0:
                h_f += 3
                if h_f < 0:
                    h_f = h_ctx.refuel(h_f)
                h_f -= 3
                if h_f < 0:
                    h_f = h_ctx.refuel(h_f)
            u_k = not u_s.isdigit()
        """
    assert _run_pass(before) == normalised(after)


@pytest.mark.parametrize("before", [
    # the cost is not a constant (the length of a name)
    """
    for u_ch in h_it1:
        h_f -= 1
        if h_f < 0:
            h_f = h_ctx.refuel(h_f)
        if h_ch(g_4_len(u_s)) or u_ch in u_s:
            u_n += 1
    """,
    # something that may fault is evaluated before the charge
    """
    for u_ch in h_it1:
        h_f -= 1
        if h_f < 0:
            h_f = h_ctx.refuel(h_f)
        if u_f(u_ch) and (h_ch(3) or u_ch in '([{'):
            u_n += 1
    """,
    # the body does not start with the step
    """
    for u_ch in h_it1:
        u_n += 1
        if h_f < 0:
            h_f = h_ctx.refuel(h_f)
        if h_ch(3) or u_ch in '([{':
            u_n += 1
    """,
])
def test_anything_else_is_left_as_it_is(before):
    assert _run_pass(before) == normalised(before)


_PROGRAM = """
def main(s: str) -> int:
    n = 0
    for ch in s:
        if ch in "([{":
            n += 1
    return n
"""


def test_the_pass_runs_on_generated_code_and_fuel_agrees_at_every_budget():
    program = seglam.compile(_PROGRAM, filename="brackets.sgl")
    assert "h_f -= 2" in program.python_source("main")  # the merged step and charge
    text = "a(b[c{d" * 3
    assert disagreements_at_every_budget(program, "main", (text,)) == []
