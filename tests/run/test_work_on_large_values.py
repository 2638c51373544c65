"""Fuel charges work on large values (SPEC.md §10, "Work on large values"): one operation on
big operands costs at least what the cost table says, small operands cost nothing extra,
and both backends agree on the adversarial-time corpus (bench/adversarial) at small
budgets. Deterministic properties only: the time per fuel is measured by
bench/bench_adversarial.py, never here."""

from __future__ import annotations

from pathlib import Path

import pytest

import seglam
from seglam.run import cost
from seglam.run.faults import Fault
from seglam.run.limits import Limits
from tests.spec.spec_blocks import table

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "adversarial"
BACKENDS = ("compiled", "reference")


def _outcome(source: str, args: tuple, fuel: int, backend: str) -> tuple:
    try:
        result = seglam.compile(source).run("main", args, limits=Limits(fuel=fuel), backend=backend)
        return ("value", result.fuel_used)
    except Fault as fault:
        return ("fault", fault.code, fault.span)


BIG = 3 ** 10000  # 15,850 bits
MOD = 7 ** 5600 + 2  # 15,722 bits


@pytest.mark.parametrize("source,big,small,at_least", [
    ("def main(a: int, b: int, m: int) -> int:\n    return pow(a, b, m)\n",
     (BIG, BIG, MOD), (3, 5, 7), cost.power_mod(BIG.bit_length(), BIG.bit_length(), MOD.bit_length())),
    ("def main(a: int, b: int) -> int:\n    return a * b\n",
     (BIG, BIG), (3, 5), cost.mul(BIG.bit_length(), BIG.bit_length())),
    ("def main(a: int, b: int) -> int:\n    return a // b + a % b\n",
     (BIG * BIG, BIG), (30, 7), 2 * cost.div(2 * BIG.bit_length() - 1, BIG.bit_length())),
    ("def main(a: int, n: int) -> int:\n    return a ** n\n",
     (3, 40000), (3, 4), cost.power(2, 40000, 80000)),
    ("def main(a: int) -> str:\n    return str(a) + f'{a}'\n",
     (10 ** 4000,), (10,), 2 * cost.int_to_str((10 ** 4000).bit_length())),
    ("def main(s: str) -> int:\n    return int(s)\n",
     ("7" * 4000,), ("7",), cost.str_to_int(4000)),
    ("def main(n: int) -> int:\n    return len(sorted(range(n, 0, -1)))\n",
     (1 << 16,), (1,), cost.sort_extra(1 << 16)),
    ("import math\n\ndef main(n: int, k: int) -> int:\n    return math.comb(n, k) % 10\n",
     (2 ** 20000, 3), (5, 3), cost.product_of_range(3, 20001)),
])
def test_one_operation_on_large_values_costs_what_the_table_says(source, big, small, at_least):
    """With the fuel of the small call plus ``at_least - 1``, the big call runs out of fuel
    (at the operation, before the work where the work is charged first)."""
    assert at_least > 100
    base = seglam.compile(source).run("main", small, backend="reference").fuel_used
    for backend in BACKENDS:
        assert _outcome(source, small, base, backend)[0] == "value"
        got = _outcome(source, big, base + at_least - 1, backend)
        assert got[:2] == ("fault", "F-FUEL"), (backend, got)
        assert got == _outcome(source, big, base + at_least - 1, "reference")


@pytest.mark.parametrize("source,args,tiny", [
    ("def main(a: int, b: int) -> int:\n    return a * b + a // b + a % b + (a << 3) + (a >> 2) + pow(a, 7, b) + a ** 1\n",
     (2 ** 500 + 1, 2 ** 400 + 3), (5, 3)),
    ("def main(xs: list[int]) -> list[int]:\n    return sorted(xs)\n", (list(range(31, 0, -1)),), (list(range(31)),)),
    # (format(), not an f-string: an f-string is charged for its length, SPEC §10)
    ("def main(a: int) -> int:\n    return len(str(a)) + len(format(a, 'd')) + len(repr([a]))\n", (2 ** 500,), (2,)),
])
def test_small_values_cost_nothing_extra(source, args, tiny):
    """Ints of at most SMALL_BITS bits and sorts of fewer than 32 items cost what the
    smallest ones do (the charges of SPEC §10 before "Work on large values")."""
    prog = seglam.compile(source)
    for backend in BACKENDS:
        used = prog.run("main", args, backend=backend).fuel_used
        assert used == prog.run("main", tiny, backend=backend).fuel_used, backend


def test_comb_of_a_huge_n_is_a_number_within_the_int_limit_and_f_int_size_past_it():
    src = "import math\n\ndef main(n: int, k: int) -> int:\n    return math.comb(n, k)\n"
    prog = seglam.compile(src)
    for backend in BACKENDS:
        assert prog.run("main", (2 ** 20000, 3), backend=backend).value == (2 ** 20000) * (2 ** 20000 - 1) * (2 ** 20000 - 2) // 6
        with pytest.raises(Fault) as info:
            prog.run("main", (2 ** 60000, 3), backend=backend)
        assert info.value.code == "F-INT-SIZE"


def test_int_of_a_short_digit_string_costs_no_extra_work():
    assert all(cost.str_to_int(n) == 0 for n in range(151))
    assert cost.str_to_int(200) > 0


def test_the_spec_cost_table_is_the_code():
    rows = table("costs")
    assert rows == {name: str(getattr(cost, name)) for name in rows}
    assert set(rows) == {"LINEAR_BITS", "MUL_PRODUCTS", "DIV_PRODUCTS", "FREE_PRODUCTS", "EXP_BITS",
                         "SMALL_BITS", "SORT_FREE_LOG", "SORT_CHARS", "COLLIDING_PER_STEP",
                         "COLLIDING_SLOW_PER_STEP", "TEXT_CHARS", "DECIMAL_DIGITS", "DECIMAL_FREE_DIGITS", "DECIMAL_FREE_INT_BITS", "FORMAT_CHARS", "STRIP_COMPARES",
                         "REGEX_FREE_INSTS", "REGEX_INSTS", "REGEX_COMPILE_STEPS", "REGEX_CACHE_ENTRIES",
                         "REGEX_CACHE_INSTS"}


_CORPUS = sorted(p.stem for p in CORPUS.glob("*.sgl"))


@pytest.mark.parametrize("name", _CORPUS)
def test_the_adversarial_corpus_ends_the_same_way_on_both_backends(name: str):
    prog = seglam.compile((CORPUS / f"{name}.sgl").read_text(), filename=f"{name}.sgl")
    for fuel in (300, 20_000):
        outcomes = []
        for backend in BACKENDS:
            try:
                result = prog.run("main", (10 ** 9,), limits=Limits(fuel=fuel), backend=backend)
                outcomes.append(("value", result.value, result.fuel_used))
            except Fault as fault:
                outcomes.append(("fault", fault.code, fault.span))
        assert outcomes[0] == outcomes[1], (fuel, outcomes)
        assert outcomes[0][:2] == ("fault", "F-FUEL"), outcomes


def test_int_keys_whose_hashes_collide_are_charged_by_the_keys_they_probe():
    """``k * (2**61 - 1)`` all hash to 0 in CPython: the i-th insertion probes the i - 1
    before it, and so does each later lookup."""
    src = ("def main(n: int, p: int) -> int:\n"
           "    s: set[int] = set()\n"
           "    for k in range(n):\n"
           "        s.add(k * p + p)\n"
           "    return sum(1 for k in range(n) if k * p + p in s)\n")
    n = 300
    prog = seglam.compile(src)
    for backend in BACKENDS:
        colliding = prog.run("main", (n, 2 ** 61 - 1), backend=backend).fuel_used
        spread = prog.run("main", (n, 2 ** 61 + 1), backend=backend).fuel_used  # distinct hashes
        probes = 2 * sum(i // cost.COLLIDING_PER_STEP for i in range(n))
        assert colliding - spread >= probes, (backend, colliding, spread)
    assert prog.run("main", (n, 2 ** 61 - 1), backend="compiled") == prog.run("main", (n, 2 ** 61 - 1), backend="reference")
