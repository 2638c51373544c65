"""Expressions whose value is used: the checks every value goes through (no module or function
reference as a value, no possible None where one is not allowed, ints where ints are needed,
hashable keys), and what iterating or unpacking a value gives."""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.checked import def_callable
from seglam.check.context import Context
from seglam.check.env import State
from seglam.check.names import show
from seglam.check.typeops import as_dict, assignable, hashable, is_bottom, iter_elem
from seglam.syntax import ast


#: Names that only declare (a decorator, a field's default, an enum's base or member
#: value): neither backend has a value for them, so using one as a value is refused here,
#: by qualified name: (code, message, hint).
DECLARING_NAMES: dict[str, tuple[str, str, str]] = {
    "requires": ("E-CONTRACT", "`requires` is a decorator, not a value", "write `@requires(lambda ...: ...)` above a function"),
    "ensures": ("E-CONTRACT", "`ensures` is a decorator, not a value", "write `@ensures(lambda ..., result: ...)` above a function"),
    "dataclasses.dataclass": ("E-TYPE", "`dataclass` is a class decorator, not a value",
                              "write `@dataclass(frozen=True)` above a class of annotated fields"),
    "dataclasses.field": ("E-TYPE", "`field` gives a record field its default, it is not a value",
                          "write `items: list[int] = field(default_factory=list)` in a record"),
    "enum.Enum": ("E-TYPE", "`Enum` is a base class, not a value", "write `class Color(Enum):` with its members"),
    "enum.auto": ("E-TYPE", "`auto` gives an enum member its value, it is not a value", "write `RED = auto()` in an Enum class"),
}


def value(cx: Context, node, st: State, expected: t.Type | None = None, what: str | None = None) -> t.Type:
    """An expression whose value is used: module/function/class references are errors."""
    ty = cx.expr(node, st, expected)
    if isinstance(ty, t.ModuleType):
        cx.report.error("E-TYPE", f"module `{ty.name}` cannot be used as a value", node.span)
        return t.ERROR
    if isinstance(ty, t.BuiltinFnType) and ty.qualname in DECLARING_NAMES:
        code, message, hint = DECLARING_NAMES[ty.qualname]
        cx.report.error(code, message, node.span, hint)
        return t.ERROR
    if isinstance(ty, t.FunctionRefType):
        info = cx.env.functions.get(ty.name)
        if info is None:
            return t.ERROR
        return def_callable(info.params, info.returns)
    return ty


def non_optional(cx: Context, ty: t.Type, node, what: str | None = None) -> t.Type:
    """Report E-OPTIONAL when ``ty`` may be None; continue with the non-None part."""
    if t.is_optional(ty):
        name = what or show(node)
        subject = f"`{name}`" if name != "this value" else "this value"
        cx.report.error(
            "E-OPTIONAL", f"{subject} may be None here (its type is `{ty.render()}`)", node.span,
            f"check first: `if {name} is not None:`" if name != "this value" else
            "check for None first (`if x is not None:`), or give a default: `d.get(k, 0)`")
        return t.strip_none(ty)
    if ty == t.NONE:
        cx.report.error("E-OPTIONAL", f"`{show(node)}` is always None here", node.span)
        return t.ERROR
    return ty


def check_int(cx: Context, node, st, what: str) -> None:
    ty = value(cx, node, st)
    if ty == t.NONE:
        return
    ty = non_optional(cx, ty, node) if what != "a slice bound" else t.strip_none(ty)
    if not assignable(ty, t.INT):
        hint = None
        if ty == t.FLOAT:
            hint = "use `//` for integer division, or convert with `int(x)`"
        elif ty == t.STR:
            hint = "convert with `int(s)`"
        cx.report.error("E-TYPE", f"{what} must be an int, not `{ty.render()}`", node.span, hint)


def require_hashable(cx: Context, elem: t.Type, node) -> None:
    if not hashable(elem):
        cx.report.error("E-TYPE", f"`{elem.render()}` cannot be a set element or dict key (it is mutable)",
                        node.span, "use a tuple instead of a list (`tuple(xs)`), or a sorted tuple instead of a set")


def check_dict_unpack(cx: Context, target, it: t.Type, elem: t.Type, iter_node) -> t.Type:
    """`for k, v in d:` iterates over keys only: explain it once, at the loop."""
    if (isinstance(target, (ast.TupleExpr, ast.ListExpr)) and len(target.elts) == 2 and as_dict(it) is not None
            and not isinstance(elem, t.TupleType) and not is_bottom(elem)):
        name = show(iter_node)
        cx.report.error("E-TYPE", "looping over a dict gives its keys only", iter_node.span,
                        f"for keys and values write `{name}.items()`" if name != "this value"
                        else "for keys and values use `.items()`")
        return t.ERROR
    return elem


def iter_elem_or_error(cx: Context, it: t.Type, node) -> t.Type:
    if t.is_optional(it):
        it = non_optional(cx, it, node)
    elem = iter_elem(it)
    if elem is None:
        hint = "use `range(n)` to loop over numbers" if it in (t.INT, t.FLOAT) else None
        if isinstance(it, t.RecordType):
            hint = "records are not iterable: loop over one of its fields"
        cx.report.error("E-TYPE", f"`{it.render()}` is not iterable", node.span, hint)
        return t.ERROR
    return elem


def unpacked_types(cx: Context, target, ty: t.Type) -> list[t.Type]:
    """The type each item of ``target`` (a tuple or list of targets, one of them maybe
    starred) takes when ``ty`` is unpacked into it: by position for a fixed tuple (a starred
    name gets a list of the middle items' union), else the element type; one rule for
    assignments, ``for`` targets and comprehension clauses."""
    elts = target.elts
    star = any(isinstance(e, ast.Starred) for e in elts)
    if is_bottom(ty):
        return [ty] * len(elts)
    if isinstance(ty, t.TupleType) and not ty.variadic:
        if not star:
            if len(ty.elems) != len(elts):
                cx.report.error("E-TYPE", f"cannot unpack `{ty.render()}` ({len(ty.elems)} values) into "
                                f"{len(elts)} names", target.span)
                return [t.ERROR] * len(elts)
            return list(ty.elems)
        i = next(i for i, e in enumerate(elts) if isinstance(e, ast.Starred))
        after = len(elts) - i - 1
        if len(ty.elems) < len(elts) - 1:
            cx.report.error("E-TYPE", f"cannot unpack `{ty.render()}` into {len(elts)} names", target.span)
            return [t.ERROR] * len(elts)
        middle = ty.elems[i:len(ty.elems) - after]
        return list(ty.elems[:i]) + [t.ListType(t.union(*middle) if middle else t.NEVER)] + list(ty.elems[len(ty.elems) - after:])
    if t.is_optional(ty):
        ty = non_optional(cx, ty, target)
    elem = iter_elem(ty)
    if elem is None:
        cx.report.error("E-TYPE", f"cannot unpack `{ty.render()}`", target.span)
        return [t.ERROR] * len(elts)
    return [t.ListType(elem) if isinstance(e, ast.Starred) else elem for e in elts]


def destructure(cx: Context, target, ty: t.Type):
    """(name, type, name node) for each name bound by assigning ``ty`` to ``target``."""
    if isinstance(target, ast.Name):
        return [(target.id, ty, target)]
    if isinstance(target, (ast.TupleExpr, ast.ListExpr)):
        out = []
        cx.types[id(target)] = ty
        for e, part in zip(target.elts, unpacked_types(cx, target, ty)):
            inner = e.value if isinstance(e, ast.Starred) else e
            out.extend(destructure(cx, inner, part))
            cx.types[id(e)] = part
        return out
    if isinstance(target, ast.Starred):
        return destructure(cx, target.value, ty)
    cx.report.error("E-UNSUPPORTED", "a loop or comprehension variable must be a name or a tuple of names", target.span)
    return []
