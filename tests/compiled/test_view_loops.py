"""Loops over ``d.items()``, ``d.keys()``, ``d.values()`` iterate the view as it is (a view
is no set: it keeps the dict's order) and unpack its items natively: the same values, fuel
and faults as the reference evaluator, also when the dict changes size during the loop."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.limits import Limits
from tests.compiled.agree import outcomes

SOURCE = """def main(n: int, grow: bool) -> int:
    seen: dict[tuple[int, int], int] = {}
    for i in range(n):
        seen[(i % 3, i % 5)] = seen.get((i % 3, i % 5), 0) + i
    total = 0
    for (x, y), count in seen.items():
        total += count * (x + y)
        if grow and count > 3:
            seen[(x + 10, y)] = 1
    for k in seen.keys():
        total += k[0] - k[1]
    for v in seen.values():
        total -= v
    pairs = [a * b + c for (a, b), c in seen.items()]
    return total * 7 + sum(pairs) + len([k for k in seen.keys() if k[0] > 1])
"""


@pytest.mark.parametrize("args", [(0, False), (7, False), (40, False), (40, True)])
@pytest.mark.parametrize("limits", [Limits(), Limits(fuel=60), Limits(fuel=200)])
def test_view_loops_agree_with_the_reference(args, limits):
    compiled, reference = outcomes(SOURCE, "main", args, limits)
    assert compiled == reference


def test_items_unpack_natively():
    text = seglam.compile(SOURCE).python_source("main")
    assert "for (u_x, u_y), u_count in u_seen.items():" in text and "unpackable" not in text
