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
    bad = [p for p in params if p.kind in ("var_positional", "var_keyword")]
    if bad:
        star = "*" if bad[0].kind == "var_positional" else "**"
        cx.report.error("E-UNSUPPORTED", f"a lambda cannot take `{star}{bad[0].name}`", bad[0].span,
                        "take a list (or a dict) parameter instead")
    for p in params:   # evaluated once, where the lambda is written (`lambda x, i=i: x + i`)
        if p.default is not None:
            value(cx, p.default, st)
    fitted = None
    if isinstance(expected, t.CallableType) and not bad:
        fitted = lambda_types(cx, node, positional(node, expected.params), st)
    if fitted is not None:
        got = lambda_with(cx, node, fitted, st)
        result = t.CallableType(expected.params, got.ret)   # called with the arguments the Callable takes
        cx.types[id(node)] = result
        return result
    if expected is None and not bad:
        # Typed at each call, with the argument types there (`square = lambda x: x * x`),
        # in the scopes where it was written.
        cx.lambdas[id(node)] = (node, list(cx.fn.scopes), st.copy())
        if not params:
            lambda_with(cx, node, [], st)
        return t.LambdaRefType(id(node))
    if isinstance(expected, t.CallableType) and not bad:
        cx.report.error("E-ARGS", f"this lambda takes {len(params)} parameter(s); "
                        f"{len(expected.params)} expected here", node.span)
    lambda_with(cx, node, [t.ERROR] * len(params), st)
    return t.ERROR


def positional(node: ast.Lambda, types) -> dict[int, t.Type] | None:
    """The types positional arguments of ``types`` give a lambda's parameters, by index of
    parameter; None when there are more arguments than positional parameters."""
    slots = [i for i, p in enumerate(node.params) if p.kind in ("positional_only", "normal")]
    return dict(zip(slots, types)) if len(types) <= len(slots) else None


def lambda_types(cx: Context, node: ast.Lambda, given: dict[int, t.Type] | None, st) -> list[t.Type] | None:
    """The types of a lambda's parameters in a call: a parameter given an argument has its
    type (``given``, by index of parameter), any other its default's, evaluated in ``st``
    (where the lambda is written). None: a parameter without a default is given nothing."""
    if given is None:
        return None
    out: list[t.Type] = []
    for i, p in enumerate(node.params):
        if i in given:
            out.append(given[i])
        elif p.default is not None:
            out.append(value(cx, p.default, st))
        else:
            return None
    return out


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
