"""A call's frozen copy of an argument that the call returns goes back to the caller as the
caller's own object (SPEC.md section 7; red-team RT-01): on both backends alike, at every
depth and budget, with the same fuel as before (the copies are noted and looked up for
free), and in the generated code only where a return can hand back such a copy."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seglam
from seglam.run.limits import Limits
from seglam.run.oracle import run_cpython
from tests.compiled.agree import disagreements_at_every_depth_and_budget, outcomes

#: (source, args, the value CPython gives, or None for F-FROZEN)
PROGRAMS = {
    "accumulator": ("""
def collect(acc: list[int], n: int) -> list[int]:
    if n == 0:
        return acc
    return collect(acc + [n], n - 1)


def main(n: int) -> list[int]:
    result = collect([], n)
    result.sort()
    return result
""", (3,), [1, 2, 3]),
    "identity": ("""
def ident(xs: list[int]) -> list[int]:
    return xs


def main(n: int) -> list[int]:
    stack = [n]
    ys = ident(stack)
    ys.append(1)
    return stack
""", (3,), [3, 1]),
    "normalised, sorted": ("""
def normalized(xs: list[int]) -> list[int]:
    if xs == sorted(xs):
        return xs
    return sorted(xs)


def main(a: int, b: int) -> list[int]:
    items = normalized([a, b])
    items.append(a + b)
    return items
""", (1, 2), [1, 2, 3]),
    "normalised, unsorted": ("""
def normalized(xs: list[int]) -> list[int]:
    return xs if xs == sorted(xs) else sorted(xs)


def main(a: int, b: int) -> list[int]:
    items = normalized([a, b])
    items.append(a + b)
    return items
""", (2, 1), [1, 2, 3]),
    "item of a nested argument": ("""
def longest(rows: list[list[str]]) -> list[str]:
    best = rows[0]
    for r in rows:
        if len(r) > len(best):
            best = r
    return best


def main(text: str) -> list[str]:
    rows = [line.split() for line in text.splitlines()]
    best = longest(rows)
    best.sort(reverse=True)
    return best + rows[1]
""", ("a b\nc d e",), ["e", "d", "c", "e", "d", "c"]),
    "wrapped in a dict": ("""
def wrap(xs: list[int]) -> dict[str, list[int]]:
    return {"v": xs}


def main(n: int) -> list[int]:
    local = [n]
    d = wrap(local)
    d["v"].append(1)
    return local
""", (3,), None),
    "passed on unchanged": ("""
def walk(acc: list[int], n: int) -> list[int]:
    if n == 0 or n in acc:
        return acc
    return walk(acc, n - 1)


def main(n: int) -> list[int]:
    mine = [n + 5]
    result = walk(mine, n)
    result.append(0)
    return mine
""", (4,), [9, 0]),
    "pass kept, not returned": ("""
def walk(acc: list[int], n: int) -> list[int]:
    if n == 0:
        return acc
    got = walk(acc, n - 1)
    return got[1:]


def main(n: int) -> list[int]:
    mine = [1, 2, 3, 4, 5, 6]
    result = walk(mine, n)
    result.append(0)
    return mine + result
""", (2,), [1, 2, 3, 4, 5, 6, 3, 4, 5, 6, 0]),
    "escape then return": ("""
def pick(xs: list[int], ys: list[int]) -> list[int]:
    zs = xs
    if len(ys) > len(xs):
        zs = ys
    return zs


def main(n: int) -> list[int]:
    a = [n]
    b = [n, n]
    pick(a, b).append(7)
    return a + b
""", (2,), [2, 2, 2, 7]),
    "frozen when passed": ("""
def ident(xs: list[int]) -> list[int]:
    return xs


def main(xs: list[int]) -> int:
    ys = ident(xs)
    ys.append(1)
    return len(ys)
""", ([1, 2],), None),
    "grid row, with a postcondition": ("""
@ensures(lambda result: len(result) > 0)
def row(grid: list[list[int]], i: int) -> list[int]:
    return grid[i]


def main(n: int) -> list[list[int]]:
    grid = [[0] * n for _ in range(2)]
    row(grid, 1)[0] = 9
    return grid
""", (2,), [[0, 0], [9, 0]]),
    "tuple argument": ("""
def first(t: tuple[list[int], int]) -> list[int]:
    return t[0]


def main(n: int) -> list[int]:
    mine = [n]
    first((mine, n)).append(n)
    return mine
""", (5,), [5, 5]),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_the_backends_agree_at_every_depth_and_budget(name):
    source, args, _ = PROGRAMS[name]
    assert disagreements_at_every_depth_and_budget(source, args, range(1, 5)) == []


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_the_value_is_cpythons(name):
    source, args, expected = PROGRAMS[name]
    compiled, reference = outcomes(source, "main", args, Limits())
    assert compiled == reference
    if expected is None:
        assert compiled[:2] == ("fault", "F-FROZEN")
    else:
        assert compiled[:2] == ("value", expected)


def _body(text: str, name: str) -> str:
    return text.split(f"def u_{name}(", 1)[1].split("\n    def ", 1)[0]


def test_only_a_return_that_may_be_a_copy_looks_it_up():
    text = seglam.compile("""
def total(grid: list[list[int]]) -> int:
    return sum(len(r) for r in grid)


def row(grid: list[list[int]], i: int) -> list[int]:
    return grid[i]


def ident(xs: list[int]) -> list[int]:
    return xs


def main(n: int) -> int:
    g = [[n]]
    return total(g) + len(row(g, 0)) + len(ident([n]))
""", filename="p.sgl").python_source()
    assert "h_copies" not in _body(text, "total")  # an int is never a copy
    assert "handed_back(h_copies, " in _body(text, "row")
    # a held list goes back as received: no copy, nothing to look up
    assert "h_copies" not in _body(text, "ident") and "frozen_copy" not in _body(text, "ident")


def test_handing_back_costs_no_fuel():
    # returning the argument (handed back) costs what returning a new empty list does
    source = """
def collect(acc: list[int], grid: list[list[int]], n: int) -> list[int]:
    if n == 0:
        return {}
    return collect(acc + [n], grid, n - 1)


def main(n: int) -> int:
    return len(collect([], [[1, 2], [3]], n))
"""
    for backend in (0, 1):
        fuel = {value: outcomes(source.replace("{}", value), "main", (6,), Limits())[backend][2]
                for value in ("acc", "[]", "grid[0]")}
        assert fuel["acc"] == fuel["[]"] == fuel["grid[0]"], fuel


MIXED = """
def pick(xs: list[int], ys: list[int], n: int) -> list[int]:
    if n <= 0 or not xs:
        return xs if len(xs) >= len(ys) else ys
    return pick(xs, ys, n - 1)


def norm(xs: list[int]) -> list[int]:
    return xs if xs == sorted(xs) else sorted(xs)


def rows(grid: list[list[int]], i: int) -> list[int]:
    return grid[i % len(grid)] if grid else []


def main(xs: list[int], ys: list[int], n: int) -> list[int]:
    a = list(xs)
    b = list(ys)
    got = pick(a, b, n)
    got.append(n)
    c = norm(a)
    c.append(len(b))
    grid = [a, b]
    rows(grid, n).append(-1)
    return a + [0] + b + [0] + c
"""


@settings(max_examples=60, deadline=None)
@given(xs=st.lists(st.integers(-3, 3) | st.just(2 ** 70), max_size=8), ys=st.lists(st.integers(-9, 9), max_size=5),
       n=st.integers(-1, 4), fuel=st.integers(0, 300), cap=st.sampled_from([2, 5, 1_000_000]))
def test_returns_agree_with_the_reference_and_cpython_whatever_the_limits(xs, ys, n, fuel, cap):
    compiled, reference = outcomes(MIXED, "main", (xs, ys, n), Limits(fuel=fuel, max_collection_len=cap))
    assert compiled == reference
    full = outcomes(MIXED, "main", (xs, ys, n), Limits())[0]
    assert full[:2] == ("value", run_cpython(MIXED, "main", (xs, ys, n)).value)
