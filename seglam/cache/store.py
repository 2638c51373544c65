"""The LMDB store: one environment, named databases, write transactions that grow the
map on demand and turn a full disk into :class:`CacheFullError`.

LMDB gives what the cache needs across processes: many concurrent readers, one writer at
a time (a robust process-shared mutex, so a writer killed mid-transaction releases it),
and copy-on-write pages, so a crash loses nothing committed.
"""

from __future__ import annotations

import os
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import lmdb

from seglam.cache.errors import CacheError, CacheFullError, CacheLockedError

T = TypeVar("T")

#: Named databases. ``index`` and ``tasks`` allow duplicate values (one key, many entries).
DATABASES: dict[str, bool] = {
    "entries": False,  # id -> sealed Entry
    "index": True,  # anchor word -> b"id\0pattern-number" (dupsort)
    "tasks": True,  # normalised task text + param names -> id (dupsort)
    "stats": False,  # id -> sealed Stats
    "history": False,  # id \0 version(4 bytes) -> sealed Entry (earlier versions)
    "events": False,  # id \0 time_ns(8 bytes) -> sealed Event
    "samples": False,  # id -> msgpack list of request texts (admission checks)
    "meta": False,  # format information
}

INITIAL_MAP_SIZE = 32 << 20
DEFAULT_MAX_MAP_SIZE = 1 << 40  # address space only; the file grows with the data
_DISK_FULL = ("No space left", "File too large", "Disk quota", "ENOSPC", "EFBIG", "EDQUOT")


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


class _Readers:
    """Counts open read transactions in this process, so the map is never resized under
    one: LMDB remaps the file on resize, and a reader in another thread would be left
    reading unmapped memory."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._count = 0
        self._resizing = False
        self._local = threading.local()

    def enter(self) -> None:
        with self._cond:
            while self._resizing:
                self._cond.wait()
            self._count += 1
        self._local.depth = getattr(self._local, "depth", 0) + 1

    def leave(self) -> None:
        self._local.depth -= 1
        with self._cond:
            self._count -= 1
            if self._count == 0:
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """No read transaction is open in this process while the block runs."""
        if getattr(self._local, "depth", 0):
            raise CacheError("internal error: the map cannot grow while this thread holds a read transaction")
        with self._cond:
            self._resizing = True
            try:
                while self._count:
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


class Store:
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
        self._key = (os.getpid(), os.path.realpath(self.path))
        with _Shared.lock:
            slot = _Shared.envs.get(self._key)
            if slot is None:
                env = self._open(min(map_size, self.max_map_size))
                slot = [env, 0, threading.RLock(), _Readers()]
                _Shared.envs[self._key] = slot
            slot[1] += 1
        self.env: lmdb.Environment = slot[0]
        self._write_lock: threading.RLock = slot[2]
        self._readers: _Readers = slot[3]
        self.dbs = {name: self.env.open_db(name.encode(), dupsort=dup) for name, dup in DATABASES.items()}
        self._closed = False

    def _open(self, map_size: int) -> lmdb.Environment:
        try:
            env = lmdb.open(
                str(self.path),
                map_size=map_size,
                max_dbs=len(DATABASES) + 2,
                max_readers=1022,
                subdir=True,
                lock=True,
                readahead=False,
            )
        except lmdb.Error as err:
            raise CacheLockedError(f"cannot open cache at {self.path}: {err}") from None
        # an existing, bigger file keeps its size; a reader left by a killed process is freed
        env.reader_check()
        return env

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
            except BaseException:
                self._readers.leave()
                raise

    def end_read(self, txn: lmdb.Transaction) -> None:
        try:
            txn.abort()
        finally:
            self._readers.leave()

    @contextmanager
    def read(self) -> Iterator[lmdb.Transaction]:
        """:meth:`begin_read` / :meth:`end_read` as a context manager."""
        txn = self.begin_read()
        try:
            yield txn
        finally:
            self.end_read(txn)

    def _adopt_size(self) -> None:
        with self._write_lock, self._readers.exclusive():
            self.env.set_mapsize(0)

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
                except lmdb.Error as err:
                    if any(s in str(err) for s in _DISK_FULL):
                        raise CacheFullError(
                            f"the disk holding {self.path} is full ({err}); nothing was written, "
                            "every committed entry is intact"
                        ) from None
                    raise CacheError(f"cache write failed: {err}") from None

    def _grow(self) -> None:
        size = self.env.info()["map_size"]
        if size >= self.max_map_size:
            raise CacheFullError(
                f"cache at {self.path} reached its maximum size ({self.max_map_size} bytes); nothing was "
                "written, every committed entry is intact (raise SEGLAM_CACHE_MAX_SIZE or run `seglam cache gc`)"
            )
        with self._readers.exclusive():
            self.env.set_mapsize(min(size * 2, self.max_map_size))

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
        stat = self.env.info()
        with self.read() as txn:
            counts = {name: txn.stat(db)["entries"] for name, db in self.dbs.items()}
        file = self.path / "data.mdb"
        return {
            "path": str(self.path),
            "map_size": stat["map_size"],
            "file_size": file.stat().st_size if file.exists() else 0,
            "records": counts,
        }
