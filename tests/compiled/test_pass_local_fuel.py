"""Golden before/after tests of the pass ``local_fuel``
(:mod:`seglam.run.codegen.passes.local_fuel`), and the fuel it leaves: the same steps, and
``F-FUEL`` at the same point, as the reference evaluator at every budget."""

from __future__ import annotations

import ast as py
import textwrap

import pytest

import seglam
from seglam.run.codegen.passes.local_fuel import Charges, Region, counted_comprehension, enter, leave
from tests.compiled.passcheck import disagreements_at_every_budget, emitted, lifted, normalised


def _region(before: str) -> py.stmt:
    loop = lifted(py.parse(textwrap.dedent(before)).body[0])
    return py.Module(body=[enter(loop), Region().visit(loop), leave(loop)], type_ignores=[])


def _run_pass(before: str) -> str:
    """The whole pass, with no loop pass between its two steps."""
    return emitted(Charges().visit(_region(before)))


def test_the_step_and_the_charges_of_a_region_become_arithmetic_on_h_f():
    before = """
        for u_c in u_s:
            h_next(h_ctx.ticks, False) or h_ctx.refill()
            u_n += h_ch(g_len(u_c)) or u_c.count('a')
        """
    after = """
        h_f = h_ctx.fuel
        for u_c in u_s:
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            u_n += (h_f := (-1 - g_len(u_c) // 8 + h_f)) < 0 and (h_f := h_ctx.refuel(h_f)) < 0 or u_c.count('a')
        h_ctx.fuel = h_f
        """
    assert _run_pass(before) == normalised(after)


def test_the_charges_stay_markers_for_the_loop_passes_until_the_last_step():
    before = """
        while u_i < u_n:
            h_next(h_ctx.ticks, False) or h_ctx.refill()
            u_t = h_cx(g_int_cost(u_t)) or u_t * u_t
        """
    region = """
        h_f = h_ctx.fuel
        while u_i < u_n:
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            u_t = h_cx(g_int_cost(u_t)) or u_t * u_t
        h_ctx.fuel = h_f
        """
    after = """
        h_f = h_ctx.fuel
        while u_i < u_n:
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            u_t = (h_f := (-g_int_cost(u_t) + h_f)) < 0 and (h_f := h_ctx.refuel(h_f)) < 0 or u_t * u_t
        h_ctx.fuel = h_f
        """
    assert emitted(_region(before)) == normalised(region)
    assert _run_pass(before) == normalised(after)


def test_a_return_writes_h_f_back_after_its_value_and_a_lambda_keeps_the_context_counter():
    before = """
        for u_x in u_xs:
            h_next(h_ctx.ticks, False) or h_ctx.refill()
            if u_x > 3:
                return u_x + h_ch(5)
            u_k = lambda: h_ch(1)
        """
    after = """
        h_f = h_ctx.fuel
        for u_x in u_xs:
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            if u_x > 3:
                h_r = u_x + ((h_f := (-1 - 5 // 8 + h_f)) < 0 and (h_f := h_ctx.refuel(h_f)) < 0)
                h_ctx.fuel = h_f
                return h_r
            u_k = lambda: h_ch(1)
        h_ctx.fuel = h_f
        """
    assert _run_pass(before) == normalised(after)


def test_a_counted_comprehension_takes_its_steps_from_a_snapshot_written_back_after_it():
    comp = lifted(py.parse("[u_x for u_x in u_xs if h_ctk()]").body[0].value)
    out = counted_comprehension(comp, Charges().visit(comp), "g_fuel_fin")
    assert emitted(out) == normalised(
        "g_fuel_fin(h_ctx, (h_f := h_ctx.fuel), [u_x for u_x in u_xs if (h_f := (h_f - 1)) >= 0 "
        "or (h_f := h_ctx.refuel(h_f)) >= 0], h_f)")


_PROGRAMS = {  # name -> (program, what its local count emits)
    "leaf": ("""
def main(s: str) -> int:
    n = 0
    for c in s:
        if c == "x":
            return n
        n += s.count(c)
    return n
""", "h_ctx.fuel = h_f\n            return u_n"),
    "comprehension": ("""
def main(s: str) -> list[int]:
    return [s.count(c) for c in s if c != "x"] + tail(s)

def tail(s: str) -> list[int]:
    return [len(s)]
""", "fuel_fin(h_ctx, (h_f := h_ctx.fuel), ["),
}


@pytest.mark.parametrize("name", sorted(_PROGRAMS))
@pytest.mark.parametrize("s", ["", "abca", "abxc", "a" * 20])
def test_the_pass_runs_on_generated_code_and_fuel_agrees_at_every_budget(name, s):
    source, counted = _PROGRAMS[name]
    program = seglam.compile(source, filename="local_fuel.sgl")
    assert counted in program.python_source("main")
    assert disagreements_at_every_budget(program, "main", (s,)) == []
