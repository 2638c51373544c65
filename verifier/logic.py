"""Boolean helpers shared by the encoder's modules (simplifying the common constant cases)."""

from __future__ import annotations

import z3

from seglam.verifier.terms import is_false, is_true, mk_and, mk_or


def true():
    """The literal ``True`` of the current context (no Z3 object lives at module level: each
    function is encoded in a context of its own, :mod:`seglam.verifier.context`)."""
    return z3.BoolVal(True)


def false():
    """The literal ``False`` of the current context."""
    return z3.BoolVal(False)


def or_(a, b):
    """``a or b``, folding the constant sides away so the solver sees smaller terms."""
    if is_false(a):
        return b
    if is_false(b):
        return a
    return mk_or(a, b)


def and_(a, b):
    """``a and b``, folding the constant sides away so the solver sees smaller terms."""
    if is_true(a):
        return b
    if is_true(b):
        return a
    return mk_and(a, b)


def dead(guard, cond) -> bool:
    """Is ``guard and cond`` known to be false, so a loop can stop unrolling?

    Decided on ``cond`` alone (simplified), plus a guard that is literally false. Simplifying
    the whole conjunction finds no more in practice (measured on the verifier corpus and
    every family), but costs time that grows with the guard, which is the whole path so far:
    simplifying it once per unrolled iteration made encoding quadratic. Missing a dead
    iteration would be sound anyway (it is encoded under a false guard), only larger."""
    return is_false(guard) or z3.is_false(z3.simplify(cond))


def past_end(length, memo: dict | None = None):
    """``k -> bool``: is ``k < length`` false after simplification (iteration ``k`` of a loop
    over ``length`` items is never entered)? ``length`` is simplified once per loop rather
    than once per iteration: it can be a long chain of guarded lengths. With ``memo`` (one
    per worker call) the answers are shared between loops over the same list: inlined
    callees iterate the same inputs again and again."""
    if isinstance(length, int):
        return lambda k: k >= length
    key = length.get_id()
    if memo is not None and key in memo and memo[key][0].eq(length):
        return memo[key][1]
    limit = z3.simplify(length)
    if z3.is_int_value(limit):
        n = limit.as_long()

        def ended(k: int) -> bool:
            return k >= n
    else:
        answers: dict[int, bool] = {}

        def ended(k: int) -> bool:
            if k not in answers:
                answers[k] = z3.is_false(z3.simplify(k < limit))
            return answers[k]
    if memo is not None:
        memo[key] = (length, ended)  # holding the term keeps its id from being reused
    return ended
