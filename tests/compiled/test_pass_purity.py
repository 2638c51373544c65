"""Golden tests of the pass ``purity`` (:mod:`seglam.run.codegen.passes.purity`): which code
it calls pure (only the fuel markers can reach the fuel counter, every marker where ``:=`` is
legal), and that a pure loop of a generated program counts its fuel locally and agrees with
the reference evaluator at every budget."""

from __future__ import annotations

import ast as py
import textwrap

import pytest

import seglam
from seglam.run.codegen.passes.purity import Purity, has_step_marker
from tests.compiled.passcheck import disagreements_at_every_budget, lifted

_PURITY = Purity(safe=lambda name: name == "g_len", subscripts_may_charge=False)


def _pure(source: str, purity: Purity = _PURITY) -> bool:
    return purity.pure(lifted(py.parse(textwrap.dedent(source))))


@pytest.mark.parametrize("source", [
    "u_t += u_x * 2",
    "h_ch(3) or u_s.upper()",  # a charge marker and an allow-listed native method
    "h_cx(g_len(u_s))",  # an allow-listed native global
    "[u_x for u_x in u_xs if h_ctk()]",
    "u_f = lambda u_x: u_g(u_x)",  # created, not called
    "h_ctx.fuel < 0 and h_ctx.out_of_fuel()",
    "(h_f := h_f - 3) < 0 and (h_f := h_ctx.refuel(h_f)) < 0",
    "u_d[u_k]",
])
def test_code_that_only_the_markers_can_charge_is_pure(source):
    assert _pure(source)


@pytest.mark.parametrize("source", [
    "u_t += u_f(u_x)",  # a Seglam call
    "g_sorted(h_ctx, u_xs)",  # a global not allow-listed
    "u_s.frobnicate()",  # a method not allow-listed
    "h_ctx.charge(3)",  # the context, other than its fault
    "[u_x for u_x in h_ch(3) or u_s]",  # a charge in a comprehension iterable
    "[u_x for u_x in [u_y for u_y in u_s if h_ctk()]]",  # a marker in a comprehension iterable
    "[u_x for u_x in (h_t := u_s)]",  # := in a comprehension iterable
    "(u_x for u_x in u_s)",  # a generator runs later
    "try:\n    u_t = 1\nexcept Exception:\n    pass",  # could catch the fault
    "def u_f():\n    pass",
])
def test_code_that_may_reach_the_fuel_counter_otherwise_is_not_pure(source):
    assert not _pure(source)


def test_an_item_read_is_not_pure_where_a_defaultdict_factory_could_run():
    assert not _pure("u_d[u_k]", Purity(safe=lambda name: False, subscripts_may_charge=True))
    assert _pure("u_d[u_k] = 1", Purity(safe=lambda name: False, subscripts_may_charge=True))


def test_a_comprehension_counts_when_it_holds_a_step_marker():
    assert has_step_marker(lifted(py.parse("[u_x for u_x in u_xs if h_ctk()]")))
    assert not has_step_marker(py.parse("[u_x for u_x in u_xs]"))


_PROGRAM = """
def main(xs: list[int], k: int) -> int:
    total = 0
    for x in xs:
        if x > k:
            break
        total += x
    return total + helper(total)

def helper(n: int) -> int:
    return n * 2
"""


@pytest.mark.parametrize("xs, k", [([], 1), ([1, 2, 3], 9), ([1, 5, 2], 3)])
def test_a_pure_loop_of_an_impure_function_counts_locally_and_fuel_agrees_at_every_budget(xs, k):
    program = seglam.compile(_PROGRAM, filename="purity.sgl")
    source = program.python_source("main")
    assert "h_f = h_ctx.fuel" in source and "h_next(h_ctx.ticks, False) or h_ctx.refill()" in source  # the loop local, the call step not
    assert disagreements_at_every_budget(program, "main", (xs, k)) == []
