"""Assignment and local type inference: binding names (with narrowing to the assigned value),
unpacking, item and attribute assignment, widening an unannotated local's inferred type, and the
frozen arguments and constants that must not be mutated."""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.context import Context
from seglam.check.env import State
from seglam.check.hints import is_dunder
from seglam.check.lambdas import Arg
from seglam.check.names import show
from seglam.check.typeops import as_dict, assignable, has_error, is_bottom, iter_elem, join
from seglam.check.values import non_optional, require_hashable, unpacked_types, value
from seglam.syntax import ast


def assign(cx: Context, target, ty: t.Type, st: State, value_node) -> None:
    if isinstance(target, ast.Name):
        if cx.fn.kind != "function":
            return
        bind_name(cx, target.id, ty, st, target, value_node)
    elif isinstance(target, (ast.TupleExpr, ast.ListExpr)):
        cx.types[id(target)] = ty
        parts = unpacked_types(cx, target, ty)
        for elt, part in zip(target.elts, parts):
            inner = elt.value if isinstance(elt, ast.Starred) else elt
            if isinstance(elt, ast.Starred):
                cx.types[id(elt)] = part
            assign(cx, inner, part, st, None)
    elif isinstance(target, ast.Attribute):
        base = value(cx, target.value, st)
        attribute_assign_error(cx, target, base)
    elif isinstance(target, ast.Subscript):
        container = value(cx, target.value, st)
        item_assign(cx, target, container, ty, st)
    else:
        cx.report.error("E-SYNTAX", "cannot assign to this expression", target.span)


def attribute_assign_error(cx: Context, target: ast.Attribute, base: t.Type) -> None:
    if is_bottom(base):
        return
    if any(isinstance(o, t.RecordType) for o in t.options(base)):
        cx.report.error("E-FROZEN", f"record fields cannot be assigned: `{show(target)}`", target.span,
                        f"records are immutable: make an updated copy with "
                        f"`dataclasses.replace({show(target.value)}, {target.attr}=...)`")
        return
    cx.report.error("E-TYPE", f"cannot assign to attribute `{target.attr}` of `{base.render()}`", target.span)


def item_assign(cx: Context, target: ast.Subscript, container: t.Type, ty: t.Type, st: State,
                evaluated_index: bool = False) -> None:
    cx.types[id(target)] = ty
    index = cx.types.get(id(target.index)) if evaluated_index else None
    if index is None:
        index = cx.expr(target.index, st) if isinstance(target.index, ast.Slice) else value(cx, target.index, st)
    if is_bottom(container):
        return
    container = non_optional(cx, container, target.value)
    check_mutation(cx, target.value, st, "item assignment", container)
    d = as_dict(container)
    if d is not None:
        require_hashable(cx, index, target.index)
        if not is_bottom(d.key) and not assignable(index, d.key):
            cx.report.error("E-TYPE", f"dict key must be `{d.key.render()}`, not `{index.render()}`", target.index.span)
        if not is_bottom(d.value) and not assignable(ty, d.value):
            cx.report.error("E-TYPE", f"cannot store `{ty.render()}` in a `{container.render()}`", target.span)
        contribute_to(cx, target.value, t.DictType(index, ty), st)
        return
    if isinstance(container, t.ListType):
        if isinstance(target.index, ast.Slice):
            elem = iter_elem(ty)
            if elem is None or (not is_bottom(container.elem) and not assignable(elem, container.elem)):
                cx.report.error("E-TYPE", f"cannot assign `{ty.render()}` to a slice of `{container.render()}`", target.span)
            return
        if not assignable(index, t.INT):
            cx.report.error("E-TYPE", f"a list index must be an int, not `{index.render()}`", target.index.span)
        if not is_bottom(container.elem) and not assignable(ty, container.elem):
            cx.report.error("E-TYPE", f"cannot store `{ty.render()}` in a `{container.render()}`", target.span)
        contribute_to(cx, target.value, t.ListType(ty), st)
        return
    if container == t.STR:
        cx.report.error("E-TYPE", "strings are immutable", target.span,
                        "build a new string, e.g. `s[:i] + c + s[i + 1:]`, or work on `list(s)` and `\"\".join(...)`")
        return
    if isinstance(container, t.TupleType):
        cx.report.error("E-TYPE", "tuples are immutable", target.span, "use a list, or build a new tuple")
        return
    cx.report.error("E-TYPE", f"`{container.render()}` does not support item assignment", target.span)


def bind_name(cx: Context, name: str, ty: t.Type, st: State, node, value_node) -> None:
    ctx = cx.fn
    if is_dunder(name):
        cx.report.error("E-REFLECTION", "dunder names are not available", node.span)
    cx.types[id(node)] = ty
    if ctx.kind != "function":
        return
    if name in ctx.annotated:
        declared = ctx.declared.get(name, t.ERROR)
        ty = lambda_as(cx, ty, declared, node, st)
        if not assignable(ty, declared):
            if t.is_optional(ty) and assignable(t.strip_none(ty), declared):
                cx.report.error("E-OPTIONAL", f"`{show(value_node) if value_node is not None else name}` may be None, "
                                f"but `{name}` is `{declared.render()}`", node.span,
                                f"check for None first, or annotate `{name}: {t.optional(declared).render()}`")
            else:
                what = "parameter" if name in ctx.params else "variable"
                cx.report.error("E-TYPE", f"cannot assign `{ty.render()}` to {what} `{name}` of type "
                                f"`{declared.render()}`", node.span,
                                "use a new name for a value of a different type")
    else:
        contribute(cx, name, ty)
    declared = ctx.declared.get(name, ty)
    st.vars[name] = narrow_to(declared, ty)
    st.vars.drop_paths(name)
    # Only a parameter itself is frozen at check time; an alias of one (`ys = xs`) is
    # frozen at run time (F-FROZEN), which the checker does not track.
    st.frozen.discard(name)


def lambda_as(cx: Context, got: t.Type, want: t.Type, node, st: State) -> t.Type:
    """A stored lambda used where a `Callable[[A], R]` is declared: type its body now; also
    the lambdas a list, set, dict or tuple holds (`fs = [lambda x: x + i for i in ...]`
    returned as a `list[Callable[[int], int]]`)."""
    if isinstance(got, t.LambdaRefType):
        target = next((o for o in t.options(want) if isinstance(o, t.CallableType)), None)
        if target is None:
            return got
        ret = cx.call(got, [Arg(node, p) for p in target.params], node, st)
        return t.CallableType(target.params, ret)
    if isinstance(got, t.UnionType) and any(isinstance(o, t.LambdaRefType) for o in got.options):
        return t.union(*(lambda_as(cx, o, want, node, st) for o in got.options))
    if isinstance(got, (t.ListType, t.SetType, t.IteratorType)):
        shape = next((o for o in t.options(want) if type(o) is type(got)), None)
        inner = lambda_as(cx, got.elem, shape.elem, node, st) if shape is not None else got.elem
        return got if inner is got.elem else type(got)(inner)
    if isinstance(got, t.DictType):
        shape = next((o for o in t.options(want) if isinstance(o, t.DictType)), None)
        inner = lambda_as(cx, got.value, shape.value, node, st) if shape is not None else got.value
        return got if inner is got.value else t.DictType(got.key, inner)
    if isinstance(got, t.TupleType) and not got.variadic:
        shape = next((o for o in t.options(want) if isinstance(o, t.TupleType) and not o.variadic
                      and len(o.elems) == len(got.elems)), None)
        if shape is not None:
            elems = tuple(lambda_as(cx, g, w, node, st) for g, w in zip(got.elems, shape.elems))
            return got if elems == got.elems else t.TupleType(elems)
    return got


def contribute(cx: Context, name: str, ty: t.Type, fill_only: bool = False) -> None:
    """Widen the inferred type of local ``name`` to hold ``ty`` (assignments), or with
    ``fill_only`` just fill in still-unknown element types (`result = []` + `.append(x)`)."""
    ctx = cx.fn
    if ctx.kind != "function" or name not in ctx.locals or name in ctx.annotated:
        return
    if has_error(ty):
        # An error is reported where it happened; it must not turn the local's type into
        # an error type that silences the next pass (and with it the report).
        return
    old = ctx.declared.get(name, t.NEVER)
    new = fill(old, ty) if fill_only else join(old, ty)
    if new != old:
        ctx.declared[name] = new
        ctx.changed = True


def contribute_to(cx: Context, node, container: t.Type, st: State) -> None:
    """Widen the local at the root of ``node`` so that it can hold ``container``."""
    if isinstance(node, ast.Name):
        contribute(cx, node.id, container, fill_only=True)
        return
    if isinstance(node, ast.Subscript):
        outer = cx.types.get(id(node.value))
        index = cx.types.get(id(node.index), t.ERROR)
        if outer is None:
            return
        if as_dict(outer) is not None:
            contribute_to(cx, node.value, t.DictType(index, container), st)
        elif isinstance(outer, t.ListType):
            contribute_to(cx, node.value, t.ListType(container), st)
        return
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault"
            and len(node.args) == 2):
        key = cx.types.get(id(node.args[0]), t.ERROR)
        contribute_to(cx, node.func.value, t.DictType(key, container), st)


def root_name(cx: Context, node) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Subscript) and isinstance(node.index, ast.Slice):
            return None
        node = node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("items", "values", "keys"):
        return root_name(cx, node.func.value)
    return node.id if isinstance(node, ast.Name) else None


def is_frozen_expr(cx: Context, node, st: State) -> bool:
    name = root_name(cx, node)
    if name is None:
        return False
    if any(name in s for s in cx.fn.scopes):
        return name in st.frozen
    if cx.fn.kind == "function" and name in cx.fn.locals:
        return name in st.frozen
    return _is_global_constant(cx, name)


def _is_global_constant(cx: Context, name: str) -> bool:
    ctx = cx.fn
    while ctx is not None:
        if ctx.kind == "function" and name in ctx.locals:
            return False
        ctx = ctx.parent
    return name in cx.env.constants


def check_mutation(cx: Context, receiver, st: State, what: str, ty: t.Type) -> None:
    if not is_frozen_expr(cx, receiver, st):
        return
    root = root_name(cx, receiver)
    copy = {t.ListType: "list", t.SetType: "set", t.DictType: "dict", t.CounterType: "dict"}.get(type(ty), "list")
    if _is_global_constant(cx, root) and not (cx.fn.kind == "function" and root in st.frozen):
        cx.report.error("E-FROZEN", f"module constant `{root}` is frozen: {what} would change it", receiver.span,
                        f"module constants are frozen: copy first: `{root.lower()} = {copy}({root})`")
        return
    source = "an argument" if root in cx.fn.params else "part of an argument or constant"
    hint = f"arguments are frozen: copy first: `{root} = {copy}({root})`"
    if root in cx.fn.params and cx.fn.returns == t.NONE:
        # changing an argument is what a `-> None` function is for: a copy would be lost
        # when it returns (a DFS's `visited`), so say how the change gets back to the caller
        hint = (f"arguments are frozen, and a copy would be lost when `{cx.fn.name}` returns: return the "
                f"updated value instead (`{root} = {copy}({root})` ... `return {root}`, the caller "
                f"keeping what it returns), or make `{cx.fn.name}` a nested function that changes a "
                f"local of its caller")
    cx.report.error("E-FROZEN", f"`{show(receiver)}` is {source} and is frozen: {what} would change it",
                    receiver.span, hint)


def narrow_to(declared: t.Type, value: t.Type) -> t.Type:
    """The type a local has right after ``value`` is assigned to it (mypy's assignment
    narrowing): the options of its declared type that the value fits."""
    if is_bottom(declared) or is_bottom(value):
        return declared if not is_bottom(declared) else value
    if not isinstance(declared, t.UnionType):
        return declared
    keep = [o for o in declared.options if any(assignable(v, o) for v in t.options(value))]
    return t.union(*keep) if keep else value


def fill(old: t.Type, new: t.Type) -> t.Type:
    """``old`` with its unknown (Never) parts taken from ``new``; known parts stay as they are."""
    if isinstance(old, t.NeverType):
        return new
    if isinstance(old, t.UnionType):
        return t.union(*(fill(o, n) for o in old.options for n in (new,)))
    if isinstance(old, t.ListType) and isinstance(new, t.ListType):
        return t.ListType(fill(old.elem, new.elem))
    if isinstance(old, t.SetType) and isinstance(new, t.SetType):
        return t.SetType(fill(old.elem, new.elem))
    if isinstance(old, t.CounterType) and isinstance(new, (t.CounterType, t.DictType)):
        return t.CounterType(fill(old.key, new.key))
    if isinstance(old, t.DictType) and isinstance(new, t.DictType):
        return t.DictType(fill(old.key, new.key), fill(old.value, new.value))
    if isinstance(old, t.TupleType) and isinstance(new, t.TupleType) and old.variadic == new.variadic \
            and len(old.elems) == len(new.elems):
        return t.TupleType(tuple(fill(a, b) for a, b in zip(old.elems, new.elems)), old.variadic)
    return old
