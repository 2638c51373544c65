"""Versions that are part of every program's identity (see seglam.syntax.canonical)."""

__version__ = "0.1.0"

#: Bumped whenever the meaning of an accepted program could change.
LANGUAGE_VERSION = "0.1"
#: Bumped whenever a standard-library function's behaviour or signature changes.
STDLIB_VERSION = "0.1"
