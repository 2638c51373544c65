"""Argument types shared by the commands: argparse calls them on the text of an option and
turns their ArgumentTypeError into a usage error (exit 2). And how a command reads its FILE
arguments (:func:`source_files`, :func:`read_file`)."""

from __future__ import annotations

import argparse
import os
from typing import Any, Callable

from seglam.program import SourceFileError, read_source

#: What tests and embedders may pass to a command's ``register`` to replace the language
#: toolchain the cache verifies with (a callable that makes a ``seglam.cache.Toolchain``).
ToolchainFactory = Callable[[], Any]


def add_path_option(parser: argparse.ArgumentParser) -> None:
    """``--path DIR`` (repeatable): directories searched for imported Seglam modules, after the
    standard library and before ``SEGLAM_PATH``."""
    parser.add_argument("--path", action="append", default=[], metavar="DIR",
                        help="a directory to search for imported Seglam modules (repeatable; "
                             "searched after the standard library, before $SEGLAM_PATH)")


def cache_options() -> argparse.ArgumentParser:
    """The parent parser of the commands that open the cache: ``--cache DIR|URL`` and ``--json``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--cache", metavar="DIR|URL",
                        help="cache directory or postgresql:// URL (default: $SEGLAM_CACHE, else the platform cache dir)")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    return common


def source_files(paths: list[str]) -> list[str]:
    """``paths`` with each directory replaced by the ``*.sgl`` files directly in it, sorted
    (``seglam verify stdlib/``); a directory that cannot be listed, or holds none, stays as it
    is, so reading it reports why."""
    out: list[str] = []
    for path in paths:
        try:
            names = sorted(n for n in os.listdir(path) if n.endswith(".sgl")) if os.path.isdir(path) else []
        except (OSError, ValueError):
            names = []
        out += [os.path.join(path, n) for n in names] or [path]
    return out


def read_file(path: str) -> tuple[str | None, str]:
    """``(text, "")``, or ``(None, why)`` for a file that cannot be read as a source file
    (missing, a directory or device, larger than the limit, not UTF-8)."""
    try:
        return read_source(path), ""
    except SourceFileError as error:
        return None, str(error)


def positive_int(text: str) -> int:
    """A whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
