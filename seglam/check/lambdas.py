"""Lambdas: typed against the ``Callable`` expected where they are written, or stored and typed at
each call with the argument types there."""

from __future__ import annotations

from dataclasses import dataclass

from seglam.check import types as t
from seglam.check.context import Context
from seglam.check.env import State
from seglam.check.hints import is_dunder
from seglam.check.scope import walrus_names
from seglam.check.values import value
from seglam.syntax import ast


@dataclass
class Arg:
    """An argument of a call."""

    node: object            # the argument expression (for spans)
    type: t.Type | None     # None: a lambda, typed once the other arguments fix its parameters
    keyword: str | None = None
    star: str | None = None  # "*" / "**" for unpacked arguments


def _x_Lambda(cx: Context, node: ast.Lambda, st, expected):
    params = node.params
    bad = [p for p in params if p.kind in ("var_positional", "var_keyword") or p.default is not None]
    if bad:
        cx.report.error("E-UNSUPPORTED", "lambda parameters cannot have defaults or `*`/`**`", bad[0].span,
                        "write a def with annotated parameters")
    if isinstance(expected, t.CallableType) and len(expected.params) == len(params):
        types = list(expected.params)
    else:
        if expected is None and not bad:
            # Typed at each call, with the argument types there (`square = lambda x: x * x`),
            # in the scopes where it was written.
            cx.lambdas[id(node)] = (node, list(cx.fn.scopes), st.copy())
            if not params:
                lambda_with(cx, node, [], st)
            return t.LambdaRefType(id(node))
        if bad:
            lambda_with(cx, node, [t.ERROR] * len(params), st)
            return t.ERROR
        if expected is None:
            pass
        elif isinstance(expected, t.CallableType):
            cx.report.error("E-ARGS", f"this lambda takes {len(params)} parameter(s); "
                            f"{len(expected.params)} expected here", node.span)
        types = [t.ERROR] * len(params)
    return lambda_with(cx, node, types, st)


def lambda_with(cx: Context, node: ast.Lambda, param_types, st) -> t.CallableType:
    scope = {p.name: ty for p, ty in zip(node.params, param_types)}
    for p in node.params:
        if is_dunder(p.name):
            cx.report.error("E-REFLECTION", "dunder names are not available", p.span)
    cx.fn.scopes.append(scope)
    inner = st.copy()
    depth = len(cx.fn.scopes) - 1
    targets = frozenset(walrus_names(node.body)) - set(scope)  # `:=` targets are the lambda's own
    for name in targets:
        scope[name] = t.NEVER
    for name in scope:
        inner.vars.pop(f"{name}#{depth}", None)
    cx.lambda_walrus.append((depth, targets))
    cx.walrus_in[id(scope)] = targets
    try:
        ret = value(cx, node.body, inner)
    finally:
        cx.lambda_walrus.pop()
        del cx.walrus_in[id(scope)]
        cx.fn.scopes.pop()
    result = t.CallableType(tuple(param_types), ret)
    cx.types[id(node)] = result
    return result


def untyped_lambdas(cx: Context, args: list[Arg], st: State) -> None:
    for a in args:
        if a.type is None:
            lambda_with(cx, a.node, [t.ERROR] * len(a.node.params), st)


#: The expression rules of this module, by node class (the checker dispatches on them).
EXPR_RULES = {
    ast.Lambda: _x_Lambda,
}
