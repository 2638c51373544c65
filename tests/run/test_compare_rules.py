"""The runtime's arithmetic and comparisons at the level of one call (seglam.run.stdlib):
every operator of a comparison chain against CPython on values that are less, equal and
greater; identity; membership in a range without scanning it; which comparisons are charged;
the fuel of work on large ints and long keys against the cost table; sums, products and
powers at the int limit; ``sum`` of lists within the collection limit; a sum fed to a small
step still checked; the call depth and trace a ``RunContext`` keeps. Written to pin the rows
a mutation run (bench/mutation.py) found untested: the evaluator answers a single comparison
of scalars inline, so these reach ``compare`` only in a chain or on containers."""

from __future__ import annotations

import enum
import operator
from decimal import Decimal

import pytest

from seglam.run import cost
from seglam.run import stdlib as S
from seglam.run.context import BULK_UNIT, RunContext
from seglam.run.faults import Fault, Frame
from seglam.run.limits import Limits
from seglam.run.valuework import keys_cost
from seglam.syntax.span import Span
from tests.run.helpers import run

ORDER = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
         ">": operator.gt, ">=": operator.ge}

#: pairs that are less, equal and greater, of each ordered kind the evaluator sends here
PAIRS = [((1, 2), (1, 3)), ((1, 2), (1, 2)), ((2,), (1, 9)), ([1, "a"], [1, "b"]), ([3], [3]),
         ("abc", "abd"), ("x", "x"), ({1}, {1, 2}), ({1, 2}, {1, 2}), (2, 2), (1.5, 1)]


def _ctx(**limits) -> RunContext:
    return RunContext(Limits(**limits))


@pytest.mark.parametrize("op", sorted(ORDER))
@pytest.mark.parametrize(("a", "b"), PAIRS, ids=repr)
def test_each_order_operator_agrees_with_cpython(op, a, b):
    assert S.compare(_ctx(), op, a, b) is ORDER[op](a, b)
    assert S.compare(_ctx(), op, b, a) is ORDER[op](b, a)


def test_identity_is_identity_not_equality():
    xs, ys = [1, 2], [1, 2]
    ctx = _ctx()
    assert S.compare(ctx, "is", xs, xs) is True and S.compare(ctx, "is", xs, ys) is False
    assert S.compare(ctx, "is not", xs, ys) is True and S.compare(ctx, "is not", xs, xs) is False
    assert S.compare(ctx, "is", None, None) is True and S.compare(ctx, "is not", None, None) is False


@pytest.mark.parametrize(("item", "r", "inside"), [
    (3, range(5), True), (5, range(5), False), (True, range(2), True), (4.0, range(0, 10, 2), True),
    (4.5, range(10), False), (float("nan"), range(10), False), (float("inf"), range(10), False),
])
def test_membership_in_a_range(item, r, inside):
    ctx = _ctx()
    assert S.compare(ctx, "in", item, r) is inside
    assert S.compare(ctx, "not in", item, r) is (not inside)


class _Probe:
    """A value that counts the comparisons made with it."""

    def __init__(self) -> None:
        self.compared = 0

    def __eq__(self, other: object) -> bool:
        self.compared += 1
        return False

    __hash__ = object.__hash__


@pytest.mark.parametrize("op", ["in", "not in"])
def test_membership_in_a_range_does_not_scan_the_range(op):
    # CPython answers `x in range(...)` for a non-int x by comparing x with every element:
    # time no fuel pays for. Seglam answers it without looking at the elements.
    probe = _Probe()
    assert S.compare(_ctx(), op, probe, range(1000)) is (op == "not in")
    assert probe.compared == 0


def _fuel(op: str, a, b) -> int:
    ctx = _ctx(fuel=10_000)
    S.compare(ctx, op, a, b)
    return ctx.fuel_used


def test_only_equality_and_order_are_charged_for_the_operands_size():
    long = list(range(20 * BULK_UNIT))
    assert _fuel("==", long, list(long)) == _fuel("<", long, list(long)) == 20
    assert _fuel("is", long, long) == _fuel("is not", long, list(long)) == 0
    # membership is charged by the container (stdlib_coll.contains), not as a comparison
    ctx = _ctx(fuel=10_000)
    S.contains(ctx, long, [long])
    assert _fuel("in", long, [long]) == _fuel("not in", long, [long]) == ctx.fuel_used
    assert _fuel("in", "x" * 1000, "y" * 5) == 1


def test_an_unknown_comparison_is_a_value_fault():
    with pytest.raises(Fault) as info:
        S.compare(_ctx(), "<>", 1, 2)
    assert info.value.code == "F-VALUE"
    assert "unknown comparison '<>'" in str(info.value)


def test_sum_of_lists_is_checked_and_charged_for_every_element():
    rows = [[0] * 30, [1] * 30]
    assert S.b_sum(_ctx(), rows, [9]) == [9] + [0] * 30 + [1] * 30
    with pytest.raises(Fault) as info:
        S.b_sum(_ctx(max_collection_len=60), rows, [9])
    assert info.value.code == "F-COLLECTION-SIZE" and "61 elements" in str(info.value)
    ctx = _ctx()
    S.b_sum(ctx, rows, [9])
    # sized() charges the 2 rows; the concatenation the 61 elements
    assert ctx.fuel_used == (1 + 2 // BULK_UNIT) + (1 + 61 // BULK_UNIT)


def test_a_sum_stepped_by_a_small_literal_is_still_checked():
    # `5 + (a + b)` is a small step (never checked), so `a + b` is not exempt: it is checked
    src = "def main(a: int, b: int) -> int:\n    return 5 + (a + b)\n"
    near = 2 ** 64 - 1
    assert run(src, 3, 4, limits=Limits(max_int_bits=64)) == 12
    with pytest.raises(Fault) as info:
        run(src, near, near, limits=Limits(max_int_bits=64))
    assert info.value.code == "F-INT-SIZE"


def test_the_context_tracks_call_depth_and_the_call_sites():
    ctx = _ctx(max_depth=3)
    sites = [Span(1, 1, 1, 5), Span(2, 3, 2, 9), Span(3, 5, 3, 7)]
    for name, span in zip("fgh", sites):
        ctx.enter(name, span)
    assert ctx.depth == 3 and ctx.trace() == tuple(Frame(n, s) for n, s in zip("fgh", sites))
    ctx.leave()
    assert ctx.depth == 2 and ctx.trace() == (Frame("f", sites[0]), Frame("g", sites[1]))
    ctx.enter("h", sites[2])
    with pytest.raises(Fault) as info:
        ctx.enter("k", None)
    assert info.value.code == "F-DEPTH"


def test_a_product_past_the_limit_faults_with_its_size_before_multiplying():
    ctx = _ctx(max_int_bits=64)
    # operands of 65 and 64 bits in all can still make a product within 64 bits
    assert S.op_mul(ctx, 2 ** 31, 2 ** 32) == 2 ** 63
    assert S.op_mul(ctx, 2 ** 32 - 1, 2 ** 32 - 1) == (2 ** 32 - 1) ** 2
    # past that, the fault names the product's size (its least possible bit length)
    for a, b, bits in [(2 ** 100, 2 ** 100, 201), (2 ** 32, 2 ** 32, 65), (3, 2 ** 70, 72), (-(2 ** 64), 2, 66)]:
        with pytest.raises(Fault) as info:
            S.op_mul(ctx, a, b)
        assert (info.value.code, info.value.message) == (
            "F-INT-SIZE", f"integer too large: about {bits} bits, the limit is 64")
        assert bits <= (a * b).bit_length()


def test_an_unchecked_sum_skips_only_the_int_size_check():
    # intcap decides which sums skip the check; everything else is the ordinary operator
    ctx = _ctx(max_int_bits=64)
    assert S.op_sum_unchecked(ctx, "+", 2 ** 64, 2 ** 64) == 2 ** 65
    assert S.op_sum_unchecked(ctx, "-", -(2 ** 64), 2 ** 64) == -(2 ** 65)
    assert S.op_sum_unchecked(ctx, "+", 7, 5) == 12 and S.op_sum_unchecked(ctx, "-", 7, 5) == 2
    assert S.op_sum_unchecked(ctx, "+", "ab", "cd") == "abcd"
    assert S.op_sum_unchecked(ctx, "-", {1, 2}, {2}) == {1}
    assert S.op_sum_unchecked(ctx, "+", 1.5, 2) == 3.5
    with pytest.raises(Fault) as info:
        S.op_sum_unchecked(_ctx(max_collection_len=3), "+", [1, 2], [3, 4])
    assert info.value.code == "F-COLLECTION-SIZE"


BIG, OTHER = 3 ** 20_000, 7 ** 5_000  # about 31,700 and 14,000 bits
LONG_KEYS = {"k" * 300 + str(i) for i in range(6)}
MORE_KEYS = {"k" * 300 + str(i) for i in range(3, 12)}


def _bits(n: int) -> int:
    return abs(n).bit_length()


PYTHON = {S.b_divmod: divmod, S.op_floordiv: operator.floordiv, S.op_mod: operator.mod,
          S.op_rshift: operator.rshift, S.op_and: operator.and_, S.op_or: operator.or_, S.op_xor: operator.xor,
          S.op_invert: operator.invert, S.op_neg: operator.neg, S.b_abs: abs, S.op_lshift: operator.lshift}


@pytest.mark.parametrize(("op", "args", "expected"), [
    (S.b_divmod, (BIG, OTHER), cost.div(_bits(BIG), _bits(OTHER))),
    (S.op_floordiv, (BIG, OTHER), cost.div(_bits(BIG), _bits(OTHER))),
    (S.op_mod, (BIG, OTHER), cost.div(_bits(BIG), _bits(OTHER))),
    (S.op_rshift, (BIG, 3), cost.linear(_bits(BIG))),
    (S.op_and, (BIG, OTHER), cost.bitwise(_bits(BIG), _bits(OTHER))),
    (S.op_or, (BIG, OTHER), cost.bitwise(_bits(BIG), _bits(OTHER))),
    (S.op_xor, (OTHER, BIG), cost.bitwise(_bits(OTHER), _bits(BIG))),
    (S.op_invert, (BIG,), cost.bitwise(_bits(BIG), 0)),
    (S.op_neg, (BIG,), cost.bitwise(_bits(BIG), 0)),
    (S.b_abs, (-BIG,), cost.bitwise(_bits(BIG), 0)),
    (S.op_lshift, (BIG, 3), cost.linear(_bits(BIG << 3))),
], ids=lambda v: getattr(v, "__name__", ""))
def test_work_on_large_ints_is_charged_by_the_cost_table(op, args, expected):
    ctx = _ctx()
    result = op(ctx, *args)
    assert expected > 0 and ctx.fuel_used == expected
    assert result == PYTHON[op](*args)


@pytest.mark.parametrize(("op", "python"), [(S.op_and, operator.and_), (S.op_or, operator.or_),
                                           (S.op_xor, operator.xor), (S.op_sub, operator.sub)])
def test_a_set_operator_is_charged_for_hashing_both_operands_keys(op, python):
    ctx = _ctx()
    assert op(ctx, LONG_KEYS, MORE_KEYS) == python(LONG_KEYS, MORE_KEYS)
    keys = keys_cost(_ctx(), LONG_KEYS) + keys_cost(_ctx(), MORE_KEYS)
    bulk = 0 if op is S.op_sub else 1 + (len(LONG_KEYS) + len(MORE_KEYS)) // BULK_UNIT
    assert keys > 0 and ctx.fuel_used == bulk + keys


@pytest.mark.parametrize(("op", "python"), [(S.op_add, operator.add), (S.op_sub, operator.sub)])
def test_a_large_sum_is_exact_and_charged_a_pass_over_its_result(op, python):
    ctx = _ctx()
    assert op(ctx, BIG, OTHER) == python(BIG, OTHER)
    assert ctx.fuel_used == cost.linear(_bits(python(BIG, OTHER))) > 0
    ctx = _ctx()
    assert op(ctx, -BIG, OTHER) == python(-BIG, OTHER)
    assert ctx.fuel_used == cost.linear(_bits(python(-BIG, OTHER))) > 0


@pytest.mark.parametrize("base", [None, 10, 16])
def test_reading_a_long_int_from_text_is_charged_its_length_and_the_conversion(base):
    digits = "7" * 4000
    ctx = _ctx()
    value = S.b_int(ctx, digits) if base is None else S.b_int(ctx, digits, base)
    assert value == int(digits, base or 10)
    assert cost.str_to_int(len(digits)) > 0
    assert ctx.fuel_used == 1 + len(digits) // BULK_UNIT + cost.str_to_int(len(digits))


def test_a_modular_power_is_charged_on_ints_and_computed_on_decimals():
    base, exponent, modulus = BIG, 3 ** 300, 10 ** 400 + 7
    ctx = _ctx()
    assert S.op_pow(ctx, base, exponent, modulus) == pow(base, exponent, modulus)
    assert ctx.fuel_used == cost.power_mod(_bits(base), _bits(exponent), _bits(modulus)) > 0
    # a Decimal three-argument power is CPython's, and has no int cost to charge
    ctx = _ctx()
    assert S.op_pow(ctx, Decimal(7), 5, 13) == Decimal(11) and ctx.fuel_used == 0
    assert S.op_pow(_ctx(), 7, 5, Decimal(13)) == Decimal(11)


@pytest.mark.parametrize("exponent", [1, 2, 4])
def test_a_power_of_a_large_int_is_charged_by_the_cost_table(exponent):
    ctx = _ctx()
    assert S.op_pow(ctx, OTHER, exponent) == OTHER ** exponent
    bits = _bits(OTHER)
    assert ctx.fuel_used == cost.power(bits, exponent, bits * exponent) > 0


def test_at_the_estimates_boundary_the_exact_size_check_decides():
    # the early estimates fault only past the limit; at it, the result is computed and checked
    with pytest.raises(Fault) as info:
        S.op_pow(_ctx(max_int_bits=64), 3, 64)  # estimate (2 - 1) * 64 bits, 102 in fact
    assert (info.value.code, info.value.message) == ("F-INT-SIZE", "integer too large: more than 64 bits")
    with pytest.raises(Fault) as info:
        S.b_int(_ctx(max_int_bits=1000), Decimal("9E+301"))  # adjusted() 301: 301 * 3321 < 1000 * 1000
    assert (info.value.code, info.value.message) == ("F-INT-SIZE", "integer too large: more than 1000 bits")


def test_repeating_a_sequence_zero_or_fewer_times_is_empty_and_costs_no_elements():
    for count in (0, -3):
        ctx = _ctx(max_collection_len=2, max_str_len=2)
        assert S.op_mul(ctx, [1, 2, 3], count) == [] and S.op_mul(ctx, count, "abc") == ""
        assert ctx.fuel_used == 2  # the bulk charge's one step each, for no elements


def test_repeating_by_an_int_enum_member_is_cpythons():
    class Count(enum.IntEnum):
        THREE = 3

    assert S.op_mul(_ctx(), [0], Count.THREE) == [0, 0, 0]


def test_set_operators_on_wide_int_keys_are_cpythons():
    # wide int keys are recorded by hash in the context (to charge colliding ones)
    wide, more = {BIG, BIG + 1}, {BIG + 1, OTHER}
    for op, python in ((S.op_or, operator.or_), (S.op_and, operator.and_), (S.op_xor, operator.xor)):
        assert op(_ctx(), wide, more) == python(wide, more)
