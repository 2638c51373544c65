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


__all__ = ["Claims", "Fuzzed"]
