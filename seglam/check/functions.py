"""Function bodies: the signature of a ``def``, its locals and their annotated or inferred types,
and the passes that infer unannotated locals until their types stop changing."""

from __future__ import annotations

from collections import Counter

from seglam.check import types as t
from seglam.check.checked import ParamInfo, def_callable
from seglam.check.context import Context
from seglam.check.env import FnCtx, State
from seglam.check.hints import is_dunder
from seglam.check.scope import bindings, bound_names, target_names
from seglam.check.stmts import block
from seglam.check.typeops import assignable, is_bottom
from seglam.check.values import value
from seglam.syntax import ast


#: Inference passes over a function body before the final (reporting) pass.
MAX_INFERENCE_PASSES = 6


def check_function(cx: Context, node: ast.FunctionDef, params: list[tuple[str, t.Type]], returns: t.Type,
                   parent: FnCtx | None, closure: State | None) -> None:
    ctx = FnCtx(node.name, "function", parent=parent, closure=closure, returns=returns)
    ctx.params = {name for name, _ in params}
    ctx.locals = set(ctx.params) | set(bound_names(node.body))
    for name, ty in params:
        # A parameter may be rebound to a value of another type (`today = parse(today)`):
        # its declared type widens like an unannotated local's.
        ctx.declared[name] = ty
    memo = cx.nested_declared.setdefault(id(node), {})
    for name, ty in memo.items():
        if name not in ctx.annotated:
            ctx.declared[name] = ty
    _annotate_locals(cx, node.body, ctx)
    ctx.loop_vars = {n for s in _own_statements(node.body) if isinstance(s, ast.For) for n in target_names(s.target)}
    # Nested functions may call each other in any order (they run after all are defined).
    # A nested def's name keeps its parameter names and defaults (a call binds them as a
    # module-level def's call does) unless something else binds that name too.
    bound = bindings(node.body)
    ctx.defs = set()
    times = Counter(bound)
    ctx.rebound_defs = {n for n in ctx.params | set(bound) if n in ctx.params or times[n] > 1}
    cx.report.muted += 1
    try:
        for inner in _own_statements(node.body):
            if isinstance(inner, ast.FunctionDef):
                inner_params, inner_returns = signature_types(cx, inner)
                ctx.defs.add(inner.name)
                ctx.declared[inner.name] = _declared_def(ctx, inner, inner_params, inner_returns)
                ctx.annotated.add(inner.name)
    finally:
        cx.report.muted -= 1
    saved = cx.fn
    cx.fn = ctx
    try:
        # Repeat until the inferred local types stop changing; the diagnostics of the last
        # pass (whose types were final) are the ones kept.
        end = None
        for attempt in range(MAX_INFERENCE_PASSES + 1):
            ctx.changed = False
            final = attempt == MAX_INFERENCE_PASSES
            cx.report.push()
            try:
                end = _function_pass(cx, node, ctx, params)
            finally:
                cx.report.pop(keep=final or not ctx.changed)
            if not ctx.changed:
                break
        memo.update({k: v for k, v in ctx.declared.items() if k not in ctx.annotated})
        if end is not None and not cx.report.muted and not assignable(t.NONE, returns) and not is_bottom(returns):
            cx.report.error("E-RETURN", f"`{node.name}` can reach its end without returning a value "
                            f"(it is declared `-> {returns.render()}`)",
                            node.name_span or node.span,
                            "add a final `return ...`, or make every branch return (an `if` needs an `else`)")
    finally:
        cx.fn = saved


def _function_pass(cx: Context, node: ast.FunctionDef, ctx: FnCtx, params) -> State | None:
    st = State({name: ty for name, ty in params}, {name for name, _ in params})
    return block(cx, node.body, st)


def _annotate_locals(cx: Context, body, ctx: FnCtx) -> None:
    """Annotated locals (``x: int | None = None``) have a fixed type for the whole function."""
    for stmt in _own_statements(body):
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            ty = cx.resolver.resolve(stmt.annotation)
            if (name in ctx.params or name in ctx.annotated) and ctx.declared.get(name) != ty:
                what = "a parameter" if name in ctx.params else "already annotated"
                cx.report.error("E-REDEFINED", f"`{name}` is {what} with type `{ctx.declared[name].render()}`",
                                stmt.target.span, "use a new name for a value of a different type")
                continue
            ctx.declared[name] = ty
            ctx.annotated.add(name)


def _s_FunctionDef(cx: Context, node: ast.FunctionDef, st):
    if cx.fn.kind != "function":
        return st
    for d in node.decorators:
        cx.report.error("E-UNSUPPORTED", "decorators are only allowed on module-level functions", d.span)
    params, returns = signature_types(cx, node)
    for p, (_, want) in zip(node.params, params):
        if p.default is not None:   # evaluated where the def runs, in the enclosing function
            check_default(cx, p, want, st)
    inner = st.copy()
    callable_ty = def_callable(param_infos(node, params), returns)
    inner.vars[node.name] = callable_ty   # recursion: the function sees itself
    cx.fn.declared[node.name] = _declared_def(cx.fn, node, params, returns)
    cx.fn.annotated.add(node.name)
    check_function(cx, node, params, returns, cx.fn, inner)
    st.vars[node.name] = callable_ty
    st.frozen.discard(node.name)
    return st


def _declared_def(ctx: FnCtx, node: ast.FunctionDef, params, returns) -> t.CallableType:
    """The type a nested def's name has wherever the checker cannot follow the flow (in the
    other nested functions, before the def): the def's own, names and defaults included,
    unless the name is bound again (then a call takes positional arguments only)."""
    ty = def_callable(param_infos(node, params), returns)
    return t.CallableType(ty.params, ty.ret) if node.name in ctx.rebound_defs else ty


def param_infos(node: ast.FunctionDef, params: list[tuple[str, t.Type]]) -> tuple[ParamInfo, ...]:
    """A def's parameters (from :func:`signature_types`), as calls bind them."""
    types = dict(params)
    return tuple(ParamInfo(p.name, types.get(p.name, t.ERROR), p.default, p.kind)
                 for p in node.params if p.kind not in ("var_positional", "var_keyword"))


def check_default(cx: Context, p: ast.Param, want: t.Type, st: State) -> None:
    """A parameter default must have the parameter's type."""
    got = value(cx, p.default, st, want)
    if not assignable(got, want):
        cx.report.error("E-TYPE", f"default of `{p.name}` is `{got.render()}`, not `{want.render()}`", p.default.span)


def _own_statements(body):
    """Every statement of a function body, not descending into nested functions."""
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, (ast.If, ast.For, ast.While)):
            stack.extend(reversed(stmt.body + stmt.orelse))
        elif isinstance(stmt, ast.Match):
            for case in reversed(stmt.cases):
                stack.extend(reversed(case.body))
        elif isinstance(stmt, ast.Unsupported):
            stack.extend(reversed(stmt.body))


def signature_types(cx: Context, node: ast.FunctionDef, index: int | None = None):
    params: list[tuple[str, t.Type]] = []
    for p in node.params:
        if is_dunder(p.name):
            cx.report.error("E-REFLECTION", "dunder names are not available", p.span)
        if p.kind in ("var_positional", "var_keyword"):
            star = "*" if p.kind == "var_positional" else "**"
            cx.report.error("E-UNSUPPORTED", f"`{star}{p.name}` parameters are not available", p.span,
                            "take a list (or a dict) parameter instead")
            params.append((p.name, t.ERROR))
            continue
        if p.annotation is None:
            cx.report.error("E-ANNOTATION", f"parameter `{p.name}` of `{node.name}` needs a type annotation", p.span,
                            f"write `{p.name}: int` (or the type it holds)")
            params.append((p.name, t.ERROR))
            continue
        params.append((p.name, cx.resolver.resolve(p.annotation, index)))
    if node.returns is None:
        cx.report.error("E-ANNOTATION", f"`{node.name}` needs a return type annotation", node.name_span or node.span,
                        "add `-> T` after the parameters (`-> None` if it returns nothing)")
        returns: t.Type = t.ERROR
    else:
        returns = cx.resolver.resolve(node.returns, index)
    if node.is_async:
        cx.report.error("E-UNSUPPORTED", "`async` functions are not available", node.span, "write an ordinary function")
    return params, returns


#: The statement rules of this module, by node class (the checker dispatches on them).
STMT_RULES = {
    ast.FunctionDef: _s_FunctionDef,
}
