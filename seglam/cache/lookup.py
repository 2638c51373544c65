"""The hit path: which families' patterns match a request, and the family that serves it.

Reads take a store snapshot and never block. Candidates come from the anchor index
(:mod:`seglam.cache.index`); each candidate's pattern then matches the whole request. A
damaged index posting makes the index be rebuilt from the entries, once, before answering.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

import lmdb
import msgspec

from seglam.cache import admit as rules
from seglam.cache import index
from seglam.cache.entry import Entry
from seglam.cache.errors import CorruptEntryError
from seglam.cache.gate import Served
from seglam.cache.hitstats import HitStats
from seglam.cache.pattern import Pattern
from seglam.cache.words import request_tokens
from seglam.cache.records import Entries, Memo, Patterns, indexed, read_stats
from seglam.cache.store import CacheStore


class Match(msgspec.Struct, frozen=True, gc=False):
    """One family whose pattern matched a request (any status but retired)."""

    entry_id: str
    status: str
    pattern_index: int
    pattern: str
    bindings: dict[str, Any]
    specificity: tuple[int, int]


class Server(Protocol):
    """What runs a hit: :meth:`seglam.cache.serving.Runner.serve` (:meth:`seglam.cache.Cache.serve`)."""

    def serve(self, hit: "Hit", fuel: int | None = None) -> Served: ...


class Hit(msgspec.Struct, frozen=True):
    """A request matched an active family. :meth:`run` gates and runs it; nothing is
    served until then. (A msgspec struct, not a frozen dataclass: one is built per hit,
    and a frozen dataclass costs ten times more to build.)"""

    entry: Entry
    pattern: str | None
    bindings: dict[str, Any]
    ambiguous: tuple[str, ...]
    lookup_ns: int
    request: str | None
    _cache: Server

    def run(self, *, fuel: int | None = None) -> Served:
        """Check the precondition, run under fuel, check the postcondition. Returns the
        value and its trace, or raises :class:`GateMiss` (and records a counterexample)."""
        return self._cache.serve(self, fuel)

    def __repr__(self) -> str:  # the cache it came from is left out, as a dataclass field with repr=False
        return (f"Hit(entry={self.entry.id!r}, pattern={self.pattern!r}, bindings={self.bindings!r}, "
                f"ambiguous={self.ambiguous!r}, lookup_ns={self.lookup_ns!r}, request={self.request!r})")


class Prepared(msgspec.Struct, frozen=True, gc=False):
    """A pattern as the hit path uses it, prepared once per pattern text: parsed and
    compiled, its anchors as a set (the cheap test before the regex) and its specificity
    (the sort key among matches). A pure function of the text, so nothing invalidates it."""

    pattern: Pattern
    anchors: frozenset[str]
    specificity: tuple[int, int]


def prepare(pattern: Pattern) -> Prepared:
    return Prepared(pattern, frozenset(pattern.anchors), pattern.specificity)


#: Words remembered per snapshot before the memo starts afresh (a bound on its memory).
SNAPSHOT_WORDS = 65_536


class Snapshot:
    """What one read snapshot of the store answered: the words already probed, the index
    postings of those filed under something, and each entry read with the patterns
    prepared so far, all already checked against their seals. Two LMDB read transactions
    with the same id see the same bytes, so a later read of the same snapshot reuses them;
    any write makes a new snapshot, which starts afresh. Only read transactions are
    remembered (a write transaction's id is not final until it commits), and a store whose
    transactions have no id (PostgreSQL's copy) remembers nothing."""

    __slots__ = ("id", "probed", "postings", "entries")

    def __init__(self, snapshot_id: int | None) -> None:
        self.id = snapshot_id
        self.probed: set[str] = set()
        self.postings: dict[str, tuple[tuple[str, int], ...]] = {}  # only words filed under something
        self.entries: dict[str, tuple[Entry, list[Prepared | None]]] = {}


def snapshot_id(txn: Any) -> int | None:
    """The id of a read transaction's snapshot (LMDB), or None."""
    ident = getattr(txn, "id", None)
    return ident() if ident is not None else None


def by_specificity(found: list[tuple[Match, Entry]]) -> list[tuple[Match, Entry]]:
    """More literal characters first, then fewer holes, then entry id and pattern order
    (within one family, :func:`seglam.cache.pattern.most_specific`'s rule)."""
    return sorted(found, key=lambda me: (-me[0].specificity[0], -me[0].specificity[1], me[0].entry_id,
                                         me[0].pattern_index))


class Lookup:
    """Matching requests against one cache's families."""

    def __init__(self, store: CacheStore, stats: HitStats, server: Server) -> None:
        self.store = store
        self.stats = stats
        self.server = server
        self.patterns = Patterns()
        self.prepared: Memo[str, Prepared] = Memo()
        self.entries = Entries()
        self.snapshot = Snapshot(None)

    def prepared_pattern(self, text: str) -> Prepared:
        """The pattern ``text`` prepared for matching (memoised by text)."""
        known = self.prepared.get(text)
        return known if known is not None else self.prepared.put(text, prepare(self.patterns.parse(text)))

    def matches(self, text: str) -> list[Match]:
        """Every non-retired family whose pattern matches ``text``, most specific first."""
        return [m for m, _ in indexed(self.store, self.read_matches, text)]

    def read_matches(self, text: str) -> list[tuple[Match, Entry]]:
        txn = self.store.begin_read()  # no context manager: this is the hot path
        try:
            return self.matches_in(txn, text, self.snapshot_of(txn))
        except (lmdb.Error, UnicodeDecodeError) as err:
            raise self.store.failure(err) from None
        finally:
            self.store.end_read(txn)

    def lookup(self, text: str) -> Hit | None:
        """The family that serves a free-text request, or None. The most specific match
        wins; if it is quarantined (being corrected), there is no hit."""
        start = time.perf_counter_ns()
        found = indexed(self.store, self.read_matches, text)
        if not found or found[0][0].status != "active":
            return None
        best, entry = found[0]
        others = () if len(found) == 1 else tuple(
            dict.fromkeys(m.entry_id for m, _ in found[1:] if m.entry_id != best.entry_id))
        return Hit(entry, best.pattern, best.bindings, others, time.perf_counter_ns() - start, text, self.server)

    def lookup_structured(self, task: str, inputs: dict[str, Any]) -> Hit | None:
        """The family for a structured request: normalised task text plus input names and
        kinds. Exact; the first (lowest id) active family whose signature fits wins."""
        start = time.perf_counter_ns()
        key = index.task_key(rules.normalise_task(task), inputs)
        ids = indexed(self.store, self.task_ids, key)
        fits: list[Entry] = []
        with self.store.read() as txn:
            for entry_id in ids:
                entry = self.entries.load(self.store, txn, entry_id)
                if entry is None or entry.status != "active":
                    continue
                if all(
                    (p := entry.signature.param(k)) is not None and rules.kind_fits(rules.value_kind(v), p.type)
                    for k, v in inputs.items()
                ):
                    fits.append(entry)
        if not fits:
            return None
        others = tuple(e.id for e in fits[1:])
        return Hit(fits[0], None, dict(inputs), others, time.perf_counter_ns() - start, task, self.server)

    def task_ids(self, key: bytes) -> list[str]:
        with self.store.read() as txn:
            return self.task_ids_in(txn, key)

    def task_ids_in(self, txn: Any, key: bytes) -> list[str]:
        """The families filed under a structured task key."""
        return index.task_candidates(txn, self.store.dbs["tasks"], key, self.store.sealer)

    def snapshot_of(self, txn: Any) -> Snapshot:
        """The memo of the read transaction ``txn``'s snapshot (a fresh one for a new snapshot)."""
        ident = snapshot_id(txn)
        memo = self.snapshot  # one read: another thread may swap it meanwhile
        if ident is None or memo.id != ident or len(memo.probed) > SNAPSHOT_WORDS:
            memo = Snapshot(ident)
            if ident is not None:
                self.snapshot = memo
        return memo

    def matches_in(self, txn: Any, text: str, snapshot: Snapshot | None = None) -> list[tuple[Match, Entry]]:
        """:meth:`matches` inside an open transaction, with each match's entry; ``snapshot``
        (read transactions only) is what earlier reads of the same snapshot found."""
        memo = snapshot if snapshot is not None else Snapshot(None)
        tokens = request_tokens(text)
        postings = memo.postings
        if not tokens <= memo.probed:  # no set built when every word was probed already
            missing = tokens - memo.probed
            for token, pairs in index.postings(txn, self.store.dbs["index"], missing, self.store.sealer).items():
                if pairs:
                    postings[token] = pairs
            memo.probed |= missing
        candidates = index.gather(map(postings.__getitem__, postings.keys() & tokens))  # no comprehension frame
        found: list[tuple[Match, Entry]] = []
        corrupt: list[tuple[str, str]] = []
        for entry_id in sorted(candidates):
            known = memo.entries.get(entry_id)
            if known is None:
                try:
                    entry = self.entries.load(self.store, txn, entry_id, strict=True)
                except CorruptEntryError as err:
                    if read_stats(self.store, txn, entry_id).corrupt is None:
                        corrupt.append((entry_id, err.reason))
                    continue
                if entry is None:
                    continue
                known = memo.entries[entry_id] = (entry, [None] * len(entry.patterns))
            entry, prepared = known
            if entry.status == "retired":
                continue
            for number in sorted(candidates[entry_id]):
                if number >= len(prepared):
                    continue
                prep = prepared[number]
                if prep is None:  # each pattern prepared when first a candidate in this snapshot
                    prep = prepared[number] = self.prepared_pattern(entry.patterns[number])
                if not prep.anchors <= tokens:
                    continue  # cheap: a matching request contains every anchor word
                bindings = prep.pattern.match(text)
                if bindings is not None:
                    found.append((Match(entry_id, entry.status, number, prep.pattern.text, bindings, prep.specificity),
                                  entry))
        if corrupt:
            self.stats.found_corrupt(corrupt)  # marked after the read snapshot closes
        return by_specificity(found) if len(found) > 1 else found

    def forget(self) -> None:
        """Drop the per-process memos (a benchmark's cold lookup)."""
        self.patterns.clear()
        self.prepared.clear()
        self.entries.clear()
        self.snapshot = Snapshot(None)
