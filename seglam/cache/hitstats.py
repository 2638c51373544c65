"""Hit statistics, batched: a hit never waits on a disk sync, nor on a lock. Each hit
queues its family's id (``deque.append``, atomic) and stamps the family's last hit (a dict
store, atomic); the queue is counted into per-family totals every :data:`DRAIN_EVERY` hits,
and the totals are written every :data:`FLUSH_EVERY` families or :data:`FLUSH_SECONDS`
seconds, and when the cache closes. Nothing queued is lost: a drain takes off the queue
exactly the ids it held when the drain began (counted in C), so one queued meanwhile stays
for the next. Records found corrupt on the hit path are marked at the next hit or flush, after the read
snapshot that met them has closed."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from itertools import islice
from typing import Any

import msgspec

from seglam.cache.entry import Stats
from seglam.cache.records import add_stats, mark_corrupt
from seglam.cache.store import CacheStore

FLUSH_EVERY = 64
FLUSH_SECONDS = 2.0
#: Hits queued before they are counted (and :data:`FLUSH_EVERY` checked): bounds the queue.
DRAIN_EVERY = 1024


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
        self.queue: deque[str] = deque()  # the family of each hit not counted yet
        self.queue_ambiguous: deque[str] = deque()  # ... of each such hit that was ambiguous
        self.last: dict[str, float] = {}  # family -> wall time of its latest hit
        self.pending: dict[str, Pending] = {}
        self.lock = threading.Lock()  # drains and flushes only; a hit takes none
        opened = time.time()
        self.window = (opened, opened + FLUSH_SECONDS)  # wall times of the last write and of the next one due
        self.corrupt: list[tuple[str, str]] = []

    def bump(self, entry_id: str, ambiguous: bool = False) -> None:
        """One hit served by ``entry_id``: queued, counted later (see the module's note)."""
        stamp = time.time()  # entry.now()'s clock, without its call
        self.last[entry_id] = stamp
        queue = self.queue
        queue.append(entry_id)
        if ambiguous:
            self.queue_ambiguous.append(entry_id)
        start, due = self.window
        if len(queue) >= DRAIN_EVERY or not start <= stamp < due:  # a clock set back flushes too
            self.settle()

    def settle(self) -> None:
        """Count the queued hits; write them when :data:`FLUSH_EVERY` families are pending
        or :data:`FLUSH_SECONDS` have passed since the last write."""
        with self.lock:
            self.drain()
            start, due = self.window
            write = len(self.pending) >= FLUSH_EVERY or not start <= time.time() < due
        if write:
            self.flush()

    def drain(self) -> None:
        """Move the queued hits into :attr:`pending` (the caller holds :attr:`lock`)."""
        hits, ambiguous = taken(self.queue), taken(self.queue_ambiguous)
        pending, last = self.pending, self.last
        for entry_id in hits.keys() | ambiguous.keys():  # an ambiguity may be queued a drain after its hit
            p = pending.get(entry_id)
            if p is None:
                p = pending[entry_id] = Pending()
            p.hits += hits[entry_id]
            p.ambiguous += ambiguous[entry_id]
            # a stamp a write dropped meanwhile (see flush): this drain's time, not later than the write's
            p.last_hit = max(p.last_hit, last.get(entry_id) or time.time())

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
            self.drain()
            pending, self.pending = self.pending, {}
            for entry_id in pending:  # bounds the stamps kept to the families hit since
                self.last.pop(entry_id, None)
            stamp = time.time()
            self.window = (stamp, stamp + FLUSH_SECONDS)
        if not pending:
            return

        def write(txn: Any) -> None:
            for entry_id, p in pending.items():
                add_stats(self.store, txn, entry_id, hits=p.hits, ambiguous=p.ambiguous, last_hit=p.last_hit)

        self.store.write(write)

    def merged(self, entry_id: str, stats: Stats) -> Stats:
        """Stored statistics plus what is still pending (queued hits included)."""
        with self.lock:
            self.drain()
            p = self.pending.get(entry_id)
        if p is None:
            return stats
        return msgspec.structs.replace(
            stats, hits=stats.hits + p.hits, ambiguous=stats.ambiguous + p.ambiguous, last_hit=max(stats.last_hit, p.last_hit)
        )


def taken(queue: deque[str]) -> Counter[str]:
    """How often each id occurs among the ids ``queue`` holds now, taken off it. Only the
    drain (under the lock) takes ids off, so those ``len`` counts are all there; ids queued
    meanwhile stay queued."""
    return Counter(islice(iter(queue.popleft, None), len(queue)))
