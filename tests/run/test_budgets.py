"""Budgets: fuel, depth and size caps end runs with the right fault, the same way on every
run. (How fast a cap stops a run is a benchmark's business, not a test's.)"""

from __future__ import annotations

import sys
import threading

import pytest

from seglam.run.faults import Fault
from seglam.run.limits import Limits
from tests.run.helpers import backend, run, run_result


def fault_of(src, *args, limits=None):
    with pytest.raises(Fault) as info:
        run(src, *args, limits=limits)
    return info.value


@pytest.mark.parametrize("body,code", [
    ("return 10 ** 10 ** 10", "F-INT-SIZE"),
    ("return 7 ** (2 ** 40)", "F-INT-SIZE"),
    ("return 1 << (1 << 40)", "F-INT-SIZE"),
    ("x = 3\n    while True:\n        x = x * x", "F-INT-SIZE"),
    # (from 2**65000: doubling from 1 costs more than this budget, each sum charged by size)
    ("x = 1 << 65000\n    while True:\n        x = x + x", "F-INT-SIZE"),
    ("import_ = 0\n    return math.factorial(10 ** 6)", "F-INT-SIZE"),
    ("s = 'ab'\n    while True:\n        s = s + s", "F-STR-SIZE"),
    ("s = 'ab'\n    while True:\n        s = f'{s}{s}'", "F-STR-SIZE"),
    ("return 'a'.ljust(10 ** 12)", "F-STR-SIZE"),
    ("return f'{1:>999999999}'", "F-STR-SIZE"),
    ("return ('x' * 1000).replace('x', 'y' * 10000)", "F-STR-SIZE"),
    ("return ','.join(['x' * 1000] * 100000)", "F-STR-SIZE"),
    ("return str(['x' * 100000] * 100000)", "F-STR-SIZE"),
    ("return list(range(10 ** 9))", "F-COLLECTION-SIZE"),
    ("return [0] * (10 ** 7)", "F-COLLECTION-SIZE"),
    ("xs = [0]\n    while True:\n        xs.extend(xs)", "F-COLLECTION-SIZE"),
    ("return [i for i in range(10 ** 7)]", "F-COLLECTION-SIZE"),
    ("return list(itertools.product(range(1000), range(1000)))", "F-COLLECTION-SIZE"),
    ("return sum(range(10 ** 12))", "F-FUEL"),
    ("return sum(itertools.repeat(1))", "F-COLLECTION-SIZE"),
    ("return all(itertools.count(1))", "F-FUEL"),
    ("for i in range(10 ** 18):\n        pass", "F-FUEL"),
])
def test_caps_fault(body, code):
    src = f"import math\nimport itertools\n\ndef main() -> object:\n    {body}\n"
    limits = Limits(fuel=200_000, max_collection_len=100_000)
    assert fault_of(src, limits=limits).code == code


def test_membership_in_a_huge_range_is_answered_not_iterated():
    src = "def main() -> object:\n    return 1.5 in range(10 ** 18)\n"
    assert run(src, limits=Limits(fuel=200_000, max_collection_len=100_000)) is False


def test_fuel_is_deterministic_and_counted():
    src = """
def step(x: int) -> int:
    return x + 1

def main(n: int) -> int:
    total = 0
    for i in range(n):
        total = step(total)
    k = 0
    while k < 3:
        k += 1
    return total + len([j for j in range(4)])
"""
    b = backend(src)
    results = {b.run("main", (10,), {}, Limits()).fuel_used for _ in range(3)}
    # 1 (main) + 10 loop + 10 calls + 3 while + 4 comprehension + bulk charge for range/len: none
    assert results == {28}


def test_bulk_charges():
    assert run_result("def main() -> int:\n    return sum(range(640))\n").fuel_used == 1 + 1 + 640 // 8
    assert run_result("def main() -> list[int]:\n    return sorted([3, 1, 2])\n").fuel_used == 2


def test_fuel_limit_exact():
    src = "def main() -> int:\n    n = 0\n    for i in range(100):\n        n += i\n    return n\n"
    assert run(src, limits=Limits(fuel=101)) == 4950
    f = fault_of(src, limits=Limits(fuel=100))
    assert f.code == "F-FUEL" and f.span.line == 3


def test_depth_limit():
    src = "def down(n: int) -> int:\n    return 0 if n == 0 else 1 + down(n - 1)\n\ndef main(n: int) -> int:\n    return down(n)\n"
    assert run(src, 150) == 150
    f = fault_of(src, 1000)
    assert f.code == "F-DEPTH" and len(f.trace) == 200
    assert fault_of(src, 40, limits=Limits(max_depth=30)).code == "F-DEPTH"
    assert run(src, 2000, limits=Limits(max_depth=3000)) == 2000


def test_depth_with_deep_expressions_and_small_host_limit():
    # Deep nesting per call and a low host recursion limit: still the Seglam fault.
    nested = "(" * 60 + "n" + " + 1)" * 60
    src = f"def down(n: int) -> int:\n    return 0 if n == 0 else {nested} - 60 + down(n - 1) - n\n\ndef main(n: int) -> int:\n    return down(n)\n"
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        codes = {fault_of(src, 10_000).code for _ in range(2)}
    finally:
        sys.setrecursionlimit(max(old, sys.getrecursionlimit()))
    assert codes == {"F-DEPTH"}


def test_depth_in_a_thread():
    src = "def down(n: int) -> int:\n    return 0 if n == 0 else 1 + down(n - 1)\n\ndef main(n: int) -> int:\n    return down(n)\n"
    b = backend(src)
    out = []

    def work():
        try:
            b.run("main", (10_000,), {}, Limits())
        except Fault as fault:
            out.append(fault.code)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert out == ["F-DEPTH"]


def test_lambda_recursion_is_capped():
    src = "def main() -> int:\n    f = lambda n: 0 if n == 0 else f(n - 1)\n    return f(10 ** 6)\n"
    assert fault_of(src).code == "F-DEPTH"


@pytest.mark.parametrize("body", [
    "rows = [[0] * 100000] * 100000\n    return len(list(zip(*rows)))",
    "return len(list(itertools.permutations(range(100000))))",
    "return len(list(itertools.product(range(2), repeat=100000)))",
    "return [[0] * 100000 for _ in range(100000)]",
])
def test_wide_items_are_charged_by_width(body):
    src = f"import itertools\n\ndef main() -> object:\n    {body}\n"
    assert fault_of(src, limits=Limits(fuel=1_000_000)).code == "F-FUEL"


def test_decimal_to_int_is_capped():
    for expr in ("math.floor(Decimal('1e100000'))", "int(Decimal('1e100000'))", "round(Decimal('1e100000'))"):
        src = f"import math\nfrom decimal import Decimal\n\ndef main() -> int:\n    return {expr}\n"
        assert fault_of(src).code == "F-INT-SIZE", expr
