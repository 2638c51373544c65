"""``"%d items" % n`` and ``"%(name)s: %(n)d" % {"name": s, "n": n}``: the conversions of a
literal %-format string, checked against the argument types (a mismatch is a TypeError in
Python, so it must be a check-time error)."""

from __future__ import annotations

import re

from seglam.check import types as t
from seglam.check.typeops import as_dict, assignable, is_bottom

_SPEC = re.compile(r"%(\([^)]*\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])")
_NUMERIC = {"d", "i", "o", "u", "x", "X", "e", "E", "f", "F", "g", "G"}


def conversions(fmt: str) -> list[tuple[str | None, str]] | str:
    """The conversions of ``fmt`` (without ``%%``), each ``(key, letter)`` with the key of a
    ``%(key)s`` or None, or an error message."""
    out: list[tuple[str | None, str]] = []
    i = 0
    while True:
        j = fmt.find("%", i)
        if j < 0:
            return out
        m = _SPEC.match(fmt, j)
        if m is None:
            return f"bad conversion at position {j}"
        if m.group(3) == "*" or m.group(4) == "*":
            return "`*` widths are not supported"
        if m.group(5) != "%":
            out.append((m.group(1)[1:-1] if m.group(1) is not None else None, m.group(5)))
        i = m.end()


def check_args(convs: list[tuple[str | None, str]], arg: t.Type,
               by_key: dict[str, t.Type] | None = None) -> str | None:
    """None when the argument types fit the conversions, else the problem. Named
    conversions take a dict of str keys; ``by_key`` is the type of each value of a dict
    display with literal keys (a key it lacks is reported here, as CPython's KeyError would
    be on every run), else every value has the dict's value type."""
    named = [key for key, _ in convs if key is not None]
    if named and len(named) != len(convs):
        return "a format cannot mix `%(name)s` and `%s` conversions"
    if named:
        return _check_named(convs, arg, by_key)
    if isinstance(arg, t.TupleType) and not arg.variadic:
        args = list(arg.elems)
    elif isinstance(arg, t.TupleType):
        return "the number of values in a `tuple[..., ...]` is not known: use an f-string"
    else:
        args = [arg]
    if len(args) != len(convs):
        return f"the format has {len(convs)} conversion(s) but {len(args)} value(s) are given"
    for (_, letter), ty in zip(convs, args):
        problem = _mismatch(letter, ty)
        if problem is not None:
            return problem
    return None


def _check_named(convs: list[tuple[str | None, str]], arg: t.Type, by_key: dict[str, t.Type] | None) -> str | None:
    if is_bottom(arg):
        return None
    d = as_dict(arg)
    if d is None or not (is_bottom(d.key) or assignable(d.key, t.STR)):
        return f"`%(name)s` conversions take a `dict[str, ...]` of the values by name, not `{arg.render()}`"
    for key, letter in convs:
        if by_key is not None and key not in by_key:
            return f"the dict has no key {key!r} for `%({key}){letter}`"
        problem = _mismatch(letter, by_key[key] if by_key is not None else d.value)
        if problem is not None:
            return problem.replace(f"`%{letter}`", f"`%({key}){letter}`", 1)
    return None


def _mismatch(letter: str, ty: t.Type) -> str | None:
    if is_bottom(ty):
        return None
    if letter in _NUMERIC and not all(o in (t.INT, t.FLOAT, t.BOOL, t.DECIMAL) for o in t.options(ty)):
        return f"`%{letter}` needs a number, not `{ty.render()}`"
    if letter in "xXo" and not all(o in (t.INT, t.BOOL) for o in t.options(ty)):
        return f"`%{letter}` needs an int, not `{ty.render()}`"
    if letter == "c" and not all(o in (t.INT, t.STR) for o in t.options(ty)):
        return f"`%c` needs an int or a one-character str, not `{ty.render()}`"
    return None
