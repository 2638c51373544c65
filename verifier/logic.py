"""Boolean helpers shared by the encoder's modules (simplifying the common constant cases)."""

from __future__ import annotations

import z3

TRUE = z3.BoolVal(True)
FALSE = z3.BoolVal(False)


def _or(a, b):
    if z3.is_false(a):
        return b
    if z3.is_false(b):
        return a
    return z3.Or(a, b)


def _and(a, b):
    if z3.is_true(a):
        return b
    if z3.is_true(b):
        return a
    return z3.And(a, b)
