"""LMDB's data file and the cache's secret, checked before LMDB maps them.

LMDB trusts its file. A truncated ``data.mdb`` is mapped and read past its end (SIGBUS),
and damage surfaces as raw ``lmdb`` errors. So before opening, the data file's two meta
pages are checked (magic, version, page size), the file must hold every page the newest
meta page says is in use, and LMDB's free-page list must be well formed
(:func:`check_data_file`). The data file is padded with sparse zeros to the map's size
(:func:`pad_file`; see :mod:`seglam.cache.store`). The secret that keys every record's seal
is a 32-byte file written once, atomically (:func:`create_secret`).
"""

from __future__ import annotations

import os
import stat
import struct
import threading
from pathlib import Path
from typing import Any

from seglam.cache.errors import CacheCorruptError, CacheLockedError
from seglam.cache.seal import SECRET_SIZE

#: The cache's own files in its directory, beside LMDB's data.mdb and lock.mdb.
SECRET_FILE = "secret"
DATA_FILE = "data.mdb"
_MDB_MAGIC = 0xBEEFC0DE
_P_META = 0x08


def check_data_file(data: Path) -> int | None:
    """None if ``data`` is absent or empty (a new cache); else the bytes its newest meta page
    says are in use. :class:`CacheCorruptError` when it is not a regular file, not an LMDB
    file, or shorter than the pages in use (a truncated file would be read past its end)."""
    root = data.parent
    try:
        info = os.lstat(data)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise CacheLockedError(f"cannot open cache at {root}: {err.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise CacheCorruptError(root, f"{DATA_FILE} is not a regular file")
    if info.st_size == 0:
        return None
    try:
        with open(data, "rb") as handle:
            for _ in range(8):  # a writer in another process may commit while the list is read
                meta = newestmeta_page(handle)
                if meta is None:
                    raise CacheCorruptError(root, f"{DATA_FILE} is truncated or not an LMDB file (its meta pages are damaged)")
                psize, last_page, txnid, free_root = meta
                used = (last_page + 1) * psize
                if os.fstat(handle.fileno()).st_size < used:
                    raise CacheCorruptError(
                        root, f"{DATA_FILE} is truncated: {info.st_size} bytes, but its pages in use need {used}")
                problem = free_list_problem(handle, psize, last_page, free_root)
                again = newestmeta_page(handle)
                if again is not None and again[2] == txnid:  # no commit meanwhile: one consistent snapshot
                    break
    except OSError as err:
        raise CacheLockedError(f"cannot read {data}: {err.strerror}") from None
    if problem:
        # LMDB reuses free pages without checking them: a damaged list makes a writer
        # overwrite live pages or abort, so it is refused before anything is written
        raise CacheCorruptError(root, f"its free-page list is damaged ({problem})")
    return used


def newestmeta_page(handle: Any) -> tuple[int, int, int, int] | None:
    """The meta page LMDB would use (the valid one with the higher transaction id); None
    if either is damaged (LMDB refuses such a file too)."""
    handle.seek(0)
    first = meta_page(handle.read(256))
    if first is None:
        return None
    handle.seek(first[0])
    second = meta_page(handle.read(256))
    if second is None:
        return None
    return max(first, second, key=lambda m: m[2])


def pad_file(data: Path, size: int) -> None:
    """Extend ``data`` with zeros (sparse) to ``size`` bytes; never shrinks it."""
    try:
        fd = os.open(data, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return  # the padding is a guard; a file that cannot be opened for it is still served
    try:
        if os.fstat(fd).st_size < size:
            os.ftruncate(fd, size)
    except OSError:
        pass  # a full disk or a filesystem without sparse files: keep the file as it is
    finally:
        os.close(fd)


_P_BRANCH, _P_LEAF, _P_OVERFLOW = 0x01, 0x02, 0x04
_F_BIGDATA = 0x01
_NO_PAGE = (1 << 64) - 1


def free_list_problem(handle: Any, psize: int, last_page: int, root: int) -> str | None:
    """What is wrong with LMDB's free-page list (the FREE_DBI tree: txn id -> sorted page
    numbers), or None. Checks every page number is in range, each list is strictly
    descending and no page is listed twice. Reads only the list's own pages."""
    if root == _NO_PAGE:
        return None
    seen: set[int] = set()
    visited: set[int] = set()
    stack = [(root, 0)]
    while stack:
        pgno, depth = stack.pop()
        if not 2 <= pgno <= last_page or pgno in visited or depth > 32:
            return f"page {pgno} out of range or revisited"
        visited.add(pgno)
        handle.seek(pgno * psize)
        page = handle.read(psize)
        if len(page) < psize:
            return f"page {pgno} is cut short"
        flags, lower, upper = struct.unpack_from("<HHH", page, 10)
        if not (16 <= lower <= upper <= psize) or not flags & (_P_BRANCH | _P_LEAF):
            return f"page {pgno} has a bad header"
        for i in range((lower - 16) // 2):
            (ptr,) = struct.unpack_from("<H", page, 16 + 2 * i)
            if not upper <= ptr <= psize - 8:
                return f"page {pgno} has a node outside it"
            lo, hi, nflags, ksize = struct.unpack_from("<HHHH", page, ptr)
            if flags & _P_BRANCH:
                stack.append((lo | hi << 16 | nflags << 32, depth + 1))
                continue
            start = ptr + 8 + ksize
            size = lo | hi << 16
            if nflags & _F_BIGDATA:
                if start + 8 > psize:
                    return f"page {pgno} has a node outside it"
                (over,) = struct.unpack_from("<Q", page, start)
                if not 2 <= over <= last_page or over in visited:
                    return f"overflow page {over} out of range"
                visited.add(over)
                handle.seek(over * psize)
                value = handle.read(16 + size)[16:]
            else:
                value = page[start : start + size]
            problem = page_list_problem(value, size, last_page, seen)
            if problem:
                return problem
    return None


def page_list_problem(value: bytes, size: int, last_page: int, seen: set[int]) -> str | None:
    """An LMDB ID list: a count, then that many page numbers, strictly descending."""
    if len(value) != size or size < 8 or size % 8:
        return "a list has a bad size"
    numbers = struct.unpack_from(f"<{size // 8}Q", value)
    if numbers[0] != len(numbers) - 1:
        return "a list has a bad count"
    previous = _NO_PAGE
    for number in numbers[1:]:
        if not 2 <= number <= last_page or number >= previous or number in seen:
            return f"free page {number} is out of range, out of order or listed twice"
        seen.add(number)
        previous = number
    return None


def meta_page(page: bytes) -> tuple[int, int, int, int] | None:
    """(page size, last page, transaction id, free-list root) of an LMDB meta page, or None
    if it is not one."""
    if len(page) < 152:
        return None
    (flags,) = struct.unpack_from("<H", page, 10)
    magic, version = struct.unpack_from("<II", page, 16)
    (psize,) = struct.unpack_from("<I", page, 40)
    (free_root,) = struct.unpack_from("<Q", page, 80)
    last_page, txnid = struct.unpack_from("<QQ", page, 136)
    if not flags & _P_META or magic != _MDB_MAGIC or version != 1:
        return None
    if psize < 512 or psize > 1 << 16 or psize & (psize - 1) or last_page >= 1 << 48:
        return None
    return psize, last_page, txnid, free_root


def read_secret(root: Path) -> bytes | None:
    path = root / SECRET_FILE
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size != SECRET_SIZE:
        raise CacheCorruptError(root, f"its {SECRET_FILE} file is damaged (a cache secret is a {SECRET_SIZE}-byte file)")
    try:
        return path.read_bytes()
    except OSError as err:
        raise CacheLockedError(f"cannot read {path}: {err.strerror}") from None


def create_secret(root: Path) -> bytes:
    """Write a new random secret (mode 0600). It appears complete or not at all: written to
    a temporary file and linked into place, so a racing process reads the winner's."""
    path = root / SECRET_FILE
    tmp = root / f".{SECRET_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
    secret = os.urandom(SECRET_SIZE)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secret)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            existing = read_secret(root)
            if existing is None:
                raise CacheLockedError(f"cannot create {path}") from None
            return existing
    finally:
        tmp.unlink(missing_ok=True)
    return secret
