"""Dicts in the Z3 encoding: bounded association lists with distinct keys, in insertion
order (as Python's dicts iterate). ``enc`` is the encoder."""

from __future__ import annotations

import z3

from seglam.syntax import ast as A
from seglam.syntax.span import Span
from seglam.verifier.symbolic import NONE, SDict, SList, SOpt, STuple, Unsupported, eq, ite
from seglam.verifier.terms import eq_int, lt_int, mk_and, mk_and_n, mk_if, mk_not, mk_or_n


def empty(enc, is_set: bool = False) -> SDict:
    return SDict(z3.IntVal(0), (), (), next(enc.idents), False, is_set)


def find(d: SDict, key, span: Span):
    """(found, value): is ``key`` in ``d``, and its value (don't care when absent)."""
    hits = [mk_and(lt_int(i, d.length), eq(k, key, span)) for i, k in enumerate(d.keys)]
    if not hits:
        return z3.BoolVal(False), None
    value = d.values[0]
    for i in range(1, len(d.values)):
        value = ite(hits[i], d.values[i], value, span)
    return mk_or_n(hits), value


def store(d: SDict, key, value, guard, span: Span) -> SDict:
    """``d[key] = value`` when ``guard`` holds."""
    found, _ = find(d, key, span)
    values = tuple(
        ite(mk_and_n([guard, lt_int(i, d.length), eq(k, key, span)]), value, v, span) for i, (k, v) in enumerate(zip(d.keys, d.values))
    )
    add = mk_and(guard, mk_not(found))
    keys = tuple(ite(mk_and(add, eq_int(d.length, i)), key, k, span) for i, k in enumerate(d.keys)) + (key,)
    values = tuple(ite(mk_and(add, eq_int(d.length, i)), value, v, span) for i, v in enumerate(values)) + (value,)
    return SDict(mk_if(add, d.length + 1, d.length), keys, values, d.ident, False, d.is_set)


def literal(enc, e: A.DictExpr) -> SDict:
    d = empty(enc)
    for k, v in zip(e.keys, e.values):
        if k is None:
            raise Unsupported("** in a dict display", e.span)
        d = store(d, enc.expr(k), enc.expr(v), z3.BoolVal(True), e.span)
    return d


def getitem(enc, d: SDict, key, span: Span):
    found, value = find(d, key, span)
    enc.fault("F-KEY", span, z3.Not(found), "key present")
    if value is None:
        raise Unsupported("a lookup in an empty dict literal", span)
    return value


def keys(enc, d: SDict) -> SList:
    return SList(d.length, d.keys, next(enc.idents), True)


def values(enc, d: SDict) -> SList:
    return SList(d.length, d.values, next(enc.idents), True)


def items(enc, d: SDict) -> SList:
    return SList(d.length, tuple(STuple((k, v)) for k, v in zip(d.keys, d.values)), next(enc.idents), True)


def set_literal(enc, e: A.SetExpr) -> SDict:
    d = empty(enc, True)
    for x in e.elts:
        if isinstance(x, A.Starred):
            raise Unsupported("starred items", e.span)
        d = store(d, enc.expr(x), NONE, z3.BoolVal(True), e.span)
    return d


def from_list(enc, xs: SList, span: Span) -> SDict:
    d = empty(enc, True)
    for i, x in enumerate(xs.items):
        d = store(d, x, NONE, i < xs.length, span)
    return d


def set_method(enc, name: str, d: SDict, args: list, target, span: Span):
    if name == "add" and len(args) == 1 and isinstance(target, A.Name):
        cur = enc.check_alias(target.id, span)
        enc.env[target.id] = store(cur, args[0], NONE, enc.alive, span)
        return NONE
    raise Unsupported(f"set.{name}()", span)


def method(enc, name: str, d: SDict, args: list, span: Span):
    if name == "get" and len(args) in (1, 2):
        found, value = find(d, args[0], span)
        if value is None:
            return args[1] if len(args) == 2 else NONE
        if len(args) == 2:
            return ite(found, value, args[1], span)
        return SOpt(found, value)
    if name == "keys" and not args:
        return keys(enc, d)
    if name == "values" and not args:
        return values(enc, d)
    if name == "items" and not args:
        return items(enc, d)
    raise Unsupported(f"dict.{name}()", span)
