"""Attributes and subscripts: record fields, enum members, module members, methods of builtin
types, and indexing, slicing and key lookup."""

from __future__ import annotations

import difflib

from seglam.check import types as t
from seglam.check.context import Context
from seglam.check.hints import METHOD_HINTS, is_dunder
from seglam.check.names import module_member, path_of
from seglam.check.signatures import KeysViewType, ValuesViewType, table
from seglam.check.typeops import as_dict, assignable, is_bottom
from seglam.check.values import check_int, non_optional, value
from seglam.syntax import ast


def _x_Attribute(cx: Context, node: ast.Attribute, st, expected):
    if is_dunder(node.attr):
        base = cx.expr(node.value, st)
        if not isinstance(base, t.ErrorType):
            cx.report.error("E-REFLECTION", f"`{node.attr}` is not available: no dunder attributes in Seglam",
                            node.span, "use `isinstance(x, T)` or `match` to tell types apart")
        return t.ERROR
    path = path_of(cx, node)
    if path is not None and st is not None and path in st.vars:
        cx.expr(node.value, st)
        return st.vars[path]
    base = cx.expr(node.value, st)
    return attribute_of(cx, base, node, st)


def attribute_of(cx: Context, base: t.Type, node: ast.Attribute, st) -> t.Type:
    attr = node.attr
    if is_bottom(base):
        return t.ERROR if isinstance(base, t.ErrorType) else base
    if isinstance(base, t.ModuleType):
        return module_member(cx, base.name, attr, node)
    if isinstance(base, t.ClassRefType):
        return _class_attribute(cx, base.target, node)
    if isinstance(base, t.BuiltinFnType):
        return _builtin_type_attribute(cx, base.qualname, node)
    if isinstance(base, (t.FunctionRefType, t.CallableType, t.BoundMethodType)):
        cx.report.error("E-ATTR", f"a function has no attribute `{attr}`", node.span)
        return t.ERROR
    if t.is_optional(base) or base == t.NONE:
        base = non_optional(cx, base, node.value)
        if isinstance(base, t.ErrorType):
            return base
    if isinstance(base, t.UnionType):
        results = []
        for option in base.options:
            r = _attribute_of_one(cx, option, node, quiet=True)
            if r is None:
                cx.report.error("E-ATTR", f"`{option.render()}` has no attribute `{attr}` (the value is `{base.render()}`)",
                                node.span, "narrow it first with `isinstance(x, T)` or a `match`")
                return t.ERROR
            results.append(r)
        return t.union(*results) if not any(isinstance(r, t.BoundMethodType) for r in results) else t.BoundMethodType(base, attr)
    r = _attribute_of_one(cx, base, node, quiet=False)
    return r if r is not None else t.ERROR


def _attribute_of_one(cx: Context, base: t.Type, node: ast.Attribute, quiet: bool) -> t.Type | None:
    attr = node.attr
    if isinstance(base, t.RecordType):
        info = cx.env.records.get(base.name)
        field = info.field(attr) if info else None
        if field is not None:
            return field.type
        if not quiet:
            names = [f.name for f in info.fields] if info else []
            close = difflib.get_close_matches(attr, names, n=1)
            cx.report.error("E-ATTR", f"record `{base.name}` has no field `{attr}`", node.span,
                            f"did you mean `{close[0]}`?" if close else
                            "records hold data only: write a function that takes the record")
        return None
    if isinstance(base, t.EnumType):
        info = cx.env.enums.get(base.name)
        if attr == "name":
            return t.STR
        if attr == "value":
            return info.value_type if info and info.value_type else t.INT
        if not quiet:
            hint = None
            if info and attr in info.member_names:
                hint = f"write `{base.name}.{attr}`"
            cx.report.error("E-ATTR", f"an enum member has only `.name` and `.value`, not `{attr}`", node.span, hint)
        return None
    kind = receiver_kind(base)
    if kind is not None:
        tab = table()
        if attr in tab.methods.get(kind, {}) or (kind == "Counter" and attr in tab.methods["dict"]):
            return t.BoundMethodType(base, attr)
        if attr in tab.attributes.get(kind, {}):
            return tab.attributes[kind][attr]
        if not quiet:
            hint = METHOD_HINTS.get((kind, attr))
            if hint is None and kind in ("list", "set", "tuple") and attr in tab.methods["str"]:
                hint = f"`{attr}` is a str method: apply it to each item: `[s.{attr}() for s in ...]`"
            if hint is None:
                names = list(tab.methods.get(kind, {})) + list(tab.attributes.get(kind, {}))
                close = difflib.get_close_matches(attr, names, n=1)
                hint = f"did you mean `{close[0]}`?" if close else None
            cx.report.error("E-ATTR", f"`{base.render()}` has no attribute `{attr}`", node.span, hint)
        return None
    if not quiet:
        cx.report.error("E-ATTR", f"`{base.render()}` has no attribute `{attr}`", node.span)
    return None


def _class_attribute(cx: Context, target: t.Type, node: ast.Attribute) -> t.Type:
    attr = node.attr
    if isinstance(target, t.EnumType):
        info = cx.env.enums[target.name]
        if attr in info.member_names:
            return target
        close = difflib.get_close_matches(attr, info.member_names, n=1)
        cx.report.error("E-ATTR", f"enum `{target.name}` has no member `{attr}`", node.span,
                        f"did you mean `{target.name}.{close[0]}`?" if close else None)
        return t.ERROR
    if isinstance(target, t.RecordType):
        cx.report.error("E-ATTR", f"record class `{target.name}` has no attribute `{attr}`", node.span,
                        "read fields from a record value: `p.x`")
        return t.ERROR
    if isinstance(target, t.PrimType):
        members = table().type_members.get(target.name, {})
        if attr in members and attr != target.name:
            return t.BuiltinFnType(f"{target.name}.{attr}")
        if target == t.DATE and attr == "today":
            cx.report.error("E-IO", "`date.today()` is not available: no clock in Seglam", node.span,
                            "pass today's date in as an argument")
            return t.ERROR
    cx.report.error("E-ATTR", f"`{target.render()}` has no attribute `{attr}`", node.span)
    return t.ERROR


def _builtin_type_attribute(cx: Context, qualname: str, node: ast.Attribute) -> t.Type:
    """``str.lower`` and friends: an unbound method as a one-argument function; a function
    the class itself has (``str.maketrans``): that function."""
    if node.attr in table().type_members.get(qualname, {}):
        return t.BuiltinFnType(f"{qualname}.{node.attr}")
    kind = {"str": "str", "list": "list", "dict": "dict", "set": "set"}.get(qualname)
    sigs = table().methods.get(kind, {}).get(node.attr) if kind else None
    if kind == "str" and sigs:
        sig = sigs[0]
        required = [p for p in sig.params if not p.has_default]
        if not required:
            return t.CallableType((t.STR,), sig.ret)
    hint = METHOD_HINTS.get((kind, node.attr)) if kind else None
    if hint is None and sigs:  # a method that takes arguments, used as a one-argument function
        hint = f"use a lambda: `key=lambda s: s.{node.attr}(...)`"
    cx.report.error("E-ATTR", f"`{qualname}.{node.attr}` is not available", node.span, hint)
    return t.ERROR


def _x_Subscript(cx: Context, node: ast.Subscript, st, expected):
    base = value(cx, node.value, st)
    return subscript_of(cx, base, node, st)


def subscript_of(cx: Context, base: t.Type, node: ast.Subscript, st) -> t.Type:
    if isinstance(base, t.BuiltinFnType) and base.qualname in ("list", "dict", "set", "tuple"):
        cx.report.error("E-TYPE", "a type cannot be used as a value here", node.span,
                        "to make an empty typed list write `xs: list[int] = []`")
        return t.ERROR
    if is_bottom(base):
        if isinstance(node.index, ast.Slice):
            cx.expr(node.index, st)
        else:
            value(cx, node.index, st)
        return base
    base = non_optional(cx, base, node.value)
    if isinstance(node.index, ast.Slice):
        cx.expr(node.index, st)
        if base == t.STR or isinstance(base, (t.ListType, t.SequenceType)):
            return base
        if isinstance(base, t.TupleType):
            return t.TupleType((t.union(*base.elems),), True) if (base.elems and not base.variadic) else base
        if base == t.RANGE:
            return base
        cx.report.error("E-TYPE", f"`{base.render()}` cannot be sliced", node.span)
        return t.ERROR
    d = as_dict(base)
    if d is not None:
        key = value(cx, node.index, st)
        if not assignable(key, d.key) and not is_bottom(d.key):
            cx.report.error("E-TYPE", f"dict key must be `{d.key.render()}`, not `{key.render()}`", node.index.span)
        return d.value
    if base == t.STR or isinstance(base, (t.ListType, t.SequenceType)) or base == t.RANGE:
        check_int(cx, node.index, st, "an index")
        return t.STR if base == t.STR else (t.INT if base == t.RANGE else base.elem)
    if isinstance(base, t.TupleType):
        index = node.index
        check_int(cx, index, st, "a tuple index")
        if base.variadic:
            return base.elems[0]
        const = _int_literal(index)
        if const is not None:
            n = len(base.elems)
            if -n <= const < n:
                return base.elems[const]
            cx.report.error("E-TYPE", f"tuple index {const} is out of range for `{base.render()}`", index.span)
            return t.ERROR
        return t.union(*base.elems) if base.elems else t.ERROR
    if isinstance(base, t.ClassRefType) and isinstance(base.target, t.EnumType):
        key = value(cx, node.index, st)
        if not assignable(key, t.STR):
            cx.report.error("E-TYPE", f"an enum is indexed by member name (a str), not `{key.render()}`",
                            node.index.span, f"to look a member up by value write `{base.target.name}(value)`")
        return base.target
    if isinstance(base, t.UnionType):
        value(cx, node.index, st)
        cx.report.error("E-TYPE", f"cannot index a value of type `{base.render()}`", node.span,
                        "narrow it first with `isinstance` or `match`")
        return t.ERROR
    if isinstance(node.index, ast.Slice):
        cx.expr(node.index, st)
    else:
        value(cx, node.index, st)
    hint = None
    if isinstance(base, (t.SetType, KeysViewType, ValuesViewType)):
        hint = "convert first: `list(...)` or `sorted(...)`"
    elif isinstance(base, (t.IteratorType, t.IterableType)):
        hint = "convert first: `list(...)`"
    cx.report.error("E-TYPE", f"`{base.render()}` cannot be indexed", node.span, hint)
    return t.ERROR


def _int_literal(node) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and node.op == "-" and isinstance(node.operand, ast.Constant):
        v = node.operand.value
        if isinstance(v, int) and not isinstance(v, bool):
            return -v
    return None


def receiver_kind(ty: t.Type) -> str | None:
    """Which method table applies to a value of type ``ty``."""
    if ty == t.STR:
        return "str"
    if isinstance(ty, t.ListType):
        return "list"
    if isinstance(ty, t.CounterType):
        return "Counter"
    if isinstance(ty, t.DictType):
        return "dict"
    if isinstance(ty, t.SetType):
        return "set"
    if isinstance(ty, (t.TupleType, t.SequenceType)) or ty == t.RANGE:  # a Sequence (a range) has a tuple's methods
        return "tuple"
    if isinstance(ty, t.MatchType):
        return "Match"
    if isinstance(ty, t.PatternType):
        return "Pattern"
    if ty in (t.DATE, t.TIMEDELTA, t.DECIMAL, t.INT, t.FLOAT):
        return ty.name
    return None


#: The expression rules of this module, by node class (the checker dispatches on them).
EXPR_RULES = {
    ast.Attribute: _x_Attribute,
    ast.Subscript: _x_Subscript,
}
