"""Decimal arithmetic as Seglam does it: rounded to 28 significant digits (ROUND_HALF_EVEN).

An exact-real encoding would prove ``x + 1 > x`` for every Decimal, which is false past
1E+28 (the sum rounds back to ``x``). Each rounded operation's result is instead
``decimal28(v)`` for its exact value ``v``: one uninterpreted function, so the same exact
value always rounds the same way, known only to lie within half a unit in the 28th digit
of ``v`` (``|r - v| <= 5e-28 * |v|``) and to be monotone (``v <= w`` implies
``r(v) <= r(w)``, checked pairwise against the last few rounded values). A constant is
rounded exactly, by Python's decimal module in Seglam's context.

Operations that round: ``+ - * /``, unary ``-`` and ``abs()`` on Decimals, and each step of
``sum()``. Constructing a Decimal (a literal, ``Decimal(int)``) and comparing is exact.
"""

from __future__ import annotations

import decimal
from fractions import Fraction

import z3

#: Half a unit in the 28th significant digit, relative to the value: 5e-28.
HALF_ULP = "1/2000000000000000000000000000"
#: How many earlier rounded values each new one is ordered against (monotonicity facts).
MONOTONE_WINDOW = 8
CONTEXT = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN, Emax=999999, Emin=-999999)
NOTE = "Decimal arithmetic modelled with its rounding to 28 significant digits"


def rounded(v, facts: list, seen: list):
    """The rounded result of an operation whose exact value is ``v`` (a Real term).
    Defining facts go to ``facts`` (true on every path); ``seen`` holds the (exact, rounded)
    pairs of this encoding, for the monotonicity facts."""
    simple = z3.simplify(v)
    if z3.is_rational_value(simple):
        try:
            return _round_constant(simple)
        except decimal.DecimalException:
            pass  # out of the exponent range: Seglam faults; the solver keeps the general facts
    # Built in ``v``'s context (each function's encoding has its own; Z3 shares the
    # declaration of one name and signature within a context).
    r = z3.Function("decimal28", z3.RealSort(v.ctx), z3.RealSort(v.ctx))(v)
    half_ulp = z3.RealVal(HALF_ULP, v.ctx)
    size = z3.If(v >= 0, v, -v)
    facts += [r - v <= half_ulp * size, v - r <= half_ulp * size]
    for w, s in seen[-MONOTONE_WINDOW:]:
        facts += [z3.Implies(v <= w, r <= s), z3.Implies(w <= v, s <= r)]
    seen.append((v, r))
    return r


def _round_constant(value):
    f = Fraction(value.numerator_as_long(), value.denominator_as_long())
    d = CONTEXT.divide(decimal.Decimal(f.numerator), decimal.Decimal(f.denominator))
    exact = Fraction(d)
    return z3.RealVal(f"{exact.numerator}/{exact.denominator}", value.ctx)
