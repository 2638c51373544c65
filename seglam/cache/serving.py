"""Running a family's program: compiled once per process and checked against its verified
content hash, then run behind the gate (:mod:`seglam.cache.gate`) on a hit, on admission's
sample runs and on a correction's reruns."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

from seglam.cache.entry import Entry
from seglam.cache.errors import GateMiss
from seglam.cache.gate import GateResult, Served, gated, run_gated, trace_of
from seglam.cache.hitstats import HitStats
from seglam.cache.lookup import Hit
from seglam.cache.modules import CacheModules, compile_with
from seglam.cache.records import Memo, quarantine, record_failure
from seglam.cache.signature import leading_assert_lines
from seglam.cache.store import CacheStore
from seglam.cache.toolchain import Outcome, Toolchain, caller
from seglam.syntax.diagnostics import CheckError

#: A compiled program and the lines of its entry point's prelude asserts (its precondition).
Compiled = tuple[Any, frozenset[int]]


class Family(NamedTuple):
    """What every hit of one family version needs, made once per process when the family
    is first served: its compiled program (checked against the verified content hash), the
    lines of its precondition, and the call of its entry point under the cache's fuel."""

    program: Any
    pre_lines: frozenset[int]
    call: Callable[[dict[str, Any]], Outcome]


class Runner:
    """Compiles and runs a cache's families under its toolchain and fuel budget."""

    def __init__(self, store: CacheStore, toolchain: Toolchain, fuel: int, stats: HitStats) -> None:
        self.store = store
        self.toolchain = toolchain
        self.fuel = fuel
        self.stats = stats
        self.programs: Memo[tuple[str, int, str], Family] = Memo()
        self.library = CacheModules(store)  # the cache's library modules, pinned per family

    def family(self, entry: Entry) -> Family:
        """The :class:`Family` of an entry: compiled once per process and checked against
        the stored content hash, so what runs is exactly what was verified."""
        key = (entry.id, entry.version, entry.program_hash)
        cached = self.programs.items.get(key)  # every hit asks: the dict's own get, no Memo frame
        if cached is not None:
            return cached
        try:
            program = compile_with(self.toolchain, entry.source, f"{entry.id}.sgl", self.library.finder_for(entry))
            actual = self.toolchain.program_hash(program)
        except CheckError as err:
            quarantine(self.store, entry.id, f"stored program no longer checks: {err.codes}")
            raise GateMiss(f"family {entry.id}: stored program no longer checks", None) from None
        if actual != entry.program_hash:
            quarantine(self.store, entry.id, f"content hash changed ({entry.program_hash[:12]} -> {actual[:12]})")
            raise GateMiss(f"family {entry.id}: program hash does not match the verified one", None)
        return self.remember(entry, program)

    def program(self, entry: Entry) -> Compiled:
        """The compiled program of an entry and its precondition lines (see :meth:`family`)."""
        fam = self.family(entry)
        return fam.program, fam.pre_lines

    def remember(self, entry: Entry, program: Any) -> Family:
        """A program just admitted (or compiled and checked): its family serves the next hit."""
        fam = Family(program, leading_assert_lines(entry.source, entry.signature.entry),
                     caller(self.toolchain, program, entry.signature.entry, self.fuel))
        return self.programs.put((entry.id, entry.version, entry.program_hash), fam)

    def gate(self, entry: Entry, program: Any, pre: frozenset[int], bindings: dict[str, Any],
             request: str | None) -> GateResult:
        """One gated run under the cache's fuel budget (nothing recorded)."""
        return run_gated(self.toolchain, program, entry, bindings, fuel=self.fuel, precondition_lines=pre, request=request)

    def serve(self, hit: Hit, fuel: int | None) -> Served:
        """Check the precondition, run under fuel, check the postcondition; a failure is
        stored as a counterexample and raised as :class:`GateMiss`."""
        if self.stats.corrupt:  # records met corrupt on the way in, marked now
            self.stats.flush_corrupt()
        entry = hit.entry
        limit = fuel if fuel is not None else self.fuel
        try:
            fam = self.family(entry)
        except GateMiss as miss:
            raise GateMiss(miss.reason, trace_of(hit, limit, "fault"), miss.counterexample) from None
        call = fam.call if limit == self.fuel else caller(self.toolchain, fam.program, entry.signature.entry, limit)
        res = gated(call, entry, hit.bindings, fam.pre_lines, hit.request)
        if res.counterexample is not None:
            record_failure(self.store, entry.id, res.counterexample)
            cx = res.counterexample
            why = f"{cx.kind}: {cx.fault or ''} {cx.message}".strip()
            raise GateMiss(f"family {entry.id} v{entry.version} refused the request ({why})",
                           trace_of(hit, limit, res.outcome, res.run_ns, res.fuel_used), cx)
        self.stats.bump(entry.id, bool(hit.ambiguous))
        return Served(res.value, None, (hit, limit, res.run_ns, res.fuel_used))  # the trace built if read

