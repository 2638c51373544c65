"""Identifier spaces of generated code.

Every identifier the generator emits is in exactly one of these spaces, and the prefixes
never overlap, so a Seglam program cannot name anything but its own bindings:

- ``u_<name>``: a user binding (parameter, local, function, constant, record, enum);
- ``h_<name>``: per-run state and runtime helpers (context, depth counter, temporaries);
- ``g_<n>_<hint>``: an object placed in the module globals by the generator (a stdlib
  implementation, a record class, a frozen constant).

The globals dict of generated code holds ``g_*`` objects and an empty ``__builtins__``.
"""

from __future__ import annotations

import re

_HINT = re.compile(r"[^A-Za-z0-9]+")


def user(name: str) -> str:
    """The generated name of the Seglam binding ``name``."""
    return "u_" + name


def hint(text: str) -> str:
    """A readable, identifier-safe fragment of ``text`` (only for debugging output)."""
    return _HINT.sub("_", text)[:40].strip("_") or "x"
