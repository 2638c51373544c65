"""Which process fuzzes which function: the parent takes them from the front, the Z3 worker
from the back once its obligations are done, so both cores test while there is work.

Who runs a function does not change its result: Hypothesis runs are derandomised, have no
example database and start from an empty constant pool, so a function's run does not depend
on what ran before it in the process (checked over the verifier corpus and every family by
running each function alone in a fresh fork). A function claimed by a worker that then dies
or is stopped is simply fuzzed by the parent afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

#: How long the parent waits for the shared lock: only a worker killed while holding it
#: (a window of a few instructions) could make it wait; then the parent takes the rest.
LOCK_WAIT = 2.0


class Spending:
    """What each function's Z3 checks spent (rlimit units), written by whichever process
    checked it, shared like :class:`Claims`: from it, which functions' verdicts the call's
    total budget will throw away (:func:`seglam.verifier.z3pass.charge_in_order`), so that
    no process solves them. Each slot is written once, by the one process that claimed its
    function, before that function is marked done; a reader that sees a slot late only
    solves in vain, as every process did before."""

    def __init__(self, n: int, ctx=None) -> None:
        if ctx is None:
            self._spent, self._done = [0] * n, [0] * n
        else:
            self._spent, self._done = ctx.Array("q", n, lock=False), ctx.Array("b", n, lock=False)

    def finish(self, i: int, spent: int) -> None:
        """Function ``i`` is checked and spent ``spent``."""
        self._spent[i] = spent
        self._done[i] = 1

    def before(self, i: int) -> int | None:
        """What the functions before ``i`` spent, when all of them are done, else None."""
        total = 0
        for k in range(i):
            if not self._done[k]:
                return None
            total += self._spent[k]
        return total

    def discarded(self, i: int, budget: int) -> bool:
        """The functions before ``i`` that are done, each done one before it, spent more
        than ``budget``: every verdict of function ``i`` would be thrown away."""
        total = 0
        for k in range(i):
            if not self._done[k]:
                return False
            total += self._spent[k]
            if total > budget:
                return True
        return False


@dataclass(frozen=True)
class Fuzzed:
    """A worker's Hypothesis summary of one function (a message to the parent)."""

    function: str
    summary: object


class Claims:
    """Indexes ``0 .. n-1``, each handed out once: from the front or from the back."""

    def __init__(self, n: int, ctx=None) -> None:
        if ctx is None:  # no fork: the worker ran inline, nothing is shared
            self._lock = None
            self._ends = [0, n]
        else:
            self._lock = ctx.Lock()
            self._ends = ctx.Array("i", [0, n], lock=False)

    def front(self) -> int | None:
        return self._take(front=True)

    def back(self) -> int | None:
        return self._take(front=False)

    def in_order(self) -> int | None:
        """The lowest index not handed out: how the Z3 lanes share functions, both in
        source order (:class:`Spending`)."""
        return self._take(front=True)

    def _take(self, front: bool) -> int | None:
        if self._lock is not None and not self._lock.acquire(timeout=LOCK_WAIT):
            return None
        try:
            lo, hi = self._ends[0], self._ends[1]
            if lo >= hi:
                return None
            if front:
                self._ends[0] = lo + 1
                return lo
            self._ends[1] = hi - 1
            return hi - 1
        finally:
            if self._lock is not None:
                self._lock.release()


__all__ = ["Claims", "Fuzzed", "Spending"]
