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


#: The most patterns compiled at run time that one prepared program keeps for its later runs,
#: and their most instructions in all (RE2 keeps 7 to 20 bytes an instruction: ~1 MB).
PROGRAM_PATTERNS = 64
PROGRAM_INSTS = 1 << 16


class ProgramPatterns:
    """The regular expressions of one prepared program, shared by all its runs.

    ``literal``: the patterns of its ``re.<func>("...")`` calls, compiled when the program is
    prepared (a run never pays for them). The memo: patterns a run compiled at run time (a
    module constant, an f-string), kept so that a later run, a cache hit above all, does
    not make RE2 build the same program again (a date family compiled 27 patterns, ~1 ms, on
    every hit). Fuel does not depend on the memo: each run still pays for a pattern the
    first time it uses it (:func:`seglam.run.stdlib_modules.regex`), memo or not, so a run
    spends the same on every machine whatever ran before it. The memo only grows, up to
    :data:`PROGRAM_PATTERNS` patterns and :data:`PROGRAM_INSTS` instructions (a few more
    when threads add at once), first come first kept: no eviction, so concurrent runs need
    no lock.
    """

    __slots__ = ("literal", "memo", "insts")

    def __init__(self, literal: dict | None = None) -> None:
        self.literal: dict = literal if literal is not None else {}
        self.memo: dict = {}
        self.insts = 0

    def remembered(self, key: tuple) -> Any:
        """The compiled object a run made earlier for ``key``, or None."""
        return self.memo.get(key)

    def remember(self, key: tuple, compiled: Any) -> None:
        """Keep ``compiled`` for later runs while the memo is within its bounds."""
        size = compiled.programsize
        if len(self.memo) < PROGRAM_PATTERNS and self.insts + size <= PROGRAM_INSTS:
            self.memo[key] = compiled
            self.insts += size
