"""A list or set parameter that its function only reads is charged but not copied
(seglam/run/codegen/escape.py): which uses count as reads, and that skipping the copy is
never observable (same value and fuel as the reference backend, the caller's later changes
never reach a value the callee kept)."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.codegen.escape import only_read
from seglam.syntax.lower import parse


def _body(source: str):
    return parse(source).body[0].body


READS = [
    "def f(xs: list[int]) -> int:\n    return xs[0] + len(xs)\n",
    "def f(xs: list[int]) -> int:\n    t = 0\n    for x in xs:\n        t += x\n    return t\n",
    "def f(xs: list[int]) -> list[int]:\n    return [x * 2 for x in xs if x in xs]\n",
    "def f(xs: list[int]) -> list[int]:\n    return xs[1:3]\n",
    "def f(xs: list[int]) -> bool:\n    return xs == [1] or 3 not in xs\n",
    "def f(xs: list[int]) -> int:\n    xs = [1, 2]\n    return len(xs)\n",
]
ESCAPES = [
    "def f(xs: list[int]) -> list[int]:\n    return xs\n",
    "def f(xs: list[int]) -> list[int]:\n    ys = xs\n    return ys\n",
    "def f(xs: list[int]) -> list[list[int]]:\n    return [xs]\n",
    "def f(xs: list[int]) -> int:\n    return g(xs)\n",
    "def f(xs: list[int]) -> int:\n    return sum(xs)\n",
    "def f(xs: list[int]) -> int:\n    return xs.count(1)\n",
    "def f(xs: list[int]) -> int:\n    xs[0] = 1\n    return 0\n",
    "def f(xs: list[int], ys: list[int]) -> int:\n    ys[xs[0]] = 1\n    return 0\n",
]


@pytest.mark.parametrize("source", READS)
def test_reads(source):
    assert only_read(_body(source), "xs")


@pytest.mark.parametrize("source", ESCAPES)
def test_escapes(source):
    assert not only_read(_body(source), "xs")


PROGRAMS = {
    "search": """
def find(xs: list[int], target: int) -> int:
    lo = 0
    hi = len(xs) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if xs[mid] == target:
            return mid
        if xs[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


def main(n: int) -> list[int]:
    xs = [i * 2 for i in range(n)]
    out = [find(xs, q) for q in range(n)]
    xs.append(99)
    out.append(find(xs, 99))
    return out
""",
    "kept": """
def head(xs: list[int]) -> list[int]:
    return xs


def main(n: int) -> list[int]:
    xs = [i for i in range(n)]
    kept = head(xs)
    xs.append(99)
    return kept + [len(kept)]
""",
    "set": """
def hits(seen: set[int], xs: list[int]) -> int:
    return len([x for x in xs if x in seen])


def main(n: int) -> int:
    seen = {i * 3 for i in range(n)}
    xs = [i for i in range(n)]
    return sum(hits(seen, xs) for _ in range(3))
""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
@pytest.mark.parametrize("n", [0, 1, 5, 40])
def test_same_value_and_fuel_as_the_reference(name, n):
    program = seglam.compile(PROGRAMS[name], filename=f"{name}.sgl")
    compiled = program.run("main", (n,), backend="compiled")
    reference = program.run("main", (n,), backend="reference")
    assert (compiled.value, compiled.fuel_used) == (reference.value, reference.fuel_used)


def test_a_kept_argument_does_not_see_the_callers_later_change():
    program = seglam.compile(PROGRAMS["kept"], filename="kept.sgl")
    assert program.run("main", (3,)).value == [0, 1, 2, 3]


def test_only_a_read_parameter_loses_its_copy():
    text = seglam.compile(PROGRAMS["search"] + PROGRAMS["kept"].replace("def main", "def main2"),
                          filename="p.sgl").python_source()
    find = text.split("def u_find(", 1)[1].split("\n    def ", 1)[0]
    head = text.split("def u_head(", 1)[1].split("\n    def ", 1)[0]
    assert "FrozenList" not in find and "FrozenList" in head
