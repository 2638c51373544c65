"""``Cache``: the reasoning cache's public API (lookup, admit, correct, inspect, bundles).

A thin facade over the cache's parts, one file per concept:

- :mod:`seglam.cache.records`: the records in the store, read and written in one transaction;
- :mod:`seglam.cache.lookup`: the hit path (anchor index, pattern match, most specific first);
- :mod:`seglam.cache.serving`: compiled programs, run behind the gate;
- :mod:`seglam.cache.admission`: the one path into the store (new family, import, new version);
- :mod:`seglam.cache.correction`: reject, examples, replace, retire, gc;
- :mod:`seglam.cache.inspection`: get, list, history, totals;
- :mod:`seglam.cache.hitstats`: batched hit statistics;
- :mod:`seglam.cache.bundle`: export and import.

Reads take a store snapshot and never block; every change is one write transaction, so
other processes see a family completely or not at all. docs/cache.md ("Cache") is the
reference.
"""

from __future__ import annotations

import os
from typing import Any

from seglam.cache import admit as rules
from seglam.cache.admission import Admission, Admitted, Placement
from seglam.cache.admit import FamilyDraft
from seglam.cache.bundle import ImportReport, export_bundle, import_bundle
from seglam.cache.correction import Correction, GcReport, ReplaceResult
from seglam.cache.entry import Counterexample, Entry, Event, LibraryModule, ModuleRef, Provenance, Verification
from seglam.cache.gate import DEFAULT_FUEL, GateResult, Served
from seglam.cache.hitstats import HitStats
from seglam.cache.inspection import Inspection
from seglam.cache.lookup import Hit, Lookup, Match
from seglam.cache.modules import LibraryToolchain
from seglam.cache.negative import NegativeKinds
from seglam.cache.records import rebuild_index, resolve
from seglam.cache.serving import Runner
from seglam.cache.stores import open_store
from seglam.cache.toolchain import SeglamToolchain, Toolchain
from seglam.cache.trust import TrustBook

__all__ = ["Cache", "GcReport", "Hit", "Match", "ReplaceResult"]


class Cache:
    """The reasoning cache at ``path``: a directory (LMDB) or a ``postgresql://`` URL (default:
    ``$SEGLAM_CACHE`` or the platform cache dir).

    Safe to use from many processes at once. Close it (or use ``with``) to flush hit
    statistics, which are batched so a hit never waits on a disk sync.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        toolchain: Toolchain | None = None,
        fuel: int = DEFAULT_FUEL,
        map_size: int | None = None,
        max_map_size: int | None = None,
        min_specificity: int = rules.MIN_SPECIFICITY,
    ) -> None:
        kw = {"map_size": map_size} if map_size else {}
        self.store = open_store(path, max_map_size=max_map_size, **kw)  # LMDB, or PostgreSQL for postgresql://
        self.path = self.store.path
        self.negatives = NegativeKinds(self.store)  # kinds the model could not program (seglam/cache/negative.py)
        self.trust = TrustBook(self.store)  # what each family earned since admission (seglam/cache/trust.py)
        self.toolchain: Toolchain = toolchain or SeglamToolchain()
        self.fuel = fuel
        self.min_specificity = min_specificity
        self._stats = HitStats(self.store)
        self._runner = Runner(self.store, self.toolchain, fuel, self._stats)
        self._lookup = Lookup(self.store, self._stats, self._runner)  # a hit runs on the runner: Cache.serve's work
        self._admission = Admission(self.store, self._runner, self._lookup, min_specificity)
        self._inspection = Inspection(self.store, self._stats)
        self._correction = Correction(self._admission, self._inspection, self._stats)

    # -- lifecycle ----------------------------------------------------------------------

    def close(self) -> None:
        try:
            self.flush()
        finally:  # a damaged cache still releases its environment
            self.store.close()

    def __enter__(self) -> "Cache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def flush(self) -> None:
        """Write batched hit statistics."""
        self._stats.flush()

    def forget(self) -> None:
        """Drop this process's memos of parsed patterns and checked entries (a benchmark's
        cold lookup); nothing stored changes."""
        self._lookup.forget()

    # -- lookup and serving -------------------------------------------------------------

    def matches(self, text: str) -> list[Match]:
        """Every non-retired family whose pattern matches ``text``, most specific first
        (more literal characters, then fewer holes, then entry id and pattern order)."""
        return self._lookup.matches(text)

    def lookup(self, text: str) -> Hit | None:
        """The family that serves a free-text request, or None. The most specific match
        wins; if it is quarantined (being corrected), there is no hit."""
        return self._lookup.lookup(text)

    def lookup_structured(self, task: str, inputs: dict[str, Any]) -> Hit | None:
        """The family for a structured request: normalised task text plus input names and
        kinds. Exact; the first (lowest id) active family whose signature fits wins."""
        return self._lookup.lookup_structured(task, inputs)

    def serve(self, hit: Hit, fuel: int | None = None) -> Served:
        """:meth:`Hit.run`: check the precondition, run under fuel (default: the cache's),
        check the postcondition; :class:`GateMiss` (with a counterexample recorded) if not."""
        return self._runner.serve(hit, fuel)

    def run_entry(self, entry: Entry, bindings: dict[str, Any]) -> GateResult:
        """Run ``entry``'s verified program on ``bindings`` under the gate; records nothing
        (the trust keeper replays stored observations against a new version with it)."""
        program, pre = self._runner.program(entry)
        return self._runner.gate(entry, program, pre, bindings, None)

    def rebuild_index(self) -> int:
        """Refile every readable, non-retired entry's patterns and tasks from scratch;
        returns how many entries were filed."""
        return rebuild_index(self.store)

    # -- reading ------------------------------------------------------------------------

    def resolve(self, prefix: str) -> str:
        """The full id for an id or a unique id prefix."""
        return resolve(self.store, prefix)

    def get(self, entry_id: str) -> Entry:
        """An entry (id or unique prefix) with its live statistics.
        :class:`CorruptEntryError` if its record fails the checksum (it is then quarantined)."""
        return self._inspection.get(entry_id)

    def list(self, status: str | None = None) -> list[Entry]:
        """Every readable entry (optionally of one status), by id. Corrupt records are
        skipped here; :meth:`corrupt` lists them."""
        return self._inspection.list(status)

    def corrupt(self) -> list[tuple[str, str]]:
        """``(id, reason)`` for every entry whose record fails its checksum."""
        return self._inspection.corrupt()

    def history(self, entry_id: str) -> tuple[list[Entry], list[Event]]:
        """Earlier versions (oldest first; the current one is :meth:`get`) and the event log."""
        return self._inspection.history(entry_id)

    def stats(self) -> dict[str, Any]:
        """Totals: entries by status, hits, failures, corrupt records, store sizes."""
        return self._inspection.totals()

    # -- admission ----------------------------------------------------------------------

    def admit(self, draft: FamilyDraft, placement: Placement = Placement()) -> str:
        """Verify and store a family (by default a new one); returns its id.
        :class:`AdmissionError` lists every reason when it is refused; nothing is written
        then. Every family enters the store this way (:mod:`seglam.cache.admission`)."""
        return self._admission.admit(draft, placement).entry.id

    def prepare(self, draft: FamilyDraft) -> Entry:
        """The entry :meth:`admit` would store for ``draft`` (compiled, verified, every run
        checked), without storing it or checking it against other families."""
        return self._admission.prepare(draft)[0]

    def check_pattern(self, pattern: str, own_samples: tuple[str, ...] = (), exclude: str | None = None) -> list[str]:
        """:func:`check_pattern_admissible` against every stored, non-retired family."""
        return self._admission.check_pattern(pattern, own_samples, exclude)

    def add_pattern(self, entry_id: str, pattern: str, *, sample: str) -> str:
        """Teach an active family one more pattern (LILAC-style template merging, after the
        engine routed ``sample`` to it). The program does not change, so the version stays;
        the pattern must pass every admission rule and ``sample`` must match it and pass the
        gate. Returns the canonical pattern."""
        return self._admission.add_pattern(self.get(entry_id), pattern, sample)

    def put_verified(self, entries: list[Entry], *, clash_check: bool = False) -> None:
        """Store entries that were verified elsewhere (the benchmark's synthetic families,
        a migration). Skips the verification; never use it for model output."""
        self._admission.put_verified(entries, clash_check=clash_check)

    # -- library modules ----------------------------------------------------------------

    def admit_module(self, name: str, source: str, *, description: str = "", provenance: Provenance | None = None,
                     note: str = "", verification: Verification | None = None, program_hash: str | None = None,
                     pins: tuple[ModuleRef, ...] = ()) -> Admitted:
        """Verify and store a Seglam module as the next version of the library module
        ``name`` (families then import it: ``from name import f``). Replacing a version
        re-runs the samples, examples and counterexamples of every family that imports it
        first; :class:`AdmissionError` names the family and the check when one fails, and
        nothing is written then (:mod:`seglam.cache.modules`). ``program_hash`` and ``pins``
        (a bundle's import): the content hash the module must have and the versions of the
        modules it imports."""
        draft = FamilyDraft(source=source, description=description, provenance=provenance or Provenance(origin="manual"),
                            filename=f"{name}.sgl", verification=verification)
        return self._admission.admit(draft, Placement.module(name, program_hash, pins, note))

    def toolchain_for(self, helpers: tuple[tuple[str, str], ...] = ()) -> Toolchain:
        """The toolchain a candidate family is checked with before admission: its programs
        find the cache's library modules and ``helpers`` (name, source: modules written
        with the family, not stored yet). The plain toolchain when there are none."""
        library = self._runner.library
        if not helpers and not library.any():
            return self.toolchain
        pending = {name: LibraryModule(name=name, version=0, source=source, hash="",
                                       verification=Verification(ok=False, tool="pending")) for name, source in helpers}
        return LibraryToolchain(self.toolchain, library.finder((), pending))

    def modules(self) -> list[LibraryModule]:
        """The current version of every library module kept, by name."""
        return self._runner.library.latest()

    def module_versions(self, name: str) -> list[LibraryModule]:
        """Every version of the library module ``name``, oldest first (empty: none kept)."""
        return self._runner.library.versions(name)

    def module_events(self, name: str) -> list[Event]:
        """The event log of the library module ``name``, oldest first."""
        return self._runner.library.events(name)

    # -- correction ---------------------------------------------------------------------

    def reject(self, entry_id: str, expected: Any, *, inputs: dict[str, Any] | None = None,
               request: str | None = None, note: str = "") -> Counterexample:
        """The family answered wrongly: store the input with the right answer as a
        counterexample and quarantine the family until a new version passes it."""
        return self._correction.reject(entry_id, expected, inputs=inputs, request=request, note=note)

    def quarantine(self, entry_id: str, reason: str) -> None:
        """Stop serving a family until a new version replaces it (the next request of its
        kind recompiles it, with its counterexamples in the prompt)."""
        self._correction.quarantine(entry_id, reason)

    def add_example(self, entry_id: str, inputs: dict[str, Any], expected: Any, *, request: str | None = None,
                    note: str = "") -> Entry:
        """Add a verified example (a settled dispute the program was right on): the current
        program must give ``expected`` on ``inputs``, and every later version must too."""
        return self._correction.add_example(entry_id, inputs, expected, request=request, note=note)

    def replace(self, entry_id: str, source: str, *, entry: str | None = None, patterns: tuple[str, ...] | None = None,
                provenance: Provenance | None = None, note: str = "",
                verification: Verification | None = None, samples: tuple[str, ...] = (),
                description: str | None = None) -> ReplaceResult:
        """A new program for a family: verified (unless ``verification`` is a passing report
        of this source), checked against every stored sample, example and counterexample,
        diffed against the old one; the old version goes to history and the family is
        active again. ``samples``: further requests the new version answers (a widening's
        refused requests), checked and stored with the old ones; ``description``: what the
        new version does (None keeps the old one)."""
        return self._correction.replace(entry_id, source, entry=entry, patterns=patterns, provenance=provenance,
                                        note=note, verification=verification, samples=samples,
                                        description=description)

    def retire(self, entry_id: str, reason: str = "") -> None:
        """Stop serving a family for good; it stays readable with its history."""
        self._correction.retire(entry_id, reason)

    def gc(self, *, idle_days: float = 90.0, max_failure_rate: float = 0.5, min_calls: int = 5,
           purge: bool = False, dry_run: bool = False) -> GcReport:
        """Retire families unused for ``idle_days`` or failing on more than
        ``max_failure_rate`` of at least ``min_calls`` gated runs; with ``purge``, delete
        retired families (and their history) for good."""
        return self._correction.gc(idle_days=idle_days, max_failure_rate=max_failure_rate, min_calls=min_calls,
                                   purge=purge, dry_run=dry_run)

    # -- bundles ------------------------------------------------------------------------

    def export(self, directory: str | os.PathLike[str], *, include_retired: bool = False) -> list[str]:
        """Write every family as a plain ``.sgl`` file plus ``manifest.json``; returns ids."""
        return export_bundle(self, directory, include_retired=include_retired)

    def import_(self, directory: str | os.PathLike[str]) -> ImportReport:
        """Re-verify and admit every family of a bundle; refused ones are reported with the
        reason and do not stop the others."""
        return import_bundle(self, directory)
