"""Per-call run state: the fuel meter, the call depth and trace, and the size caps.

One :class:`RunContext` is created per top-level run (``Backend.run`` / ``eval_expr``) and
passed explicitly to every stdlib implementation (``impl(ctx, ...)``) and through the
backend; nothing is global, so backends are thread-safe.

Interface used by both backends (keep stable):

- ``ctx.fuel`` and ``ctx.ticks``: the remaining fuel is ``ctx.fuel`` plus the items left in
  ``ctx.ticks``, an iterator of steps already taken from ``ctx.fuel`` in a chunk (at most
  :data:`TICK_CHUNK`) and not yet spent. The compiled backend spends a step as
  ``next(ctx.ticks, False) or ctx.refill()``: a C call that makes no int, where
  ``ctx.fuel -= 1`` makes a new one each time (a budget is far past CPython's cached small
  ints). ``ctx.fuel`` may be decremented directly, followed by
  ``if ctx.fuel < 0: ctx.out_of_fuel()``: ``out_of_fuel`` first gives the unspent chunk
  back, and returns when that covers the charge, so the fault comes exactly where the
  steps run out. Code counting fuel in a local copy of ``ctx.fuel`` gives the chunk back
  to the copy with ``local = ctx.refuel(local)`` when the copy goes negative.
- ``ctx.tick()``: charge one step (a loop iteration, a comprehension iteration, a call).
- ``ctx.charge(n)``: the bulk charge for a builtin that does work linear in ``n``
  elements/characters: ``1 + n // 8`` steps (:data:`BULK_UNIT`; 8 bounds what a run can allocate:
  the default fuel buys at most ~80M element copies).
- ``ctx.spend(n)``: exactly ``n`` steps of work on large values (:mod:`seglam.run.cost`).
- ``ctx.enter(function, span)`` / ``ctx.leave()``: a Seglam call; ``enter`` faults with
  ``F-DEPTH`` past ``limits.max_depth``. ``ctx.frames`` is the live call trace.
- ``ctx.check_int(v)``, ``ctx.check_str(s)``, ``ctx.check_len(n)``: size caps; return the
  value (or nothing for ``check_len``) or raise the ``F-INT-SIZE`` / ``F-STR-SIZE`` /
  ``F-COLLECTION-SIZE`` fault.
- ``ctx.fuel_used``: steps charged so far (for ``RunResult.fuel_used``).

All faults raised here carry no span; the backend locates them (``Fault.located``) at the
innermost node being evaluated, with the trace ``ctx.trace()``.
"""

from __future__ import annotations

import itertools
from typing import Iterator

from seglam.run.faults import Fault, Frame
from seglam.run.limits import DEFAULT_LIMITS, Limits
from seglam.run.regexcache import ProgramPatterns, RegexCache
from seglam.syntax.span import Span

#: Elements (or characters) per fuel step in a builtin's bulk charge: ``1 + n // BULK_UNIT``.
BULK_UNIT = 8

#: The most steps a refill takes from ``ctx.fuel`` into ``ctx.ticks`` at once: a refill (a
#: Python call) is paid once per this many steps; any size gives the same faults, since a
#: charge that finds ``ctx.fuel`` short takes the unspent chunk back before it faults.
TICK_CHUNK = 4096

#: An iterator with no steps left (``ctx.ticks`` when no chunk is out).
_NO_TICKS = iter(())

#: A full chunk's steps, shared (a tuple is never changed): a chunk is an iterator over it,
#: made in half the time of ``itertools.repeat(True, n)`` (which parses its arguments; every
#: run makes one chunk), and its items are the one ``True``.
_STEPS = (True,) * TICK_CHUNK
_FULL = len(_STEPS)


def step_chunk(n: int) -> Iterator[bool]:
    """A chunk of ``n`` steps: an iterator of ``n`` true items."""
    if n == _FULL:
        return iter(_STEPS)
    return iter(_STEPS[:n]) if n < _FULL else itertools.repeat(True, n)


class RunContext:
    """The mutable state of one run. Not shared between threads or runs."""

    __slots__ = (
        "limits", "fuel", "depth", "frames", "max_depth", "max_int_bits", "max_str_len",
        "max_collection_len", "patterns", "run_regexes", "resume", "keys", "ticks",
    )

    def __init__(self, limits: Limits = DEFAULT_LIMITS, patterns: ProgramPatterns | None = None) -> None:
        self.limits = limits
        #: The program's regular expressions, shared between its runs: its precompiled
        #: literal patterns and the memo of those its runs compiled.
        self.patterns: ProgramPatterns = patterns if patterns is not None else ProgramPatterns()
        #: The patterns compiled during this run, within the cache's bounds.
        self.run_regexes = RegexCache()
        # the first chunk is taken here, in C, not by a refill (a Python call) at the first step
        chunk = limits.fuel if limits.fuel < TICK_CHUNK else TICK_CHUNK
        self.fuel = limits.fuel - chunk
        self.ticks = iter(_STEPS) if chunk == _FULL else step_chunk(chunk)  # every run: no call
        self.depth = 0
        self.frames: list[Frame] = []
        self.max_depth = limits.max_depth
        self.max_int_bits = limits.max_int_bits
        self.max_str_len = limits.max_str_len
        self.max_collection_len = limits.max_collection_len
        #: The rest of a loop that charged its steps up front and then met work on large
        #: values it could not pay for (compiled backend, ``Runtime.prespent``).
        self.resume = None
        #: hash -> the distinct wide int keys with that hash (as bytes) that set and dict
        #: operations of this run used (stdlib_core.key_cost).
        self.keys: dict[int, set[bytes]] = {}

    # ---- fuel

    @property
    def fuel_used(self) -> int:
        return self.limits.fuel - max(self.fuel + self.ticks.__length_hint__(), 0)

    def out_of_fuel(self) -> None:
        """Call when ``ctx.fuel`` went negative: the unspent chunk of ``ctx.ticks`` goes back
        to ``ctx.fuel``; if that covers the charge, return, else raise ``F-FUEL``."""
        self.fuel = self.refuel(self.fuel)

    def refuel(self, fuel: int) -> int:
        """``fuel`` (``ctx.fuel`` or a local copy of it, gone negative) plus the unspent
        chunk of ``ctx.ticks``, now given back; ``F-FUEL`` if that is still negative."""
        unspent = self.ticks.__length_hint__()
        if unspent:
            self.ticks = _NO_TICKS
            fuel += unspent
            if fuel >= 0:
                return fuel
        self.fuel = -1
        raise Fault("F-FUEL", f"out of fuel: the run took more than {self.limits.fuel} steps")

    def refill(self) -> bool:
        """One step when ``ctx.ticks`` has none left: the step, and the next chunk of steps
        taken from ``ctx.fuel`` into ``ctx.ticks``; ``F-FUEL`` when no fuel is left. True."""
        chunk = self.fuel if self.fuel < TICK_CHUNK else TICK_CHUNK
        if chunk < 1:
            self.fuel -= 1
            self.out_of_fuel()
        self.fuel -= chunk
        self.ticks = ticks = step_chunk(chunk)
        return next(ticks)  # this step

    def tick(self) -> None:
        """One step: a loop or comprehension iteration, or a call."""
        next(self.ticks, False) or self.refill()

    def charge(self, n: int) -> None:
        """The bulk charge for linear work over ``n`` elements or characters."""
        self.fuel -= 1 + n // BULK_UNIT
        if self.fuel < 0:
            self.out_of_fuel()

    def spend(self, n: int) -> bool:
        """Charge exactly ``n`` steps (work on large values, :mod:`seglam.run.cost`; ``n`` may
        be 0). Returns False, so generated code can write ``spend(n) or value``."""
        if n:
            self.fuel -= n
            if self.fuel < 0:
                self.out_of_fuel()
        return False

    # ---- calls

    def enter(self, function: str, span: Span | None) -> None:
        """Enter a Seglam call (``span``: the call site, or the def for the entry call)."""
        if self.depth >= self.max_depth:
            raise Fault(
                "F-DEPTH",
                f"call depth limit reached: more than {self.max_depth} nested calls (in {function})",
            )
        self.depth += 1
        self.frames.append(Frame(function, span))

    def leave(self) -> None:
        self.depth -= 1
        self.frames.pop()

    def trace(self) -> tuple[Frame, ...]:
        """The live Seglam call trace, outermost first."""
        return tuple(self.frames)

    # ---- size caps

    def check_int(self, value):
        """``value`` if it is not an int past ``max_int_bits`` bits, else ``F-INT-SIZE``."""
        if type(value) is int and value.bit_length() > self.max_int_bits:
            raise Fault("F-INT-SIZE", f"integer too large: more than {self.max_int_bits} bits")
        return value

    def int_bits_fault(self, bits: int) -> Fault:
        return Fault(
            "F-INT-SIZE",
            f"integer too large: about {bits} bits, the limit is {self.max_int_bits}",
        )

    def check_str(self, value: str) -> str:
        if len(value) > self.max_str_len:
            raise self.str_fault(len(value))
        return value

    def str_fault(self, n: int) -> Fault:
        return Fault("F-STR-SIZE", f"string too long: {n} characters, the limit is {self.max_str_len}")

    def check_len(self, n: int) -> None:
        """Fault unless a collection of ``n`` elements is within ``max_collection_len``."""
        if n > self.max_collection_len:
            raise self.len_fault(n)

    def len_fault(self, n: int) -> Fault:
        return Fault(
            "F-COLLECTION-SIZE",
            f"collection too large: {n} elements, the limit is {self.max_collection_len}",
        )
