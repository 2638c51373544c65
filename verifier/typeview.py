"""A duck-typed view of Seglam types.

The verifier reads types from the checker (``seglam.check.types``). These helpers only look
at a type's class name and fields, so they work with the checker's classes and with the
fallback classes below (used when a module is read straight from its syntax tree).
"""

from __future__ import annotations

from dataclasses import dataclass

from seglam.syntax import ast as A

PRIMS = ("bool", "int", "float", "str", "None", "Decimal", "date", "timedelta")


def kind(t: object) -> str:
    """The type's constructor: "PrimType", "ListType", "RecordType", ..."""
    return type(t).__name__


def is_prim(t: object, name: str) -> bool:
    return kind(t) == "PrimType" and getattr(t, "name", None) == name


def render(t: object) -> str:
    """Python annotation text for ``t``."""
    r = getattr(t, "render", None)
    return r() if callable(r) else repr(t)


# ---- fallback type classes (same shapes as seglam.check.types) ---------------------------


@dataclass(frozen=True)
class PrimType:
    name: str

    def render(self) -> str:
        return self.name


@dataclass(frozen=True)
class ListType:
    elem: object

    def render(self) -> str:
        return f"list[{render(self.elem)}]"


@dataclass(frozen=True)
class SetType:
    elem: object

    def render(self) -> str:
        return f"set[{render(self.elem)}]"


@dataclass(frozen=True)
class DictType:
    key: object
    value: object

    def render(self) -> str:
        return f"dict[{render(self.key)}, {render(self.value)}]"


@dataclass(frozen=True)
class TupleType:
    elems: tuple
    variadic: bool = False

    def render(self) -> str:
        if self.variadic:
            return f"tuple[{render(self.elems[0])}, ...]"
        return "tuple[" + ", ".join(render(e) for e in self.elems) + "]" if self.elems else "tuple[()]"


@dataclass(frozen=True)
class UnionType:
    options: tuple

    def render(self) -> str:
        return " | ".join(render(o) for o in self.options)


@dataclass(frozen=True)
class RecordType:
    name: str

    def render(self) -> str:
        return self.name


@dataclass(frozen=True)
class EnumType:
    name: str

    def render(self) -> str:
        return self.name


@dataclass(frozen=True)
class AnyType:
    def render(self) -> str:
        return "Any"


class UnknownAnnotation(Exception):
    """An annotation the fallback reader does not understand."""


def from_annotation(expr: A.Expr | None, records: frozenset[str], enums: frozenset[str]) -> object:
    """The type an annotation expression names (fallback reader; the checker is authoritative)."""
    if expr is None:
        raise UnknownAnnotation("missing annotation")
    if isinstance(expr, A.Constant) and expr.value is None:
        return PrimType("None")
    if isinstance(expr, A.Name):
        if expr.id in PRIMS:
            return PrimType(expr.id)
        if expr.id in records:
            return RecordType(expr.id)
        if expr.id in enums:
            return EnumType(expr.id)
        raise UnknownAnnotation(expr.id)
    if isinstance(expr, A.Attribute) and expr.attr in ("Decimal", "date", "timedelta"):
        return PrimType(expr.attr)
    if isinstance(expr, A.BinOp) and expr.op == "|":
        left = from_annotation(expr.left, records, enums)
        right = from_annotation(expr.right, records, enums)
        opts: list = []
        for side in (left, right):
            for o in (side.options if kind(side) == "UnionType" else (side,)):
                if o not in opts:
                    opts.append(o)
        return UnionType(tuple(opts))
    if isinstance(expr, A.Subscript) and isinstance(expr.value, A.Name):
        head = expr.value.id
        args = expr.index.elts if isinstance(expr.index, A.TupleExpr) else (expr.index,)
        if head == "list" and len(args) == 1:
            return ListType(from_annotation(args[0], records, enums))
        if head == "set" and len(args) == 1:
            return SetType(from_annotation(args[0], records, enums))
        if head == "dict" and len(args) == 2:
            return DictType(from_annotation(args[0], records, enums), from_annotation(args[1], records, enums))
        if head == "tuple":
            if len(args) == 2 and isinstance(args[1], A.Constant) and args[1].value is Ellipsis:
                return TupleType((from_annotation(args[0], records, enums),), True)
            return TupleType(tuple(from_annotation(a, records, enums) for a in args))
        if head == "Optional" and len(args) == 1:
            return UnionType((from_annotation(args[0], records, enums), PrimType("None")))
    raise UnknownAnnotation(type(expr).__name__)
