"""Decimal arithmetic, comparisons and methods are charged by their operands' digits before
the work (found by a red-team run, H-04: a Decimal of a million digits made every operation
on it cost 1 step for about 1.4 ms, a multiplication 260 ms). ``decimalwork.op_cost`` (one
rule, cost.decimal_op) is charged by the reference's operators and by the compiled
backend's native Decimal code alike (SPEC.md §10). Deterministic checks: fuel, not time."""

from __future__ import annotations

import decimal

import pytest

from seglam.run import cost, decimalwork
from seglam.run.limits import Limits

from tests.compiled.agree import outcomes

D = decimal.Decimal
N = 3000  # digits of the large operands: every charge below is well past the free digits

_EXPRS = {
    "/": ("d / e", "/"), "+": ("d + e", "+"), "-": ("d - e", "-"), "*": ("e * e", "*"), "//": ("e // d", "//"),
    "%": ("e % d", "%"), "<": ("d < e", "=="), "==": ("d == e", "=="), "unary -": ("-e", "-"), "unary +": ("+e", "+"),
    "abs": ("abs(e)", "abs"), "**": ("e ** 2", "**"), "** fraction": ("e ** Decimal('0.5')", "**"),
    "quantize": ("e.quantize(Decimal('0.01'))", "quantize"), "sqrt": ("e.sqrt()", "sqrt"),
    "normalize": ("e.normalize()", "normalize"), "round": ("round(e, 2)", "round"),
    "to_integral_value": ("d.to_integral_value()", "to_integral"), "with an int": ("e * 7", "*"),
}


def _source(expr: str) -> str:
    return ("from decimal import Decimal\n\n\ndef main(n: int) -> bool:\n"
            "    d = Decimal(\"1\" * n)\n    e = Decimal(\"0.\" + \"3\" * n)\n"
            f"    x = {expr}\n    return x is None\n")


def _fuel(source: str, n: int) -> int:
    got = outcomes(source, "main", (n,), Limits(fuel=10 ** 9))
    assert got[0] == got[1] and got[0][0] == "value", got
    return got[0][2]


def _operands_cost(expr: str, op: str, d: D, e: D) -> int:
    operands = {"d / e": (d, e), "d + e": (d, e), "d - e": (d, e), "e * e": (e, e), "e // d": (e, d), "e % d": (e, d),
                "d < e": (d, e), "d == e": (d, e), "e ** 2": (e, 2), "e ** Decimal('0.5')": (e, D("0.5")),
                "e.quantize(Decimal('0.01'))": (e, D("0.01")), "e * 7": (e, 7)}
    return decimalwork.op_cost(op, *operands.get(expr, (d if expr.startswith("d") else e,)))


@pytest.mark.parametrize("name", sorted(_EXPRS))
def test_an_operation_on_a_long_decimal_is_charged_its_digits_on_both_backends(name):
    expr, op = _EXPRS[name]
    charge = _operands_cost(expr, op, D("1" * N), D("0." + "3" * N))
    assert charge >= N // cost.DECIMAL_DIGITS
    # the same program on short operands pays the same steps and nothing for the operation
    assert _fuel(_source(expr), N) - _fuel(_source(expr), 5) >= charge


def test_small_operands_cost_nothing():
    money = (D("100.25"), D("1.0375"), D(1) / D(3), D("9" * cost.DECIMAL_FREE_DIGITS), 7, 2 ** 600 - 1, True, None)
    for a in money:
        for b in money:
            for op in ("+", "*", "/", "==", "**", "sqrt"):
                assert decimalwork.op_cost(op, a, b) == 0, (op, a, b)
    assert decimalwork.op_cost("+", D("9" * (cost.DECIMAL_FREE_DIGITS + 1)), 1) > 0
    assert decimalwork.op_cost("+", D("1.5"), 2 ** 601) > 0


def test_the_inline_size_test_admits_only_free_decimals():
    # generated code skips the charge when Decimal.__sizeof__ is at most INLINE_SIZE
    assert decimalwork.INLINE_SIZE > 0  # (this build keeps short coefficients inline)
    for text in ("0", "1.5", "-0.0001", "1E+999", "9" * 76, "9" * 77, "1" * 200, "0." + "1" * 100):
        d = D(text)
        if d.__sizeof__() <= decimalwork.INLINE_SIZE:
            assert decimalwork.digits(d) <= cost.DECIMAL_FREE_DIGITS
    with decimal.localcontext(decimal.Context(prec=28)):
        big = D("1" * 1000) + 1  # a result may keep a larger buffer: measured exactly, still free
    assert decimalwork.digits(big) <= 28 and decimalwork.op_cost("+", big, big) == 0


def test_a_fractional_power_is_charged_the_square_of_the_base_digits():
    e = D("0." + "3" * 1000)
    assert decimalwork.op_cost("**", e, D("0.5")) >= 1000 * 1000 // 2
    assert decimalwork.op_cost("**", e, D("2.000")) < 1000 * 1000 // 2  # integral: a squaring


def test_an_int_operand_is_charged_its_conversion():
    source = ("from decimal import Decimal\n\n\ndef main(n: int) -> bool:\n"
              "    return n * Decimal(\"1.5\") > 0\n")
    charge = decimalwork.op_cost("*", 2 ** 20000, D("1.5"))
    assert charge >= cost.int_to_str(20000)
    assert _fuel(source, 2 ** 20000) - _fuel(source, 3) >= charge


def test_a_million_digit_division_runs_out_of_the_default_fuel_at_the_same_operation():
    source = ("from decimal import Decimal\n\n\ndef main(n: int) -> int:\n    d = Decimal(\"1\" * n)\n    k = 0\n"
              "    for i in range(400):\n        if d / 7 > 0:\n            k += 1\n    return k\n")
    got = outcomes(source, "main", (1_000_000,), Limits())
    assert got[0] == got[1] and got[0][:2] == ("fault", "F-FUEL"), got
