"""Shrink a counterexample before it is reported: the smallest failing input the replays
find reads best, and a repair starts from it.

Z3's model is any input that fails (``triangle(n=8)`` where ``n=1`` fails too), and the
aimed run's boundary values are not shrunk at all. This greedy pass tries simpler values
one parameter at a time and keeps each that still fails the same check, under a budget of
replays. Big ints are only halved (stepping down by one from ``2**1024 + 1`` would make it
longer, not simpler).
"""

from __future__ import annotations

from collections.abc import Callable

#: Replays one counterexample may cost.
BUDGET = 40
#: Ints up to this size also step by one toward zero.
SMALL_INT = 1 << 16


def _toward_zero_half(v: int) -> int:
    return v // 2 if v >= 0 else -((-v) // 2)


def candidates(v: object) -> list[object]:
    """Simpler values than ``v``, simplest first (none for values it does not know)."""
    if isinstance(v, bool):
        return [False] if v else []
    if isinstance(v, int):
        out: list[object] = [0, 1, -1, -v if v < 0 else None, _toward_zero_half(v)]
        if abs(v) <= SMALL_INT:
            out.append(v - 1 if v > 0 else v + 1)
        return [c for c in dict.fromkeys(out) if c is not None and abs(c) < abs(v) or (c == -v and v < 0)]
    if isinstance(v, (str, list)) and len(v) > 0:  # a tuple's length is its type's
        half = len(v) // 2
        out = []
        for c in (v[:0], v[:half], v[half:], v[:-1], v[1:]):
            if len(c) < len(v) and c not in out:  # lists do not hash: compared, not keyed
                out.append(c)
        return out
    return []


def shrink(inputs: dict, fails: Callable[[dict], bool], budget: int = BUDGET) -> dict:
    """``inputs``, each value replaced by the simplest candidate that keeps ``fails`` true,
    until nothing simpler fails or ``budget`` replays are spent."""
    best = dict(inputs)
    left = budget
    improved = True
    while improved and left > 0:
        improved = False
        for key in list(best):
            for c in candidates(best[key]):
                if left <= 0:
                    return best
                left -= 1
                trial = {**best, key: c}
                if fails(trial):
                    best, improved = trial, True
                    break
    return best


__all__ = ["candidates", "shrink"]
