"""The PostgreSQL store: the cache in a database that many hosts share (``postgresql://...``).

It implements :class:`seglam.cache.store.CacheStore` like the LMDB store, over the same
named databases (one table each: ``key bytea, value bytea``; in a dupsort database the
value is part of the primary key) and the same sealed records.

- **Reads** come from a per-process copy (seglam.cache.pgcopy), so a hit on a warm process
  costs no network round trip. The small tables a lookup scans (the pattern index, tasks,
  stats, trust...) are copied whole when the store opens; the large ones (LAZY: programs,
  samples, history, events) are read a key at a time when first used and then kept, so a new
  process opens in the time it takes to read the index, not every program of the cache, and
  holds only the families it serves. Every committed write bumps ``seglam_state.rev``, logs
  the keys it changed in ``seglam_changes`` and sends ``NOTIFY seglam_cache`` with the new
  rev; a read first takes any notification already waiting on the process's listening
  connection (a non-blocking socket read), and if the copy is behind, it reads just the
  changed keys of the whole tables and forgets them in the partial ones (a full reload
  when it fell behind the pruned log). A key read for the first time is read as the
  database has it then, which may be a moment newer than the rest of the copy, as any
  change from another host is until its notification arrives.
- **Writes** run in one database transaction under a transaction-scoped advisory lock, so
  the clash check and the insert of an admission see every other host's committed
  families: two hosts admitting the same kind admit one family. The copy is brought up to
  date under the lock, the write runs on it, and the changed keys are written back; if
  anything fails, the database rolls back and so does the copy.
- **Sealing** as on LMDB: every record is sealed with the cache's secret (kept in
  ``seglam_state``) and checked when read, so a row altered in the database fails its
  seal when a process loads it and the entry is quarantined, never run.
- **Schema**: created and migrated here under the advisory lock, its version in
  ``seglam_schema``; a database with a newer schema is refused with a clear error.
- **Faults**: a database that cannot be reached is :class:`CacheUnavailableError`
  (``seglam`` exits 2). While it is down, reads keep serving the copy as of the last
  change this process saw, writes fail with nothing written, and the store reconnects on
  its own when the database is back.
"""

from __future__ import annotations

import os
import select
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

import psycopg
from psycopg import sql

from seglam.cache.errors import CacheCorruptError, CacheError, CacheUnavailableError
from seglam.cache.pgcopy import CopyTxn, Table
from seglam.cache.seal import SECRET_SIZE, Sealer
from seglam.cache.store import DATABASES, FORMAT_KEY, Readers, SealedRecords, check_format, format_record, redact

T = TypeVar("T")

#: The schema this seglam writes; a database with a higher one is refused.
SCHEMA_VERSION = 1
#: The advisory lock every write and the schema set-up hold (an arbitrary 63-bit number).
LOCK_KEY = 0x5E61A4_CAC4E
CHANNEL = "seglam_cache"
#: Changes kept in ``seglam_changes``; a process further behind reloads every table.
CHANGE_LOG = 4096
CONNECT_TIMEOUT = 5
#: A lost listening connection is re-established at most this often (seconds).
RETRY_SECONDS = 1.0
#: Tables read a key at a time when first used instead of whole at open: the large ones, which
#: a lookup reads by key (programs) or only admission, inspection and bundles read whole.
LAZY = frozenset({"entries", "samples", "history", "events"})


def empty_table(name: str) -> Table:
    """Table ``name`` of a copy that has read nothing yet."""
    return Table(DATABASES[name], complete=name not in LAZY)


def table(name: str) -> sql.Identifier:
    return sql.Identifier(f"seglam_{name}")


class PgStore(SealedRecords):
    """An open PostgreSQL cache. Use as a context manager or call :meth:`close`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = redact(url)
        self.dbs: dict[str, Any] = {name: name for name in DATABASES}
        self.tables = {name: empty_table(name) for name in DATABASES}
        self.rev = -1  # the database revision the copy holds; -1: not loaded
        self._lock = threading.RLock()  # one user of the main connection at a time
        self._readers = Readers()
        self._listen_lock = threading.Lock()
        self._listener: psycopg.Connection | None = None
        self._retry_at = 0.0
        self._refresh_at = 0.0
        self._seen = -1  # the newest revision a notification announced
        self._stale = False  # the copy may have missed changes (the listener was lost)
        self._closed = False
        self._conn: psycopg.Connection | None = None
        self._reader: psycopg.Connection | None = None  # reads what a partial table lacks
        self._reader_lock = threading.Lock()
        try:
            self.sealer = self._set_up()
            self._listen()  # before the first load: no change can fall between the two
            with self._lock:
                self._refresh(self._connection())
        except BaseException:
            self.close()
            raise

    # -- connections ----------------------------------------------------------------------

    def _connect(self, autocommit: bool = False) -> psycopg.Connection:
        try:
            return psycopg.connect(self.url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT)
        except psycopg.Error as err:
            raise self.failure(err) from None

    def _connection(self) -> psycopg.Connection:
        if not _alive(self._conn):
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            self._conn = self._connect()
        return self._conn

    def failure(self, err: Exception) -> CacheError:
        """The typed error for a database (or decoding) error met while using the store."""
        if isinstance(err, CacheError):
            return err
        if isinstance(err, psycopg.Error):
            first = (str(err).strip() or type(err).__name__).splitlines()[0][:200]
            return CacheUnavailableError(
                f"the cache database {self.path} cannot be used ({first}); nothing was written by this call, "
                "every committed entry is intact; seglam reconnects when the database is back")
        if isinstance(err, (UnicodeDecodeError, ValueError)):
            return CacheCorruptError(self.path, f"a record is damaged ({err})")
        return CacheError(f"cache at {self.path}: {err}")

    # -- schema ---------------------------------------------------------------------------

    def _set_up(self) -> Sealer:
        """Create or migrate the schema and return the cache's sealer, under the lock."""
        conn = self._connection()
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                conn.execute("CREATE TABLE IF NOT EXISTS seglam_schema (version integer NOT NULL)")
                row = conn.execute("SELECT max(version) FROM seglam_schema").fetchone()
                version = row[0] if row and row[0] is not None else 0
                if version > SCHEMA_VERSION:
                    raise CacheUnavailableError(
                        f"the cache database {self.path} has schema version {version}, newer than this seglam's "
                        f"({SCHEMA_VERSION}): it was set up by a newer seglam; upgrade seglam on this host")
                for number in range(version + 1, SCHEMA_VERSION + 1):
                    _MIGRATIONS[number](conn)
                for name, dup in DATABASES.items():  # a named database added since gets its table
                    key = "PRIMARY KEY (key, value)" if dup else "PRIMARY KEY (key)"
                    conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (key bytea NOT NULL, value bytea NOT NULL, {})")
                                 .format(table(name), sql.SQL(key)))
                if version != SCHEMA_VERSION:
                    conn.execute("DELETE FROM seglam_schema")
                    conn.execute("INSERT INTO seglam_schema (version) VALUES (%s)", (SCHEMA_VERSION,))
                return self._sealer(conn)
        except psycopg.Error as err:
            raise self.failure(err) from None

    def _sealer(self, conn: psycopg.Connection) -> Sealer:
        (secret,) = conn.execute("SELECT secret FROM seglam_state").fetchone()
        if len(secret) != SECRET_SIZE:
            raise CacheCorruptError(self.path, f"its secret (seglam_state.secret) is damaged ({len(secret)} bytes)")
        sealer = Sealer(bytes(secret))
        meta = table("meta")
        row = conn.execute(sql.SQL("SELECT value FROM {} WHERE key = %s").format(meta), (FORMAT_KEY,)).fetchone()
        if row is None:
            for name in DATABASES:
                if conn.execute(sql.SQL("SELECT 1 FROM {} LIMIT 1").format(table(name))).fetchone():
                    raise CacheCorruptError(self.path, "its format record is missing")
            conn.execute(sql.SQL("INSERT INTO {} (key, value) VALUES (%s, %s)").format(meta),
                         (FORMAT_KEY, format_record(sealer)))
        else:
            check_format(sealer, self.path, bytes(row[0]), "secret (seglam_state.secret)")
        return sealer

    # -- keeping the copy current ---------------------------------------------------------

    def _listen(self) -> None:
        conn = self._connect(autocommit=True)
        try:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
        except psycopg.Error as err:
            conn.close()
            raise self.failure(err) from None
        self._listener = conn

    def _behind(self) -> bool:
        """Whether the copy may be behind the database: a notification of a newer revision
        came in, or the listening connection was lost (then re-established, at most once a
        second). A non-blocking read of the listening socket; no round trip."""
        if not self._listen_lock.acquire(blocking=False):
            return self._seen > self.rev  # another thread is looking
        try:
            if self._listener is not None:
                try:
                    pg = self._listener.pgconn
                    pg.consume_input()
                    while (note := pg.notifies()) is not None:
                        self._seen = max(self._seen, int(note.extra.decode() or 0))
                    return self._seen > self.rev or self._stale
                except (psycopg.Error, ValueError):
                    self._listener.close()
                    self._listener = None
            if time.monotonic() >= self._retry_at:
                self._retry_at = time.monotonic() + RETRY_SECONDS
                try:
                    self._listen()
                    self._stale = True  # changes may have been missed while it was away
                except CacheError:
                    pass  # still away: serve the copy as of the last change this process saw
            return self._stale
        finally:
            self._listen_lock.release()

    def _refresh(self, conn: psycopg.Connection) -> None:
        """Bring the copy up to the database's revision (the caller holds ``_lock``)."""
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            apply = self._fetch(conn)
        with self._exclusive():
            apply()
        self._stale = False

    def _fetch(self, conn: psycopg.Connection) -> Callable[[], None]:
        """Read what changed since the copy's revision; returns the change to apply to the
        copy (under :meth:`_exclusive`)."""
        rev, floor = conn.execute("SELECT rev, floor FROM seglam_state").fetchone()
        if rev == self.rev:
            return lambda: None
        cur = conn.cursor(binary=True)
        changed: dict[str, set[bytes] | None] = {}
        if self.rev < floor or self.rev < 0:
            changed = dict.fromkeys(DATABASES)
        else:
            for name, key in cur.execute("SELECT db, key FROM seglam_changes WHERE rev > %s", (self.rev,)):
                if key is None or name in changed and changed[name] is None:
                    changed[name] = None
                elif name in DATABASES:
                    changed.setdefault(name, set()).add(bytes(key))  # type: ignore[union-attr]
        updates: list[tuple[str, set[bytes] | None, list[tuple[bytes, bytes]] | None]] = []
        for name, keys in changed.items():
            query = sql.SQL("SELECT key, value FROM {}").format(table(name))
            if keys is None:
                updates.append((name, None, None if name in LAZY else cur.execute(query).fetchall()))
            elif not self.tables[name].complete:
                updates.append((name, keys, None))  # a partial table forgets them
            else:
                where = sql.SQL(" WHERE key = ANY(%s)")
                updates.append((name, keys, cur.execute(query + where, (list(keys),)).fetchall()))

        def apply() -> None:
            for name, keys, rows in updates:
                if keys is None:  # the same dict: open transactions see the new table
                    self.tables[name] = empty_table(name) if rows is None else Table(DATABASES[name], rows)
                elif rows is None:
                    self.tables[name].forget(keys)
                else:
                    self.tables[name].replace_keys(keys, rows)
            self.rev = rev

        return apply

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        if self._readers.holding():
            raise CacheError("internal error: the cache copy cannot change while this thread reads it")
        with self._readers.exclusive():
            yield

    # -- transactions ---------------------------------------------------------------------

    def begin_read(self) -> CopyTxn:
        """A read transaction on the copy (brought up to date first if a change was
        notified). The copy does not change while any read transaction of this process is
        open, so it is a snapshot."""
        if not self._readers.holding() and self._behind() and time.monotonic() >= self._refresh_at:
            with self._lock:
                try:
                    self._refresh(self._connection())
                except (psycopg.Error, CacheUnavailableError):
                    self._stale = True  # the database is away: serve the copy, look again in a second
                    self._refresh_at = time.monotonic() + RETRY_SECONDS
        self._readers.enter()
        return CopyTxn(self.tables, source=self)

    def end_read(self, txn: CopyTxn) -> None:
        self._readers.leave()

    @contextmanager
    def read(self) -> Iterator[CopyTxn]:
        txn = self.begin_read()
        try:
            yield txn
        except UnicodeDecodeError as err:
            raise self.failure(err) from None
        finally:
            self.end_read(txn)

    def write(self, fn: Callable[[CopyTxn], T]) -> T:
        """Run ``fn`` in one database transaction under the advisory lock and commit; all or
        nothing, in the database and in this process's copy alike."""
        with self._lock, self._exclusive():
            conn = self._connection()
            txn = CopyTxn(self.tables, write=True, source=self)
            try:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                    self._fetch(conn)()  # the copy is held exclusively already
                    result = fn(txn)
                    rev = self._push(conn, txn) if txn.changed() else None
            except BaseException as err:
                txn.rollback()
                if isinstance(err, (psycopg.Error, UnicodeDecodeError)):
                    raise self.failure(err) from None
                raise
            if rev is not None:
                self.rev = rev
            return result

    def rows(self, db: str, keys: list[bytes] | None) -> list[tuple[bytes, bytes]]:
        """What a partial table lacks: the rows of ``keys`` in table ``db`` (all its rows when
        ``keys`` is None), as committed now (seglam.cache.pgcopy.Source). On a connection of
        its own, so a reader never waits for the lock a writer holds while it waits for the
        readers; inside a write the advisory lock keeps other hosts' commits out, so what it
        reads is the state the write is based on."""
        query = sql.SQL("SELECT key, value FROM {}").format(table(db))
        with self._reader_lock:
            try:
                if not _alive(self._reader):
                    if self._reader is not None:
                        self._reader.close()
                    self._reader = self._connect(autocommit=True)
                cur = self._reader.cursor(binary=True)
                if keys is None:
                    return cur.execute(query).fetchall()
                return cur.execute(query + sql.SQL(" WHERE key = ANY(%s)"), (list(keys),)).fetchall()
            except psycopg.Error as err:
                if self._reader is not None:
                    self._reader.close()
                    self._reader = None
                raise self.failure(err) from None

    def _push(self, conn: psycopg.Connection, txn: CopyTxn) -> int:
        """Write the transaction's changes back (one pipelined batch: a round trip, not one
        per statement); the new revision."""
        (rev,) = conn.execute("UPDATE seglam_state SET rev = rev + 1 RETURNING rev").fetchone()
        changes: list[tuple[str, bytes | None]] = []
        with conn.pipeline(), conn.cursor() as cur:
            for name in txn.dropped:
                cur.execute(sql.SQL("DELETE FROM {}").format(table(name)))
                _insert(cur, name, self.tables[name].items())
                changes.append((name, None))
            for name, keys in txn.dirty.items():
                ordered = sorted(keys)
                cur.execute(sql.SQL("DELETE FROM {} WHERE key = ANY(%s)").format(table(name)), (ordered,))
                _insert(cur, name, self.tables[name].items(ordered))
                changes += [(name, key) for key in ordered]
            cur.execute("INSERT INTO seglam_changes (rev, db, key) SELECT %s, * FROM unnest(%s::text[], %s::bytea[])",
                        (rev, [n for n, _ in changes], [k for _, k in changes]))
            if rev % (CHANGE_LOG // 4) == 0:
                cur.execute("DELETE FROM seglam_changes WHERE rev <= %s", (rev - CHANGE_LOG,))
                cur.execute("UPDATE seglam_state SET floor = greatest(floor, %s)", (rev - CHANGE_LOG,))
            cur.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(rev)))
        return rev

    # -- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for conn in (self._conn, self._listener, self._reader):
            if conn is not None:
                conn.close()

    def __enter__(self) -> "PgStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def info(self) -> dict[str, Any]:
        """Table sizes on the server and record counts in the copy."""
        with self._lock:
            conn = self._connection()
            try:
                with conn.transaction():
                    (size,) = conn.execute(
                        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                        "WHERE c.relkind = 'r' AND c.relname LIKE 'seglam\\_%'").fetchone()
            except psycopg.Error as err:
                raise self.failure(err) from None
        with self.read() as txn:
            counts = {name: txn.stat(name)["entries"] for name in self.dbs}
        return {"path": self.path, "map_size": 0, "file_size": int(size), "records": counts}


def _alive(conn: psycopg.Connection | None) -> bool:
    """Whether ``conn`` is still usable, without a round trip. An idle connection that does not
    LISTEN is sent nothing, so anything waiting on its socket (the server's "terminating
    connection" message, or end-of-file) means the server ended it: reconnect now rather than
    fail the next statement. A false alarm costs one reconnect."""
    if conn is None or conn.closed or conn.broken:
        return False
    try:
        readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return False
    return not readable


def _insert(cur: psycopg.Cursor, name: str, rows: Iterator[tuple[bytes, bytes]]) -> None:
    pairs = list(rows)
    if pairs:
        cur.execute(sql.SQL("INSERT INTO {} (key, value) SELECT * FROM unnest(%s::bytea[], %s::bytea[])").format(table(name)),
                    ([k for k, _ in pairs], [v for _, v in pairs]))


def _migrate_1(conn: psycopg.Connection) -> None:
    """Version 1: the revision counter, the cache's secret and the change log."""
    conn.execute("CREATE TABLE seglam_state (id smallint PRIMARY KEY CHECK (id = 1), rev bigint NOT NULL, "
                 "floor bigint NOT NULL, secret bytea NOT NULL)")
    conn.execute("INSERT INTO seglam_state (id, rev, floor, secret) VALUES (1, 0, 0, %s)", (os.urandom(SECRET_SIZE),))
    conn.execute("CREATE TABLE seglam_changes (rev bigint NOT NULL, db text NOT NULL, key bytea)")
    conn.execute("CREATE INDEX seglam_changes_rev ON seglam_changes (rev)")


_MIGRATIONS: dict[int, Callable[[psycopg.Connection], None]] = {1: _migrate_1}
