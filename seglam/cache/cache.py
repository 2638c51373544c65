"""``Cache``: the reasoning cache's public API (lookup, admit, correct, inspect).

Reads take an LMDB snapshot and never block; every change is one write transaction, so
other processes see a family completely or not at all. docs/cache.md ("Cache") is the
reference.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import lmdb
import msgspec

from seglam.cache import admit as rules
from seglam.cache import index
from seglam.cache.admit import FamilyDraft
from seglam.cache.entry import (
    Counterexample,
    Entry,
    Event,
    Example,
    Provenance,
    Stats,
    now,
)
from seglam.cache.errors import (
    AdmissionError,
    AmbiguousIdError,
    CorruptEntryError,
    GateMiss,
    IndexDamagedError,
    NotFoundError,
    PatternError,
)
from seglam.cache.gate import DEFAULT_FUEL, GateResult, Served, Trace, render_bindings, run_gated
from seglam.cache.negative import NegativeKinds
from seglam.cache.pattern import Pattern, parse_pattern, request_tokens
from seglam.cache.signature import leading_assert_lines, pick_entry, properties_of, signature_of
from seglam.cache.stores import open_store
from seglam.cache.toolchain import SeglamToolchain, Toolchain
from seglam.cache.trust import TrustBook
from seglam.cache.values import decode_value, encode_value
from seglam.syntax.diagnostics import CheckError
from seglam.syntax.jsontext import escape_surrogates

#: Gate counterexamples kept per entry (``reject`` ones are always kept).
MAX_GATE_COUNTEREXAMPLES = 50
_STATS_FLUSH_EVERY = 64
#: Per-process memos of compiled patterns and checked entries. Bounded: a process that
#: touches 100,000 families must not keep them all alive (the garbage collector's cost
#: grows with live objects, and every lookup would pay for it).
_MEMO = 4096
_STATS_FLUSH_SECONDS = 2.0


class Match(msgspec.Struct, frozen=True, gc=False):
    """One family whose pattern matched a request (any status but retired)."""

    entry_id: str
    status: str
    pattern_index: int
    pattern: str
    bindings: dict[str, Any]
    specificity: tuple[int, int]


@dataclass(frozen=True)
class Hit:
    """A request matched an active family. :meth:`run` gates and runs it; nothing is
    served until then."""

    entry: Entry
    pattern: str | None
    bindings: dict[str, Any]
    ambiguous: tuple[str, ...]
    lookup_ns: int
    request: str | None
    _cache: "Cache" = field(repr=False, compare=False)

    def run(self, *, fuel: int | None = None) -> Served:
        """Check the precondition, run under fuel, check the postcondition. Returns the
        value and its trace, or raises :class:`GateMiss` (and records a counterexample)."""
        return self._cache._serve(self, fuel)


@dataclass(frozen=True)
class ReplaceResult:
    """A new version: its number, the verifier's diff (if any) and the inputs on which the
    old and new programs disagree."""

    entry_id: str
    version: int
    diff: str | None
    disagreements: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class GcReport:
    retired: tuple[tuple[str, str], ...]  # (id, reason)
    purged: tuple[str, ...]
    dry_run: bool


@dataclass
class _PendingStats:
    hits: int = 0
    failures: int = 0
    domain: int = 0
    ambiguous: int = 0
    last_hit: float = 0.0


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
        self._patterns: dict[str, Pattern] = {}
        self._programs: dict[tuple[str, int, str], tuple[Any, frozenset[int]]] = {}
        self._pending: dict[str, _PendingStats] = {}
        self._pending_lock = threading.Lock()  # hits may be served from several threads
        self._last_flush = time.monotonic()
        self._pending_corrupt: list[tuple[str, str]] = []
        self._decoded: dict[str, tuple[bytes, Entry]] = {}

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

    # -- lookup ---------------------------------------------------------------------------

    def matches(self, text: str) -> list[Match]:
        """Every non-retired family whose pattern matches ``text``, most specific first
        (more literal characters, then fewer holes, then entry id and pattern order)."""
        return [m for m, _ in self._indexed(self._read_matches, text)]

    def _read_matches(self, text: str) -> list[tuple[Match, Entry]]:
        txn = self.store.begin_read()  # no context manager: this is the hot path
        try:
            return self._matches(txn, text)
        except (lmdb.Error, UnicodeDecodeError) as err:
            raise self.store.failure(err) from None
        finally:
            self.store.end_read(txn)

    def _indexed(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)``; if it met an index posting that fails its seal, rebuild the indexes
        from the entries and run it once more (a damaged index must not steer a request to
        a less specific family)."""
        try:
            return fn(*args)
        except IndexDamagedError:
            self.rebuild_index()
            return fn(*args)

    def rebuild_index(self) -> int:
        """Refile every readable, non-retired entry's patterns and tasks from scratch;
        returns how many entries were filed."""

        def write(txn: lmdb.Transaction) -> int:
            txn.drop(self.store.dbs["index"], delete=False)
            txn.drop(self.store.dbs["tasks"], delete=False)
            filed = 0
            for key, raw in txn.cursor(self.store.dbs["entries"]):
                try:
                    entry = self.store.unseal("entries", key, raw, Entry)
                except CorruptEntryError:
                    continue
                if entry.status != "retired":
                    self._index(txn, entry)
                    filed += 1
            self._event(txn, "index", "index-rebuilt", 0, f"{filed} entries refiled")
            return filed

        return self.store.write(write)

    def lookup(self, text: str) -> Hit | None:
        """The family that serves a free-text request, or None. The most specific match
        wins; if it is quarantined (being corrected), there is no hit."""
        start = time.perf_counter_ns()
        found = self._indexed(self._read_matches, text)
        if not found or found[0][0].status != "active":
            return None
        best, entry = found[0]
        others = tuple(dict.fromkeys(m.entry_id for m, _ in found[1:] if m.entry_id != best.entry_id))
        return Hit(entry, best.pattern, best.bindings, others, time.perf_counter_ns() - start, text, self)

    def lookup_structured(self, task: str, inputs: dict[str, Any]) -> Hit | None:
        """The family for a structured request: normalised task text plus input names and
        kinds. Exact; the first (lowest id) active family whose signature fits wins."""
        start = time.perf_counter_ns()
        key = index.task_key(rules.normalise_task(task), inputs)
        ids = self._indexed(self._task_ids, key)
        fits: list[Entry] = []
        with self.store.read() as txn:
            for entry_id in ids:
                entry = self._load(txn, entry_id)
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
        return Hit(fits[0], None, dict(inputs), others, time.perf_counter_ns() - start, task, self)

    def _task_ids(self, key: bytes) -> list[str]:
        with self.store.read() as txn:
            return index.task_candidates(txn, self.store.dbs["tasks"], key, self.store.sealer)

    def _matches(self, txn: lmdb.Transaction, text: str) -> list[tuple[Match, Entry]]:
        tokens = request_tokens(text)
        candidates = index.candidates(txn, self.store.dbs["index"], tokens, self.store.sealer)
        found: list[tuple[Match, Entry]] = []
        corrupt: list[tuple[str, str]] = []
        for entry_id in sorted(candidates):
            try:
                entry = self._load(txn, entry_id, strict=True)
            except CorruptEntryError as err:
                if self._stats(txn, entry_id).corrupt is None:
                    corrupt.append((entry_id, err.reason))
                continue
            if entry is None or entry.status == "retired":
                continue
            for number in sorted(candidates[entry_id]):
                if number >= len(entry.patterns):
                    continue
                pat = self._pattern(entry.patterns[number])
                if not tokens.issuperset(pat.anchors):
                    continue  # cheap: a matching request contains every anchor word
                bindings = pat.match(text)
                if bindings is not None:
                    found.append((Match(entry_id, entry.status, number, pat.text, bindings, pat.specificity), entry))
        self._pending_corrupt += corrupt  # marked after the read snapshot closes
        found.sort(key=lambda me: (-me[0].specificity[0], -me[0].specificity[1], me[0].entry_id, me[0].pattern_index))
        return found

    def _pattern(self, text: str) -> Pattern:
        pat = self._patterns.get(text)
        if pat is None:
            if len(self._patterns) >= _MEMO:
                self._patterns.clear()
            pat = self._patterns[text] = parse_pattern(text)
        return pat

    # -- serving --------------------------------------------------------------------------

    def _serve(self, hit: Hit, fuel: int | None) -> Served:
        self._flush_corrupt()
        entry = hit.entry
        limit = fuel if fuel is not None else self.fuel

        def trace(outcome: str, run_ns: int = 0, fuel_used: int | None = None) -> Trace:
            return Trace(entry_id=entry.id, version=entry.version, program_hash=entry.program_hash,
                         pattern=hit.pattern, bindings=render_bindings(hit.bindings), fuel_limit=limit,
                         fuel_used=fuel_used, lookup_ns=hit.lookup_ns, run_ns=run_ns, ambiguous=hit.ambiguous,
                         outcome=outcome)

        try:
            program, pre_lines = self._program(entry)
        except GateMiss as miss:
            raise GateMiss(miss.reason, trace("fault"), miss.counterexample) from None
        res = run_gated(
            self.toolchain, program, entry, hit.bindings, fuel=limit, precondition_lines=pre_lines, request=hit.request
        )
        if res.counterexample is not None:
            self._record_failure(entry.id, res.counterexample)
            cx = res.counterexample
            why = f"{cx.kind}: {cx.fault or ''} {cx.message}".strip()
            raise GateMiss(f"family {entry.id} v{entry.version} refused the request ({why})",
                           trace(res.outcome, res.run_ns, res.fuel_used), cx)
        self._bump(entry.id, hits=1, ambiguous=1 if hit.ambiguous else 0)
        return Served(res.value, trace("hit", res.run_ns, res.fuel_used))

    def _program(self, entry: Entry) -> tuple[Any, frozenset[int]]:
        """The compiled program of an entry, compiled once per process and checked against
        the stored content hash, so what runs is exactly what was verified."""
        key = (entry.id, entry.version, entry.program_hash)
        cached = self._programs.get(key)
        if cached is not None:
            return cached
        try:
            program = self.toolchain.compile(entry.source, f"{entry.id}.sgl")
            actual = self.toolchain.program_hash(program)
        except CheckError as err:
            self._quarantine(entry.id, f"stored program no longer checks: {err.codes}")
            raise GateMiss(f"family {entry.id}: stored program no longer checks", None) from None
        if actual != entry.program_hash:
            self._quarantine(entry.id, f"content hash changed ({entry.program_hash[:12]} -> {actual[:12]})")
            raise GateMiss(f"family {entry.id}: program hash does not match the verified one", None)
        if len(self._programs) > 4096:
            self._programs.clear()
        cached = self._programs[key] = (program, leading_assert_lines(entry.source, entry.signature.entry))
        return cached

    # -- reading --------------------------------------------------------------------------

    def _load(self, txn: lmdb.Transaction, entry_id: str, strict: bool = False) -> Entry | None:
        raw = txn.get(entry_id.encode(), db=self.store.dbs["entries"])
        if raw is None:
            return None
        known = self._decoded.get(entry_id)
        if known is not None and known[0] == raw:  # byte-identical to a record already checked
            return known[1]
        try:
            entry = self.store.unseal("entries", entry_id, raw, Entry)
        except CorruptEntryError:
            if strict:
                raise
            return None
        if len(self._decoded) >= _MEMO:
            self._decoded.clear()
        self._decoded[entry_id] = (raw, entry)
        return entry

    def _stats(self, txn: lmdb.Transaction, entry_id: str) -> Stats:
        raw = txn.get(entry_id.encode(), db=self.store.dbs["stats"])
        if raw is None:
            return Stats()
        try:
            return self.store.unseal("stats", entry_id, raw, Stats)
        except CorruptEntryError:
            return Stats()

    def resolve(self, prefix: str) -> str:
        """The full id for an id or a unique id prefix."""
        with self.store.read() as txn:
            cur = txn.cursor(self.store.dbs["entries"])
            found = []
            if cur.set_range(prefix.encode()):
                for key in cur.iternext(values=False):
                    k = bytes(key).decode()
                    if not k.startswith(prefix):
                        break
                    found.append(k)
                    if k == prefix or len(found) > 5:
                        break
        if prefix in found:
            return prefix
        if not found:
            raise NotFoundError(f"no cache entry {prefix!r}")
        if len(found) > 1:
            raise AmbiguousIdError(f"{prefix!r} names several entries: {', '.join(found[:5])}")
        return found[0]

    def get(self, entry_id: str) -> Entry:
        """An entry (id or unique prefix) with its live statistics.
        :class:`CorruptEntryError` if its record fails the checksum (it is then quarantined)."""
        full = self.resolve(entry_id)
        with self.store.read() as txn:
            raw = txn.get(full.encode(), db=self.store.dbs["entries"])
            stats = self._stats(txn, full)
        try:
            entry = self.store.unseal("entries", full, raw, Entry)
        except CorruptEntryError as err:
            if stats.corrupt is None:
                self._mark_corrupt(full, err.reason)
            raise
        return msgspec.structs.replace(entry, stats=self._merged(full, stats))

    def list(self, status: str | None = None) -> list[Entry]:
        """Every readable entry (optionally of one status), by id. Corrupt records are
        skipped here; :meth:`corrupt` lists them."""
        out = []
        with self.store.read() as txn:
            for key, raw in txn.cursor(self.store.dbs["entries"]):
                entry_id = bytes(key).decode()
                try:
                    entry = self.store.unseal("entries", entry_id, raw, Entry)
                except CorruptEntryError:
                    continue
                if status is None or entry.status == status:
                    out.append(msgspec.structs.replace(entry, stats=self._merged(entry_id, self._stats(txn, entry_id))))
        return out

    def corrupt(self) -> list[tuple[str, str]]:
        """``(id, reason)`` for every entry whose record fails its checksum."""
        bad = []
        with self.store.read() as txn:
            for key, raw in txn.cursor(self.store.dbs["entries"]):
                try:
                    self.store.unseal("entries", key, raw, Entry)
                except CorruptEntryError as err:
                    bad.append((err.key, err.reason))
        for entry_id, reason in bad:
            self._mark_corrupt(entry_id, reason)
        return bad

    def history(self, entry_id: str) -> tuple[list[Entry], list[Event]]:
        """Earlier versions (oldest first; the current one is :meth:`get`) and the event log."""
        full = self.resolve(entry_id)
        prefix = full.encode() + b"\0"
        versions: list[Entry] = []
        events: list[Event] = []
        with self.store.read() as txn:
            for key, raw in _prefixed(txn.cursor(self.store.dbs["history"]), prefix):
                try:
                    versions.append(self.store.unseal("history", key, raw, Entry, full))
                except CorruptEntryError:
                    continue
            for key, raw in _prefixed(txn.cursor(self.store.dbs["events"]), prefix):
                try:
                    events.append(self.store.unseal("events", key, raw, Event, full))
                except CorruptEntryError:
                    continue
        return versions, events

    def stats(self) -> dict[str, Any]:
        """Totals: entries by status, hits, failures, corrupt records, store sizes."""
        self.flush()
        by_status = {"active": 0, "quarantined": 0, "retired": 0, "corrupt": 0}
        hits = failures = domain = 0
        with self.store.read() as txn:
            for key, raw in txn.cursor(self.store.dbs["entries"]):
                entry_id = bytes(key).decode()
                try:
                    by_status[self.store.unseal("entries", entry_id, raw, Entry).status] += 1
                except CorruptEntryError:
                    by_status["corrupt"] += 1
                s = self._stats(txn, entry_id)
                hits, failures, domain = hits + s.hits, failures + s.failures, domain + s.domain_misses
        info = self.store.info()
        return {
            "path": info["path"],
            "entries": by_status,
            "hits": hits,
            "failures": failures,
            "domain_misses": domain,
            "file_size": info["file_size"],
            "map_size": info["map_size"],
            "patterns_indexed": info["records"]["index"],
        }

    # -- admission ------------------------------------------------------------------------

    def admit(self, draft: FamilyDraft) -> str:
        """Verify and store a new family; returns its id. :class:`AdmissionError` lists
        every reason when it is refused; nothing is written then."""
        entry, program = self._prepare(draft)
        return self._store_new(entry, program)

    def _store_new(self, entry: Entry, program: Any) -> str:
        """Write a prepared entry, re-checking clashes inside the write transaction so two
        processes admitting overlapping families cannot both succeed."""

        def write(txn: lmdb.Transaction) -> str:
            reasons = self._clashes(txn, entry, exclude=entry.id)
            if reasons:
                raise AdmissionError(reasons)
            if txn.get(entry.id.encode(), db=self.store.dbs["entries"]) is not None:
                raise AdmissionError([f"an entry {entry.id} already exists"])
            self._index(txn, entry)
            self._put_entry(txn, entry)
            self._put_samples(txn, entry)
            self._event(txn, entry.id, "admitted", entry.version, entry.provenance.origin)
            return entry.id

        entry_id = self._indexed(self.store.write, write)  # the clash check reads the index
        self._programs[(entry.id, entry.version, entry.program_hash)] = (
            program,
            leading_assert_lines(entry.source, entry.signature.entry),
        )
        return entry_id

    def check_pattern(self, pattern: str, own_samples: tuple[str, ...] = (), exclude: str | None = None) -> list[str]:
        """:func:`check_pattern_admissible` against every stored, non-retired family."""
        reasons = rules.check_pattern_admissible(pattern, own_samples, (), min_specificity=self.min_specificity)
        try:
            pat = parse_pattern(pattern)
        except PatternError:
            return reasons
        with self.store.read() as txn:
            reasons += self._pattern_clashes(txn, [pat], own_samples, exclude)
        return reasons

    def _prepare(self, draft: FamilyDraft, entry_id: str | None = None, version: int = 1) -> tuple[Entry, Any]:
        """Compile, verify and check a draft; the Entry it would store."""
        texts = {"source": [draft.source], "description": [draft.description], "pattern": draft.patterns,
                 "sample": draft.samples, "task": draft.tasks, "request": [draft.request or ""]}
        unstorable = [name for name, items in texts.items() if any(escape_surrogates(t) != t for t in items)]
        if unstorable:  # no UTF-8 record (nor LMDB key) can hold them
            raise AdmissionError([f"a {name} contains a lone surrogate (U+D800..U+DFFF)" for name in unstorable])
        try:
            program = self.toolchain.compile(draft.source, draft.filename)
        except CheckError as err:
            raise AdmissionError([f"program does not check:\n{err.render()}"]) from None
        entry_name = pick_entry(draft.source, draft.entry)
        program_hash = self.toolchain.program_hash(program)
        verification = draft.verification
        if verification is None or not verification.ok:
            verification = self.toolchain.verify(program, entries=(entry_name,))
        if not verification.ok:
            raise AdmissionError([f"verification failed: {verification.summary[:2000]}"])
        signature = signature_of(draft.source, entry_name)
        reasons: list[str] = []
        patterns: list[Pattern] = []
        for text in rules.dedupe(draft.patterns):
            try:
                pat = parse_pattern(text)
            except PatternError as err:
                reasons.append(f"pattern {text!r}: {err}")
                continue
            patterns.append(pat)
            reasons += rules.check_holes(pat, signature)
            reasons += rules.check_pattern_admissible(pat, min_specificity=self.min_specificity)
        samples = rules.dedupe(tuple(draft.samples) + ((draft.request,) if draft.request else ()))
        if patterns and not samples:
            reasons.append("a family with patterns needs at least one sample request")
        if not patterns and not draft.tasks:
            reasons.append("a family needs a pattern or a structured task")
        if reasons:
            raise AdmissionError(reasons)
        now_ = now()
        entry = Entry(
            id=entry_id or _new_id(program_hash, [p.text for p in patterns]),
            version=version,
            description=draft.description,
            patterns=tuple(p.text for p in patterns),
            tasks=rules.dedupe(tuple(rules.normalise_task(t) for t in draft.tasks)),
            source=draft.source,
            program_hash=program_hash,
            signature=signature,
            examples=tuple(draft.examples),
            properties=properties_of(draft.source),
            verification=verification,
            samples=samples,
            provenance=msgspec.structs.replace(draft.provenance, created=draft.provenance.created or now_),
            created=now_,
            updated=now_,
        )
        pre = leading_assert_lines(draft.source, entry_name)
        reasons += self._check_runs(entry, program, pre, patterns, draft)
        if reasons:
            raise AdmissionError(reasons)
        return entry, program

    def _check_runs(self, entry: Entry, program: Any, pre: frozenset[int], patterns: list[Pattern], draft: FamilyDraft) -> list[str]:
        """Every sample is matched and answered; every pattern matches a sample; the
        program agrees with the model's own answer and with every example."""
        reasons = []
        used = set()
        for text in entry.samples:
            bound = None
            for i, pat in enumerate(patterns):
                b = pat.match(text)
                if b is not None:
                    used.add(i)
                    bound = bound or b
            if bound is None:
                reasons.append(f"no pattern matches the sample request {rules._short(text)!r}")
                continue
            res = self._gate(entry, program, pre, bound, text)
            if res.counterexample is not None:
                reasons.append(f"sample {rules._short(text)!r} is refused by the gate: {res.outcome} {res.counterexample.message}")
            elif text == draft.request and draft.has_expected and res.value != draft.expected:
                reasons.append(
                    f"the program answers {res.value!r} to the originating request, the model answered {draft.expected!r}"
                )
        for i, pat in enumerate(patterns):
            if entry.samples and i not in used:
                reasons.append(f"pattern {pat.text!r} matches none of the family's sample requests")
        for ex in entry.examples:
            inputs = {k: decode_value(v) for k, v in ex.inputs.items()}
            res = self._gate(entry, program, pre, inputs, ex.request)
            expected = decode_value(ex.expected)
            if res.counterexample is not None:
                reasons.append(f"example {inputs!r} is refused by the gate: {res.outcome} {res.counterexample.message}")
            elif res.value != expected:
                reasons.append(f"example {inputs!r}: expected {expected!r}, the program gives {res.value!r}")
        return reasons

    def _gate(self, entry: Entry, program: Any, pre: frozenset[int], bindings: dict[str, Any], request: str | None) -> GateResult:
        return run_gated(self.toolchain, program, entry, bindings, fuel=self.fuel, precondition_lines=pre, request=request)

    def _clashes(self, txn: lmdb.Transaction, entry: Entry, exclude: str | None) -> list[str]:
        pats = [self._pattern(p) for p in entry.patterns]
        reasons = self._pattern_clashes(txn, pats, entry.samples, exclude)
        names = [p.name for p in entry.signature.params]
        for task in entry.tasks:
            for other_id in index.task_candidates(txn, self.store.dbs["tasks"], index.task_key(task, names), self.store.sealer):
                if other_id != exclude:
                    reasons.append(f"structured task {task!r} with these inputs already belongs to family {other_id}")
        return reasons

    def _pattern_clashes(self, txn: lmdb.Transaction, pats: list[Pattern], own: tuple[str, ...], exclude: str | None) -> list[str]:
        """Another family's sample matched by one of ``pats``, or one of ``own`` matched by
        another family's pattern. The first direction scans stored samples (admission
        only, O(families)); the second uses the index."""
        reasons = []
        for i, text in enumerate(own):
            which = "the request" if i == 0 else f"example request {i}"  # samples: the request, then the examples'
            for m, _ in self._matches(txn, text):
                if m.entry_id != exclude:
                    reasons.append(f"family {m.entry_id}'s pattern {m.pattern!r} matches {which} {rules._short(text)!r}")
        probes = [(p, p.anchors) for p in pats]
        for key, raw in txn.cursor(self.store.dbs["samples"]):
            other = bytes(key).decode()
            if other == exclude:
                continue
            try:
                texts = self.store.unseal("samples", other, raw, list[str])
            except CorruptEntryError:
                texts = []  # a damaged sample list only weakens this check; the index check above still ran
            for text in texts:
                low = None
                for pat, anchors in probes:
                    low = low if low is not None else text.lower()
                    if all(a in low for a in anchors) and pat.match(text) is not None:
                        reasons.append(f"pattern {pat.text!r} matches a request of family {other}: {rules._short(text)!r}")
        return list(dict.fromkeys(reasons))

    # -- writing helpers ------------------------------------------------------------------

    def _index(self, txn: lmdb.Transaction, entry: Entry) -> None:
        """File an entry's patterns and tasks (see :mod:`seglam.cache.index`)."""
        index.file_patterns(txn, self.store.dbs["index"], entry.id, [parse_pattern(p) for p in entry.patterns], self.store.sealer)
        names = [p.name for p in entry.signature.params]
        for task in entry.tasks:
            index.file_task(txn, self.store.dbs["tasks"], index.task_key(task, names), entry.id, self.store.sealer)

    def _unindex(self, txn: lmdb.Transaction, entry: Entry) -> None:
        index.unfile_patterns(txn, self.store.dbs["index"], entry.id, [self._pattern(p) for p in entry.patterns], self.store.sealer)
        names = [p.name for p in entry.signature.params]
        for task in entry.tasks:
            index.unfile_task(txn, self.store.dbs["tasks"], index.task_key(task, names), entry.id, self.store.sealer)

    def _put_samples(self, txn: lmdb.Transaction, entry: Entry) -> None:
        txn.put(entry.id.encode(), self.store.seal("samples", entry.id, list(entry.samples)), db=self.store.dbs["samples"])

    def _put_entry(self, txn: lmdb.Transaction, entry: Entry) -> None:
        txn.put(entry.id.encode(), self.store.seal("entries", entry.id, entry), db=self.store.dbs["entries"])

    def _event(self, txn: lmdb.Transaction, entry_id: str, kind: str, version: int, detail: str = "") -> None:
        stamp = time.time_ns()
        db = self.store.dbs["events"]
        while txn.get(_vkey(entry_id, stamp, 8), db=db) is not None:
            stamp += 1
        key = _vkey(entry_id, stamp, 8)
        txn.put(key, self.store.seal("events", key, Event(at=now(), kind=kind, version=version, detail=detail)), db=db)

    def _update(self, entry_id: str, change: Callable[[lmdb.Transaction, Entry], Entry | None]) -> Entry | None:
        """Read-modify-write one entry inside a single write transaction."""

        def write(txn: lmdb.Transaction) -> Entry | None:
            raw = txn.get(entry_id.encode(), db=self.store.dbs["entries"])
            if raw is None:
                raise NotFoundError(f"no cache entry {entry_id!r}")
            new = change(txn, self.store.unseal("entries", entry_id, raw, Entry))
            if new is not None:
                self._put_entry(txn, new)
            return new

        return self.store.write(write)

    def _record_failure(self, entry_id: str, cx: Counterexample) -> None:
        def change(txn: lmdb.Transaction, entry: Entry) -> Entry:
            kept = _trim(entry.counterexamples + (cx,))
            self._add_stats(txn, entry_id, failures=cx.kind != "domain", domain=cx.kind == "domain")
            return msgspec.structs.replace(entry, counterexamples=kept)

        try:
            self._update(entry_id, change)
        except (NotFoundError, CorruptEntryError):
            pass  # retired or damaged meanwhile: the miss stands, nothing to record on

    def _quarantine(self, entry_id: str, reason: str) -> None:
        def change(txn: lmdb.Transaction, entry: Entry) -> Entry:
            self._event(txn, entry_id, "quarantined", entry.version, reason)
            return msgspec.structs.replace(entry, status="quarantined", status_reason=reason, updated=now())

        try:
            self._update(entry_id, change)
        except (NotFoundError, CorruptEntryError):
            pass

    def _mark_corrupt(self, entry_id: str, reason: str) -> None:
        """Quarantine a record that failed its checksum. The record itself cannot be
        rewritten (it is unreadable), so the mark lives in its stats record."""

        def write(txn: lmdb.Transaction) -> None:
            stats = self._stats(txn, entry_id)
            if stats.corrupt is None:
                txn.put(entry_id.encode(), self.store.seal("stats", entry_id, msgspec.structs.replace(stats, corrupt=reason)),
                        db=self.store.dbs["stats"])
                self._event(txn, entry_id, "corrupt", 0, reason)

        self.store.write(write)

    def _flush_corrupt(self) -> None:
        pending, self._pending_corrupt = dict(self._pending_corrupt), []
        for entry_id, reason in pending.items():
            self._mark_corrupt(entry_id, reason)

    # -- statistics -----------------------------------------------------------------------

    def _bump(self, entry_id: str, hits: int = 0, ambiguous: int = 0) -> None:
        with self._pending_lock:
            p = self._pending.setdefault(entry_id, _PendingStats())
            p.hits += hits
            p.ambiguous += ambiguous
            p.last_hit = now()
            due = len(self._pending) >= _STATS_FLUSH_EVERY or time.monotonic() - self._last_flush > _STATS_FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        """Write batched hit statistics."""
        self._flush_corrupt()
        with self._pending_lock:
            pending, self._pending = self._pending, {}
            self._last_flush = time.monotonic()
        if not pending:
            return

        def write(txn: lmdb.Transaction) -> None:
            for entry_id, p in pending.items():
                self._add_stats(txn, entry_id, hits=p.hits, ambiguous=p.ambiguous, last_hit=p.last_hit)

        self.store.write(write)

    def _add_stats(self, txn: lmdb.Transaction, entry_id: str, *, hits: int = 0, failures: int = 0,
                   domain: int = 0, ambiguous: int = 0, last_hit: float = 0.0) -> None:
        s = self._stats(txn, entry_id)
        s = Stats(
            hits=s.hits + hits,
            failures=s.failures + int(failures),
            domain_misses=s.domain_misses + int(domain),
            ambiguous=s.ambiguous + ambiguous,
            last_hit=max(s.last_hit, last_hit),
            corrupt=s.corrupt,
        )
        txn.put(entry_id.encode(), self.store.seal("stats", entry_id, s), db=self.store.dbs["stats"])

    def _merged(self, entry_id: str, stats: Stats) -> Stats:
        p = self._pending.get(entry_id)
        if p is None:
            return stats
        return msgspec.structs.replace(
            stats, hits=stats.hits + p.hits, ambiguous=stats.ambiguous + p.ambiguous, last_hit=max(stats.last_hit, p.last_hit)
        )

    # -- correction -----------------------------------------------------------------------

    def reject(self, entry_id: str, expected: Any, *, inputs: dict[str, Any] | None = None,
               request: str | None = None, note: str = "") -> Counterexample:
        """The family answered wrongly: store the input with the right answer as a
        counterexample and quarantine the family until a new version passes it."""
        full = self.resolve(entry_id)
        entry = self.get(full)
        if inputs is None:
            if request is None:
                raise ValueError("reject needs the inputs or the request text")
            inputs = next((b for p in entry.patterns if (b := self._pattern(p).match(request)) is not None), None)
            if inputs is None:
                raise ValueError(f"no pattern of family {full} matches that request")
        actual = None
        try:
            program, pre = self._program(entry)
            res = self._gate(entry, program, pre, inputs, request)
            actual = encode_value(res.value) if res.counterexample is None else None
        except Exception:  # noqa: BLE001 - the actual answer is informational; the rejection stands
            pass
        cx = Counterexample(kind="reject", inputs={k: encode_value(v) for k, v in inputs.items()},
                            expected=encode_value(expected), actual=actual, message=note,
                            request=request, version=entry.version, at=now())

        def change(txn: lmdb.Transaction, e: Entry) -> Entry:
            self._event(txn, full, "rejected", e.version, note or f"expected {expected!r}")
            return msgspec.structs.replace(e, counterexamples=_trim(e.counterexamples + (cx,)), status="quarantined",
                                           status_reason="rejected: " + (note or "wrong answer"), updated=now())

        self._update(full, change)
        return cx

    def quarantine(self, entry_id: str, reason: str) -> None:
        """Stop serving a family until a new version replaces it (the next request of its
        kind recompiles it, with its counterexamples in the prompt)."""
        self._quarantine(self.resolve(entry_id), reason)

    def add_example(self, entry_id: str, inputs: dict[str, Any], expected: Any, *, request: str | None = None,
                    note: str = "") -> Entry:
        """Add a verified example (a settled dispute the program was right on): the current
        program must give ``expected`` on ``inputs``, and every later version must too."""
        entry = self.get(entry_id)
        program, pre = self._program(entry)
        res = self._gate(entry, program, pre, inputs, request)
        if res.counterexample is not None or res.value != expected:
            got = res.outcome if res.counterexample is not None else repr(res.value)
            raise AdmissionError([f"example {inputs!r}: expected {expected!r}, the program gives {got}"])
        example = Example(inputs={k: encode_value(v) for k, v in inputs.items()}, expected=encode_value(expected),
                          request=request)

        def change(txn: lmdb.Transaction, e: Entry) -> Entry:
            self._event(txn, e.id, "example-added", e.version, note or f"{inputs!r} -> {expected!r}")
            return msgspec.structs.replace(e, examples=(*e.examples, example), updated=now())

        new = self._update(entry.id, change)
        assert new is not None
        return new

    def run_entry(self, entry: Entry, bindings: dict[str, Any]) -> GateResult:
        """Run ``entry``'s verified program on ``bindings`` under the gate; records nothing
        (the trust keeper replays stored observations against a new version with it)."""
        program, pre = self._program(entry)
        return self._gate(entry, program, pre, bindings, None)

    def replace(self, entry_id: str, source: str, *, entry: str | None = None, patterns: tuple[str, ...] | None = None,
                provenance: Provenance | None = None, note: str = "") -> ReplaceResult:
        """A new program for a family: verified, checked against every stored sample,
        example and counterexample, diffed against the old one; the old version goes to
        history and the family is active again."""
        full = self.resolve(entry_id)
        old = self.get(full)
        draft = FamilyDraft(
            source=source,
            patterns=tuple(patterns) if patterns is not None else old.patterns,
            description=old.description,
            entry=entry or old.signature.entry,
            tasks=old.tasks,
            samples=old.samples,
            examples=old.examples,
            provenance=provenance or Provenance(origin="replace", note=note),
            filename=f"{full}.sgl",
        )
        new, program = self._prepare(draft, entry_id=full, version=old.version + 1)
        new = msgspec.structs.replace(
            new,
            counterexamples=old.counterexamples,
            provenance=msgspec.structs.replace(new.provenance, parent_version=old.version),
            created=old.created,
        )
        pre = leading_assert_lines(new.source, new.signature.entry)
        reasons = []
        for cx in old.counterexamples:
            inputs = {k: decode_value(v) for k, v in cx.inputs.items()}
            res = self._gate(new, program, pre, inputs, cx.request)
            if cx.kind == "reject":
                want = decode_value(cx.expected)
                if res.counterexample is not None or res.value != want:
                    got = res.outcome if res.counterexample is not None else repr(res.value)
                    reasons.append(f"counterexample {inputs!r}: expected {want!r}, new version gives {got}")
            elif cx.kind in ("fault", "ensures") and res.outcome not in ("hit", "domain"):
                reasons.append(f"counterexample {inputs!r} still fails: {res.outcome} {res.counterexample.message}")
        if reasons:
            raise AdmissionError(reasons)
        diff_text, disagreements = self._diff(old, new, program)

        def write(txn: lmdb.Transaction) -> None:
            raw = txn.get(full.encode(), db=self.store.dbs["entries"])
            current = self.store.unseal("entries", full, raw, Entry)
            if current.version != old.version:
                raise AdmissionError([f"family {full} changed meanwhile (now v{current.version}); retry"])
            clash = self._clashes(txn, new, exclude=full)
            if clash:
                raise AdmissionError(clash)
            old_key = _vkey(full, current.version, 4)
            txn.put(old_key, self.store.seal("history", old_key, current), db=self.store.dbs["history"])
            self._unindex(txn, current)
            self._index(txn, new)
            self._put_entry(txn, new)
            self._put_samples(txn, new)
            self._event(txn, full, "replaced", new.version, note or f"{len(disagreements)} disagreement(s) with v{old.version}")

        self._indexed(self.store.write, write)
        self._programs[(new.id, new.version, new.program_hash)] = (program, pre)
        return ReplaceResult(full, new.version, diff_text, disagreements)

    def _diff(self, old: Entry, new: Entry, new_program: Any) -> tuple[str | None, tuple[dict[str, Any], ...]]:
        """The verifier's diff when available, plus a differential run of both versions
        on every input the family has seen."""
        try:
            old_program, old_pre = self._program(old)
        except GateMiss:
            return None, ()
        diff_text = None
        try:
            diff_text = self.toolchain.diff(old_program, new_program)
        except Exception as err:  # noqa: BLE001 - the diff is advice; its failure is reported, not fatal
            diff_text = f"diff unavailable: {type(err).__name__}: {err}"
        inputs: list[dict[str, Any]] = []
        for text in new.samples:
            b = next((b for p in new.patterns if (b := self._pattern(p).match(text)) is not None), None)
            if b is not None:
                inputs.append(b)
        inputs += [{k: decode_value(v) for k, v in ex.inputs.items()} for ex in new.examples]
        inputs += [{k: decode_value(v) for k, v in cx.inputs.items()} for cx in new.counterexamples]
        new_pre = leading_assert_lines(new.source, new.signature.entry)
        out = []
        for b in inputs:
            a = self._gate(old, old_program, old_pre, b, None)
            c = self._gate(new, new_program, new_pre, b, None)
            if (a.outcome, a.value) != (c.outcome, c.value):
                out.append({"inputs": render_bindings(b), "old": a.outcome if a.counterexample else repr(a.value),
                            "new": c.outcome if c.counterexample else repr(c.value)})
        return diff_text, tuple(out)

    def add_pattern(self, entry_id: str, pattern: str, *, sample: str) -> str:
        """Teach an active family one more pattern (LILAC-style template merging, after the
        engine routed ``sample`` to it). The program does not change, so the version stays;
        the pattern must pass every admission rule and ``sample`` must match it and pass the
        gate. Returns the canonical pattern."""
        full = self.resolve(entry_id)
        entry = self.get(full)
        if entry.status != "active":
            raise AdmissionError([f"family {full} is {entry.status}; only an active family learns patterns"])
        pat = parse_pattern(pattern)
        if pat.text in entry.patterns:
            return pat.text
        reasons = rules.check_holes(pat, entry.signature)
        reasons += rules.check_pattern_admissible(pat, min_specificity=self.min_specificity)
        bindings = pat.match(sample)
        if bindings is None:
            reasons.append(f"pattern {pat.text!r} does not match its sample {rules._short(sample)!r}")
        if reasons:
            raise AdmissionError(reasons)
        program, pre = self._program(entry)
        res = self._gate(entry, program, pre, bindings, sample)
        if res.counterexample is not None:
            raise AdmissionError([f"the sample is refused by the gate: {res.outcome} {res.counterexample.message}"])

        def write(txn: lmdb.Transaction) -> None:
            current = self.store.unseal("entries", full, txn.get(full.encode(), db=self.store.dbs["entries"]), Entry)
            if current.program_hash != entry.program_hash or current.status != "active":
                raise AdmissionError([f"family {full} changed meanwhile; retry"])
            new = msgspec.structs.replace(
                current,
                patterns=current.patterns + (pat.text,),
                samples=rules.dedupe(current.samples + (sample,)),
                updated=now(),
            )
            clash = self._clashes(txn, new, exclude=full)
            if clash:
                raise AdmissionError(clash)
            self._unindex(txn, current)
            self._index(txn, new)
            self._put_entry(txn, new)
            self._put_samples(txn, new)
            self._event(txn, full, "pattern-added", new.version, pat.text)

        self._indexed(self.store.write, write)
        return pat.text

    def retire(self, entry_id: str, reason: str = "") -> None:
        """Stop serving a family for good; it stays readable with its history."""
        full = self.resolve(entry_id)

        def write(txn: lmdb.Transaction) -> None:
            raw = txn.get(full.encode(), db=self.store.dbs["entries"])
            entry = self.store.unseal("entries", full, raw, Entry)
            if entry.status == "retired":
                return
            self._unindex(txn, entry)
            txn.delete(full.encode(), db=self.store.dbs["samples"])
            self._put_entry(txn, msgspec.structs.replace(entry, status="retired", status_reason=reason, updated=now()))
            self._event(txn, full, "retired", entry.version, reason)

        self.store.write(write)

    def gc(self, *, idle_days: float = 90.0, max_failure_rate: float = 0.5, min_calls: int = 5,
           purge: bool = False, dry_run: bool = False) -> GcReport:
        """Retire families unused for ``idle_days`` or failing on more than
        ``max_failure_rate`` of at least ``min_calls`` gated runs; with ``purge``, delete
        retired families (and their history) for good."""
        self.flush()
        t = now()
        to_retire: list[tuple[str, str]] = []
        to_purge: list[str] = []
        for entry in self.list():
            s = entry.stats
            if entry.status == "retired":
                to_purge.append(entry.id)
                continue
            calls = s.hits + s.failures
            if calls >= min_calls and s.failures / calls > max_failure_rate:
                to_retire.append((entry.id, f"failing: {s.failures} of {calls} runs"))
            elif t - max(s.last_hit, entry.updated) > idle_days * 86400:
                to_retire.append((entry.id, f"unused for {idle_days:g} days"))
        if not dry_run:
            for entry_id, reason in to_retire:
                self.retire(entry_id, "gc: " + reason)
            if purge:
                to_purge += [i for i, _ in to_retire]
                for entry_id in to_purge:
                    self._purge(entry_id)
        return GcReport(tuple(to_retire), tuple(to_purge) if purge else (), dry_run)

    def _purge(self, entry_id: str) -> None:
        def write(txn: lmdb.Transaction) -> None:
            for name in ("entries", "stats", "samples", "trust"):
                txn.delete(entry_id.encode(), db=self.store.dbs[name])
            for name in ("history", "events"):
                cur = txn.cursor(self.store.dbs[name])
                prefix = entry_id.encode() + b"\0"
                while cur.set_range(prefix) and bytes(cur.key()).startswith(prefix):
                    cur.delete()

        self.store.write(write)

    # -- bundles --------------------------------------------------------------------------

    def export(self, directory: str | os.PathLike[str], *, include_retired: bool = False) -> list[str]:
        """Write every family as a plain ``.sgl`` file plus ``manifest.json``; returns ids."""
        from seglam.cache.bundle import export_bundle

        return export_bundle(self, directory, include_retired=include_retired)

    def import_(self, directory: str | os.PathLike[str]) -> "ImportReport":  # noqa: F821
        """Re-verify and admit every family of a bundle; refused ones are reported with the
        reason and do not stop the others."""
        from seglam.cache.bundle import import_bundle

        return import_bundle(self, directory)

    # -- bulk loading (benchmarks, migrations) --------------------------------------------

    def put_verified(self, entries: list[Entry]) -> None:
        """Store entries that were verified elsewhere (the benchmark's synthetic families,
        a migration). Skips every admission check; never use it for model output."""

        def write(txn: lmdb.Transaction) -> None:
            for entry in entries:
                self._index(txn, entry)
                self._put_entry(txn, entry)
                self._put_samples(txn, entry)

        self.store.write(write)


def _trim(cxs: tuple[Counterexample, ...]) -> tuple[Counterexample, ...]:
    rejects = [c for c in cxs if c.kind == "reject"]
    others = [c for c in cxs if c.kind != "reject"][-MAX_GATE_COUNTEREXAMPLES:]
    keep = set(map(id, rejects + others))
    return tuple(c for c in cxs if id(c) in keep)


def _vkey(entry_id: str, number: int, width: int) -> bytes:
    return entry_id.encode() + b"\0" + number.to_bytes(width, "big")


def _prefixed(cur: lmdb.Cursor, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
    if not cur.set_range(prefix):
        return
    for key, value in cur:
        if not bytes(key).startswith(prefix):
            return
        yield key, value


def _new_id(program_hash: str, patterns: list[str]) -> str:
    h = hashlib.sha256()
    h.update(program_hash.encode())
    for p in patterns:
        h.update(b"\0" + p.encode())
    h.update(time.time_ns().to_bytes(8, "big") + os.urandom(8))
    return h.hexdigest()[:12]
