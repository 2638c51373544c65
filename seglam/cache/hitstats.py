"""Hit statistics, batched: a hit never waits on a disk sync. Counts are kept in memory
and written every :data:`FLUSH_EVERY` families or :data:`FLUSH_SECONDS` seconds, and when
the cache closes; records found corrupt on the hit path are marked the same way, after the
read snapshot that met them has closed."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import msgspec

from seglam.cache.entry import Stats, now
from seglam.cache.records import add_stats, mark_corrupt
from seglam.cache.store import CacheStore

FLUSH_EVERY = 64
FLUSH_SECONDS = 2.0


@dataclass
class Pending:
    hits: int = 0
    failures: int = 0
    domain: int = 0
    ambiguous: int = 0
    last_hit: float = 0.0


class HitStats:
    """The hit counts and corrupt marks of one cache not yet written to its store."""

    def __init__(self, store: CacheStore) -> None:
        self.store = store
        self.pending: dict[str, Pending] = {}
        self.lock = threading.Lock()  # hits may be served from several threads
        self.last_flush = time.monotonic()
        self.corrupt: list[tuple[str, str]] = []

    def bump(self, entry_id: str, hits: int = 0, ambiguous: int = 0) -> None:
        stamp = now()
        with self.lock:
            p = self.pending.get(entry_id)
            if p is None:  # not setdefault: that would build a Pending on every hit
                p = self.pending[entry_id] = Pending()
            p.hits += hits
            p.ambiguous += ambiguous
            p.last_hit = stamp
            due = len(self.pending) >= FLUSH_EVERY or time.monotonic() - self.last_flush > FLUSH_SECONDS
        if due:
            self.flush()

    def found_corrupt(self, found: list[tuple[str, str]]) -> None:
        """``(id, reason)`` of records met corrupt inside a read snapshot, marked later."""
        self.corrupt += found

    def flush_corrupt(self) -> None:
        if not self.corrupt:  # every hit asks: nothing to allocate when nothing is pending
            return
        pending, self.corrupt = dict(self.corrupt), []
        for entry_id, reason in pending.items():
            mark_corrupt(self.store, entry_id, reason)

    def flush(self) -> None:
        """Write batched hit statistics."""
        self.flush_corrupt()
        with self.lock:
            pending, self.pending = self.pending, {}
            self.last_flush = time.monotonic()
        if not pending:
            return

        def write(txn: Any) -> None:
            for entry_id, p in pending.items():
                add_stats(self.store, txn, entry_id, hits=p.hits, ambiguous=p.ambiguous, last_hit=p.last_hit)

        self.store.write(write)

    def merged(self, entry_id: str, stats: Stats) -> Stats:
        """Stored statistics plus what is still pending."""
        p = self.pending.get(entry_id)
        if p is None:
            return stats
        return msgspec.structs.replace(
            stats, hits=stats.hits + p.hits, ambiguous=stats.ambiguous + p.ambiguous, last_hit=max(stats.last_hit, p.last_hit)
        )
