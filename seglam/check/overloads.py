"""Matching a call's arguments against signatures: overload selection, type-variable binding,
the typing of lambda and function arguments once the other arguments fix their parameters, and
the diagnostics when no form fits."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from seglam.check import types as t
from seglam.check.context import Context
from seglam.check.env import State
from seglam.check.lambdas import Arg, lambda_types, lambda_with, positional, untyped_lambdas
from seglam.check.names import show
from seglam.check.operators import orderable, ordered_records
from seglam.check.signatures import Sig, SigParam
from seglam.check.typeops import assignable, bind, has_typevars, is_bottom, iter_elem, matches_pseudo, subst
from seglam.syntax import ast


_ORDERED_RESULTS = {"sorted", "min", "max", "list.sort"}


@dataclass
class Attempt:
    sig: Sig
    subst: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)     # (code, message, span, hint)
    bound: list = field(default_factory=list)       # (SigParam, Arg)
    arity_ok: bool = True


def apply(cx: Context, sigs, args: list[Arg], node, st: State, name: str, presubst=None, expected=None) -> t.Type:
    """Pick the first overload the arguments fit, type its lambdas, return its result."""
    span = getattr(node, "span", None) or (args[-1].node.span if args else None)
    attempts = [_attempt(cx, sig, args, dict(presubst or {}), span, name) for sig in sigs]
    chosen = next((a for a in attempts if not a.errors), None)
    if chosen is None:
        untyped_lambdas(cx, args, st)
        _report_mismatch(cx, attempts, name, node, args)
        return t.ERROR
    _type_callables(cx, chosen, st)
    for code, message, span, hint in chosen.errors:
        cx.report.error(code, message, span, hint)
    if chosen.errors:
        return t.ERROR
    if name in _ORDERED_RESULTS:
        check_ordering(cx, name, args, chosen.subst.get("T", t.ERROR), node)
    return subst(chosen.sig.ret, chosen.subst, t.NEVER)


def bound_arguments(cx: Context, sig: Sig, args: list[Arg], node, name: str) -> list[tuple[SigParam, Arg]] | None:
    """The arguments of a call bound to ``sig``'s parameters by the rules every call follows
    (positions, keywords, `*`/`**`, defaults), without their types; None, reported, when they
    do not fit."""
    att = _attempt(cx, sig, args, {}, getattr(node, "span", None), name)
    for code, message, span, hint in att.errors:
        cx.report.error(code, message, span, hint)
    return None if att.errors else att.bound


def _attempt(cx: Context, sig: Sig, args: list[Arg], s: dict, span, display: str) -> Attempt:
    # Receiver type variables (a list's T) are fixed, unless still unknown (`[]`).
    fixed = {k: v for k, v in s.items() if not isinstance(v, t.NeverType)}
    sig = Sig(display, tuple(SigParam(p.name, subst(p.type, fixed), p.has_default, p.kind) for p in sig.params)
              if fixed else sig.params, sig.ret)
    s = dict(fixed)
    att = Attempt(sig, s)
    positional = [p for p in sig.params if p.kind in ("positional_only", "normal")]
    vararg = next((p for p in sig.params if p.kind == "var_positional"), None)
    bound: dict[str, Arg] = {}
    pairs: list[tuple[SigParam, Arg]] = []
    pos_args = [a for a in args if a.keyword is None and a.star != "**"]
    spread = False
    for i, a in enumerate(pos_args):
        if a.star == "*":
            # `f(*xs)`: the elements fill the remaining required positional parameters
            # (their number is only known at run time).
            spread = True
            for p in positional[i:]:
                if p.name not in bound and not p.has_default:
                    bound[p.name] = a
                    pairs.append((p, a))
            if vararg is not None:
                pairs.append((vararg, a))
            break
        if i < len(positional):
            bound[positional[i].name] = a
            pairs.append((positional[i], a))
        elif vararg is not None:
            pairs.append((vararg, a))
        else:
            att.arity_ok = False
            att.errors.append(("E-ARGS", f"`{sig.name}` takes at most {len(positional)} positional argument"
                               f"{'s' if len(positional) != 1 else ''}, got {len(pos_args)}", a.node.span, None))
            break
    for a in args:
        if a.star == "**":
            spread = True
            for p in sig.params:
                if p.kind in ("normal", "keyword_only") and p.name not in bound and not p.has_default:
                    bound[p.name] = a
                    pairs.append((p, a))
            continue
        if a.keyword is None:
            continue
        p = next((p for p in sig.params if p.name == a.keyword and p.kind in ("normal", "keyword_only")), None)
        if p is None:
            att.arity_ok = False
            names = [p.name for p in sig.params if p.kind in ("normal", "keyword_only")]
            close = difflib.get_close_matches(a.keyword, names, n=1)
            att.errors.append(("E-ARGS", f"`{sig.name}` has no parameter `{a.keyword}`", a.node.span,
                               f"did you mean `{close[0]}`?" if close else
                               f"parameters: {', '.join(names)}" if names else None))
            continue
        if p.name in bound:
            att.arity_ok = False
            att.errors.append(("E-ARGS", f"`{sig.name}` got two values for `{p.name}`", a.node.span, None))
            continue
        bound[p.name] = a
        pairs.append((p, a))
    missing = [p.name for p in sig.params
               if p.kind in ("positional_only", "normal", "keyword_only") and not p.has_default and p.name not in bound]
    unknown = [e for e in att.errors if "has no parameter" in e[1]]
    if missing and len(unknown) == len(missing):
        # `add(1, c=2)`: the unknown keyword is the missing parameter misspelt.
        # A positional-only parameter (every parameter of a function value) cannot be named.
        kinds = {p.name: p.kind for p in sig.params}
        att.errors = [e for e in att.errors if e not in unknown] + [
            (code, msg, span_, f"did you mean `{m}`?" if kinds[m] != "positional_only" else
             "pass it by position, without the keyword")
            for (code, msg, span_, _), m in zip(unknown, missing)]
        missing = []
    if missing and not unknown:
        att.arity_ok = False
        att.errors.append(("E-ARGS", f"`{sig.name}` is missing argument{'s' if len(missing) > 1 else ''} "
                           + ", ".join(f"`{m}`" for m in missing), span, None))
    att.bound = pairs
    if att.errors:
        return att
    # Bind type variables from the plain arguments first, then check each one.
    for p, a in pairs:
        if a.type is not None and not _callable_param(p.type):
            if not bind(p.type, a.type, s):
                att.errors.append(_arg_error(cx, sig, p, a, subst(p.type, s, t.ERROR)))
    if att.errors:
        return att
    for p, a in pairs:
        if a.type is None or _callable_param(p.type):
            if a.type is None and not _callable_param(p.type):
                att.errors.append(("E-TYPE", f"a lambda cannot be passed as `{p.name}` of `{sig.name}`", a.node.span, None))
            continue
        want = subst(p.type, s, t.NEVER)
        if not _fits(a.type, want):
            att.errors.append(_arg_error(cx, sig, p, a, want))
    return att


def _arg_error(cx: Context, sig: Sig, p: SigParam, a: Arg, want: t.Type):
    got = a.type or t.ERROR
    if t.is_optional(got) and _fits(t.strip_none(got), want):
        return ("E-OPTIONAL", f"`{show(a.node)}` may be None, but `{sig.name}` needs `{_render(want)}` for `{p.name}`",
                a.node.span, f"check first: `if {show(a.node)} is not None:`" if show(a.node) != "this value"
                else "check for None first")
    hint = None
    got_elem = iter_elem(got) if got is not None else None
    if isinstance(want, t.IterableType) and want.elem == t.STR and got_elem is not None and got_elem != t.STR:
        hint = "convert the items first: `\", \".join(str(x) for x in xs)`"
    elif isinstance(got, t.BoundMethodType):
        hint = f"`{show(a.node)}` is a method: call it: `{show(a.node)}()`"
    elif sig.name == "range" and iter_elem(got) is not None and got != t.STR:
        hint = "loop over the items directly (`for x in xs:`), or over indexes with `range(len(xs))`"
    elif got == t.FLOAT and want == t.INT:
        hint = "convert with `int(x)` or use `//` for integer division"
    elif got == t.STR and want in (t.INT, t.FLOAT):
        hint = "convert with `int(s)`, or `parse_int(s)` which returns None for bad text"
    elif want == t.STR and got in (t.INT, t.FLOAT):
        hint = "convert with `str(x)`"
    return ("E-TYPE", f"argument `{p.name}` of `{sig.name}` must be `{_render(want)}`, not `{got.render()}`",
            a.node.span, hint)


def _type_callables(cx: Context, att: Attempt, st: State) -> None:
    s = att.subst
    for p, a in att.bound:
        if not _callable_param(p.type):
            continue
        want = _callable_part(p.type)
        param_types = [subst(x, s, t.ERROR) for x in want.params]
        if a.type is None:
            lam: ast.Lambda = a.node
            fitted = lambda_types(cx, lam, positional(lam, param_types), st)
            if fitted is None:
                att.errors.append(("E-ARGS", f"this lambda must take {len(param_types)} parameter"
                                   f"{'s' if len(param_types) != 1 else ''}", lam.span, None))
                lambda_with(cx, lam, [t.ERROR] * len(lam.params), st)
                continue
            got = lambda_with(cx, lam, fitted, st)
            ret = got.ret
            cx.types[id(lam)] = got
        else:
            if a.type == t.NONE and t.NONE in t.options(p.type):
                continue
            ret = callable_result(cx, a.type, param_types, a.node, st)
            if ret is not None:
                key_ret = ret
                if isinstance(a.type, t.BoundMethodType) and a.type.method == "get":
                    key_ret = t.strip_none(ret)   # `max(d, key=d.get)`: every key is in d
                cx.key_results[id(a.node)] = key_ret
            if ret is None:
                att.errors.append(("E-TYPE", f"`{show(a.node)}` cannot be called with "
                                   f"({', '.join(x.render() for x in param_types)}) as `{p.name}` of `{att.sig.name}`",
                                   a.node.span, None))
                continue
        ret_want = subst(want.ret, s, None)
        if has_typevars(ret_want):
            bind(ret_want, ret, s)
        elif not isinstance(ret_want, t.AnyType) and not assignable(ret, ret_want):
            att.errors.append(("E-TYPE", f"this function returns `{ret.render()}`; `{att.sig.name}` needs "
                               f"`{ret_want.render()}` for `{p.name}`", a.node.span, None))


def callable_result(cx: Context, fn: t.Type, param_types, node, st) -> t.Type | None:
    """The result of calling a function value ``fn`` with ``param_types`` (None: it cannot)."""
    fake = [Arg(node, pt) for pt in param_types]
    before = cx.report.count()
    cx.report.muted += 1
    try:
        result = cx.call(fn, fake, node, st)
    finally:
        cx.report.muted -= 1
    if isinstance(result, t.ErrorType) and not is_bottom(fn) and before == cx.report.count():
        if not any(isinstance(p, t.ErrorType) for p in param_types):
            return None
    return result


def _report_mismatch(cx: Context, attempts: list[Attempt], name: str, node, args) -> None:
    if len(attempts) == 1:
        for code, message, span, hint in attempts[0].errors:
            cx.report.error(code, message, span, hint)
        return
    fitting = [a for a in attempts if a.arity_ok]
    if len(fitting) == 1:
        for code, message, span, hint in fitting[0].errors:
            cx.report.error(code, message, span, hint)
        return
    shown = ", ".join((a.type.render() if a.type is not None else "lambda") for a in args)
    variants = "; ".join(f"{a.sig.render()}" for a in attempts[:4])
    first = fitting[0] if fitting else attempts[0]
    code = "E-TYPE" if fitting else "E-ARGS"
    opt = [e for a in fitting for e in a.errors if e[0] == "E-OPTIONAL"]
    if opt:
        cx.report.error(*opt[0])
        return
    cx.report.error(code, f"no form of `{name}` accepts ({shown})", getattr(node, "span", first.errors[0][2]),
                    f"forms: {variants}")


def check_ordering(cx: Context, name: str, args: list[Arg], elem: t.Type, node) -> None:
    key = next((a for a in args if a.keyword == "key"), None)
    if key is not None:
        kt = cx.types.get(id(key.node))
        compared = kt.ret if isinstance(kt, t.CallableType) else cx.key_results.get(id(key.node))
        if compared is None:
            return
    else:
        compared = elem
    if is_bottom(compared):
        return
    if t.is_optional(compared):
        cx.report.error("E-OPTIONAL", f"`{name}` would compare values that may be None (`{compared.render()}`)",
                        node.span, "filter out None first: `[x for x in xs if x is not None]`")
        return
    if not orderable(compared, ordered_records(cx)):
        hint = "pass `key=` to compare by a field, e.g. `key=lambda p: p.age`"
        if isinstance(compared, t.EnumType):
            hint = "pass `key=lambda c: c.value`"
        cx.report.error("E-TYPE", f"`{name}` cannot order values of type `{compared.render()}`", node.span, hint)


def _callable_param(ty: t.Type) -> bool:
    return _callable_part(ty) is not None


def _callable_part(ty: t.Type) -> t.CallableType | None:
    for o in t.options(ty):
        if isinstance(o, t.CallableType):
            return o
    return None


def _fits(arg: t.Type, want: t.Type) -> bool:
    if isinstance(want, t.UnionType):
        if isinstance(arg, t.UnionType):
            return all(_fits(o, want) for o in arg.options)
        return any(_fits(arg, o) for o in want.options)
    pseudo = matches_pseudo(want, arg)
    if pseudo is not None:
        return pseudo
    return assignable(arg, want)


def _render(ty: t.Type) -> str:
    return ty.render()
