"""One size rule for every integer literal, whatever its base: its value has at most 4300
decimal digits (below 10**4300, CPython's limit for a decimal literal), else E-NESTING at
the literal. Before, only decimal literals were counted (by their digits), so a hex literal
of 20,000 digits made an 80,000-bit int, past max_int_bits, with no diagnostic (found by the
red-team reproducer 08-hex-literal-over-limits.sgl)."""

from __future__ import annotations

import pytest

from seglam.syntax.diagnostics import CheckError
from seglam.syntax.lower import parse

LIMIT = 10 ** 4300


def decimal(n: int) -> str:
    # str() itself refuses more than 4300 digits: spell the two numbers used here
    return {LIMIT: "1" + "0" * 4300, LIMIT - 1: "9" * 4300}[n]


def _program(literal: str) -> str:
    return f"def main() -> int:\n    return {literal} % 1000\n"


def _literal_error(literal: str):
    with pytest.raises(CheckError) as raised:
        parse(_program(literal), "t.sgl")
    [found] = raised.value.diagnostics
    return found


@pytest.mark.parametrize("spelling", [hex, oct, bin, decimal])
def test_a_literal_of_the_limit_is_refused_in_every_base(spelling):
    found = _literal_error(spelling(LIMIT))
    assert found.code == "E-NESTING" and (found.span.line, found.span.col) == (2, 12)
    assert "4300" in found.message and found.hint


@pytest.mark.parametrize("spelling", [hex, oct, bin, decimal])
def test_a_literal_just_below_the_limit_is_accepted_in_every_base(spelling):
    module = parse(_program(spelling(LIMIT - 1)), "t.sgl")
    assert module.body


def test_the_reproducers_hex_literal_of_20000_digits_is_refused():
    assert _literal_error("0x" + "f" * 20_000).code == "E-NESTING"


def test_separators_and_upper_case_prefixes_count_by_value():
    assert _literal_error("0X" + "_".join(["F" * 10] * 1500)).code == "E-NESTING"
    parse(_program("0B" + "_".join(["1"] * 14_000)), "t.sgl")


def test_leading_zeros_do_not_count():
    # CPython reads `000...0` (4301 zeros) as 0: the value, not the text, is measured
    parse(_program("0" * 4301), "t.sgl")
    parse(_program("0x" + "0" * 20_000 + "1"), "t.sgl")
