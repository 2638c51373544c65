"""The lookup indexes, kept in LMDB so every process sees the same ones.

``index`` (dupsort) files each pattern under ONE anchor word: the rarest of its anchors
when it is filed. A lookup probes the request's distinct words, so its cost depends on the
request, not on how many families exist. ``tasks`` (dupsort) keys structured requests by
normalised task text plus parameter names.
"""

from __future__ import annotations

import hashlib
from typing import Iterable, Sequence

import lmdb

from seglam.cache.errors import PatternError
from seglam.cache.pattern import Pattern

#: LMDB keys are at most 511 bytes; longer words are never anchors (nor probed).
MAX_KEY = 200


def candidates(txn: lmdb.Transaction, db: lmdb._Database, tokens: Iterable[str]) -> dict[str, set[int]]:
    """``{entry id: {pattern numbers}}`` filed under any of the request's words."""
    cur = txn.cursor(db)
    found: dict[str, set[int]] = {}
    for token in tokens:
        key = token.encode()
        if len(key) > MAX_KEY or not cur.set_key(key):
            continue
        for value in cur.iternext_dup(keys=False):
            entry_id, _, number = bytes(value).decode().partition("\0")
            found.setdefault(entry_id, set()).add(int(number))
    return found


def file_patterns(txn: lmdb.Transaction, db: lmdb._Database, entry_id: str, patterns: Sequence[Pattern]) -> None:
    """File each pattern under its rarest anchor (ties: longer, then alphabetical)."""
    cur = txn.cursor(db)

    def weight(anchor: str) -> tuple[int, int, str]:
        return (cur.count() if cur.set_key(anchor.encode()) else 0, -len(anchor), anchor)

    for number, pat in enumerate(patterns):
        options = [a for a in pat.anchors if len(a.encode()) <= MAX_KEY]
        if not options:
            raise PatternError(f"pattern {pat.text!r} has no literal word to index it by")
        anchor = min(options, key=weight)
        txn.put(anchor.encode(), _value(entry_id, number), db=db, dupdata=True)


def unfile_patterns(txn: lmdb.Transaction, db: lmdb._Database, entry_id: str, patterns: Sequence[Pattern]) -> None:
    """Remove an entry's patterns, whichever anchor each was filed under."""
    cur = txn.cursor(db)
    for number, pat in enumerate(patterns):
        value = _value(entry_id, number)
        for anchor in pat.anchors:
            key = anchor.encode()
            if len(key) <= MAX_KEY and cur.set_key_dup(key, value):
                cur.delete()


def task_key(task: str, names: Iterable[str]) -> bytes:
    """The ``tasks`` key: normalised task text, then the sorted parameter names."""
    key = (task + "\x1f" + ",".join(sorted(names))).encode()
    if len(key) > MAX_KEY:  # long task texts are keyed by their digest
        key = b"#" + hashlib.sha256(key).digest()
    return key


def task_candidates(txn: lmdb.Transaction, db: lmdb._Database, key: bytes) -> list[str]:
    cur = txn.cursor(db)
    return sorted(bytes(v).decode() for v in cur.iternext_dup(keys=False)) if cur.set_key(key) else []


def _value(entry_id: str, number: int) -> bytes:
    return f"{entry_id}\0{number}".encode()
