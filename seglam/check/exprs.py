"""Expression rules that have no concept module of their own: literals, f-strings, starred and
slice expressions, conditional expressions, ``:=``, displays and comprehensions."""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.binding import bind_name
from seglam.check.context import Context
from seglam.check.datefmt import check_literal as check_date_format
from seglam.check.env import State
from seglam.check.hints import EXPRESSIONS
from seglam.check.names import show
from seglam.check.narrowing import cond
from seglam.check.scope import walrus_names
from seglam.check.typeops import as_dict, assignable, is_bottom, iter_elem, join
from seglam.check.values import check_dict_unpack, check_int, destructure, iter_elem_or_error, require_hashable, value
from seglam.syntax import ast


def _x_Constant(cx: Context, node: ast.Constant, st, expected):
    v = node.value
    if v is None:
        return t.NONE
    if isinstance(v, bool):
        return t.BOOL
    if isinstance(v, int):
        return t.INT
    if isinstance(v, float):
        return t.FLOAT
    if isinstance(v, str):
        return t.STR
    if v is ...:
        cx.report.error("E-UNSUPPORTED", "`...` is only allowed in `tuple[T, ...]`", node.span,
                        "write the code, or `pass`")
        return t.ERROR
    return t.ERROR


def _x_UnsupportedExpr(cx: Context, node: ast.UnsupportedExpr, st, expected):
    info = EXPRESSIONS.get(node.kind)
    if info is None:
        cx.report.error("E-UNSUPPORTED", f"`{node.kind}` is not available in Seglam", node.span)
    else:
        cx.report.error(info.code, info.message, node.span, info.hint)
    return t.ERROR


def _x_JoinedStr(cx: Context, node: ast.JoinedStr, st, expected):
    for piece in node.values:
        if isinstance(piece, ast.FormattedValue):
            cx.expr(piece, st)
    return t.STR


def _x_FormattedValue(cx: Context, node: ast.FormattedValue, st, expected):
    ty = value(cx, node.value, st)
    if isinstance(ty, (t.CallableType, t.BuiltinFnType, t.BoundMethodType, t.ClassRefType)):
        cx.report.error("E-TYPE", "a function cannot be formatted", node.value.span, "call it: `f(x)`")
    if node.format_spec is not None:
        cx.expr(node.format_spec, st)
        _check_format_spec(cx, node, ty)
    return t.STR


def _check_format_spec(cx: Context, node: ast.FormattedValue, ty: t.Type) -> None:
    """`f"{x:>8.2f}"`: a spec only formats numbers, strings and dates (TypeError otherwise)."""
    if is_bottom(ty) or node.conversion is not None or not isinstance(node.format_spec, ast.JoinedStr):
        return
    pieces = node.format_spec.values
    literal = "".join(p for p in pieces if isinstance(p, str)) if all(isinstance(p, str) for p in pieces) else None
    if literal == "":
        return
    if literal is not None and ty == t.DATE:  # date.__format__ is strftime: checked as a literal format
        check_date_format(cx.report, literal, node.format_spec.span)
        return
    for o in t.options(ty):
        if o not in (t.INT, t.FLOAT, t.BOOL, t.STR, t.DECIMAL, t.DATE):
            cx.report.error("E-TYPE", f"a format spec cannot format a `{o.render()}`", node.value.span,
                            f"convert it first: `{{str({show(node.value)})}}`" if show(node.value) != "this value"
                            else "convert it first with `str(...)`")
            return
    if literal is None or not literal or not (literal[-1].isalpha() or literal[-1] == "%"):
        return
    kind = literal[-1]
    numbers = (t.INT, t.FLOAT, t.BOOL, t.DECIMAL)
    need = None
    if kind in "eEfFgG%":
        need = numbers
    elif kind in "dxXobcn":
        need = (t.INT, t.BOOL)
    elif kind == "s":
        need = (t.STR,)
    if need is not None and any(o not in need and o not in (t.DATE, t.TIMEDELTA) for o in t.options(ty)):
        cx.report.error("E-TYPE", f"format code `{kind}` cannot format a `{ty.render()}`", node.value.span,
                        "use `int(x)` for `d`, a number for `f`, or drop the type letter")


def _x_Starred(cx: Context, node: ast.Starred, st, expected):
    cx.report.error("E-UNSUPPORTED", "a starred expression is not allowed here", node.span,
                    "write the elements out, or concatenate: `xs + ys`")
    cx.expr(node.value, st)
    return t.ERROR


def _x_Slice(cx: Context, node: ast.Slice, st, expected):
    for part in (node.lower, node.upper, node.step):
        if part is not None:
            check_int(cx, part, st, "a slice bound")
    return t.ERROR


def _x_IfExp(cx: Context, node: ast.IfExp, st, expected):
    yes, no = cond(cx, node.test, st)
    a = value(cx, node.body, yes if yes is not None else st.copy(), expected)
    b = value(cx, node.orelse, no if no is not None else st.copy(), expected)
    return join(a, b)


def _x_NamedExpr(cx: Context, node: ast.NamedExpr, st, expected):
    ty = value(cx, node.value, st)
    if cx.lambda_walrus:  # as in Python, `:=` in a lambda binds a variable of that lambda
        return _lambda_named(cx, node, ty, st)
    if any(node.target.id in s for s in cx.fn.scopes):
        cx.report.error("E-SYNTAX", "assignment expression cannot rebind a comprehension or lambda variable",
                        node.span, "use a new name")
        return ty
    if cx.fn.kind != "function":
        cx.report.error("E-UNSUPPORTED", "`:=` is only allowed inside functions", node.span)
        return ty
    bind_name(cx, node.target.id, ty, st, node.target, node.value)
    cx.types[id(node.target)] = ty
    return ty


def _lambda_named(cx: Context, node: ast.NamedExpr, ty, st):
    name = node.target.id
    depth, names = cx.lambda_walrus[-1]
    if name not in names or any(name in s for s in cx.fn.scopes[depth + 1:]):
        cx.report.error("E-SYNTAX", "assignment expression cannot rebind a comprehension or lambda variable",
                        node.span, "use a new name")
        return ty
    scope = cx.fn.scopes[depth]
    scope[name] = join(scope[name], ty)
    st.vars[f"{name}#{depth}"] = ty
    cx.types[id(node.target)] = ty
    return ty


def _elements(cx: Context, elts, st, expected_elem) -> t.Type:
    elem: t.Type = t.NEVER
    for e in elts:
        if isinstance(e, ast.Starred):
            inner = value(cx, e.value, st)
            it = iter_elem(inner)
            if it is None:
                cx.report.error("E-TYPE", f"cannot unpack `{inner.render()}` with `*`", e.span)
                it = t.ERROR
            cx.types[id(e)] = inner
            elem = join(elem, it)
        else:
            elem = join(elem, value(cx, e, st, expected_elem))
    return elem


def _x_ListExpr(cx: Context, node: ast.ListExpr, st, expected):
    exp = expected.elem if isinstance(expected, t.ListType) else None
    elem = _elements(cx, node.elts, st, exp)
    if exp is not None and assignable(elem, exp):
        return t.ListType(exp)
    return t.ListType(elem)


def _x_SetExpr(cx: Context, node: ast.SetExpr, st, expected):
    exp = expected.elem if isinstance(expected, t.SetType) else None
    elem = _elements(cx, node.elts, st, exp)
    require_hashable(cx, elem, node)
    if exp is not None and assignable(elem, exp):
        return t.SetType(exp)
    return t.SetType(elem)


def _x_TupleExpr(cx: Context, node: ast.TupleExpr, st, expected):
    if any(isinstance(e, ast.Starred) for e in node.elts):
        return t.TupleType((_elements(cx, node.elts, st, None),), True)
    exp = expected.elems if isinstance(expected, t.TupleType) and not expected.variadic and len(expected.elems) == len(node.elts) else None
    elems = tuple(value(cx, e, st, exp[i] if exp else None) for i, e in enumerate(node.elts))
    return t.TupleType(elems)


def _x_DictExpr(cx: Context, node: ast.DictExpr, st, expected):
    ek = expected.key if isinstance(expected, t.DictType) else None
    ev = expected.value if isinstance(expected, t.DictType) else None
    key: t.Type = t.NEVER
    val: t.Type = t.NEVER
    for k, v in zip(node.keys, node.values):
        if k is None:
            other = value(cx, v, st)
            d = as_dict(other)
            if d is None:
                if not is_bottom(other):
                    cx.report.error("E-TYPE", f"`**` needs a dict, not `{other.render()}`", v.span)
                continue
            key, val = join(key, d.key), join(val, d.value)
            continue
        key = join(key, value(cx, k, st, ek))
        val = join(val, value(cx, v, st, ev))
    require_hashable(cx, key, node)
    if ek is not None and ev is not None and assignable(key, ek) and assignable(val, ev):
        return t.DictType(ek, ev)
    return t.DictType(key, val)


def _comprehension_scope(cx: Context, generators, st: State) -> tuple[dict, State]:
    scope: dict[str, t.Type] = {}
    cx.fn.scopes.append(scope)
    current = st.copy()
    for gen in generators:
        it = value(cx, gen.iter, current)
        elem = iter_elem_or_error(cx, it, gen.iter)
        elem = check_dict_unpack(cx, gen.target, it, elem, gen.iter)
        _bind_scope_target(cx, gen.target, elem, scope, current)
        for test in gen.ifs:
            yes, _ = cond(cx, test, current)
            current = yes if yes is not None else current
    return scope, current


def _bind_scope_target(cx: Context, target, elem: t.Type, scope: dict, st: State) -> None:
    depth = len(cx.fn.scopes) - 1
    for name, ty, node in destructure(cx, target, elem):
        scope[name] = ty
        st.vars.pop(f"{name}#{depth}", None)
        if node is not None:
            cx.types[id(node)] = ty


def _comp(cx: Context, node, st, elt_fn):
    scope, inner = _comprehension_scope(cx, node.generators, st)
    try:
        return elt_fn(inner)
    finally:
        cx.fn.scopes.pop()
        # A walrus inside binds in the function; it may or may not have run.
        for name in walrus_names(node):
            if name in st.vars and cx.fn.kind == "function":
                st.vars[name] = cx.fn.declared.get(name, st.vars[name])


# A comprehension's element is typed against the element type expected where it is written,
# as a display's are (`[lambda x: x + i for i in range(3)]` as a `list[Callable[[int], int]]`).

def _expected_elem(expected, kind) -> t.Type | None:
    return expected.elem if isinstance(expected, kind) else None


def _as_expected(elem: t.Type, exp: t.Type | None) -> t.Type:
    return exp if exp is not None and assignable(elem, exp) else elem


def _x_ListComp(cx: Context, node: ast.ListComp, st, expected):
    exp = _expected_elem(expected, t.ListType)
    return t.ListType(_as_expected(_comp(cx, node, st, lambda s: value(cx, node.elt, s, exp)), exp))


def _x_SetComp(cx: Context, node: ast.SetComp, st, expected):
    exp = _expected_elem(expected, t.SetType)
    elem = _as_expected(_comp(cx, node, st, lambda s: value(cx, node.elt, s, exp)), exp)
    require_hashable(cx, elem, node)
    return t.SetType(elem)


def _x_GeneratorExp(cx: Context, node: ast.GeneratorExp, st, expected):
    exp = _expected_elem(expected, t.IteratorType)
    return t.IteratorType(_as_expected(_comp(cx, node, st, lambda s: value(cx, node.elt, s, exp)), exp))


def _x_DictComp(cx: Context, node: ast.DictComp, st, expected):
    ek = expected.key if isinstance(expected, t.DictType) else None
    ev = expected.value if isinstance(expected, t.DictType) else None

    def both(s):
        return value(cx, node.key, s, ek), value(cx, node.value, s, ev)

    k, v = _comp(cx, node, st, both)
    require_hashable(cx, k, node)
    if ek is not None and ev is not None and assignable(k, ek) and assignable(v, ev):
        return t.DictType(ek, ev)
    return t.DictType(k, v)


#: The expression rules of this module, by node class (the checker dispatches on them).
EXPR_RULES = {
    ast.Constant: _x_Constant,
    ast.UnsupportedExpr: _x_UnsupportedExpr,
    ast.JoinedStr: _x_JoinedStr,
    ast.FormattedValue: _x_FormattedValue,
    ast.Starred: _x_Starred,
    ast.Slice: _x_Slice,
    ast.IfExp: _x_IfExp,
    ast.NamedExpr: _x_NamedExpr,
    ast.ListExpr: _x_ListExpr,
    ast.SetExpr: _x_SetExpr,
    ast.TupleExpr: _x_TupleExpr,
    ast.DictExpr: _x_DictExpr,
    ast.ListComp: _x_ListComp,
    ast.SetComp: _x_SetComp,
    ast.GeneratorExp: _x_GeneratorExp,
    ast.DictComp: _x_DictComp,
}
