"""The regular expressions a run compiles at run time, kept for reuse within bounds.

A pattern built at run time is compiled once and kept, so a loop that searches with the same
pattern pays its compile once. Kept without a bound, a run looping over distinct patterns held
every compiled RE2 program (a red-team run reached 1.7 GB, H-09). The cache keeps at most
:data:`seglam.run.cost.REGEX_CACHE_ENTRIES` patterns of at most
:data:`seglam.run.cost.REGEX_CACHE_INSTS` instructions in all, and drops the least recently
used first. Which pattern is dropped depends only on the run's sequence of regex calls, which
both backends make in the same order, so a recompile (and its charge) comes at the same place
on every machine and both backends.
"""

from __future__ import annotations

from typing import Any

from seglam.run.cost import REGEX_CACHE_ENTRIES, REGEX_CACHE_INSTS


class RegexCache:
    """``(pattern, flags) -> compiled RE2 object``, least recently used first."""

    __slots__ = ("entries", "insts")

    def __init__(self) -> None:
        self.entries: dict = {}  # a dict keeps insertion order: the first key is the oldest use
        self.insts = 0

    def get(self, key: tuple) -> Any:
        """The compiled object for ``key`` (now the most recently used), or None."""
        got = self.entries.pop(key, None)
        if got is not None:
            self.entries[key] = got
        return got

    def put(self, key: tuple, compiled: Any) -> None:
        """Keep ``compiled`` for ``key``, dropping the least recently used patterns until both
        bounds hold; a program larger than the whole cache is not kept."""
        size = compiled.programsize
        if size > REGEX_CACHE_INSTS:
            return
        entries = self.entries
        while entries and (len(entries) >= REGEX_CACHE_ENTRIES or self.insts + size > REGEX_CACHE_INSTS):
            self.insts -= entries.pop(next(iter(entries))).programsize
        entries[key] = compiled
        self.insts += size

    def __len__(self) -> int:
        return len(self.entries)
