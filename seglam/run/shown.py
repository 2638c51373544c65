"""The text of values that are not data: builtins, functions and lambdas used as values,
iterators and classes (SPEC.md section 9, "How values print").

CPython's text where it is deterministic (``<built-in function len>``, ``<class 'int'>``);
where CPython prints an address (``<function f at 0x7f...>``, ``<map object at 0x...>``),
the same text without it, so a run prints the same on both backends and every machine.
Functions and lambdas written in Seglam print as ``<function>``: the compiled backend's
function values are plain Python callables whose form is not fixed, so nothing about them
but that they are callable is read here. Pure functions of the value, no fuel: the texts
are short and bounded.
"""

from __future__ import annotations

import builtins
import collections
import dataclasses
import datetime
import decimal
import enum
import functools
import itertools
import math
import re
import string
import types
from typing import Any

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")

#: The host modules whose members a Seglam builtin can name (``math.sqrt``, ``re.sub``).
_MODULES = {m.__name__: m for m in (math, re, itertools, functools, collections, dataclasses, enum,
                                    decimal, datetime, string)}


def without_address(text: str) -> str:
    """``text`` without CPython's `` at 0x...`` addresses."""
    return _ADDRESS.sub("", text)


def builtin_text(name: str) -> str:
    """A builtin used as a value, by its Seglam name (``len``, ``math.sqrt``): CPython's
    text for the object of that name, without an address. Seglam's own builtins
    (``parse_int``...) print as the functions of CPython's prelude do, ``<function NAME>``."""
    host = _host_object(name)
    if host is None:
        return f"<function {name.rpartition('.')[2]}>"
    return without_address(repr(host))


def _host_object(name: str) -> Any:
    """The CPython object a Seglam builtin's name stands for, or None."""
    first, *rest = name.split(".")
    if not rest:
        return getattr(builtins, first, None)
    obj: Any = _MODULES.get(first)
    for part in rest:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def object_text(value: Any) -> str:
    """A value no other rule prints: a class (``<class 'int'>``, ``<class 'Point'>`` for a
    record or enum class), a generator, a Seglam function or lambda (``<function>``), an
    iterator (``<map object>``, ``<itertools.permutations object>``)."""
    t = type(value)
    if isinstance(value, type):
        if value.__module__ == "builtins":
            return repr(value)
        return f"<class '{value.__qualname__}'>"
    if t is types.GeneratorType:
        return "<generator object <genexpr>>"
    if callable(value):
        return "<function>"
    prefix = "" if t.__module__ == "builtins" else t.__module__ + "."
    return f"<{prefix}{t.__qualname__} object>"


def is_match(value: Any) -> bool:
    """Whether ``value`` is a regex match (RE2's match class, which CPython prints as
    ``<re.Match object; span=(1, 3), match='bb'>``)."""
    t = type(value)
    return t.__module__ == "re2" and t.__qualname__ == "_Match"
