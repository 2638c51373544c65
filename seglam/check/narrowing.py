"""Conditions and narrowing: the states where a test is true and where it is false.

`x is None` / `is not None`, truthiness, `isinstance`, `and`/`or`/`not`, and walrus targets
narrow locals, comprehension variables and record-field paths (`p.next`); records are
immutable, so a narrowed field path stays valid until its root is reassigned.
"""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.context import Context
from seglam.check.env import State, merge_all
from seglam.check.names import path_of
from seglam.check.typeops import as_dict, is_bottom
from seglam.check.values import value
from seglam.syntax import ast


_CLASS_NAMES = {"int": t.INT, "float": t.FLOAT, "str": t.STR, "bool": t.BOOL}


_COLLECTION_CLASSES = {"list": t.ListType, "dict": t.DictType, "set": t.SetType, "tuple": t.TupleType}


def cond(cx: Context, node, st: State) -> tuple[State | None, State | None]:
    """Type ``node`` as a condition; the states where it is true and where it is false."""
    if isinstance(node, ast.BoolOp):
        cx.types[id(node)] = t.BOOL
        current: State | None = st
        others: list[State | None] = []
        for part in node.values:
            if current is None:
                current = st.copy()
            yes, no = cond(cx, part, current)
            if node.op == "and":
                others.append(no)
                current = yes
            else:
                others.append(yes)
                current = no
        rest = merge_all(others)
        cx.types[id(node)] = _bool_op_type(cx, node)
        return (current, rest) if node.op == "and" else (rest, current)
    if isinstance(node, ast.UnaryOp) and node.op == "not":
        yes, no = cond(cx, node.operand, st)
        cx.types[id(node)] = t.BOOL
        return no, yes
    if isinstance(node, ast.Constant) and node.value in (True, 1) and not isinstance(node.value, float):
        cx.expr(node, st)
        return st, None
    if isinstance(node, ast.Constant) and node.value is False:
        cx.expr(node, st)
        return None, st
    ty = value(cx, node, st)
    if isinstance(ty, (t.CallableType, t.BuiltinFnType, t.BoundMethodType, t.FunctionRefType)):
        cx.report.error("E-TYPE", "a function is always true in a condition", node.span, "call it: `f(x)`")
    yes, no = st.copy(), st.copy()
    narrow(cx, node, yes, no)
    return yes, no


def _bool_op_type(cx: Context, node) -> t.Type:
    parts = [cx.types.get(id(v), t.ERROR) for v in node.values]
    if all(p == t.BOOL for p in parts):
        return t.BOOL
    if node.op == "or":
        return t.union(*[t.strip_none(p) for p in parts[:-1]], parts[-1])
    return t.union(*[falsy_part(p) for p in parts[:-1]], parts[-1])


def narrow(cx: Context, node, yes: State, no: State) -> None:
    """Refine ``yes``/``no`` in place from an already-typed condition ``node``."""
    if isinstance(node, ast.NamedExpr):
        _narrow_truthy(cx, node.target, yes, no)
        return
    if isinstance(node, (ast.Name, ast.Attribute)):
        _narrow_truthy(cx, node, yes, no)
        return
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        op, right = node.ops[0], node.comparators[0]
        left = node.left
        if isinstance(right, ast.Constant) and right.value is None and op in ("is", "is not", "==", "!="):
            target = left.target if isinstance(left, ast.NamedExpr) else left
            positive = op in ("is not", "!=")
            _narrow_none(cx, target, yes if positive else no, no if positive else yes)
            return
        if isinstance(left, ast.Constant) and left.value is None and op in ("is", "is not"):
            positive = op == "is not"
            _narrow_none(cx, right, yes if positive else no, no if positive else yes)
        if op in ("is", "==") and isinstance(right, ast.Attribute):
            pass
        return
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance"
            and len(node.args) == 2 and not node.keywords):
        _narrow_isinstance(cx, node.args[0], node.args[1], yes, no)


def _current(cx: Context, target, st: State) -> t.Type | None:
    path = path_of(cx, target)
    if path is None:
        return None
    if path in st.vars:
        return st.vars[path]
    return cx.types.get(id(target))


def _set_path(cx: Context, target, st: State, ty: t.Type) -> None:
    path = path_of(cx, target)
    if path is not None and (path in st.vars or "." in path or "#" in path):
        st.vars[path] = ty


def _narrow_none(cx: Context, target, not_none: State, is_none: State) -> None:
    ty = _current(cx, target, not_none)
    if ty is None:
        return
    _set_path(cx, target, not_none, t.strip_none(ty) if ty != t.NONE else t.NEVER)
    if t.NONE in t.options(ty):
        _set_path(cx, target, is_none, t.NONE)


def _narrow_truthy(cx: Context, target, yes: State, no: State) -> None:
    ty = _current(cx, target, yes)
    if ty is None:
        return
    if t.NONE in t.options(ty):
        _set_path(cx, target, yes, t.strip_none(ty))
        falsy = falsy_part(ty)
        _set_path(cx, target, no, falsy)


def _narrow_isinstance(cx: Context, target, classinfo, yes: State, no: State) -> None:
    ty = _current(cx, target, yes)
    if ty is None:
        return
    preds = class_predicates(cx, classinfo)
    if preds is None:
        return
    keep = [o for o in t.options(ty) if any(p(o) for p in preds)]
    drop = [o for o in t.options(ty) if not any(p(o) for p in preds)]
    _set_path(cx, target, yes, t.union(*keep) if keep else t.NEVER)
    _set_path(cx, target, no, t.union(*drop) if drop else t.NEVER)


def class_predicates(cx: Context, classinfo):
    """Predicates over types for an ``isinstance`` class argument (None if invalid)."""
    items = classinfo.elts if isinstance(classinfo, ast.TupleExpr) else (classinfo,)
    preds = []
    for item in items:
        ty = cx.types.get(id(item))
        if isinstance(ty, t.ClassRefType):
            target = ty.target
            preds.append(lambda o, target=target: o == target)
        elif isinstance(ty, t.BuiltinFnType) and ty.qualname in _CLASS_NAMES:
            cls = _CLASS_NAMES[ty.qualname]
            if cls == t.INT:
                preds.append(lambda o: o in (t.INT, t.BOOL))
            else:
                preds.append(lambda o, cls=cls: o == cls)
        elif isinstance(ty, t.BuiltinFnType) and ty.qualname in _COLLECTION_CLASSES:
            kind = _COLLECTION_CLASSES[ty.qualname]
            if kind is t.DictType:
                preds.append(lambda o: as_dict(o) is not None)
            else:
                preds.append(lambda o, kind=kind: isinstance(o, kind))
        elif ty == t.NONE:
            preds.append(lambda o: o == t.NONE)
        else:
            return None
    return preds


def falsy_part(ty: t.Type) -> t.Type:
    """The part of ``ty`` that can be falsy (records and enum members are always true)."""
    if is_bottom(ty):
        return ty
    keep = [o for o in t.options(ty) if not isinstance(o, (t.RecordType, t.EnumType, t.MatchType))]
    return t.union(*keep) if keep else t.NEVER
