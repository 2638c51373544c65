"""Both backends charge work that grows with the size of values the same, at the same
operation (SPEC.md §10, "Work on large values", issue 20): comparisons of long strings and
containers, hashing keys by their size (nested keys built by repeated reference), colliding
tuple and Decimal keys, keys reaching sets and dicts in bulk, bitwise and unary operators on
big ints, min/max of long strings, and int arithmetic on float-typed names. Deterministic
properties only: bench/bench_adversarial.py measures the time per fuel."""

from __future__ import annotations

import pytest

import seglam
from seglam.run import cost
from tests.compiled.agree import run_outcome

BACKENDS = ("compiled", "reference")
P = 2 ** 61 - 1  # k * P all hash to 0 in CPython


def _used(prog, args: tuple) -> int:
    """The fuel of a run, the same on both backends."""
    used = {b: prog.run("main", args, backend=b).fuel_used for b in BACKENDS}
    assert used["compiled"] == used["reference"], used
    return used["compiled"]


A = "x" * 99_999 + "y"
B = "x" * 99_999 + "y"  # equal to A, another object
WIDE = 2 ** 65_000 - 1


@pytest.mark.parametrize("source,big,small,at_least", [
    ("def main(a: str, b: str) -> bool:\n    return a == b\n", (A, B), ("x", "x"), cost.text(len(A))),
    ("def main(a: str, b: str) -> bool:\n    return a < b or a >= b\n", (A, B), ("x", "x"), 2 * cost.text(len(A))),
    ("def main(a: str, b: str) -> bool:\n    return 'q' < a <= b\n", (A, B), ("x", "x"), cost.text(len(A))),
    ("def main(a: str, b: str) -> bool:\n    return [a, a, a] == [b, b, b]\n", (A, B), ("x", "x"), 3 * len(A) // 256),
    ("def main(a: str, b: str) -> int:\n    xs = [a, a, a, a]\n    return xs.count(b) + xs.index(b)\n",
     (A, B), ("x", "x"), 2 * 4 * (len(B) // 256)),
    ("def main(a: str, b: str) -> bool:\n    return b in [a, a, a, a]\n", (A, B), ("x", "x"), 4 * (len(B) // 256)),
    ("def main(a: str, b: str) -> int:\n    return len(max([a, b, a, b])) + len(min(a, b))\n",
     (A, B), ("x", "x"), 6 * len(A) // 256),
    ("def main(a: int, b: int) -> int:\n    return (a & b) + (a | b) + (a ^ b)\n",
     (WIDE, WIDE - 5), (7, 5), 3 * cost.bitwise(65_000, 65_000)),
    ("def main(a: int) -> int:\n    return -a + ~a + abs(a)\n", (WIDE,), (7,), 3 * cost.bitwise(65_000, 0)),
    ("def main(a: str) -> int:\n    d: dict[str, int] = {a: 1}\n    return d[a] + len({a})\n",
     (A,), ("x",), 3 * cost.text(len(A))),
])
def test_an_operation_on_large_values_costs_the_same_on_both_backends(source, big, small, at_least):
    """With the fuel of the small call plus ``at_least - 1``, the big call runs out of fuel,
    at the same operation on both backends; with enough fuel both use the same fuel."""
    prog = seglam.compile(source)
    base = _used(prog, small)
    got = {b: run_outcome(prog, big, base + at_least - 1, b) for b in BACKENDS}
    assert got["compiled"] == got["reference"], got
    assert got["compiled"][:2] == ("fault", "F-FUEL"), got
    assert _used(prog, big) >= base + at_least


NESTED = '''from dataclasses import dataclass


@dataclass(frozen=True)
class Node:
    left: "Node | None"
    right: "Node | None"


def main(depth: int) -> int:
    t = Node(None, None)
    for _ in range(depth):
        t = Node(t, t)
    seen: set[Node] = set()
    seen.add(t)
    d: dict[Node, int] = {t: 1}
    return len(seen) + d[t] + (1 if t == t else 0)
'''


def test_a_key_built_by_repeated_reference_is_charged_for_every_node_it_hashes():
    """``Node(t, t)`` forty times is 2**41 nodes for CPython's hash and ``==``: the run
    faults with F-FUEL at the first set operation instead of hashing for hours."""
    prog = seglam.compile(NESTED)
    small = _used(prog, (3,))
    assert _used(prog, (12,)) - _used(prog, (11,)) >= 3 * (2 ** 12 // 8)  # doubles with each level
    assert small < _used(prog, (12,))
    got = {b: run_outcome(prog, (40,), 10_000_000, b) for b in BACKENDS}
    assert got["compiled"] == got["reference"], got
    assert got["compiled"][:2] == ("fault", "F-FUEL")
    assert got["compiled"][2].line == 15  # seen.add(t)


@pytest.mark.parametrize("source", [
    # tuples of colliding ints
    "def main(n: int, p: int) -> int:\n    s: set[tuple[int, int]] = set()\n"
    "    for k in range(n):\n        s.add((k * p + p, 0))\n    return len(s)\n",
    # Decimals equal to colliding ints
    "from decimal import Decimal\n\ndef main(n: int, p: int) -> int:\n    s: set[Decimal] = set()\n"
    "    for k in range(n):\n        s.add(Decimal(k * p + p))\n    return len(s)\n",
    # keys reaching a set or dict in bulk
    "def main(n: int, p: int) -> int:\n    xs = [k * p + p for k in range(n)]\n    return len(set(xs))\n",
    "def main(n: int, p: int) -> int:\n    xs = [k * p + p for k in range(n)]\n    return len(dict([(x, 0) for x in xs]))\n",
    "def main(n: int, p: int) -> int:\n    xs = [k * p + p for k in range(n)]\n    return len({*xs})\n",
    "def main(n: int, p: int) -> int:\n    xs = [k * p + p for k in range(n)]\n    s = {0}\n    return len(s | set(xs[:0]) | {x for x in xs[:0]} | s.union(xs))\n",
    "def main(n: int, p: int) -> int:\n    xs = [k * p + p for k in range(n)]\n    d = {x: 0 for x in xs[:0]}\n    d.update({x: 1 for x in xs[:0]} | dict([(x, 1) for x in xs]))\n    return len(d)\n",
])
def test_colliding_keys_are_charged_by_the_keys_they_probe_on_both_backends(source):
    """With keys that all hash alike, the i-th key probes the i - 1 before it: the run costs
    at least ``sum(i // COLLIDING_PER_STEP)`` more than with keys whose hashes differ."""
    n = 200
    prog = seglam.compile(source)
    colliding = _used(prog, (n, P))
    spread = _used(prog, (n, P + 2))  # distinct hashes
    assert colliding - spread >= sum(i // cost.COLLIDING_PER_STEP for i in range(n)), (colliding, spread)
    assert prog.run("main", (n, P), backend="compiled").value == prog.run("main", (n, P), backend="reference").value


FLOAT_TYPED = "def main(n: int) -> int:\n    x: float = 3\n    for _ in range(n):\n        x = x * x\n    return 0\n"


@pytest.mark.parametrize("source", [
    FLOAT_TYPED,
    "def main(n: int) -> int:\n    x: float = 3\n    for _ in range(n):\n        x *= x\n    return 0\n",
])
def test_an_int_in_a_float_typed_name_is_size_checked_like_any_int(source):
    """``x = x * x`` on a float-typed name holding an int: F-INT-SIZE at the same operation
    on both backends (the compiled backend used to multiply natively, without a limit)."""
    prog = seglam.compile(source)
    got = {b: run_outcome(prog, (40,), 10_000_000, b) for b in BACKENDS}
    assert got["compiled"] == got["reference"], got
    assert got["compiled"][:2] == ("fault", "F-INT-SIZE")


def test_float_typed_arithmetic_on_big_ints_is_charged_like_int_arithmetic():
    src = ("def main(a: int, b: int) -> int:\n    x: float = a\n    y: float = b\n"
           "    z = x * y + x // y + x % y - x\n    return 1 if z > 0 else 0\n")
    prog = seglam.compile(src)
    big = (3 ** 20000, 7 ** 5000)
    assert _used(prog, big) >= _used(prog, (3, 7)) + cost.mul(31700, 14037)


def test_ordinary_values_cost_nothing_extra():
    """Short strings, small ints and flat tuple keys are charged only their steps."""
    src = ("def main(a: str, c: str, b: int) -> int:\n    d: dict[tuple[int, int], int] = {(b, b): 1}\n"
           "    s = {a, c}\n    xs = [a, c]\n"
           "    return d[(b, b)] + len(s) + xs.count(c) + (1 if a < c else 0) + (b & 255) + -b + abs(b)\n")
    prog = seglam.compile(src)
    assert _used(prog, ("x" * 200, "x" * 199 + "y", 2 ** 500)) == _used(prog, ("x", "y", 1))
