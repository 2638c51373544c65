"""The LMDB store: one environment, named databases, write transactions that grow the
map on demand and turn a full disk into :class:`CacheFullError`.

LMDB gives what the cache needs across processes: many concurrent readers, one writer at
a time (a robust process-shared mutex, so a writer killed mid-transaction releases it),
and copy-on-write pages, so a crash loses nothing committed.

LMDB trusts its file. A truncated ``data.mdb`` is mapped and read past its end (SIGBUS),
and damage surfaces as raw ``lmdb`` errors. So before opening, the data file's two meta
pages are checked (magic, version, page size; :mod:`seglam.cache.lmdbfile`) and the file must hold every page the
newest meta page says is in use; a cache that had been initialised (it has its
``secret``) must not have lost its data file. Every LMDB error met later is reported as
:class:`CacheCorruptError` with the path and what to do.

A damaged page can also point LMDB a little past the pages in use (a node offset or size
off by a flipped byte). So the data file is kept as long as the map, its tail a sparse run
of zeros that costs no disk blocks (as LMDB's own MDB_WRITEMAP mode does): such a read
lands on zeros inside the file, fails its seal, and is reported, instead of SIGBUS.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from threading import get_ident
from typing import Any, Callable, ContextManager, Iterable, Iterator, Protocol, TypeVar

import lmdb

from seglam.cache.errors import CacheCorruptError, CacheError, CacheFullError, CacheLockedError
from seglam.cache.lmdbfile import DATA_FILE, SECRET_FILE, check_data_file, create_secret, pad_file, read_secret
from seglam.cache.seal import Sealer

T = TypeVar("T")

#: Named databases. ``index`` and ``tasks`` allow duplicate values (one key, many entries).
DATABASES: dict[str, bool] = {
    "entries": False,  # id -> sealed Entry
    "index": True,  # anchor word -> b"id\0pattern-number" (dupsort)
    "tasks": True,  # normalised task text + param names -> id (dupsort)
    "stats": False,  # id -> sealed Stats
    "history": False,  # id \0 version(4 bytes) -> sealed Entry (earlier versions)
    "events": False,  # id \0 time_ns(8 bytes) -> sealed Event
    "samples": False,  # id -> sealed list of request texts (admission checks)
    "negative": False,  # kind id -> sealed NegativeKind (seglam.cache.negative)
    "trust": False,  # family id -> sealed TrustRecord (seglam.cache.trust)
    "modules": False,  # module name \0 version(4 bytes) -> sealed LibraryModule (seglam.cache.modules)
    "meta": False,  # b"format" -> sealed format record
}

#: The on-disk format: 2 = every record sealed with the cache's secret (HMAC).
FORMAT_VERSION = 2
FORMAT_KEY = b"format"
#: LMDB errors that mean the file is damaged or not an LMDB file at all.
_CORRUPTION = (lmdb.CorruptedError, lmdb.PageNotFoundError, lmdb.InvalidError, lmdb.VersionMismatchError,
               lmdb.BadValsizeError, lmdb.IncompatibleError, lmdb.PanicError, lmdb.BadDbiError,
               lmdb.BadTxnError)  # BadTxn: a transaction that met damage earlier (the cache never misuses one)

INITIAL_MAP_SIZE = 32 << 20
DEFAULT_MAX_MAP_SIZE = 1 << 40  # address space only; the file grows with the data
_DISK_FULL = ("No space left", "File too large", "Disk quota", "ENOSPC", "EFBIG", "EDQUOT")


# ---- the store interface ---------------------------------------------------------------------
# What the cache (cache.py, index.py, negative.py) uses of a store: the subset of py-lmdb's
# transaction and cursor API below, over the named databases of DATABASES. The LMDB store
# satisfies it as it is; seglam.cache.pgstore implements it over PostgreSQL.


class Cursor(Protocol):
    """A position in one named database, ordered by key then (dupsort) by value."""

    def set_range(self, key: bytes) -> bool: ...  # first record with a key >= ``key``
    def set_key(self, key: bytes) -> bool: ...  # first record (first duplicate) under ``key``
    def set_key_dup(self, key: bytes, value: bytes) -> bool: ...  # exactly that record
    def key(self) -> bytes: ...
    def count(self) -> int: ...  # duplicates under the current key
    def delete(self) -> bool: ...  # delete the current record; the cursor moves to the next
    def iternext(self, keys: bool = True, values: bool = True) -> Iterator[Any]: ...
    def iternext_dup(self, keys: bool = False, values: bool = True) -> Iterator[Any]: ...
    def getmulti(self, keys: Iterable[bytes], dupdata: bool = False) -> list[tuple[bytes, bytes]]: ...  # present keys only
    def __iter__(self) -> Iterator[tuple[bytes, bytes]]: ...


class Txn(Protocol):
    """A read snapshot or a write transaction; ``db`` is a value of :attr:`CacheStore.dbs`."""

    def get(self, key: bytes, default: Any = None, db: Any = None) -> Any: ...
    def put(self, key: bytes, value: bytes, dupdata: bool = True, overwrite: bool = True, append: bool = False,
            db: Any = None) -> bool: ...
    def delete(self, key: bytes, value: bytes = b"", db: Any = None) -> bool: ...
    def cursor(self, db: Any = None) -> Cursor: ...
    def drop(self, db: Any, delete: bool = True) -> None: ...
    def stat(self, db: Any) -> dict[str, int]: ...


class CacheStore(Protocol):
    """An open store: named databases, sealed records, snapshots and all-or-nothing writes."""

    path: Any
    sealer: Sealer
    dbs: dict[str, Any]

    def seal(self, db: str, key: str | bytes, record: Any) -> bytes: ...
    def unseal(self, db: str, key: str | bytes, raw: bytes | memoryview, kind: Any, label: str | None = None) -> Any: ...
    def begin_read(self) -> Txn: ...
    def end_read(self, txn: Txn) -> None: ...
    def read(self) -> ContextManager[Txn]: ...
    def write(self, fn: Callable[[Txn], T]) -> T: ...
    def failure(self, err: Exception) -> CacheError: ...
    def info(self) -> dict[str, Any]: ...
    def close(self) -> None: ...


def format_record(sealer: Sealer) -> bytes:
    """The sealed format record a new store writes under ``meta``/``format``."""
    return sealer.seal("meta", FORMAT_KEY, {"format": "seglam-cache", "version": FORMAT_VERSION})


def check_format(sealer: Sealer, where: object, stored: bytes, secret_name: str) -> None:
    """:class:`CacheCorruptError` unless ``stored`` is this format's record sealed with ``sealer``."""
    try:
        record = sealer.unseal("meta", FORMAT_KEY, stored, dict[str, Any], "format record")
    except CacheError as err:
        raise CacheCorruptError(where, f"its format record does not match its {secret_name} ({err})") from None
    if record.get("version") != FORMAT_VERSION:
        raise CacheCorruptError(where, f"format version {record.get('version')!r}; this seglam reads {FORMAT_VERSION}",
                                "use the seglam that wrote it, or export and re-import the families")


#: Cache locations that name a PostgreSQL database (seglam.cache.pgstore) instead of a directory.
DATABASE_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(location: object) -> bool:
    return isinstance(location, str) and location.startswith(DATABASE_SCHEMES)


def redact(url: str) -> str:
    """A database URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def default_location() -> str | Path:
    """``$SEGLAM_CACHE`` if it names a database, else :func:`default_path`."""
    env = os.environ.get("SEGLAM_CACHE", "")
    return env if is_database_url(env) else default_path()


def default_path() -> Path:
    """``$SEGLAM_CACHE``, else the platform's per-user cache directory + ``seglam``."""
    env = os.environ.get("SEGLAM_CACHE")
    if env:
        return Path(env).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "seglam"
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "seglam" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "seglam"


def _env_size(name: str, default: int) -> int:
    text = os.environ.get(name)
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise CacheError(f"${name} must be a size in bytes, not {text!r}") from None
    if value < 1 << 20:
        raise CacheError(f"${name} must be at least 1 MiB (1048576), not {value}")
    return value


class Readers:
    """Counts open read transactions in this process, so the map is never resized under
    one: LMDB remaps the file on resize, and a reader in another thread would be left
    reading unmapped memory. (The PostgreSQL store uses it the same way: its in-memory copy
    changes only while no read transaction of the process is open.)

    A reader takes no lock (it is on every hit): it announces itself by appending its
    thread's id to a list, then looks whether a resize started; a resize says it started,
    then waits until the list is empty. ``list.append`` and ``list.remove`` are atomic, and
    each side writes before it reads, so one of the two always sees the other: the reader
    withdraws and waits for the resize to end, or the resize waits for the reader to
    leave. Only those waits take the lock."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._open: list[int] = []  # a thread's id per read transaction it has open
        self._resizing = False

    def enter(self) -> None:
        ident = get_ident()
        self._open.append(ident)
        while self._resizing:
            self._open.remove(ident)
            with self._cond:
                self._cond.notify_all()  # the resize may be waiting for this reader to go
                while self._resizing:
                    self._cond.wait()
            self._open.append(ident)

    def leave(self) -> None:
        self._open.remove(get_ident())
        if self._resizing:  # only a resize waits for the list to empty
            with self._cond:
                self._cond.notify_all()

    def holding(self) -> bool:
        """Whether this thread has a read transaction open."""
        return get_ident() in self._open

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """No read transaction is open in this process while the block runs."""
        if self.holding():
            raise CacheError("internal error: the map cannot grow while this thread holds a read transaction")
        with self._cond:
            self._resizing = True
            try:
                while self._open:
                    self._cond.wait()
                yield
            finally:
                self._resizing = False
                self._cond.notify_all()


class _Shared:
    """One open LMDB environment per path per process.

    LMDB forbids opening the same environment twice in one process (closing the second
    handle drops the first one's file locks), so Cache objects share it. This registry
    is the one piece of process-wide state in the cache, and it exists for that rule.
    """

    lock = threading.Lock()
    envs: dict[tuple[int, str], list[Any]] = {}  # (pid, realpath) -> [env, refcount, write lock, readers]


class SealedRecords:
    """Sealing and checking records with the store's :attr:`sealer` (both stores)."""

    sealer: Sealer

    def seal(self, db: str, key: str | bytes, record: Any) -> bytes:
        """``record`` sealed for ``key`` in database ``db`` (see :mod:`seglam.cache.seal`)."""
        return self.sealer.seal(db, key_bytes(key), record)

    def unseal(self, db: str, key: str | bytes, raw: bytes | memoryview, kind: Any, label: str | None = None) -> Any:
        """The record stored under ``key`` in ``db``; :class:`CorruptEntryError` if its seal fails."""
        if label is None and isinstance(key, str):
            label = key
        return self.sealer.unseal(db, key_bytes(key), raw, kind, label)


class Store(SealedRecords):
    """An open cache directory. Use as a context manager or call :meth:`close`."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        map_size: int = INITIAL_MAP_SIZE,
        max_map_size: int | None = None,
    ) -> None:
        self.path = Path(path).expanduser() if path is not None else default_path()
        self.max_map_size = max_map_size or _env_size("SEGLAM_CACHE_MAX_SIZE", DEFAULT_MAX_MAP_SIZE)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise CacheLockedError(f"cannot create cache directory {self.path}: {err.strerror}") from None
        if not self.path.is_dir():
            raise CacheLockedError(f"cannot open cache at {self.path}: not a directory")
        self._key = (os.getpid(), os.path.realpath(self.path))
        with _Shared.lock:
            slot = _Shared.envs.get(self._key)
            if slot is None:
                env, sealer = self._open(min(map_size, self.max_map_size))
                slot = [env, 0, threading.RLock(), Readers(), sealer]
                _Shared.envs[self._key] = slot
            slot[1] += 1
        self.env: lmdb.Environment = slot[0]
        self._write_lock: threading.RLock = slot[2]
        self._readers: Readers = slot[3]
        self.sealer: Sealer = slot[4]
        self.dbs = {name: self.env.open_db(name.encode(), dupsort=dup) for name, dup in DATABASES.items()}
        self._closed = False

    def _open(self, map_size: int) -> tuple[lmdb.Environment, Sealer]:
        secret = read_secret(self.path)
        used = check_data_file(self.path / DATA_FILE)
        if used is None and secret is not None:
            raise CacheCorruptError(
                self.path, f"{DATA_FILE} is missing or empty, but this cache was set up before (it has its {SECRET_FILE}): "
                "every entry it held is lost")
        try:
            env = lmdb.open(
                str(self.path),
                map_size=max(map_size, used or 0),
                max_dbs=len(DATABASES) + 2,
                max_readers=1022,
                subdir=True,
                lock=True,
                readahead=False,
            )
        except _CORRUPTION as err:
            raise CacheCorruptError(self.path, f"{DATA_FILE} is not a sound LMDB file ({_lmdb_reason(err)})") from None
        except lmdb.Error as err:
            raise CacheLockedError(f"cannot open cache at {self.path}: {err}") from None
        try:
            # an existing, bigger file keeps its size; a reader left by a killed process is freed
            env.reader_check()
            pad_file(self.path / DATA_FILE, env.info()["map_size"])
            with env.begin(write=True) as txn:
                dbs = {name: env.open_db(name.encode(), txn=txn, dupsort=dup) for name, dup in DATABASES.items()}
                sealer = self._sealer(txn, dbs, secret)
        except CacheError:
            env.close()
            raise
        except _CORRUPTION as err:
            env.close()
            raise CacheCorruptError(self.path, f"{DATA_FILE} is damaged ({_lmdb_reason(err)})") from None
        except lmdb.Error as err:
            env.close()
            raise CacheLockedError(f"cannot open cache at {self.path}: {err}") from None
        return env, sealer

    def _sealer(self, txn: lmdb.Transaction, dbs: dict[str, Any], secret: bytes | None) -> Sealer:
        """The cache's sealer. A new cache gets its secret here; a cache with records but
        no secret was written by an older seglam (unkeyed seals) and is refused."""
        stored = txn.get(FORMAT_KEY, db=dbs["meta"])
        if secret is None:  # read again under the write lock: a racing process may have set the cache up
            secret = read_secret(self.path)
        if secret is None:
            if any(txn.stat(db)["entries"] for db in dbs.values()):
                raise CacheCorruptError(
                    self.path,
                    f"it holds records but no {SECRET_FILE}: it was written by an older seglam (unkeyed seals) "
                    "or its secret was removed, so no record in it can be trusted",
                    "export it with the seglam that wrote it (`seglam cache export DIR`), then import the bundle "
                    "into a new cache (`seglam cache import DIR`); import verifies every program again",
                )
            secret = create_secret(self.path)
        sealer = Sealer(secret)
        if stored is None:
            if any(txn.stat(dbs[name])["entries"] for name in DATABASES if name != "meta"):
                raise CacheCorruptError(self.path, "its format record is missing")
            txn.put(FORMAT_KEY, format_record(sealer), db=dbs["meta"])
            return sealer
        check_format(sealer, self.path, stored, SECRET_FILE)
        return sealer

    # -- transactions -------------------------------------------------------------------

    def begin_read(self) -> lmdb.Transaction:
        """A read-only snapshot; close it with :meth:`end_read`. Readers never block
        writers or each other."""
        while True:
            self._readers.enter()
            try:
                return self.env.begin(buffers=False)
            except lmdb.MapResizedError:
                self._readers.leave()
                self._adopt_size()  # another process grew the map
            except lmdb.Error as err:
                self._readers.leave()
                raise self.failure(err) from None
            except BaseException:
                self._readers.leave()
                raise

    def failure(self, err: Exception) -> CacheError:
        """The typed error for an LMDB (or key-decoding) error met while using the store."""
        if isinstance(err, CacheError):
            return err
        if isinstance(err, (UnicodeDecodeError, ValueError)) or isinstance(err, _CORRUPTION):
            return CacheCorruptError(self.path, f"{DATA_FILE} is damaged ({_lmdb_reason(err)})")
        return CacheError(f"cache at {self.path}: {_lmdb_reason(err)}")

    def end_read(self, txn: lmdb.Transaction) -> None:
        try:
            txn.abort()
        finally:
            self._readers.leave()

    @contextmanager
    def read(self) -> Iterator[lmdb.Transaction]:
        """:meth:`begin_read` / :meth:`end_read` as a context manager. An LMDB error inside
        (damage met while reading) leaves as :class:`CacheCorruptError`."""
        txn = self.begin_read()
        try:
            yield txn
        except (lmdb.Error, UnicodeDecodeError) as err:
            raise self.failure(err) from None
        finally:
            self.end_read(txn)

    def _adopt_size(self) -> None:
        with self._write_lock, self._readers.exclusive():
            self.env.set_mapsize(0)
            pad_file(self.path / DATA_FILE, self.env.info()["map_size"])

    def write(self, fn: Callable[[lmdb.Transaction], T]) -> T:
        """Run ``fn`` in a write transaction and commit. ``fn`` may run more than once (after
        the map grows), so it must only touch the transaction. All or nothing."""
        with self._write_lock:
            while True:
                try:
                    with self.env.begin(write=True) as txn:
                        return fn(txn)
                except lmdb.MapFullError:
                    self._grow()
                except lmdb.MapResizedError:
                    self._adopt_size()
                except _CORRUPTION + (UnicodeDecodeError,) as err:  # before the disk-full test: damage is not a full disk
                    raise self.failure(err) from None
                except lmdb.Error as err:
                    if any(s in str(err) for s in _DISK_FULL):
                        raise CacheFullError(
                            f"the disk holding {self.path} is full ({err}); nothing was written, "
                            "every committed entry is intact"
                        ) from None
                    raise CacheError(f"cache write failed: {err}") from None

    def _grow(self) -> None:
        check_data_file(self.path / DATA_FILE)  # a damaged meta page can look like a full map
        size = self.env.info()["map_size"]
        if size >= self.max_map_size:
            raise CacheFullError(
                f"cache at {self.path} reached its maximum size ({self.max_map_size} bytes); nothing was "
                "written, every committed entry is intact (raise SEGLAM_CACHE_MAX_SIZE or run `seglam cache gc`)"
            )
        with self._readers.exclusive():
            self.env.set_mapsize(min(size * 2, self.max_map_size))
            pad_file(self.path / DATA_FILE, self.env.info()["map_size"])

    # -- lifecycle ----------------------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with _Shared.lock:
            slot = _Shared.envs.get(self._key)
            if slot is None:
                return
            slot[1] -= 1
            if slot[1] <= 0:
                del _Shared.envs[self._key]
                slot[0].close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def info(self) -> dict[str, Any]:
        """Map size, file size and record counts."""
        env_info = self.env.info()
        with self.read() as txn:
            counts = {name: txn.stat(db)["entries"] for name, db in self.dbs.items()}
        file = self.path / DATA_FILE
        size = 0
        if file.exists():
            st = file.stat()
            size = min(st.st_size, getattr(st, "st_blocks", st.st_size // 512 + 1) * 512)  # the sparse tail is free
        return {
            "path": str(self.path),
            "map_size": env_info["map_size"],
            "file_size": size,
            "records": counts,
        }


def key_bytes(key: str | bytes | memoryview) -> bytes:
    return key.encode() if isinstance(key, str) else bytes(key)


def _lmdb_reason(err: Exception) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0][:200]
