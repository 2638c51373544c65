"""The lookup indexes, kept in LMDB so every process sees the same ones.

``index`` (dupsort) files each pattern under ONE anchor: the rarest of its literal words
when it is filed, or of its literal symbols when it has no word. A lookup probes the
request's distinct words and symbols, so its cost depends on the request, not on how many
families exist. ``tasks`` (dupsort) keys structured requests by
normalised task text plus parameter names.

Every posting is sealed with the cache's secret over its key and value
(:meth:`Sealer.seal_value`); one that fails is :class:`IndexDamagedError`, and the cache
rebuilds both indexes from the (sealed) entries.
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Sequence

import lmdb

from seglam.cache.errors import IndexDamagedError, PatternError
from seglam.cache.pattern import Pattern
from seglam.cache.seal import Sealer

#: LMDB keys are at most 511 bytes; longer words are never anchors (nor probed).
MAX_KEY = 200


def candidates(txn: lmdb.Transaction, db: lmdb._Database, tokens: Iterable[str], sealer: Sealer) -> dict[str, set[int]]:
    """``{entry id: {pattern numbers}}`` filed under any of the request's words."""
    return gather(postings(txn, db, tokens, sealer).values())


def postings(txn: lmdb.Transaction, db: lmdb._Database, tokens: Iterable[str],
             sealer: Sealer) -> dict[str, tuple[tuple[str, int], ...]]:
    """Each word's postings, ``(entry id, pattern number)``, checked against their seals (``()``
    for a word filed under nothing). One ``getmulti`` probes every word: the loop runs in C."""
    found: dict[str, list[tuple[str, int]]] = {token: [] for token in tokens}
    keys = [key for key in map(str.encode, found) if len(key) <= MAX_KEY]
    for key, value in txn.cursor(db).getmulti(keys, dupdata=True):
        payload = sealer.open_value("index", key, value)
        if payload is None:
            raise IndexDamagedError(f"index posting under {key.decode()!r} fails its seal")
        entry_id, _, number = payload.decode().partition("\0")
        found[key.decode()].append((entry_id, int(number)))
    return {token: tuple(pairs) for token, pairs in found.items()}


def gather(groups: Iterable[Iterable[tuple[str, int]]]) -> dict[str, set[int]]:
    """``{entry id: {pattern numbers}}`` of some words' postings."""
    found: dict[str, set[int]] = {}
    for pairs in groups:
        for entry_id, number in pairs:
            found.setdefault(entry_id, set()).add(number)
    return found


def file_patterns(txn: lmdb.Transaction, db: lmdb._Database, entry_id: str, patterns: Sequence[Pattern],
                  sealer: Sealer) -> None:
    """File each pattern under its rarest anchor (ties: longer, then alphabetical); a
    symbol (``=``) only when the pattern has no literal word."""
    cur = txn.cursor(db)

    def weight(anchor: str) -> tuple[int, int, str]:
        return (cur.count() if cur.set_key(anchor.encode()) else 0, -len(anchor), anchor)

    for number, pat in enumerate(patterns):
        usable = [a for a in pat.anchors if len(a.encode()) <= MAX_KEY]
        options = [a for a in usable if a in pat.words] or usable
        if not options:
            raise PatternError(f"pattern {pat.text!r} has no literal word or symbol to index it by",
                               "E-PATTERN-ANCHOR")
        key = min(options, key=weight).encode()
        txn.put(key, sealer.seal_value("index", key, _value(entry_id, number)), db=db, dupdata=True)


def unfile_patterns(txn: lmdb.Transaction, db: lmdb._Database, entry_id: str, patterns: Sequence[Pattern],
                    sealer: Sealer) -> None:
    """Remove an entry's patterns, whichever anchor each was filed under."""
    cur = txn.cursor(db)
    for number, pat in enumerate(patterns):
        for anchor in pat.anchors:
            key = anchor.encode()
            if len(key) <= MAX_KEY and cur.set_key_dup(key, sealer.seal_value("index", key, _value(entry_id, number))):
                cur.delete()


def task_key(task: str, names: Iterable[str]) -> bytes:
    """The ``tasks`` key: normalised task text, then the sorted parameter names."""
    key = (task + "\x1f" + ",".join(sorted(names))).encode("utf-8", "surrogatepass")  # a lone surrogate: no match, no error
    if len(key) > MAX_KEY:  # long task texts are keyed by their digest
        key = b"#" + hashlib.sha256(key).digest()
    return key


def task_candidates(txn: lmdb.Transaction, db: lmdb._Database, key: bytes, sealer: Sealer) -> list[str]:
    """The ids filed under a ``tasks`` key."""
    cur = txn.cursor(db)
    if not cur.set_key(key):
        return []
    ids = []
    for value in cur.iternext_dup(keys=False):
        payload = sealer.open_value("tasks", key, value)
        if payload is None:
            raise IndexDamagedError("a structured-task posting fails its seal")
        ids.append(payload.decode())
    return sorted(ids)


def file_task(txn: lmdb.Transaction, db: lmdb._Database, key: bytes, entry_id: str, sealer: Sealer) -> None:
    txn.put(key, sealer.seal_value("tasks", key, entry_id.encode()), db=db, dupdata=True)


def unfile_task(txn: lmdb.Transaction, db: lmdb._Database, key: bytes, entry_id: str, sealer: Sealer) -> None:
    txn.delete(key, sealer.seal_value("tasks", key, entry_id.encode()), db=db)


def _value(entry_id: str, number: int) -> bytes:
    return f"{entry_id}\0{number}".encode()
