"""Unpacking a list costs what unpacking a tuple costs, frozen or not: the reference charged
a frozen list (an argument from the host, a constant) as an iterable to collect first
(``type(v) in (tuple, list)`` left ``FrozenList`` out) while the compiled backend unpacked it
natively, so ``for a, b in pairs`` over a host's list of lists used 5 steps on one backend
and 3 on the other. Found by a red-team run of realistic programs (2026-12-06)."""

from __future__ import annotations

import pytest

import seglam
from tests.compiled.agree import disagreements_at_every_depth_and_budget

SHAPES = {
    "for target": "for a, b in pairs:\n        t += a * b",
    "assignment": "for p in pairs:\n        a, b = p\n        t += a * b",
    "starred": "for p in pairs:\n        a, *rest = p\n        t += a * len(rest)",
    "comprehension": "t = sum(a * b for a, b in pairs)",
}


def _program(body: str, item: str) -> str:
    return f"def main(pairs: list[{item}]) -> int:\n    t = 0\n    {body}\n    return t\n"


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_list_unpacks_at_the_cost_of_a_tuple(shape: str):
    of_lists = seglam.compile(_program(SHAPES[shape], "list[int]"))
    of_tuples = seglam.compile(_program(SHAPES[shape], "tuple[int, ...]"))
    pairs = [[i, i + 1] for i in range(5)]
    for backend in ("compiled", "reference"):
        lists = of_lists.run("main", (pairs,), backend=backend)
        tuples = of_tuples.run("main", ([tuple(p) for p in pairs],), backend=backend)
        assert lists.value == tuples.value and lists.fuel_used == tuples.fuel_used, backend


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_both_backends_agree_on_a_hosts_list_of_lists_at_every_budget(shape: str):
    source = _program(SHAPES[shape], "list[int]")
    assert disagreements_at_every_depth_and_budget(source, ([[1, 2], [3, 4]],), range(1, 3)) == []
