"""``a % (n * 3)``, ``a // (b + c)``, ``a >> (k * 2)``: an int division whose divisor is too
large an expression to write twice binds it to a temporary (after the dividend, by the test
``t is not r``) and takes the same inline ways as a compact divisor
(:func:`seglam.run.codegen.sizework.divisor_bound`), where it went through the stdlib
operator. Both backends agree at every fuel budget, on huge dividends and divisors, on a
zero divisor, when dividend and divisor are the same object, and under small int caps."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.limits import Limits
from tests.compiled.agree import outcomes
from tests.compiled.passcheck import disagreements_at_every_budget

SOURCE = """
def main(n: int, m: int) -> int:
    xs = [(i * 37) % (n * 3) for i in range(n)]
    t = 0
    for i in range(1, n):
        t += (m * i) // (i * 2 + n) + (m * n) % (i * n) + ((m * 5) >> (i * 2))
    same = (n * 1) % (n * 1) + (n * 1) // (n * 1)
    return sum(xs) + t + same
"""

ZERO = """
def main(n: int, m: int) -> int:
    return (m * 7) % (n * 0)
"""


def test_a_large_divisor_is_bound_not_sent_to_the_stdlib_operator():
    source = seglam.compile(SOURCE, filename="div.sgl").python_source("main")
    assert "stdlib.op_" not in source and "op_mod" not in source
    assert " is not (h_t" in source


@pytest.mark.parametrize("args", [(4, 9), (3, -7), (3, 2 ** 700 + 5), (2, -(2 ** 300))])
def test_fuel_agrees_at_every_budget(args):
    program = seglam.compile(SOURCE, filename="div.sgl")
    assert disagreements_at_every_budget(program, "main", args) == []


@pytest.mark.parametrize("args", [(2, 5), (2, 2 ** 900)])
def test_a_zero_divisor_faults_alike(args):
    for fuel in range(12):
        compiled, reference = outcomes(ZERO, "main", args, Limits(fuel=fuel))
        assert compiled == reference, fuel


@pytest.mark.parametrize("bits", [8, 64, 700])
def test_small_int_caps_agree(bits):
    for args in ((4, 9), (3, 2 ** 600), (5, -(2 ** 63))):
        compiled, reference = outcomes(SOURCE, "main", args, Limits(max_int_bits=bits))
        assert compiled == reference, (bits, args)


def test_a_literal_operand_wider_than_the_cap():
    """Found by round 4: under a cap narrower than an int literal operand of `*` (i * 37, i == 0,
    max_int_bits=2) the reference faulted on the factors' sizes, the compiled backend saw the
    product, 0. SPEC §10 caps the size of a value: a zero product is 0 on both backends, and a
    nonzero one still faults on both."""
    source = "def main(i: int) -> int:\n    return i * 37\n"
    compiled, reference = outcomes(source, "main", (0,), Limits(max_int_bits=2))
    assert compiled == reference and compiled[0] == "value"
    compiled, reference = outcomes(source, "main", (1,), Limits(max_int_bits=2))
    assert compiled == reference and compiled[0] == "fault"
