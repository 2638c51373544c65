"""Run-time budgets: fuel (steps), call depth and size caps.

All limits are deterministic counts, never wall-clock time, so the same program on the same
input ends the same way on every machine and both backends. A :class:`Limits` is immutable
and may be shared; the mutable per-call state lives in :class:`seglam.run.context.RunContext`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """The budgets of one run.

    - ``fuel``: steps; +1 per loop iteration (``for``/``while``), per comprehension or
      generator iteration, per Seglam function or lambda call; builtins charge in bulk
      (see :mod:`seglam.run.stdlib`, "Fuel"). ``F-FUEL`` when it runs out.
    - ``max_depth``: Seglam call depth (``F-DEPTH``).
    - ``max_int_bits``: the largest int magnitude, in bits (``F-INT-SIZE``).
    - ``max_str_len``: the longest string, in characters (``F-STR-SIZE``).
    - ``max_collection_len``: the longest list/dict/set/tuple (``F-COLLECTION-SIZE``).
    """

    fuel: int = 10_000_000
    max_depth: int = 200
    max_int_bits: int = 65_536
    max_str_len: int = 1_000_000
    max_collection_len: int = 1_000_000

    def __post_init__(self) -> None:
        for name in ("fuel", "max_depth", "max_int_bits", "max_str_len", "max_collection_len"):
            value = getattr(self, name)
            if type(value) is not int or value < 0:
                raise ValueError(f"Limits.{name} must be a non-negative int, not {value!r}")
        if self.fuel > MAX_FUEL:
            # the compiled backend counts steps in machine-sized counters
            raise ValueError(f"Limits.fuel must be at most 2**62, not {self.fuel!r}")


class DepthLimitError(ValueError):
    """``Limits.max_depth`` is past the depth a program can run at on both backends (the
    host's recursion limit; see :func:`seglam.run.stack.deepest_reachable`)."""


#: The largest fuel budget (centuries of steps).
MAX_FUEL = 1 << 62


DEFAULT_LIMITS = Limits()
