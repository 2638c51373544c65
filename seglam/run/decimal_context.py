"""Seglam's one Decimal context (SPEC.md, "Decimal").

Backends install it with ``decimal.localcontext(DECIMAL_CONTEXT)`` around a run (thread-local;
the global context is never touched)."""

from __future__ import annotations

import decimal

DECIMAL_CONTEXT = decimal.Context(
    prec=28,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
