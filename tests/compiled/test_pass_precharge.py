"""Golden before/after tests of the pass ``precharge``
(:mod:`seglam.run.codegen.passes.precharge`), and the fuel it leaves: the same steps, and
``F-FUEL`` at the same point, as the reference evaluator at every budget."""

from __future__ import annotations

import pytest

import seglam
from tests.compiled.passcheck import (as_emitted, disagreements_at_every_budget, normalised, precharged,
                                      precharged_comprehension)


def test_a_quiet_loop_over_a_range_charges_its_steps_up_front_when_the_fuel_covers_them():
    before = """
        for u_i in g_range(u_n):
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            u_t += u_i
        """
    after = """
        if (h_n := (h_it1a if (h_it1 := g_range((h_it1a := u_n))) is not None and h_it1a > 0 else 0)) <= h_f:
            h_f -= h_n
            for u_i in h_it1:
                u_t += u_i
        else:
            for u_i in h_it1:
                h_f -= 1
                if h_f < 0:
                    h_f = h_ctx.refuel(h_f)
                u_t += u_i
        """
    assert precharged(before, "sized_len") == normalised(after)


def test_the_fast_copy_leaves_out_the_cap_checks_the_room_test_makes_redundant():
    before = """
        for u_c in u_s:
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            u_out.append(u_c)
            if g_len(u_out) > h_clim:
                g_len_fault(h_ctx, g_len(u_out))
        """
    after = """
        if (h_n := g_len((h_it1 := u_s))) <= h_f and g_len(u_out) + 1 * h_n <= h_clim:
            h_f -= h_n
            for u_c in h_it1:
                u_out.append(u_c)
        else:
            for u_c in h_it1:
                h_f -= 1
                if h_f < 0:
                    h_f = h_ctx.refuel(h_f)
                u_out.append(u_c)
                if g_len(u_out) > h_clim:
                    g_len_fault(h_ctx, g_len(u_out))
        """
    assert precharged(before, "len") == normalised(after)


def test_work_on_large_values_is_charged_from_the_fuel_left_and_the_rest_resumes_counting():
    before = """
        for u_i in u_xs:
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            u_t = h_cx(g_int_cost(u_t)) or u_t * u_i
        """
    after = """
        if (h_n := g_len((h_it1 := u_xs))) <= h_f:
            h_f -= h_n
            h_it1i = g_iter(h_it1)
            for u_i in h_it1i:
                u_t = (h_f := g_prespent(h_ctx, h_f, g_int_cost(u_t), h_it1i)) is None or u_t * u_i
            if h_ctx.resume is not None:
                h_it1i = h_ctx.resume
                h_ctx.resume = None
                for u_i in h_it1i:
                    h_f -= 1
                    if h_f < 0:
                        h_f = h_ctx.refuel(h_f)
                    u_t = h_cx(g_int_cost(u_t)) or u_t * u_i
        else:
            for u_i in h_it1:
                h_f -= 1
                if h_f < 0:
                    h_f = h_ctx.refuel(h_f)
                u_t = h_cx(g_int_cost(u_t)) or u_t * u_i
        """
    assert precharged(before, "len") == normalised(after)


def test_a_quiet_comprehension_charges_its_steps_up_front_and_counts_over_the_same_iterable_otherwise():
    before = "[u_x * 2 for u_x in g_range(u_a, u_b) if h_ctk()]"
    after = ("[u_x * 2 for u_x in h_it1] if (h_n := (h_it1b - h_it1a if (h_it1 := g_range((h_it1a := u_a), "
             "(h_it1b := u_b))) is not None and h_it1b > h_it1a else 0)) <= h_f and (h_f := (h_f - h_n)) is not None "
             "else [u_x * 2 for u_x in h_it1 if h_next(h_ctx.ticks, False) or h_ctx.refill()]")
    assert precharged_comprehension(before, "sized_len") == normalised(after)


@pytest.mark.parametrize("before, sized", [
    # not sized
    ("""
    for u_x in u_it:
        h_f -= 1
        if h_f < 0:
            h_f = h_ctx.refuel(h_f)
        u_t += u_x
    """, None),
    # may leave early
    ("""
    for u_x in u_s:
        h_f -= 1
        if h_f < 0:
            h_f = h_ctx.refuel(h_f)
        if u_x == 'a':
            break
    """, "len"),
    # charges
    ("""
    for u_x in u_s:
        h_f -= 1
        if h_f < 0:
            h_f = h_ctx.refuel(h_f)
        u_t = h_ch(3) or u_x
    """, "len"),
    # an else clause
    ("""
    for u_x in u_s:
        h_f -= 1
        if h_f < 0:
            h_f = h_ctx.refuel(h_f)
        u_t += 1
    else:
        u_t = 0
    """, "len"),
])
def test_anything_else_is_left_as_it_is(before, sized):
    assert precharged(before, sized) == normalised(before)


@pytest.mark.parametrize("before, sized", [
    ("[u_x * 2 for u_x in u_it if h_ctk()]", None),  # not sized
    ("[u_x * 2 for u_x in u_s if h_ctk() for u_y in u_s if h_ctk()]", "len"),  # two clauses
    ("[[u_y for u_y in u_x] for u_x in u_s if h_ctk()]", "len"),  # a nested loop: not quiet
])
def test_any_other_comprehension_is_left_as_it_is(before, sized):
    assert precharged_comprehension(before, sized) == as_emitted(before)


_PROGRAMS = {  # name -> (program, what its precharged loop emits)
    "loop": ("""
def main(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i * i * i * i * i * i * i * i * i * i * i
    return total
""", "h_f -= h_n"),
    "comprehension": ("""
def main(n: int) -> list[int]:
    return [i * 3 for i in range(n)]
""", "(h_f := (h_f - h_n)) is not None"),
}


@pytest.mark.parametrize("name", sorted(_PROGRAMS))
@pytest.mark.parametrize("n", [0, 3, 9])
def test_the_pass_runs_on_generated_code_and_fuel_agrees_at_every_budget(name, n):
    source, precharged = _PROGRAMS[name]
    program = seglam.compile(source, filename="precharge.sgl")
    assert precharged in program.python_source("main")
    assert disagreements_at_every_budget(program, "main", (n,)) == []
