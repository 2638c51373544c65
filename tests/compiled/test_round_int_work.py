"""``round(n, -k)`` on ints (SPEC.md §10, "Work on large values"): CPython computes
``10**k`` whatever ``k`` is, so an int smaller than ``10**(k-1)`` rounds to 0 without that
work, and any other is charged before the work (cost.round_int) and its result is
size-checked, the same on both backends. Found by a red-team run (H-01): ``round(7, -10**8)``
hung a run for 1 fuel."""

from __future__ import annotations

import time

import seglam
from seglam.run import cost
from tests.compiled.agree import run_outcome

BACKENDS = ("compiled", "reference")
SOURCE = "def main(n: int, k: int) -> int:\n    return round(n, -k)\n"
TOP = 2 ** 65_536 - 1  # 1.00176...e19728: rounded at 10**19725 it passes the cap


def test_a_small_int_rounded_at_a_huge_power_of_ten_is_zero_at_once():
    """(Before: 14 s for ``k = 10**7``, and a hang for ``10**8``.)"""
    prog = seglam.compile(SOURCE)
    cases = [(7, 10 ** 7, 0), (-7, 10 ** 8, 0), (True, 10 ** 9, 0), (10 ** 300, 10 ** 7, 0), (10 ** 300, 302, 0),
             (5 * 10 ** 300, 301, 0), (6 * 10 ** 300, 301, 10 ** 301), (5, 1, 0), (15, 1, 20), (7, 1, 10), (-7, 1, -10)]
    for n, k, want in cases:
        start = time.perf_counter()
        got = {b: run_outcome(prog, (n, k), 10, b) for b in BACKENDS}
        assert time.perf_counter() - start < 5, (n, k)
        assert got["compiled"] == got["reference"] == ("value", want, 1), (n, k, got)


def test_the_work_of_rounding_a_big_int_is_charged_before_it():
    prog = seglam.compile(SOURCE)
    n, k = 2 ** 60_000 - 3, 15_000
    need = cost.round_int(60_000, k)
    assert need > 1000
    used = {b: prog.run("main", (n, k), backend=b).fuel_used for b in BACKENDS}
    assert used["compiled"] == used["reference"] == 1 + need, used
    got = {b: run_outcome(prog, (n, k), need, b) for b in BACKENDS}
    assert got["compiled"] == got["reference"], got
    assert got["compiled"][:2] == ("fault", "F-FUEL"), got


def test_a_rounded_int_past_the_cap_faults():
    prog = seglam.compile(SOURCE)
    assert round(TOP, -19_725).bit_length() > 65_536
    got = {b: run_outcome(prog, (TOP, 19_725), 10 ** 7, b) for b in BACKENDS}
    assert got["compiled"] == got["reference"], got
    assert got["compiled"][:2] == ("fault", "F-INT-SIZE"), got


def test_a_module_constant_rounded_at_a_huge_power_of_ten_is_zero():
    prog = seglam.compile("X = round(7, -100000000)\n\n\ndef main() -> int:\n    return X\n")
    for b in BACKENDS:
        assert prog.run("main", (), backend=b).value == 0
