"""The cache's records in its store: reading, writing and filing families inside one
transaction. Small functions over a store (:class:`~seglam.cache.store.CacheStore`) and an
open transaction; the parts of :class:`~seglam.cache.cache.Cache` build on them.

Every change is one write transaction (:meth:`CacheStore.write`), so other processes see a
family completely or not at all.
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import Any, Callable, Generic, Iterator, TypeVar

import msgspec

from seglam.cache import index
from seglam.cache.entry import Counterexample, Entry, Event, Stats, now
from seglam.cache.errors import AmbiguousIdError, CorruptEntryError, IndexDamagedError, NotFoundError
from seglam.cache.pattern import Pattern, parse_pattern
from seglam.cache.store import CacheStore

#: Gate counterexamples kept per entry (``reject`` ones are always kept).
MAX_GATE_COUNTEREXAMPLES = 50
#: Per-process memos of compiled patterns and checked entries. Bounded: a process that
#: touches 100,000 families must not keep them all alive (the garbage collector's cost
#: grows with live objects, and every lookup would pay for it).
MEMO = 4096

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A dict that forgets everything when it reaches ``limit`` entries."""

    def __init__(self, limit: int = MEMO) -> None:
        self.limit = limit
        self.items: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        return self.items.get(key)

    def put(self, key: K, value: V) -> V:
        if len(self.items) >= self.limit:
            self.items.clear()
        self.items[key] = value
        return value

    def clear(self) -> None:
        self.items.clear()


class Patterns(Memo[str, Pattern]):
    """Parsed patterns by text."""

    def parse(self, text: str) -> Pattern:
        pat = self.get(text)
        return pat if pat is not None else self.put(text, parse_pattern(text))


class Entries(Memo[str, tuple[bytes, Entry]]):
    """Entries already unsealed, by id, with the record they came from."""

    def load(self, store: CacheStore, txn: Any, entry_id: str, strict: bool = False) -> Entry | None:
        """The entry stored under ``entry_id`` (None if absent, or corrupt unless ``strict``)."""
        raw = txn.get(entry_id.encode(), db=store.dbs["entries"])
        if raw is None:
            return None
        known = self.get(entry_id)
        if known is not None and known[0] == raw:  # byte-identical to a record already checked
            return known[1]
        try:
            entry = store.unseal("entries", entry_id, raw, Entry)
        except CorruptEntryError:
            if strict:
                raise
            return None
        self.put(entry_id, (raw, entry))
        return entry


# -- reading ------------------------------------------------------------------------------


def read_entry(store: CacheStore, txn: Any, entry_id: str) -> Entry:
    """The stored entry (:class:`CorruptEntryError` if its seal fails)."""
    return store.unseal("entries", entry_id, txn.get(entry_id.encode(), db=store.dbs["entries"]), Entry)


def read_stats(store: CacheStore, txn: Any, entry_id: str) -> Stats:
    raw = txn.get(entry_id.encode(), db=store.dbs["stats"])
    if raw is None:
        return Stats()
    try:
        return store.unseal("stats", entry_id, raw, Stats)
    except CorruptEntryError:
        return Stats()


def resolve(store: CacheStore, prefix: str) -> str:
    """The full id for an id or a unique id prefix."""
    with store.read() as txn:
        cur = txn.cursor(store.dbs["entries"])
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


def prefixed(cur: Any, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The records of a cursor whose keys start with ``prefix``."""
    if not cur.set_range(prefix):
        return
    for key, value in cur:
        if not bytes(key).startswith(prefix):
            return
        yield key, value


# -- writing ------------------------------------------------------------------------------


def put_entry(store: CacheStore, txn: Any, entry: Entry) -> None:
    txn.put(entry.id.encode(), store.seal("entries", entry.id, entry), db=store.dbs["entries"])


def put_samples(store: CacheStore, txn: Any, entry: Entry) -> None:
    txn.put(entry.id.encode(), store.seal("samples", entry.id, list(entry.samples)), db=store.dbs["samples"])


def log_event(store: CacheStore, txn: Any, entry_id: str, kind: str, version: int, detail: str = "") -> None:
    stamp = time.time_ns()
    db = store.dbs["events"]
    while txn.get(vkey(entry_id, stamp, 8), db=db) is not None:
        stamp += 1
    key = vkey(entry_id, stamp, 8)
    txn.put(key, store.seal("events", key, Event(at=now(), kind=kind, version=version, detail=detail)), db=db)


def add_stats(store: CacheStore, txn: Any, entry_id: str, *, hits: int = 0, failures: int = 0,
              domain: int = 0, ambiguous: int = 0, last_hit: float = 0.0) -> None:
    s = read_stats(store, txn, entry_id)
    s = Stats(
        hits=s.hits + hits,
        failures=s.failures + int(failures),
        domain_misses=s.domain_misses + int(domain),
        ambiguous=s.ambiguous + ambiguous,
        last_hit=max(s.last_hit, last_hit),
        corrupt=s.corrupt,
    )
    txn.put(entry_id.encode(), store.seal("stats", entry_id, s), db=store.dbs["stats"])


def update(store: CacheStore, entry_id: str, change: Callable[[Any, Entry], Entry | None]) -> Entry | None:
    """Read-modify-write one entry inside a single write transaction."""

    def write(txn: Any) -> Entry | None:
        raw = txn.get(entry_id.encode(), db=store.dbs["entries"])
        if raw is None:
            raise NotFoundError(f"no cache entry {entry_id!r}")
        new = change(txn, store.unseal("entries", entry_id, raw, Entry))
        if new is not None:
            put_entry(store, txn, new)
        return new

    return store.write(write)


def quarantine(store: CacheStore, entry_id: str, reason: str) -> None:
    """Stop serving a family (if it is still there and readable)."""

    def change(txn: Any, entry: Entry) -> Entry:
        log_event(store, txn, entry_id, "quarantined", entry.version, reason)
        return msgspec.structs.replace(entry, status="quarantined", status_reason=reason, updated=now())

    try:
        update(store, entry_id, change)
    except (NotFoundError, CorruptEntryError):
        pass


def record_failure(store: CacheStore, entry_id: str, cx: Counterexample) -> None:
    """A gated run failed: keep its counterexample and count it."""

    def change(txn: Any, entry: Entry) -> Entry:
        kept = trim(entry.counterexamples + (cx,))
        add_stats(store, txn, entry_id, failures=cx.kind != "domain", domain=cx.kind == "domain")
        return msgspec.structs.replace(entry, counterexamples=kept)

    try:
        update(store, entry_id, change)
    except (NotFoundError, CorruptEntryError):
        pass  # retired or damaged meanwhile: the miss stands, nothing to record on


def mark_corrupt(store: CacheStore, entry_id: str, reason: str) -> None:
    """Quarantine a record that failed its checksum. The record itself cannot be
    rewritten (it is unreadable), so the mark lives in its stats record."""

    def write(txn: Any) -> None:
        stats = read_stats(store, txn, entry_id)
        if stats.corrupt is None:
            txn.put(entry_id.encode(), store.seal("stats", entry_id, msgspec.structs.replace(stats, corrupt=reason)),
                    db=store.dbs["stats"])
            log_event(store, txn, entry_id, "corrupt", 0, reason)

    store.write(write)


def purge_family(store: CacheStore, entry_id: str) -> None:
    """Delete a family, its history and its events for good."""

    def write(txn: Any) -> None:
        for name in ("entries", "stats", "samples", "trust"):
            txn.delete(entry_id.encode(), db=store.dbs[name])
        for name in ("history", "events"):
            cur = txn.cursor(store.dbs[name])
            prefix = entry_id.encode() + b"\0"
            while cur.set_range(prefix) and bytes(cur.key()).startswith(prefix):
                cur.delete()

    store.write(write)


# -- the index ----------------------------------------------------------------------------


def file_entry(store: CacheStore, txn: Any, entry: Entry) -> None:
    """File an entry's patterns and tasks (see :mod:`seglam.cache.index`)."""
    index.file_patterns(txn, store.dbs["index"], entry.id, [parse_pattern(p) for p in entry.patterns], store.sealer)
    names = [p.name for p in entry.signature.params]
    for task in entry.tasks:
        index.file_task(txn, store.dbs["tasks"], index.task_key(task, names), entry.id, store.sealer)


def unfile_entry(store: CacheStore, txn: Any, entry: Entry, patterns: Patterns) -> None:
    index.unfile_patterns(txn, store.dbs["index"], entry.id, [patterns.parse(p) for p in entry.patterns], store.sealer)
    names = [p.name for p in entry.signature.params]
    for task in entry.tasks:
        index.unfile_task(txn, store.dbs["tasks"], index.task_key(task, names), entry.id, store.sealer)


def store_entry(store: CacheStore, txn: Any, entry: Entry) -> None:
    """Write an entry with its samples and file it in the index."""
    file_entry(store, txn, entry)
    put_entry(store, txn, entry)
    put_samples(store, txn, entry)


def rebuild_index(store: CacheStore) -> int:
    """Refile every readable, non-retired entry's patterns and tasks from scratch;
    returns how many entries were filed."""

    def write(txn: Any) -> int:
        txn.drop(store.dbs["index"], delete=False)
        txn.drop(store.dbs["tasks"], delete=False)
        filed = 0
        for key, raw in txn.cursor(store.dbs["entries"]):
            try:
                entry = store.unseal("entries", key, raw, Entry)
            except CorruptEntryError:
                continue
            if entry.status != "retired":
                file_entry(store, txn, entry)
                filed += 1
        log_event(store, txn, "index", "index-rebuilt", 0, f"{filed} entries refiled")
        return filed

    return store.write(write)


T = TypeVar("T")


def indexed(store: CacheStore, fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)``; if it met an index posting that fails its seal, rebuild the indexes
    from the entries and run it once more (a damaged index must not steer a request to
    a less specific family)."""
    try:
        return fn(*args)
    except IndexDamagedError:
        rebuild_index(store)
        return fn(*args)


# -- small values -------------------------------------------------------------------------


def trim(cxs: tuple[Counterexample, ...]) -> tuple[Counterexample, ...]:
    """The counterexamples kept: every ``reject``, and the newest gate failures."""
    rejects = [c for c in cxs if c.kind == "reject"]
    others = [c for c in cxs if c.kind != "reject"][-MAX_GATE_COUNTEREXAMPLES:]
    keep = set(map(id, rejects + others))
    return tuple(c for c in cxs if id(c) in keep)


def vkey(entry_id: str, number: int, width: int) -> bytes:
    """The key of a family's version (history) or event: id, NUL, a big-endian number."""
    return entry_id.encode() + b"\0" + number.to_bytes(width, "big")


def new_id(program_hash: str, patterns: list[str]) -> str:
    h = hashlib.sha256()
    h.update(program_hash.encode())
    for p in patterns:
        h.update(b"\0" + p.encode())
    h.update(time.time_ns().to_bytes(8, "big") + os.urandom(8))
    return h.hexdigest()[:12]

