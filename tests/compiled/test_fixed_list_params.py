"""A loop over a list parameter the function never rebinds charges its steps up front, as a
loop over a string or tuple does (the list is frozen on entry, or only read and reachable by
nothing that could grow it): the same values, fuel and faults as the reference evaluator."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.limits import Limits
from tests.compiled.agree import outcomes

SOURCE = """def total(xs: list[int]) -> int:
    t = 0
    for x in xs:
        if x % 3 == 0:
            t += x * x
    return t


def rows(grid: list[list[int]]) -> int:
    best = 0
    for row in grid:
        best = max(best, sum(row))
    return best


def rebound(xs: list[int]) -> int:
    n = 0
    for x in xs:
        n += x
    xs = [1, 2]
    return n + len(xs)


def main(xs: list[int], grid: list[list[int]], big: int) -> int:
    return total(xs) + rows(grid) + rebound(xs) + total([big, big * big])
"""
XS = [i * 7 % 19 for i in range(40)]
GRID = [[i + j for j in range(5)] for i in range(6)]


@pytest.mark.parametrize("fuel", [10, 30, 45, 60, 120, 200, 10**6])
@pytest.mark.parametrize("big", [3, 2**40, 2**600 * 3])
def test_loops_over_list_parameters_agree_with_the_reference(fuel, big):
    limits = Limits(fuel=fuel)
    args = (XS, GRID, big)
    compiled, reference = outcomes(SOURCE, "main", args, limits)
    assert compiled == reference


def test_parameters_never_rebound_are_charged_up_front():
    # (a rebound one is too, since its loop changes no collection: a held list's loop,
    # tests/compiled/test_unmutated_clauses.py)
    prog = seglam.compile(SOURCE)
    assert "h_n := " in prog.python_source("total")
    assert "h_n := " in prog.python_source("rebound")
