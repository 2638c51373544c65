"""Calls in the Z3 encoding: builtins, record constructors, methods, inlined functions."""

from __future__ import annotations

import z3

from seglam.syntax import ast as A
from seglam.verifier import dicts
from seglam.verifier.symbolic import (
    NONE, SDict, SEnum, SFunc, SLambda, SList, SNone, SOpt, SRange, SRecord, STuple, Unsupported,
    as_arith, eq, is_bool, is_int, is_real, is_str, ite, truthy,
)

_ITERABLE_AGGREGATES = ("sum", "any", "all", "min", "max", "len", "list", "tuple")


def call(enc, e: A.Call):
    if any(isinstance(a, A.Starred) for a in e.args) or any(k.name is None for k in e.keywords):
        raise Unsupported("*args / **kwargs in a call", e.span)
    f = e.func
    if isinstance(f, A.Attribute):
        return method(enc, e, f)
    if not isinstance(f, A.Name):
        raise Unsupported("calling a computed function", e.span)
    name = f.id
    local = enc.env.get(name)
    if isinstance(local, SLambda):
        return enc.call_lambda(local.node, [enc.expr(a) for a in e.args], local.env)
    if local is None and name in enc.view.functions:
        args = [enc.expr(a) for a in e.args]
        kwargs = {k.name: enc.expr(k.value) for k in e.keywords}
        return enc.inline(name, args, kwargs, e.span)
    if local is None and name in enc.view.records:
        return construct(enc, name, e)
    if local is None:
        return builtin(enc, name, e)
    if isinstance(local, SFunc):
        args = [enc.expr(a) for a in e.args]
        return enc.inline(local.name, args, {k.name: enc.expr(k.value) for k in e.keywords}, e.span)
    raise Unsupported(f"calling {name}", e.span)


def construct(enc, name: str, e: A.Call) -> SRecord:
    rec = enc.view.records[name]
    values = {}
    for fld, a in zip(rec.fields, e.args):
        values[fld.name] = enc.expr(a)
    for k in e.keywords:
        values[k.name] = enc.expr(k.value)
    out = []
    for fld in rec.fields:
        if fld.name not in values:
            if fld.default is None:
                raise Unsupported(f"{name}() without {fld.name}", e.span)
            values[fld.name] = enc.expr(fld.default)
        v = values[fld.name]
        if is_int(v) and getattr(fld.type, "name", None) == "Decimal":
            v = z3.ToReal(v)
        out.append((fld.name, v))
    return SRecord(name, tuple(out))


def builtin(enc, name: str, e: A.Call):
    span = e.span
    if name == "sorted":
        return _sorted(enc, e)
    if e.keywords and name not in ("min", "max", "sum"):
        raise Unsupported(f"keyword arguments to {name}", span)
    if name == "Decimal" and len(e.args) == 1 and isinstance(e.args[0], A.Constant) and isinstance(e.args[0].value, str):
        return _decimal_literal(e.args[0].value, span)
    args = [enc.val(enc.expr(a), a.span) for a in e.args]
    if name == "len" and len(args) == 1:
        v = args[0]
        if is_str(v):
            return z3.Length(v)
        if isinstance(v, (SList, SDict)):
            return v.length
        if isinstance(v, STuple):
            return z3.IntVal(len(v.items))
        if isinstance(v, SRange):
            return enc.range_count(v)
        raise Unsupported("len() of this type", span)
    if name == "abs" and len(args) == 1:
        x = as_arith(args[0], span)
        size = z3.If(x < 0, -x, x)
        return enc.decimal_round(size) if is_real(size) else size
    if name == "range" and 1 <= len(args) <= 3:
        xs = [as_arith(a, span) for a in args]
        if not all(is_int(x) for x in xs):
            raise Unsupported("range() of non-ints", span)
        if len(xs) == 1:
            return SRange(z3.IntVal(0), xs[0], 1)
        step = 1
        if len(xs) == 3:
            s = z3.simplify(xs[2])
            if not z3.is_int_value(s):
                raise Unsupported("range() with a non-constant step", span)
            step = s.as_long()
            if step == 0:
                enc.fault("F-VALUE", span, z3.BoolVal(True), "range() step is not zero")
                raise Unsupported("range() with step 0", span)
        return SRange(xs[0], xs[1], step)
    if name in ("min", "max"):
        if e.keywords:
            raise Unsupported(f"{name}() with keyword arguments", span)
        if len(args) == 1:
            lst = enc.as_list(args[0], span)
            enc.fault("F-VALUE", span, lst.length == 0, f"{name}() of a non-empty sequence")
            if not lst.items:
                raise Unsupported(f"{name}() of an empty literal", span)
            acc = lst.items[0]
            for k in range(1, len(lst.items)):
                x = lst.items[k]
                better = (as_arith(x, span) < as_arith(acc, span)) if name == "min" else (as_arith(x, span) > as_arith(acc, span))
                acc = ite(z3.And(k < lst.length, better), x, acc, span)
            return acc
        acc = args[0]
        for x in args[1:]:
            better = (as_arith(x, span) < as_arith(acc, span)) if name == "min" else (as_arith(x, span) > as_arith(acc, span))
            acc = ite(better, x, acc, span)
        return acc
    if name == "sum" and len(args) in (1, 2) and not e.keywords:
        lst = enc.as_list(args[0], span)
        total = as_arith(args[1], span) if len(args) == 2 else z3.IntVal(0)
        for k, x in enumerate(lst.items):
            xv = as_arith(x, span)
            if is_real(xv) and is_int(total):
                total = z3.ToReal(total)
            if is_int(xv) and is_real(total):
                xv = z3.ToReal(xv)
            if is_real(total):
                total = z3.If(k < lst.length, enc.decimal_round(total + xv), total)
            else:
                total = total + z3.If(k < lst.length, xv, 0)
        return total
    if name in ("any", "all") and len(args) == 1:
        lst = enc.as_list(args[0], span)
        if name == "any":
            parts = [z3.And(k < lst.length, truthy(x, span)) for k, x in enumerate(lst.items)]
            return z3.Or(*parts) if parts else z3.BoolVal(False)
        parts = [z3.Implies(k < lst.length, truthy(x, span)) for k, x in enumerate(lst.items)]
        return z3.And(*parts) if parts else z3.BoolVal(True)
    if name in ("list", "tuple") and len(args) == 1:
        v = args[0]
        if isinstance(v, STuple) and name == "tuple":
            return v
        lst = enc.as_list(v, span)
        if name == "tuple":
            raise Unsupported("tuple() of a list", span)
        return enc.new_list(lst.length, lst.items)
    if name == "list" and not args:
        return enc.new_list(z3.IntVal(0), [])
    if name == "dict" and not args:
        return dicts.empty(enc)
    if name == "set" and len(args) <= 1:
        if not args:
            return dicts.empty(enc, True)
        if isinstance(args[0], SDict) and args[0].is_set:
            return dicts.from_list(enc, SList(args[0].length, args[0].keys), span)
        return dicts.from_list(enc, enc.as_list(args[0], span), span)
    if name == "enumerate" and 1 <= len(args) <= 2:
        lst = enc.as_list(args[0], span)
        start = as_arith(args[1], span) if len(args) == 2 else z3.IntVal(0)
        return SList(lst.length, tuple(STuple((start + k, x)) for k, x in enumerate(lst.items)), enc_ident(enc), True)
    if name == "zip" and len(args) >= 2:
        lists = [enc.as_list(a, span) for a in args]
        cap = min(len(x.items) for x in lists)
        length = lists[0].length
        for x in lists[1:]:
            length = z3.If(x.length < length, x.length, length)
        return SList(length, tuple(STuple(tuple(x.items[k] for x in lists)) for k in range(cap)), enc_ident(enc), True)
    if name == "reversed" and len(args) == 1:
        lst = enc.as_list(args[0], span)
        items = [enc.select(lst, lst.length - 1 - k, span) for k in range(len(lst.items))] if lst.items else []
        return SList(lst.length, tuple(items), enc_ident(enc), True)
    if name == "bool" and len(args) == 1:
        return truthy(args[0], span)
    if name == "int" and len(args) == 1:
        v = args[0]
        if is_bool(v) or is_int(v):
            return as_arith(v, span)
        raise Unsupported("int() of this type", span)
    if name == "str" and len(args) == 1:
        return enc.to_str(args[0], span)
    if name == "Decimal" and len(args) == 1:
        v = args[0]
        if is_int(v):
            return z3.ToReal(v)
        raise Unsupported("Decimal() of this type", span)
    raise Unsupported(f"the builtin {name}()", span)


def _decimal_literal(text: str, span):
    from decimal import Decimal, InvalidOperation
    from fractions import Fraction

    try:
        d = Decimal(text.strip())
    except InvalidOperation:
        raise Unsupported("an invalid Decimal literal", span) from None
    if not d.is_finite():
        raise Unsupported("a non-finite Decimal", span)
    f = Fraction(d)
    return z3.RealVal(f"{f.numerator}/{f.denominator}")


def _sorted(enc, e: A.Call) -> SList:
    """``sorted(xs)`` of numbers: a fresh list, ordered, holding the same multiset."""
    span = e.span
    reverse = False
    for k in e.keywords:
        if k.name != "reverse" or not isinstance(k.value, A.Constant) or not isinstance(k.value.value, bool):
            raise Unsupported("sorted() with a key or a computed reverse", span)
        reverse = k.value.value
    if len(e.args) != 1:
        raise Unsupported("sorted() of several arguments", span)
    xs = enc.as_list(enc.val(enc.expr(e.args[0]), span), span)
    if not all(is_int(x) or is_real(x) for x in xs.items):
        raise Unsupported("sorted() of values that are not numbers", span)
    n = next(enc.inputs.counter)
    sort = xs.items[0].sort() if xs.items else z3.IntSort()
    ys = tuple(z3.Const(f"sorted!{n}[{i}]", sort) for i in range(len(xs.items)))
    length = xs.length
    facts = []
    for i in range(len(ys) - 1):
        ordered = ys[i] >= ys[i + 1] if reverse else ys[i] <= ys[i + 1]
        facts.append(z3.Implies(i + 1 < length, ordered))

    def count(items, v):
        return z3.Sum(*[z3.If(z3.And(j < length, x == v), 1, 0) for j, x in enumerate(items)]) if items else z3.IntVal(0)

    for i in range(len(ys)):
        facts.append(z3.Implies(i < length, count(xs.items, xs.items[i]) == count(ys, xs.items[i])))
        facts.append(z3.Implies(i < length, count(xs.items, ys[i]) == count(ys, ys[i])))
    enc.inputs.constraints.extend(facts)  # definitions of the fresh list, true on every path
    return SList(length, ys, next(enc.idents))


def enc_ident(enc) -> int:
    return next(enc.idents)


def method(enc, e: A.Call, f: A.Attribute):
    span = e.span
    # Enum members and record classes used through a module-style prefix are not methods.
    if isinstance(f.value, A.Name) and f.value.id not in enc.env and f.value.id in enc.view.records:
        raise Unsupported("class methods", span)
    base = enc.expr(f.value)
    if isinstance(base, SOpt):
        enc.fault("F-NONE", span, z3.Not(base.present), "no None unwrap")
        base = base.value
    if isinstance(base, SNone):
        enc.fault("F-NONE", span, z3.BoolVal(True), "no None unwrap")
        raise Unsupported("a method of None", span)
    if e.keywords:
        raise Unsupported(f"keyword arguments to .{f.attr}()", span)
    args = [enc.expr(a) for a in e.args]
    m = f.attr
    if is_str(base):
        if m == "startswith" and len(args) == 1 and is_str(args[0]):
            return z3.PrefixOf(args[0], base)
        if m == "endswith" and len(args) == 1 and is_str(args[0]):
            return z3.SuffixOf(args[0], base)
        if m == "find" and len(args) == 1 and is_str(args[0]):
            return z3.IndexOf(base, args[0], 0)
        raise Unsupported(f"str.{m}()", span)
    if isinstance(base, SList):
        if m == "append" and len(args) == 1 and isinstance(f.value, A.Name):
            lst = enc.check_alias(f.value.id, span)
            enc.env[f.value.id] = enc.append(lst, args[0], enc.alive)
            return NONE
        if m == "pop" and not args and isinstance(f.value, A.Name):
            lst = enc.check_alias(f.value.id, span)
            enc.fault("F-INDEX", span, lst.length == 0, "pop from a non-empty list")
            v = enc.select(lst, lst.length - 1, span)
            enc.env[f.value.id] = SList(z3.If(enc.alive, lst.length - 1, lst.length), lst.items, lst.ident)
            return v
        if m == "count" and len(args) == 1:
            total = z3.IntVal(0)
            for k, x in enumerate(base.items):
                total = total + z3.If(z3.And(k < base.length, eq(x, args[0], span)), 1, 0)
            return total
        raise Unsupported(f"list.{m}()", span)
    if isinstance(base, SDict):
        if base.is_set:
            return dicts.set_method(enc, m, base, args, f.value, span)
        return dicts.method(enc, m, base, args, span)
    if isinstance(base, SEnum):
        raise Unsupported(f"enum method .{m}()", span)
    raise Unsupported(f".{m}() on this type", span)
