"""Work on Decimals that grows with their coefficients and exponents (SPEC.md §10, "Work on
large values"), shared by both backends: a Decimal written with a million digits keeps them
all, and one with exponent ``-999999`` is ``10**-999999`` exactly, so converting it to ints
builds ints of millions of bits unless the size is decided first; and every operation on
one reads (or multiplies) its whole coefficient before rounding to 28 digits (:func:`op_cost`).

Sizes are decided in constant time: the coefficient's digits are ``adjusted() - exponent + 1``,
and the exponent is read from ``0`` quantized to it (no pass over the digits)."""

from __future__ import annotations

import decimal

from seglam.run import cost
from seglam.run.context import RunContext

#: Exact for every exponent (no rounding, no trap): only exponents are read with it.
_WIDE = decimal.Context(prec=decimal.MAX_PREC, Emin=decimal.MIN_EMIN, Emax=decimal.MAX_EMAX, traps=[])
_ZERO = decimal.Decimal(0)


def exponent(d: decimal.Decimal) -> int:
    """The exponent of a finite Decimal, in constant time."""
    return _ZERO.quantize(d, context=_WIDE).as_tuple().exponent


def digits(d: decimal.Decimal) -> int:
    """The digits of a finite Decimal's coefficient (1 for zero), in constant time."""
    return d.adjusted() - exponent(d) + 1


def pass_cost(value) -> int:
    """The fuel of a pass over a Decimal's coefficient (``str``, ``repr``, ``format``,
    ``float()``, hashing): ``cost.decimal_digits`` of its digits; 0 for anything else."""
    if type(value) is not decimal.Decimal or not value.is_finite():
        return 0
    return cost.decimal_digits(value.adjusted() - exponent(value) + 1)


def _too_big(ctx: RunContext, bits_over: int):
    """F-INT-SIZE for an int known to have more than ``bits_over`` bits (at least the cap)."""
    return ctx.int_bits_fault(bits_over + 1)


def to_int(ctx: RunContext, d: decimal.Decimal, convert) -> int:
    """``convert(d)`` (``int``, ``math.floor``, ...) of a finite Decimal: F-INT-SIZE before the
    conversion when the integer part has more than ``max_int_bits`` bits (``10**adjusted``
    does), else charged for the pass over the coefficient and for making an int of the
    integer part's digits (``cost.str_to_int``), and the result size-checked."""
    if not d.is_finite():
        return convert(d)
    adjusted = d.adjusted()
    if adjusted * 3321 >= ctx.max_int_bits * 1000:  # bits >= adjusted * log2(10) + 1
        raise ctx.int_bits_fault(int(adjusted * 3.33))
    ctx.spend(cost.decimal_digits(digits(d)) + cost.str_to_int(max(0, adjusted + 1)))
    return ctx.check_int(convert(d))


def as_integer_ratio(ctx: RunContext, d: decimal.Decimal) -> tuple[int, int]:
    """``d.as_integer_ratio()``: the reduced fraction's ints are size-checked before they
    are made, from lower bounds on their sizes (with ``c`` the coefficient less its trailing
    zeros, of ``n`` digits, and ``e`` the exponent: ``c * 10**e`` when ``e >= 0``; else the
    denominator is at least ``2**-e`` and the numerator at least ``10**(n-1) / 5**-e``), and
    charged for the work (cost.decimal_ratio) before it."""
    if not d.is_finite():
        return d.as_integer_ratio()  # (CPython's fault)
    cap = ctx.max_int_bits
    ctx.spend(cost.decimal_digits(digits(d)))  # the pass that takes off trailing zeros
    if d.is_zero():
        return (0, 1)
    reduced = _WIDE.normalize(d)
    n, e = digits(reduced), exponent(reduced)
    if e >= 0:
        if (n - 1 + e) * 3321 >= cap * 1000:
            raise ctx.int_bits_fault(int((n + e) * 3.33))
        ctx.spend(cost.str_to_int(n + e))
    else:
        k = -e
        if k >= cap:  # the denominator is at least 2**k
            raise ctx.int_bits_fault(k + 1)
        if (n - 1) * 3321 - k * 2322 >= (cap + 1) * 1000:  # the numerator is at least 10**(n-1) / 5**k
            raise ctx.int_bits_fault(int((n - 1) * 3.32 - k * 2.33))
        ctx.spend(cost.decimal_ratio(n, k))
    a, b = d.as_integer_ratio()
    return ctx.check_int(a), ctx.check_int(b)


#: The largest ``Decimal.__sizeof__`` of a Decimal whose coefficient CPython keeps inline (at
#: most 4 words of 19 digits: at most cost.DECIMAL_FREE_DIGITS digits): an operand no larger
#: is known, in constant time, to cost nothing; generated code tests it inline. -1 (never)
#: where the build lays Decimals out otherwise, so that every operand is measured.
INLINE_SIZE = decimal.Decimal(0).__sizeof__()
if not (decimal.Decimal("9" * cost.DECIMAL_FREE_DIGITS).__sizeof__() == INLINE_SIZE
        < decimal.Decimal("9" * (cost.DECIMAL_FREE_DIGITS + 1)).__sizeof__()):
    INLINE_SIZE = -1
_SIZE = decimal.Decimal.__sizeof__
#: Ints within this bound cost nothing as operands (cost.DECIMAL_FREE_INT_BITS).
_FREE_INT = 1 << cost.DECIMAL_FREE_INT_BITS
_DECIMAL = decimal.Decimal


def _size(x) -> tuple[int, int]:
    """``(digits, conversion)`` of an operand: a finite Decimal's coefficient digits; an int's
    decimal digits (bounded from its bits) and the fuel of converting it to a Decimal
    (quadratic in CPython, as ``str(n)``); (0, 0) for anything else."""
    t = type(x)
    if t is decimal.Decimal:
        return (digits(x), 0) if x.is_finite() else (0, 0)
    if t is int:
        bits = abs(x).bit_length()
        return (bits * 3011 // 10000 + 1, cost.int_to_str(bits)) if bits > cost.DECIMAL_FREE_INT_BITS else (0, 0)
    return 0, 0


def op_cost(op: str, a, b=None) -> int:
    """The fuel of the Decimal operation ``op`` on ``a`` (and ``b``) before it is done
    (:func:`seglam.run.cost.decimal_op`), with each int operand's conversion; 0 unless an
    operand is a Decimal (an int of at most DECIMAL_FREE_INT_BITS bits counts no digits).
    Both backends charge it for every Decimal operator, comparison and method."""
    if (_SIZE(a) <= INLINE_SIZE if type(a) is _DECIMAL else type(a) is not int or -_FREE_INT < a < _FREE_INT) \
            and (_SIZE(b) <= INLINE_SIZE if type(b) is _DECIMAL else type(b) is not int or -_FREE_INT < b < _FREE_INT):
        return 0  # the common case, known in constant time (b None: no second operand)
    if type(a) is not _DECIMAL and type(b) is not _DECIMAL:
        return 0
    (da, ca), (db, cb) = _size(a), _size(b)
    if op == "**" and not _integral(b):
        op = "**."
    return cost.decimal_op(op, da, db) + ca + cb


def _integral(x) -> bool:
    """An int, or a finite Decimal equal to an int: CPython's Decimal ``**`` multiplies for
    these, and takes the far slower exp-of-ln way for any other exponent."""
    if type(x) is not decimal.Decimal:
        return type(x) is int
    return x.is_finite() and x == x.to_integral_value(context=_WIDE)
