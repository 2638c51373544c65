"""A constant ``**`` is folded in the Z3 encoding (V-08): ``10**12`` is how bounds are written."""

from __future__ import annotations

import time

import z3

from seglam.verifier import verify
from seglam.verifier.exprs import fold_power
from seglam.verifier.report import UNKNOWN

SRC = """\
@requires(lambda n: 0 <= n <= 10**12)
@ensures(lambda n, result: result <= n)
def third(n: int) -> int:
    return n // 3
"""


def test_a_power_bound_is_proved_like_its_literal():
    report = verify(SRC, max_examples=10)
    assert not [r for r in report.results if r.verdict == UNKNOWN], report.render()
    assert report.status == "proved"


def test_fold_power_folds_small_constants_only():
    assert fold_power(z3.IntVal(10), z3.IntVal(12)) == z3.IntVal(10**12)
    assert fold_power(z3.IntVal(-2), z3.IntVal(3)) == z3.IntVal(-8)
    assert fold_power(z3.IntVal(0), z3.IntVal(0)) == z3.IntVal(1)
    assert fold_power(z3.IntVal(2), z3.IntVal(-1)) is None  # a float
    assert fold_power(z3.Int("x"), z3.IntVal(2)) is None  # not a constant: left to the encoder's rule
    t0 = time.perf_counter()
    assert fold_power(z3.IntVal(10), z3.IntVal(10**9)) is None  # a hostile 10**10**9 is never computed
    assert fold_power(z3.IntVal(1), z3.IntVal(10**9)) == z3.IntVal(1)
    assert time.perf_counter() - t0 < 1.0
