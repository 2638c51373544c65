"""The runtime's operators at the level of one call: the bulk fuel charge of the set and
dict operators (``1 + n // 8`` for ``n`` elements, seglam.run.stdlib_core "Fuel"), the
single-step charge of ``RunContext.tick``, and the size an ``F-INT-SIZE`` message reports."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from seglam.run import stdlib as S
from seglam.run.context import BULK_UNIT, RunContext
from seglam.run.faults import Fault
from seglam.run.limits import Limits


def _used(op, a, b) -> int:
    ctx = RunContext(Limits(fuel=10_000))
    op(ctx, a, b)
    return ctx.fuel_used


A = set(range(30))
B = set(range(100, 120))
N = len(A) + len(B)


@pytest.mark.parametrize("op", [S.op_or, S.op_and, S.op_xor])
def test_set_operators_charge_for_both_operands(op):
    assert _used(op, A, B) == 1 + N // BULK_UNIT == 7


def test_dict_merge_and_key_views_charge_for_both_operands():
    d = {k: 0 for k in A}
    e = {k: 0 for k in B}
    assert _used(S.op_or, d, e) == 1 + N // BULK_UNIT
    assert _used(S.op_and, d.keys(), B) == 1 + N // BULK_UNIT
    assert _used(S.op_and, d.items(), set(e.items())) == 1 + N // BULK_UNIT


def test_int_and_is_free():
    assert _used(S.op_and, 12, 10) == 0


def test_tick_charges_one_step_and_faults_past_the_budget():
    ctx = RunContext(Limits(fuel=3))
    for used in (1, 2, 3):
        ctx.tick()
        assert ctx.fuel_used == used
    with pytest.raises(Fault) as info:
        ctx.tick()
    assert info.value.code == "F-FUEL"
    assert ctx.fuel_used == 3


def _reported_bits(op, *args, bits: int = 64) -> int:
    ctx = RunContext(Limits(max_int_bits=bits))
    with pytest.raises(Fault) as info:
        op(ctx, *args)
    assert info.value.code == "F-INT-SIZE"
    m = re.search(r"about (\d+) bits, the limit is (\d+)", info.value.message)
    assert m is not None, info.value.message
    assert int(m.group(2)) == bits
    return int(m.group(1))


def test_a_shift_reports_the_size_it_would_make():
    assert _reported_bits(S.op_lshift, 3, 100) == (3 << 100).bit_length() == 102
    assert _reported_bits(S.op_lshift, -5, 70) == (5 << 70).bit_length()


@pytest.mark.parametrize("shift", [1 << 40, (1 << 40) + 1, 1 << 41, 1 << 62])
def test_an_astronomical_shift_reports_the_first_size_past_the_limit(shift):
    # the fault comes before any work; the message does not echo a 13-digit size
    assert _reported_bits(S.op_lshift, 3, shift) == 65


def test_sums_and_differences_report_their_size():
    assert _reported_bits(S.op_sub, -(1 << 70), 1) == 71
    assert _reported_bits(S.op_add, 1 << 70, 1) == 71


@pytest.mark.parametrize("digits", [19_794, 30_000])
def test_int_of_a_huge_decimal_reports_about_its_size(digits):
    true_bits = (10 ** digits).bit_length()
    reported = _reported_bits(S.b_int, Decimal(f"1E+{digits}"), bits=65_536)
    assert abs(reported - true_bits) / true_bits < 0.01


def test_a_power_reports_a_lower_bound_past_the_limit():
    reported = _reported_bits(S.op_pow, 3, 100)
    assert 64 < reported <= (3 ** 100).bit_length()
    assert reported == 100  # (bits of 3 - 1) * exponent
    assert _reported_bits(S.op_pow, 3, 1 << 40) == 65
    assert _reported_bits(S.op_pow, -7, 1 << 50) == 65


def test_repeating_a_sequence_reports_its_length():
    ctx = RunContext(Limits(max_str_len=5, max_collection_len=3))
    with pytest.raises(Fault) as info:
        S.op_mul(ctx, "ab", 10)
    assert (info.value.code, info.value.message) == ("F-STR-SIZE", "string too long: 20 characters, the limit is 5")
    with pytest.raises(Fault) as info:
        S.op_mul(ctx, 2, [1, 2])
    assert (info.value.code, info.value.message) == (
        "F-COLLECTION-SIZE", "collection too large: 4 elements, the limit is 3")
    assert S.op_mul(ctx, [1], 3) == [1, 1, 1] and S.op_mul(ctx, "ab", -2) == ""


@pytest.mark.parametrize("base,exp", [(-8.0, 0.5), (-2, 0.25), (-1.5, -0.5)])
def test_a_negative_number_to_a_fractional_power_faults(base, exp):
    with pytest.raises(Fault) as info:
        S.op_pow(RunContext(), base, exp)
    assert (info.value.code, info.value.message) == (
        "F-VALUE", "a negative number raised to a fractional power has no real value")
    assert S.op_pow(RunContext(), -8.0, 2.0) == 64.0 and S.op_pow(RunContext(), 4, 0.5) == 2.0
