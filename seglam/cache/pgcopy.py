"""The in-memory copy of a PostgreSQL cache that a process reads from (seglam.cache.pgstore).

Each named database is a :class:`Table`: a sorted map from key to the sorted tuple of its
values (one value, or several where the database is dupsort, like LMDB's). :class:`CopyTxn`
and :class:`CopyCursor` give it the part of py-lmdb's transaction and cursor API that the
cache uses (seglam.cache.store.Txn / Cursor), so cache.py runs unchanged on either store.

A table may be *partial*: it holds only the keys read so far (and knows which keys it found
absent), so a new process does not load every program of a large cache before its first hit.
Reading an unknown key asks the transaction's :class:`Source` for that key; a cursor, a count
or a drop first makes the table whole. A partial table that learns of a change to some keys
forgets them (:meth:`Table.forget`); they are read again when next used.

A write transaction changes the copy in place and keeps an undo log: :meth:`CopyTxn.rollback`
restores the copy when the database transaction fails, :attr:`CopyTxn.dirty` names the keys
to write back when it commits. Nothing here talks to the database: a :class:`Source` does.
"""

from __future__ import annotations

import threading
from bisect import insort
from typing import Any, Iterable, Iterator, Protocol, Sequence

from sortedcontainers import SortedDict

_Values = tuple[bytes, ...]
_Rows = Iterable[tuple[bytes, bytes]]


class Source(Protocol):
    """Where a partial table reads what it does not hold (the database, for the PostgreSQL
    store): the rows of ``keys`` in table ``db``, or all of its rows when ``keys`` is None."""

    def rows(self, db: str, keys: Sequence[bytes] | None) -> list[tuple[bytes, bytes]]: ...


def _grouped(rows: _Rows) -> dict[bytes, tuple[bytes, ...]]:
    grouped: dict[bytes, list[bytes]] = {}
    for key, value in rows:
        grouped.setdefault(bytes(key), []).append(bytes(value))
    return {k: tuple(sorted(v)) for k, v in grouped.items()}


class Table:
    """One named database held in memory, whole (``complete``) or partly (see the module)."""

    __slots__ = ("dup", "rows", "size", "complete", "absent", "lock")

    def __init__(self, dup: bool, rows: _Rows = (), complete: bool = True) -> None:
        self.dup = dup
        self.rows: SortedDict = SortedDict(_grouped(rows))  # one sort
        self.size = sum(map(len, self.rows.values()))
        self.complete = complete
        self.absent: set[bytes] = set()  # keys a partial table knows are not in the database
        self.lock = threading.Lock()  # one filler at a time (readers of other threads may fill)

    def known(self, key: bytes) -> bool:
        """Whether the table can answer for ``key`` without asking its source."""
        return self.complete or key in self.rows or key in self.absent

    def fill(self, key: bytes, source: Source, db: str) -> None:
        """Read ``key`` from ``source`` if the table cannot answer for it yet."""
        with self.lock:
            if self.known(key):
                return
            values = tuple(sorted(bytes(v) for k, v in source.rows(db, [key]) if bytes(k) == key))
            if values:
                self.set(key, values)
            else:
                self.absent.add(key)

    def make_whole(self, source: Source | None, db: str) -> None:
        """Read every row from ``source`` unless the table is whole already."""
        if self.complete:
            return
        if source is None:
            raise TypeError(f"internal error: table {db} is partial and has no source to read from")
        with self.lock:
            if not self.complete:
                read = _grouped(source.rows(db, None))
                # what the table knows already stays (it may be a write not yet committed)
                read.update((k, v) for k, v in self.rows.items())
                for key in self.absent:
                    read.pop(key, None)
                rows = SortedDict(read)
                self.rows, self.size = rows, sum(map(len, rows.values()))  # one assignment: readers see old or new
                self.absent = set()
                self.complete = True

    def forget(self, keys: Iterable[bytes]) -> None:
        """Drop what the table holds for ``keys`` (they changed in the database): a partial
        table reads them again when they are next used."""
        with self.lock:
            for key in keys:
                self.set(bytes(key), ())
                self.absent.discard(bytes(key))
            self.complete = False

    def set(self, key: bytes, values: _Values) -> None:
        """Make ``values`` the values under ``key`` (none: delete the key)."""
        old = self.rows.get(key)
        self.size -= len(old) if old else 0
        if values:
            self.rows[key] = values
            self.size += len(values)
            self.absent.discard(key)
        else:
            if old is not None:
                del self.rows[key]
            if not self.complete:
                self.absent.add(key)  # known to be gone, not merely unread

    def replace_keys(self, keys: Iterable[bytes], rows: Iterable[tuple[bytes, bytes]]) -> None:
        """Every key of ``keys`` now holds exactly its rows of ``rows`` (a change read back
        from the database)."""
        grouped: dict[bytes, list[bytes]] = {bytes(k): [] for k in keys}
        for key, value in rows:
            grouped.setdefault(bytes(key), []).append(bytes(value))
        for key, values in grouped.items():
            self.set(key, tuple(sorted(values)))

    def items(self, keys: Iterable[bytes] | None = None) -> Iterator[tuple[bytes, bytes]]:
        """``(key, value)`` rows, of ``keys`` only if given."""
        for key in self.rows if keys is None else keys:
            for value in self.rows.get(key, ()):
                yield key, value


class CopyTxn:
    """A transaction over the copy (see :class:`seglam.cache.store.Txn`); ``db`` is a table name."""

    def __init__(self, tables: dict[str, Table], write: bool = False, source: Source | None = None) -> None:
        self.tables = tables
        self.write = write
        self.source = source
        self.dirty: dict[str, set[bytes]] = {}
        self.dropped: dict[str, tuple[SortedDict, bool, set[bytes]]] = {}  # table -> (rows, complete, absent) before drop()
        self._undo: dict[tuple[str, bytes], _Values | None] = {}

    def _table(self, db: str, key: bytes | None = None) -> Table:
        """Table ``db``, able to answer for ``key`` (for every key when ``key`` is None)."""
        table = self.tables[db]
        if key is None:
            table.make_whole(self.source, db)
        elif not table.known(key):
            if self.source is None:
                raise TypeError(f"internal error: table {db} is partial and has no source to read from")
            table.fill(key, self.source, db)
        return table

    # -- reading --------------------------------------------------------------------------

    def get(self, key: bytes, default: Any = None, db: Any = None) -> Any:
        key = bytes(key)
        values = self._table(db, key).rows.get(key)
        return values[0] if values else default

    def cursor(self, db: Any = None) -> "CopyCursor":
        self._table(db)
        return CopyCursor(self, db)

    def stat(self, db: Any) -> dict[str, int]:
        return {"entries": self._table(db).size}

    # -- writing --------------------------------------------------------------------------

    def put(self, key: bytes, value: bytes, dupdata: bool = True, overwrite: bool = True, append: bool = False,
            db: Any = None) -> bool:
        key, value = bytes(key), bytes(value)
        table = self._table(db, key)
        old = table.rows.get(key, ())
        if table.dup:
            if value in old:
                return True
            values = list(old)
            insort(values, value)
            self._set(db, key, tuple(values))
            return True
        if old and not overwrite:
            return False
        self._set(db, key, (value,))
        return True

    def delete(self, key: bytes, value: bytes = b"", db: Any = None) -> bool:
        key = bytes(key)
        table = self._table(db, key)
        old = table.rows.get(key)
        if old is None:
            return False
        if table.dup and value:
            value = bytes(value)
            if value not in old:
                return False
            self._set(db, key, tuple(v for v in old if v != value))
            return True
        self._set(db, key, ())
        return True

    def drop(self, db: Any, delete: bool = True) -> None:
        """Empty a table (the table itself always stays)."""
        self._writable()
        table = self.tables[db]
        if db not in self.dropped:
            self.dropped[db] = (table.rows, table.complete, table.absent)
        self.dirty.pop(db, None)
        table.rows, table.size, table.complete, table.absent = SortedDict(), 0, True, set()

    def _set(self, db: str, key: bytes, values: _Values) -> None:
        self._writable()
        table = self.tables[db]
        if db not in self.dropped:
            self._undo.setdefault((db, key), table.rows.get(key))
            self.dirty.setdefault(db, set()).add(key)
        table.set(key, values)

    def _writable(self) -> None:
        if not self.write:
            raise TypeError("a read transaction cannot change the cache")

    # -- commit / rollback ----------------------------------------------------------------

    def changed(self) -> bool:
        return bool(self.dirty or self.dropped)

    def rollback(self) -> None:
        """Undo every change this transaction made to the copy."""
        for db, (rows, complete, absent) in self.dropped.items():  # back to drop() time, then the keys changed before it
            table = self.tables[db]
            table.rows, table.complete, table.absent = rows, complete, absent
            table.size = sum(len(v) for v in rows.values())
        for (db, key), values in self._undo.items():
            self.tables[db].set(key, values or ())
        self._undo.clear()
        self.dirty.clear()
        self.dropped.clear()


class CopyCursor:
    """A cursor over one table (see :class:`seglam.cache.store.Cursor`). Its position is a key
    and a duplicate number, so changes elsewhere in the table do not move it."""

    def __init__(self, txn: CopyTxn, db: str) -> None:
        self.txn = txn
        self.db = db
        self.table = txn.tables[db]
        self._key: bytes | None = None
        self._dup = 0

    def _first_from(self, index: int) -> bool:
        rows = self.table.rows
        if index >= len(rows):
            self._key = None
            return False
        self._key, self._dup = rows.keys()[index], 0
        return True

    def _next(self) -> None:
        values = self.table.rows.get(self._key)
        if values and self._dup + 1 < len(values):
            self._dup += 1
        else:
            self._first_from(self.table.rows.bisect_right(self._key))

    def set_range(self, key: bytes) -> bool:
        return self._first_from(self.table.rows.bisect_left(bytes(key)))

    def set_key(self, key: bytes) -> bool:
        key = bytes(key)
        if key not in self.table.rows:
            self._key = None
            return False
        self._key, self._dup = key, 0
        return True

    def set_key_dup(self, key: bytes, value: bytes) -> bool:
        key, value = bytes(key), bytes(value)
        values = self.table.rows.get(key, ())
        if value not in values:
            self._key = None
            return False
        self._key, self._dup = key, values.index(value)
        return True

    def key(self) -> bytes:
        return self._key if self._key is not None else b""

    def value(self) -> bytes:
        if self._key is None:
            return b""
        return self.table.rows[self._key][self._dup]

    def count(self) -> int:
        return len(self.table.rows.get(self._key, ())) if self._key is not None else 0

    def delete(self) -> bool:
        if self._key is None:
            return False
        key = self._key
        self.txn.delete(key, self.value() if self.table.dup else b"", db=self.db)
        values = self.table.rows.get(key)
        if not values or self._dup >= len(values):
            self._first_from(self.table.rows.bisect_right(key))
        return True

    def getmulti(self, keys: Iterable[bytes], dupdata: bool = False) -> list[tuple[bytes, bytes]]:
        """``(key, value)`` of each of ``keys`` that is present, in their order: every
        duplicate with ``dupdata``, else the first (LMDB's ``Cursor.getmulti``)."""
        out: list[tuple[bytes, bytes]] = []
        rows = self.table.rows
        for key in map(bytes, keys):
            values = rows.get(key)
            if values:
                out += [(key, v) for v in (values if dupdata else values[:1])]
        return out

    def iternext(self, keys: bool = True, values: bool = True) -> Iterator[Any]:
        if self._key is None and not self._first_from(0):
            return
        while self._key is not None:
            key, value = self._key, self.value()
            yield (key, value) if keys and values else key if keys else value
            self._next()

    def iternext_dup(self, keys: bool = False, values: bool = True) -> Iterator[Any]:
        while self._key is not None:
            row = self.table.rows.get(self._key, ())
            if self._dup >= len(row):
                return
            key, value = self._key, row[self._dup]
            yield (key, value) if keys and values else key if keys else value
            self._dup += 1

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        return self.iternext()
