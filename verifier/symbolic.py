"""Symbolic Seglam values for the Z3 encoding, and what can be done with any of them.

A symbolic value is a Z3 term (Int for ``int``, Bool for ``bool``, Real for ``Decimal``,
String for ``str``) or one of the frozen shapes below. Lists are bounded: a length term and a
tuple of element slots (the capacity); slots at or past the length are "don't care".
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
import decimal
from decimal import Decimal
from fractions import Fraction

import z3

from seglam.syntax.span import Span
from seglam.verifier import typeview as T
from seglam.verifier.terms import is_bool_term, is_int_term, is_real_term, is_str_term, mk_eq, mk_if, same_sort
from seglam.verifier.values import EnumLit, RecordLit


#: How a reason about a construct the prover does not follow ends: it is no fault of the
#: program, and a model reading the report must not rewrite correct code for it.
PROVER_LIMIT = "a limit of the prover, not of the program: nothing needs to change; the runs check this code"


class Unsupported(Exception):
    """A construct outside the Z3 fragment; the obligations that need it stay ``unknown``."""

    def __init__(self, reason: str, span: Span | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.span = span

    def describe(self) -> str:
        where = f" (line {self.span.line})" if self.span and self.span.line else ""
        return f"{self.reason}{where}"


@dataclass(frozen=True)
class SNone:
    pass


NONE = SNone()


@dataclass(frozen=True)
class SOpt:
    """A ``T | None`` value: ``present`` says it is not None."""

    present: object
    value: object


@dataclass(frozen=True)
class STuple:
    items: tuple


@dataclass(frozen=True)
class SRecord:
    name: str
    fields: tuple  # ((name, value), ...)

    def get(self, name: str, span: Span | None = None):
        for k, v in self.fields:
            if k == name:
                return v
        raise Unsupported(f"record {self.name} has no field {name}", span)


@dataclass(frozen=True)
class SEnum:
    name: str
    index: object  # Int term: the member's position
    members: tuple  # ((name, value), ...)


@dataclass(frozen=True)
class SList:
    """A list (or a string's characters, or a range) of ``length`` with element ``items``.

    ``ident`` tells lists apart for the aliasing check: a local list may only be mutated
    while one variable holds it. ``frozen`` lists are arguments or constants."""

    length: object
    items: tuple
    ident: int = 0
    frozen: bool = False


@dataclass(frozen=True)
class SDict:
    """A dict: ``length`` entries in insertion order, in ``keys``/``values`` slots (distinct
    keys); like :class:`SList`, slots past the length are "don't care"."""

    length: object
    keys: tuple
    values: tuple
    ident: int = 0
    frozen: bool = False
    is_set: bool = False  # a set: values are all None, and its iteration order is CPython's


@dataclass(frozen=True)
class SRange:
    start: object
    stop: object
    step: int


@dataclass(frozen=True)
class SFunc:
    """A reference to a top-level function (called by inlining)."""

    name: str


@dataclass(frozen=True)
class SClass:
    """A record or enum class used as a value (a constructor, or for member access)."""

    name: str


@dataclass(frozen=True)
class SLambda:
    node: object
    env: tuple  # captured ((name, value), ...)


def is_term(v) -> bool:
    return isinstance(v, z3.ExprRef)


def is_int(v) -> bool:
    return is_int_term(v)


def is_real(v) -> bool:
    return is_real_term(v)


def is_bool(v) -> bool:
    return is_bool_term(v)


def is_str(v) -> bool:
    return is_str_term(v)


def as_arith(v, span=None):
    """An Int/Real term for arithmetic (bools count as 0/1, as in Python)."""
    if is_bool(v):
        return z3.If(v, z3.IntVal(1), z3.IntVal(0))
    if is_int(v) or is_real(v):
        return v
    raise Unsupported(f"arithmetic on {describe(v)}", span)


def describe(v) -> str:
    if is_term(v):
        return str(v.sort()).lower()
    return type(v).__name__.lstrip("S").lower()


def ite(c, a, b, span=None):
    """The value that is ``a`` when ``c`` holds and ``b`` otherwise."""
    if a is b:
        return a
    if is_term(a) and is_term(b):
        if not same_sort(a, b):
            if {a.sort(), b.sort()} <= {z3.IntSort(), z3.RealSort(), z3.BoolSort()}:
                a, b = as_arith(a), as_arith(b)
                if a.sort() != b.sort():
                    a, b = z3.ToReal(a) if is_int(a) else a, z3.ToReal(b) if is_int(b) else b
            else:
                raise Unsupported("a variable holds values of different types", span)
        return mk_if(c, a, b)
    if isinstance(a, SNone) and isinstance(b, SNone):
        return a
    if isinstance(a, (SNone, SOpt)) or isinstance(b, (SNone, SOpt)):
        pa, va = _opt_parts(a, b)
        pb, vb = _opt_parts(b, a)
        return SOpt(z3.If(c, pa, pb), ite(c, va, vb, span))
    if isinstance(a, STuple) and isinstance(b, STuple) and len(a.items) == len(b.items):
        return STuple(tuple(ite(c, x, y, span) for x, y in zip(a.items, b.items)))
    if isinstance(a, SRecord) and isinstance(b, SRecord) and a.name == b.name:
        return SRecord(a.name, tuple((k, ite(c, x, y, span)) for (k, x), (_, y) in zip(a.fields, b.fields)))
    if isinstance(a, SEnum) and isinstance(b, SEnum) and a.name == b.name:
        return SEnum(a.name, z3.If(c, a.index, b.index), a.members)
    if isinstance(a, SList) and isinstance(b, SList):
        n = max(len(a.items), len(b.items))
        ia = a.items + b.items[len(a.items):n]
        ib = b.items + a.items[len(b.items):n]
        items = tuple(ite(c, x, y, span) for x, y in zip(ia, ib))
        return SList(z3.If(c, a.length, b.length), items, a.ident if a.ident == b.ident else _merge_ident(a, b), a.frozen or b.frozen)
    if isinstance(a, SDict) and isinstance(b, SDict):
        n = max(len(a.keys), len(b.keys))
        ka, va = a.keys + b.keys[len(a.keys):n], a.values + b.values[len(a.values):n]
        kb, vb = b.keys + a.keys[len(b.keys):n], b.values + a.values[len(b.values):n]
        keys = tuple(ite(c, x, y, span) for x, y in zip(ka, kb))
        values = tuple(ite(c, x, y, span) for x, y in zip(va, vb))
        ident = a.ident if a.ident == b.ident else -abs(hash((a.ident, b.ident))) - 1
        if a.is_set != b.is_set:
            raise Unsupported("a variable holds a set and a dict", span)
        return SDict(z3.If(c, a.length, b.length), keys, values, ident, a.frozen or b.frozen, a.is_set)
    raise Unsupported(f"a value that is a {describe(a)} on one path and a {describe(b)} on another, as "
                      f"`xs and x in d` is ({PROVER_LIMIT})", span)


def _merge_ident(a: SList, b: SList) -> int:
    # A merged list is a new identity: mutating it would need per-branch aliasing facts.
    return -abs(hash((a.ident, b.ident))) - 1


def _opt_parts(v, other):
    if isinstance(v, SNone):
        template = other.value if isinstance(other, SOpt) else other
        return z3.BoolVal(False), template
    if isinstance(v, SOpt):
        return v.present, v.value
    return z3.BoolVal(True), v


def eq(a, b, span=None):
    """Python ``a == b`` as a Bool term."""
    if is_term(a) and is_term(b):
        if same_sort(a, b):
            return mk_eq(a, b)
        if {a.sort(), b.sort()} <= {z3.IntSort(), z3.RealSort(), z3.BoolSort()}:
            x, y = as_arith(a), as_arith(b)
            if x.sort() != y.sort():
                x = z3.ToReal(x) if is_int(x) else x
                y = z3.ToReal(y) if is_int(y) else y
            return x == y
        return z3.BoolVal(False)
    if isinstance(a, SNone) and isinstance(b, SNone):
        return z3.BoolVal(True)
    if isinstance(a, SNone):
        return eq(b, a, span)
    if isinstance(b, SNone):
        if isinstance(a, SOpt):
            return z3.Not(a.present)
        return z3.BoolVal(False)
    if isinstance(a, SOpt) or isinstance(b, SOpt):
        pa, va = _opt_parts(a, b)
        pb, vb = _opt_parts(b, a)
        return z3.And(pa == pb, z3.Implies(pa, eq(va, vb, span)))
    if isinstance(a, STuple) and isinstance(b, STuple):
        if len(a.items) != len(b.items):
            return z3.BoolVal(False)
        return z3.And(*[eq(x, y, span) for x, y in zip(a.items, b.items)]) if a.items else z3.BoolVal(True)
    if isinstance(a, SRecord) and isinstance(b, SRecord):
        if a.name != b.name:
            return z3.BoolVal(False)
        return z3.And(*[eq(x, y, span) for (_, x), (_, y) in zip(a.fields, b.fields)]) if a.fields else z3.BoolVal(True)
    if isinstance(a, SEnum) and isinstance(b, SEnum):
        return a.index == b.index if a.name == b.name else z3.BoolVal(False)
    if isinstance(a, SList) and isinstance(b, SList):
        parts = [a.length == b.length]
        for k in range(min(len(a.items), len(b.items))):
            parts.append(z3.Implies(k < a.length, eq(a.items[k], b.items[k], span)))
        # A list's length never exceeds its capacity, so equal lengths bound both by the smaller one.
        cap = min(len(a.items), len(b.items))
        parts.append(a.length <= cap)
        return z3.And(*parts)
    if isinstance(a, SDict) and isinstance(b, SDict) and a.is_set != b.is_set:
        return z3.BoolVal(False)
    if isinstance(a, SDict) and isinstance(b, SDict):
        # Dict equality ignores insertion order: same size, and every entry of a is in b.
        parts = [a.length == b.length]
        for i, (k, v) in enumerate(zip(a.keys, a.values)):
            found = [z3.And(j < b.length, eq(k, kb, span), eq(v, vb, span)) for j, (kb, vb) in enumerate(zip(b.keys, b.values))]
            parts.append(z3.Implies(i < a.length, z3.Or(*found) if found else z3.BoolVal(False)))
        return z3.And(*parts)
    raise Unsupported(f"== between {describe(a)} and {describe(b)}", span)


def truthy(v, span=None):
    """Python truthiness as a Bool term."""
    if is_bool(v):
        return v
    if is_int(v):
        return v != 0
    if is_real(v):
        return v != 0
    if is_str(v):
        return z3.Length(v) > 0
    if isinstance(v, SNone):
        return z3.BoolVal(False)
    if isinstance(v, SOpt):
        return z3.And(v.present, truthy(v.value, span))
    if isinstance(v, (SList, SDict)):
        return v.length > 0
    if isinstance(v, STuple):
        return z3.BoolVal(bool(v.items))
    if isinstance(v, (SRecord, SEnum)):
        return z3.BoolVal(True)
    raise Unsupported(f"truth value of {describe(v)}", span)


# ---- inputs and models ---------------------------------------------------------------------


@dataclass
class Inputs:
    """Fresh symbolic inputs of given types, their domain constraints, and a counter."""

    bound: int
    records: dict
    enums: dict
    constraints: list
    counter: itertools.count
    bounded: bool = False
    sizes: list = field(default_factory=list)

    def fresh(self, name: str, t, depth: int = 0, span=None):
        k = T.kind(t)
        n = next(self.counter)
        if k == "PrimType":
            if t.name == "int":
                return z3.Int(f"{name}!{n}")
            if t.name == "bool":
                return z3.Bool(f"{name}!{n}")
            if t.name == "Decimal":
                return z3.Real(f"{name}!{n}")
            if t.name == "str":
                v = z3.String(f"{name}!{n}")
                self.sizes.append(z3.Length(v))
                return v
            if t.name == "None":
                return NONE
            raise Unsupported(f"{t.name} values", span)
        if k == "ListType" or (k == "TupleType" and t.variadic):
            elem = t.elem if k == "ListType" else t.elems[0]
            length = z3.Int(f"len({name})!{n}")
            self.constraints.append(z3.And(length >= 0, length <= self.bound))
            self.sizes.append(length)
            self.bounded = True
            items = tuple(self.fresh(f"{name}[{i}]", elem, depth + 1, span) for i in range(self.bound))
            return SList(length, items, -n - 10_000_000, frozen=True) if k == "ListType" else SListTuple(length, items)
        if k == "TupleType":
            return STuple(tuple(self.fresh(f"{name}.{i}", e, depth + 1, span) for i, e in enumerate(t.elems)))
        if k in ("DictType", "SetType"):
            length = z3.Int(f"len({name})!{n}")
            self.constraints.append(z3.And(length >= 0, length <= self.bound))
            self.sizes.append(length)
            self.bounded = True
            key_t = t.key if k == "DictType" else t.elem
            keys = tuple(self.fresh(f"{name}.key{i}", key_t, depth + 1, span) for i in range(self.bound))
            if k == "DictType":
                values = tuple(self.fresh(f"{name}[{i}]", t.value, depth + 1, span) for i in range(self.bound))
            else:
                values = (NONE,) * self.bound
            for i in range(self.bound):
                for j in range(i + 1, self.bound):
                    self.constraints.append(z3.Implies(j < length, z3.Not(eq(keys[i], keys[j], span))))
            return SDict(length, keys, values, -n - 10_000_000, True, k == "SetType")
        if k == "UnionType":
            opts = [o for o in t.options if not T.is_prim(o, "None")]
            if len(opts) == 1 and len(opts) < len(t.options):
                present = z3.Bool(f"{name}?!{n}")
                return SOpt(present, self.fresh(name, opts[0], depth + 1, span))
            raise Unsupported(f"union type {T.render(t)}", span)
        if k == "RecordType":
            if depth > 4:
                raise Unsupported(f"deeply nested record {t.name}", span)
            rec = self.records[t.name]
            return SRecord(t.name, tuple((f.name, self.fresh(f"{name}.{f.name}", f.type, depth + 1, span)) for f in rec.fields))
        if k == "EnumType":
            members = self.enums[t.name].members
            idx = z3.Int(f"{name}!{n}")
            self.constraints.append(z3.And(idx >= 0, idx < len(members)))
            return SEnum(t.name, idx, tuple(members))
        raise Unsupported(f"{T.render(t)} values", span)


#: Z3's string alphabet ends here (Python's goes to 0x10FFFF).
Z3_MAX_CHAR = 0x2FFFF


def string_val(text: str, span=None):
    if any(ord(c) > Z3_MAX_CHAR for c in text):
        raise Unsupported("a character beyond Z3's alphabet (U+2FFFF)", span)
    return z3.StringVal(text)


class SListTuple(SList):
    """A variadic tuple (``tuple[T, ...]``): a list that is never mutated."""


def model_value(model, v, t, records):
    """The neutral host value a model gives the symbolic input ``v`` of type ``t``."""
    k = T.kind(t)
    if isinstance(v, SOpt) and k != "UnionType":
        v = v.value  # narrowed by the checker: statically never None here
    if k == "PrimType":
        if t.name == "None":
            return None
        x = model.eval(v, model_completion=True)
        if t.name == "int":
            return x.as_long()
        if t.name == "bool":
            return z3.is_true(x)
        if t.name == "Decimal":
            return _decimal(x)
        if t.name == "str":
            return _string(x)
    if k == "ListType" or (k == "TupleType" and t.variadic):
        elem = t.elem if k == "ListType" else t.elems[0]
        n = model.eval(v.length, model_completion=True).as_long()
        out = [model_value(model, v.items[i], elem, records) for i in range(n)]
        return out if k == "ListType" else tuple(out)
    if k == "TupleType":
        return tuple(model_value(model, x, e, records) for x, e in zip(v.items, t.elems))
    if k == "SetType":
        n = model.eval(v.length, model_completion=True).as_long()
        return {model_value(model, v.keys[i], t.elem, records) for i in range(n)}
    if k == "DictType":
        n = model.eval(v.length, model_completion=True).as_long()
        return {model_value(model, v.keys[i], t.key, records): model_value(model, v.values[i], t.value, records) for i in range(n)}
    if k == "UnionType":
        opt = [o for o in t.options if not T.is_prim(o, "None")][0]
        if not z3.is_true(model.eval(v.present, model_completion=True)):
            return None
        return model_value(model, v.value, opt, records)
    if k == "RecordType":
        types = {f.name: f.type for f in records[t.name].fields}
        return RecordLit(t.name, tuple((name, model_value(model, x, types[name], records)) for name, x in v.fields))
    if k == "EnumType":
        i = model.eval(v.index, model_completion=True).as_long()
        return EnumLit(t.name, v.members[i][0])
    raise Unsupported(f"model value of {T.render(t)}")


def _decimal(x) -> Decimal:
    if z3.is_rational_value(x):
        f = Fraction(x.numerator_as_long(), x.denominator_as_long())
        # Wide enough to keep a solver's value exact where it can be: at 28 digits, an
        # input just past 1E+28 would read back as 1E+28 itself.
        return decimal.Context(prec=80).divide(Decimal(f.numerator), Decimal(f.denominator))
    return Decimal(str(x.as_decimal(20)).rstrip("?"))


def _string(x) -> str:
    # as_string() leaves backslashes unescaped, so read the characters one code at a time.
    n = z3.simplify(z3.Length(x)).as_long()
    return "".join(chr(z3.simplify(z3.StrToCode(z3.SubString(x, i, 1))).as_long()) for i in range(n))


def to_sym(value, t, records, enums):
    """A concrete host value of type ``t`` as a symbolic value (for constants and tests)."""
    k = T.kind(t)
    if value is None:
        return NONE
    if k == "PrimType":
        if t.name == "bool":
            return z3.BoolVal(bool(value))
        if t.name == "int":
            return z3.IntVal(int(value))
        if t.name == "Decimal":
            return z3.RealVal(str(Fraction(Decimal(value))))
        if t.name == "str":
            return string_val(value)
        raise Unsupported(f"{t.name} values")
    if k == "UnionType":
        opts = [o for o in t.options if not T.is_prim(o, "None")]
        if len(opts) != 1:
            raise Unsupported(f"union type {T.render(t)}")
        return SOpt(z3.BoolVal(True), to_sym(value, opts[0], records, enums))
    if k == "ListType" or (k == "TupleType" and t.variadic):
        elem = t.elem if k == "ListType" else t.elems[0]
        items = tuple(to_sym(x, elem, records, enums) for x in value)
        return SList(z3.IntVal(len(items)), items, 0, True)
    if k == "TupleType":
        return STuple(tuple(to_sym(x, e, records, enums) for x, e in zip(value, t.elems)))
    if k == "SetType":
        keys = tuple(to_sym(x, t.elem, records, enums) for x in value)
        return SDict(z3.IntVal(len(keys)), keys, (NONE,) * len(keys), 0, True, True)
    if k == "DictType":
        keys = tuple(to_sym(x, t.key, records, enums) for x in value)
        values = tuple(to_sym(x, t.value, records, enums) for x in value.values())
        return SDict(z3.IntVal(len(keys)), keys, values, 0, True)
    if k == "RecordType":
        rec = records[t.name]
        get = (lambda n: dict(value.fields)[n]) if isinstance(value, RecordLit) else (lambda n: getattr(value, n))
        return SRecord(t.name, tuple((f.name, to_sym(get(f.name), f.type, records, enums)) for f in rec.fields))
    if k == "EnumType":
        members = enums[t.name].members
        name = value.member if isinstance(value, EnumLit) else value.name
        return SEnum(t.name, z3.IntVal([m[0] for m in members].index(name)), tuple(members))
    raise Unsupported(f"{T.render(t)} values")
