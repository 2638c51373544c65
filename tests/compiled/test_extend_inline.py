"""``xs.extend(ys)`` with a list or tuple ``ys`` compiled natively: the same values, fuel
and faults (the frozen list, fuel, the collection cap; ``xs.extend(xs)``, which the stdlib
copies uncharged) as the reference evaluator's stdlib call."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.limits import Limits
from tests.compiled.agree import outcomes

SOURCE = """def merge(left: list[int], right: list[int]) -> list[int]:
    out: list[int] = []
    i = 0
    j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    out.extend(left[i:])
    out.extend(right[j:])
    return out


def grow(n: int, xs: list[int]) -> int:
    total = 0
    for i in range(n):
        ys = [i, i + 1]
        ys.extend(xs)
        ys.extend(ys)
        ys.extend((4, 5))
        total += len(ys)
    zs = xs
    zs.extend([1])
    return total


def main(n: int, xs: list[int]) -> int:
    return len(merge(sorted(xs), list(range(n)))) + grow(n, xs)
"""


@pytest.mark.parametrize("n,xs", [(0, []), (5, [3, 1, 2]), (30, list(range(20, 0, -3)))])
@pytest.mark.parametrize("limits", [Limits(), Limits(fuel=40), Limits(fuel=150), Limits(fuel=400),
                                    Limits(max_collection_len=8), Limits(max_collection_len=40)])
def test_extend_agrees_with_the_reference(n, xs, limits):
    compiled, reference = outcomes(SOURCE, "main", (n, xs), limits)
    assert compiled == reference


def test_extend_is_native():
    text = seglam.compile(SOURCE).python_source("merge")
    assert "u_out.extend(" in text and "extend(h_ctx" not in text
