"""Argument types shared by the commands: argparse calls them on the text of an option and
turns their ArgumentTypeError into a usage error (exit 2)."""

from __future__ import annotations

import argparse


def add_path_option(parser: argparse.ArgumentParser) -> None:
    """``--path DIR`` (repeatable): directories searched for imported Seglam modules, after the
    standard library and before ``SEGLAM_PATH``."""
    parser.add_argument("--path", action="append", default=[], metavar="DIR",
                        help="a directory to search for imported Seglam modules (repeatable; "
                             "searched after the standard library, before $SEGLAM_PATH)")


def positive_int(text: str) -> int:
    """A whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
