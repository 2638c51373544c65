"""``"%d items" % n``: the conversions of a literal %-format string, checked against the
argument types (a mismatch is a TypeError in Python, so it must be a check-time error)."""

from __future__ import annotations

import re

from seglam.check import types as t
from seglam.check.typeops import is_bottom

_SPEC = re.compile(r"%(\([^)]*\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")
_NUMERIC = {"d", "i", "o", "u", "x", "X", "e", "E", "f", "F", "g", "G"}


def conversions(fmt: str) -> list[str] | str:
    """The conversion letters of ``fmt`` (without ``%%``), or an error message."""
    out: list[str] = []
    i = 0
    while True:
        j = fmt.find("%", i)
        if j < 0:
            return out
        m = _SPEC.match(fmt, j)
        if m is None:
            return f"bad conversion at position {j}"
        if m.group(1) is not None:
            return "`%(name)s` conversions are not supported"
        if m.group(3) == "*" or m.group(4) == "*":
            return "`*` widths are not supported"
        if m.group(5) != "%":
            out.append(m.group(5))
        i = m.end()


def check_args(letters: list[str], arg: t.Type) -> str | None:
    """None when the argument types fit the conversions, else the problem."""
    if isinstance(arg, t.TupleType) and not arg.variadic:
        args = list(arg.elems)
    elif isinstance(arg, t.TupleType):
        return "the number of values in a `tuple[..., ...]` is not known: use an f-string"
    else:
        args = [arg]
    if len(args) != len(letters):
        return f"the format has {len(letters)} conversion(s) but {len(args)} value(s) are given"
    for letter, ty in zip(letters, args):
        if is_bottom(ty):
            continue
        if letter in _NUMERIC and not all(o in (t.INT, t.FLOAT, t.BOOL, t.DECIMAL) for o in t.options(ty)):
            return f"`%{letter}` needs a number, not `{ty.render()}`"
        if letter in "xXo" and not all(o in (t.INT, t.BOOL) for o in t.options(ty)):
            return f"`%{letter}` needs an int, not `{ty.render()}`"
        if letter == "c" and not all(o in (t.INT, t.STR) for o in t.options(ty)):
            return f"`%c` needs an int or a one-character str, not `{ty.render()}`"
    return None
