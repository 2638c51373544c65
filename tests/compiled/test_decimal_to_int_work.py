"""Decimal to int conversions (SPEC.md §10, "Work on large values"): ``as_integer_ratio()``,
``int()``, ``round()`` and ``math.floor``/``ceil``/``trunc`` of a Decimal decide the size of
the ints they make before making them (F-INT-SIZE past ``max_int_bits``), and charge the
work (cost.decimal_ratio, cost.str_to_int, cost.decimal_digits) before it, the same on both
backends. Found by a red-team run (H-03): ``Decimal("1e-999999").as_integer_ratio()`` made a
3.3M-bit int for 1 fuel (0.3 s)."""

from __future__ import annotations

import decimal
import time

import seglam
from seglam.run import cost
from tests.compiled.agree import run_outcome

BACKENDS = ("compiled", "reference")
RATIO = """from decimal import Decimal


def main(s: str) -> int:
    a, b = Decimal(s).as_integer_ratio()
    return a.bit_length() * 100000 + b.bit_length()
"""
CONVERSIONS = """from decimal import Decimal
import math


def main(s: str, how: int) -> int:
    d = Decimal(s)
    if how == 0:
        return int(d).bit_length()
    if how == 1:
        return round(d).bit_length()
    if how == 2:
        return math.floor(d).bit_length()
    if how == 3:
        return math.ceil(d).bit_length()
    return math.trunc(d).bit_length()
"""


def _both(prog, args: tuple, fuel: int = 10 ** 7) -> tuple:
    got = {b: run_outcome(prog, args, fuel, b) for b in BACKENDS}
    assert got["compiled"] == got["reference"], got
    return got["compiled"]


def _ratio_bits(s: str) -> int:
    a, b = decimal.Decimal(s).as_integer_ratio()
    return a.bit_length() * 100000 + b.bit_length()


def test_a_ratio_past_the_int_cap_faults_before_it_is_made_and_one_within_is_python_s():
    prog = seglam.compile(RATIO)
    for s in ("1e-999999", "1e999999", "1e-65536", "7" * 30_000, "1" + "0" * 19_800, "7" * 100_000 + "e-20000"):
        start = time.perf_counter()
        got = _both(prog, (s,))
        assert time.perf_counter() - start < 2, s[:20]
        assert got[:2] == ("fault", "F-INT-SIZE"), (s[:20], got)
    # and one within the cap is Python's
    for s in ("1.5", "-0.00", "0", "123.4500", "1e-19000", "5e-3000", "1e19700", "-2.5e-19000", "8" * 19_000 + "e-5",
              "1" + "0" * 19_000 + "e-19000"):
        assert _both(prog, (s,))[:2] == ("value", _ratio_bits(s)), s[:20]


def test_the_work_of_a_ratio_is_charged_before_it():
    prog = seglam.compile(RATIO)
    base = _both(prog, ("1.5",))[2]
    s = "7" * 19_000 + "e-19000"
    need = cost.decimal_digits(19_000) + cost.decimal_ratio(19_000, 19_000)
    assert need > 10_000
    used = _both(prog, (s,))[2]
    assert used >= base + need
    assert _both(prog, (s,), used - 1)[:2] == ("fault", "F-FUEL")


def test_an_int_of_a_decimal_is_charged_and_capped_the_same_by_every_conversion():
    prog = seglam.compile(CONVERSIONS)
    for how in range(5):
        base = _both(prog, ("1.5", how))[2]
        s = "7" * 19_000 + ".25"
        got = _both(prog, (s, how))
        assert got[:2] == ("value", int(decimal.Decimal(s)).bit_length()), how
        assert got[2] >= base + cost.str_to_int(19_000), (how, got, base)
        assert _both(prog, (s, how), got[2] - 1)[:2] == ("fault", "F-FUEL"), how
        # 9e19728 has 65,539 bits (floor/ceil/trunc returned it unchecked)
        assert _both(prog, ("9e19728", how))[:2] == ("fault", "F-INT-SIZE"), how
