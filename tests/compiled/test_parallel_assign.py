"""``a, b = b, a % b`` is compiled as Python's own parallel assignment (no tuple built): the
same values, fuel and faults as the reference evaluator, including the collection cap of
the tuple the reference builds (a toy cap below the number of items) and a fault while an
item is evaluated."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.limits import Limits
from tests.compiled.agree import outcomes

SOURCE = """def gcd(a: int, b: int) -> int:
    while b != 0:
        a, b = b, a % b
    return a


def fib(n: int) -> int:
    a, b, c = 0, 1, 0
    for _ in range(n):
        a, b, c = b, a + b, c + 1
    return a * 1000 + c


def swap(x: int, y: int) -> int:
    x, y = y, x
    x, y = y, 10 // y
    return x * 100 + y


def main(n: int, d: int) -> int:
    return gcd(n * 12, 360) + fib(n) + swap(n, d)
"""


@pytest.mark.parametrize("args", [(7, 3), (30, 1), (0, 5), (5, 0)])
@pytest.mark.parametrize("limits", [
    Limits(), Limits(max_collection_len=1), Limits(max_collection_len=2), Limits(fuel=40), Limits(fuel=95),
    Limits(max_int_bits=16),
])
def test_parallel_assignment_agrees_with_the_reference(args, limits):
    compiled, reference = outcomes(SOURCE, "main", args, limits)
    assert compiled == reference


def test_the_cap_fault_names_the_tuple_length():
    got = outcomes(SOURCE, "main", (7, 3), Limits(max_collection_len=1), messages=True)[0]
    assert got[0] == "fault" and got[1] == "F-COLLECTION-SIZE" and "2 elements" in got[3]


def test_no_tuple_is_built():
    text = seglam.compile(SOURCE).python_source("gcd")
    assert "u_a, u_b = (u_b, " in text and "h_clim < 2" in text
