"""Reading a Seglam source file from disk: bounded, UTF-8, regular files only.

Owns no parsing or checking; ``seglam.program`` (``load``) and ``seglam.program.library`` (modules on
the search path) read through it, so every file a program touches gets the same limits.
"""

from __future__ import annotations

import codecs
import os
import stat

from seglam.syntax.parser import MAX_SOURCE_CHARS


#: The largest source file read: the parser's character limit, at 4 UTF-8 bytes a character.
MAX_SOURCE_BYTES = 4 * MAX_SOURCE_CHARS


class SourceFileError(OSError):
    """A source file could not be read: missing, not a regular file, too large, not UTF-8.
    ``str()`` is a one-line message naming the path."""


def read_source(path: str | os.PathLike, *, limit: int = MAX_SOURCE_BYTES) -> str:
    """The text of a source file, read with a size bound: never more than ``limit`` + 1 bytes,
    so ``/dev/zero``, a FIFO or a huge file is refused instead of filling memory."""
    # the name as it can be printed: a path from argv may hold lone surrogates
    name = os.fspath(path)
    if isinstance(name, str):
        name = name.encode("utf-8", "backslashreplace").decode("utf-8")
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not hang; it is refused below anyway
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise SourceFileError(f"{name}: cannot read: {error.strerror or error}") from None
    except ValueError as error:  # a NUL byte, or a lone surrogate the file system cannot encode
        raise SourceFileError(f"{name}: cannot read: not a valid path ({error})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise SourceFileError(f"{name}: is a directory, not a source file")
        if not stat.S_ISREG(info.st_mode):
            raise SourceFileError(f"{name}: not a regular file (a device, FIFO or socket is not read)")
        if info.st_size > limit:
            raise SourceFileError(f"{name}: too large ({info.st_size} bytes; the limit is {limit})")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except SourceFileError:
        raise
    except OSError as error:
        raise SourceFileError(f"{name}: cannot read: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # the file grew while it was read
        raise SourceFileError(f"{name}: too large (more than {limit} bytes)")
    data = data.removeprefix(codecs.BOM_UTF8)  # as Python reads a source file: editors on Windows write one
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceFileError(f"{name}:{line}: not UTF-8 text (byte {error.start}: {error.reason})") from None
