"""``all``/``any`` of a generator expression on the compiled backend: CPython's own builtin
over the generator, whose element takes the step the builtin charges for each item it
consumes (seglam/run/codegen/calls.py). The reference meters the generator in the builtin
(``b_all``); each program runs on both backends at every depth limit and every fuel budget,
so the steps, the fault and where it fires must be the same item by item."""

from __future__ import annotations

import pytest

import seglam
from tests.compiled.agree import disagreements_at_every_depth_and_budget

PROGRAMS = {
    # the item that decides is first, in the middle, last, or there is none
    "short-circuits": ("""
def main(xs: list[int]) -> int:
    a = all(x >= 0 for x in xs)
    b = any(x > 3 for x in xs)
    c = all(x < 6 for x in xs)
    d = any(x > 100 for x in xs)
    return int(a) + 2 * int(b) + 4 * int(c) + 8 * int(d)
""", ([1, 2, 5, 7],)),
    # conditions and several clauses: only the items the generator yields are charged
    "clauses and conditions": ("""
def main(xs: list[int]) -> int:
    b = any(x > 3 for x in xs if x % 2 == 1)
    c = all(y != x for x in xs for y in xs if y > x)
    return int(b) + 2 * int(c)
""", ([1, 2, 5, 7, 2],)),
    # the element calls a function: its depth and steps between the generator's and the builtin's
    "element calls": ("""
def big(x: int) -> bool:
    return x * x > 10

def main(xs: list[int]) -> int:
    return int(any(big(x) for x in xs)) + int(all(big(x) or x < 3 for x in xs))
""", ([1, 2, 5, 3],)),
    # falsy and truthy values that are not bools: the builtin looks at their truth only
    "truth of values": ("""
def main(xs: list[int], words: list[str]) -> int:
    return int(any(x for x in xs)) + 2 * int(all(w for w in words)) + 4 * int(any([] for w in words))
""", ([0, 0, 3, 0], ["a", "", "b"])),
    # empty, a set (put in order, charged), a string, a dict, nested generators, a lambda
    "iterables": ("""
def main(xs: set[int], text: str, d: dict[str, int]) -> int:
    a = all(x < 100 for x in xs)
    b = any(ch == "z" for ch in text)
    c = all(v > 0 for k, v in d.items())
    e = all(any(x == y for y in xs) for x in [1, 2])
    f = all(x > 0 for x in [])
    g = any((lambda v: v > 2)(x) for x in xs)
    return int(a) + 2 * int(b) + 4 * int(c) + 8 * int(e) + 16 * int(f) + 32 * int(g)
""", ({5, 3, 1}, "abcz", {"a": 1, "b": 0})),
    # inside a loop and a comprehension of a function counting its fuel locally
    "in loops": ("""
def main(rows: list[list[int]]) -> int:
    c = 0
    for r in rows:
        if all(x >= 0 for x in r):
            c += 1
    return c + len([r for r in rows if any(x > 1 for x in r)])
""", ([[1, 2], [-1, 3], [], [0]],)),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_all_and_any_of_a_generator_agree_at_every_depth_and_budget(name: str):
    source, args = PROGRAMS[name]
    assert disagreements_at_every_depth_and_budget(source, args, range(1, 5)) == []


def test_the_compiled_backend_calls_the_builtin_itself():
    """No ``b_all``/``b_any`` (and its per-item ``Metered``) between the generator and CPython's
    builtin: the generated code calls ``builtins.all``/``any`` on the generator."""
    program = seglam.compile(PROGRAMS["short-circuits"][0])
    source = program.python_source("main")
    assert "= builtins.all" in source and "= builtins.any" in source, source
    assert "h_ctx, (" not in source
