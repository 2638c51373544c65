"""Reading a cache for people and tools: one family with its live statistics, every
family, the corrupt records, a family's history, the totals."""

from __future__ import annotations

from typing import Any

import msgspec

from seglam.cache.entry import Entry, Event
from seglam.cache.errors import CorruptEntryError
from seglam.cache.hitstats import HitStats
from seglam.cache.records import mark_corrupt, prefixed, read_stats, resolve
from seglam.cache.store import CacheStore


class Inspection:
    """The read side of one cache (beyond the hit path)."""

    def __init__(self, store: CacheStore, stats: HitStats) -> None:
        self.store = store
        self.stats = stats

    def get(self, entry_id: str) -> Entry:
        """An entry (id or unique prefix) with its live statistics.
        :class:`CorruptEntryError` if its record fails the checksum (it is then quarantined)."""
        full = resolve(self.store, entry_id)
        with self.store.read() as txn:
            raw = txn.get(full.encode(), db=self.store.dbs["entries"])
            stats = read_stats(self.store, txn, full)
        try:
            entry = self.store.unseal("entries", full, raw, Entry)
        except CorruptEntryError as err:
            if stats.corrupt is None:
                mark_corrupt(self.store, full, err.reason)
            raise
        return msgspec.structs.replace(entry, stats=self.stats.merged(full, stats))

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
                    stats = self.stats.merged(entry_id, read_stats(self.store, txn, entry_id))
                    out.append(msgspec.structs.replace(entry, stats=stats))
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
            mark_corrupt(self.store, entry_id, reason)
        return bad

    def history(self, entry_id: str) -> tuple[list[Entry], list[Event]]:
        """Earlier versions (oldest first; the current one is :meth:`get`) and the event log."""
        full = resolve(self.store, entry_id)
        prefix = full.encode() + b"\0"
        versions: list[Entry] = []
        events: list[Event] = []
        with self.store.read() as txn:
            for key, raw in prefixed(txn.cursor(self.store.dbs["history"]), prefix):
                try:
                    versions.append(self.store.unseal("history", key, raw, Entry, full))
                except CorruptEntryError:
                    continue
            for key, raw in prefixed(txn.cursor(self.store.dbs["events"]), prefix):
                try:
                    events.append(self.store.unseal("events", key, raw, Event, full))
                except CorruptEntryError:
                    continue
        return versions, events

    def totals(self) -> dict[str, Any]:
        """Entries by status, hits, failures, corrupt records, store sizes."""
        self.stats.flush()
        by_status = {"active": 0, "quarantined": 0, "retired": 0, "corrupt": 0}
        hits = failures = domain = 0
        with self.store.read() as txn:
            for key, raw in txn.cursor(self.store.dbs["entries"]):
                entry_id = bytes(key).decode()
                try:
                    by_status[self.store.unseal("entries", entry_id, raw, Entry).status] += 1
                except CorruptEntryError:
                    by_status["corrupt"] += 1
                s = read_stats(self.store, txn, entry_id)
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
            "library_modules": info["records"].get("modules", 0),  # module versions kept (seglam.cache.modules)
        }
