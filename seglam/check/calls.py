"""Calls: the callee decides (a function of this file, a stored lambda, a builtin, a record or enum
class, a method of a builtin type, a function value), plus the stdlib functions the checker
types itself (``isinstance``, ``dataclasses.replace``, ``defaultdict``, ``re`` patterns...)."""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.attributes import receiver_kind
from seglam.check.binding import check_mutation, contribute_to
from seglam.check.checked import FunctionInfo, def_callable
from seglam.check.context import Context
from seglam.check.datefmt import check_literal as check_date_format
from seglam.check.env import State
from seglam.check.hints import MUTATORS
from seglam.check.lambdas import Arg, lambda_types, lambda_with, untyped_lambdas
from seglam.check.names import show
from seglam.check.narrowing import class_predicates
from seglam.check.overloads import apply, bound_arguments, check_ordering
from seglam.check.regex import check_pattern
from seglam.check.signatures import Sig, SigParam, table
from seglam.check.typeops import as_dict, assignable, is_bottom, iter_elem, join
from seglam.check.values import non_optional, require_hashable, value
from seglam.syntax import ast


def _x_Call(cx: Context, node: ast.Call, st: State, expected):
    callee = cx.expr(node.func, st)
    if isinstance(callee, t.BuiltinFnType) and callee.qualname == "isinstance":
        return _isinstance(cx, node, st)
    if isinstance(callee, t.BuiltinFnType) and callee.qualname in ("requires", "ensures"):
        cx.report.error("E-CONTRACT", f"`{callee.qualname}` is a decorator", node.span,
                        f"write `@{callee.qualname}(lambda ...: ...)` above a function")
        _args(cx, node, st)
        return t.ERROR
    if isinstance(callee, t.BuiltinFnType) and callee.qualname == "zip" and any(isinstance(a, ast.Starred) for a in node.args):
        return _zip_star(cx, node, st)
    args = _args(cx, node, st)
    if args is None:
        return t.ERROR
    return call_type(cx, callee, args, node, st, expected)


def _args(cx: Context, node: ast.Call, st: State) -> list[Arg] | None:
    out: list[Arg] = []
    for a in node.args:
        if isinstance(a, ast.Starred):
            ty = value(cx, a.value, st)
            cx.types[id(a)] = ty
            out.append(Arg(a.value, ty, star="*"))
            continue
        out.append(Arg(a, None if isinstance(a, ast.Lambda) else value(cx, a, st)))
    for k in node.keywords:
        if k.name is None:
            out.append(Arg(k.value, value(cx, k.value, st), star="**"))
            continue
        out.append(Arg(k.value, None if isinstance(k.value, ast.Lambda) else value(cx, k.value, st), k.name))
    return out


def _expand(cx: Context, args: list[Arg]) -> list[Arg] | None:
    """Unpack `*t` of a fixed tuple into its elements; None when an unpacked argument is
    not iterable (reported)."""
    out: list[Arg] = []
    for a in args:
        if a.star == "*" and isinstance(a.type, t.TupleType) and not a.type.variadic:
            out.extend(Arg(a.node, e) for e in a.type.elems)
        elif a.star == "*":
            elem = iter_elem(a.type) if a.type is not None else None
            if elem is None:
                cx.report.error("E-TYPE", f"cannot unpack `{a.type.render()}` with `*`", a.node.span)
                return None
            out.append(Arg(a.node, elem, star="*"))
        elif a.star == "**":
            d = as_dict(a.type) if a.type is not None else None
            if d is None or not assignable(d.key, t.STR):
                if not is_bottom(a.type):
                    cx.report.error("E-TYPE", f"`**` needs a `dict[str, ...]`, not `{a.type.render()}`", a.node.span)
                return None
            out.append(Arg(a.node, d.value, star="**"))
        else:
            out.append(a)
    return out


def call_type(cx: Context, callee: t.Type, args: list[Arg], node, st: State, expected=None) -> t.Type:
    if is_bottom(callee):
        untyped_lambdas(cx, args, st)
        return t.ERROR if not isinstance(callee, t.NeverType) else t.NEVER
    if any(a.star for a in args):
        if isinstance(callee, t.BuiltinFnType) and callee.qualname == "dict" and all(a.star == "**" for a in args):
            pass
        else:
            expanded = _expand(cx, args)
            if expanded is None:
                untyped_lambdas(cx, args, st)
                return t.ERROR
            args = expanded
    if isinstance(callee, t.FunctionRefType):
        info = cx.env.functions.get(callee.name)
        if info is None:
            untyped_lambdas(cx, args, st)
            return t.ERROR
        if cx.in_constant:
            cx.report.error("E-CONSTANT", f"a module constant cannot call `{callee.name}`, a function of this file",
                            node.span, "write the value out, or compute it inside the function that needs it")
        return apply(cx, (_user_sig(info),), args, node, st, callee.name)
    if isinstance(callee, t.LambdaRefType):
        saved = cx.lambdas.get(callee.node_id)
        untyped_lambdas(cx, args, st)
        if saved is None:
            cx.report.error("E-ARGS", "this lambda cannot be called here", node.span)
            return t.ERROR
        if callee.node_id in cx.lambdas_typing:
            # typed at each call from its body: a call inside that body would type it forever
            cx.report.error("E-TYPE", "a lambda cannot call itself: its type comes from its body", node.span,
                            "write a nested `def` with annotated parameters and return type; it may call itself")
            return t.ERROR
        # Closures read their variables when called: the call site's state is the right one
        # for the function's locals; comprehension variables and defaults come from where
        # it was written.
        lam, scopes, defined = saved
        outer = cx.fn.scopes
        cx.fn.scopes = list(scopes)
        cx.lambdas_typing.add(callee.node_id)
        try:
            given = _lambda_arguments(cx, lam, args, node)
            types = lambda_types(cx, lam, given, defined) if given is not None else None
            if types is None:
                return t.ERROR
            return lambda_with(cx, lam, types, st).ret
        finally:
            cx.lambdas_typing.discard(callee.node_id)
            cx.fn.scopes = outer
    if isinstance(callee, t.BuiltinFnType):
        return _builtin_call(cx, callee.qualname, args, node, st, expected)
    if isinstance(callee, t.ClassRefType):
        return _class_call(cx, callee.target, args, node, st)
    if isinstance(callee, t.BoundMethodType):
        return _method_call(cx, callee, args, node, st)
    if isinstance(callee, t.CallableType):
        return apply(cx, (callable_sig("function", callee),), args, node, st, show(getattr(node, "func", node)))
    if isinstance(callee, t.UnionType) and all(
            isinstance(o, (t.CallableType, t.LambdaRefType, t.FunctionRefType, t.BuiltinFnType)) for o in callee.options):
        # A dispatch table (`ops = {"+": add, "-": sub}`): every function must accept the call.
        return t.union(*(call_type(cx, o, args, node, st, expected) for o in callee.options))
    untyped_lambdas(cx, args, st)
    if t.is_optional(callee):
        non_optional(cx, callee, node.func)
        return t.ERROR
    cx.report.error("E-TYPE", f"`{callee.render()}` is not callable", getattr(node, "func", node).span)
    return t.ERROR


def _lambda_arguments(cx: Context, lam: ast.Lambda, args: list[Arg], node) -> dict[int, t.Type] | None:
    """The argument types a call gives a stored lambda's parameters (by index), bound by the
    rules of every call (:func:`bound_arguments`); None, reported, when they do not fit."""
    sig = Sig("lambda", tuple(SigParam(p.name, t.ERROR, p.default is not None, p.kind) for p in lam.params), t.ERROR)
    plain = [Arg(a.node, a.type if a.type is not None else t.ERROR, a.keyword, a.star) for a in args]
    bound = bound_arguments(cx, sig, plain, node, show(getattr(node, "func", node)))
    if bound is None:
        return None
    index = {p.name: i for i, p in enumerate(lam.params)}
    return {index[p.name]: a.type for p, a in bound}


def _builtin_call(cx: Context, qual: str, args, node, st, expected) -> t.Type:
    if qual == "dict" and args and all(a.keyword is not None or a.star == "**" for a in args):
        return _dict_keywords(cx, args, node)
    special = {
        "dataclasses.replace": _replace,
        "dataclasses.field": _field_call,
        "dataclasses.dataclass": _decorator_misuse,
        "enum.auto": _auto_call,
        "enum.Enum": _decorator_misuse,
        "collections.defaultdict": _defaultdict,
    }.get(qual)
    if special is not None:
        return special(cx, qual, args, node, st)
    sigs = _builtin_sigs(qual)
    if not sigs:
        untyped_lambdas(cx, args, st)
        cx.report.error("E-TYPE", f"`{qual}` cannot be called here", node.span)
        return t.ERROR
    name = qual.split(".")[-1] if qual.startswith(("datetime.", "decimal.")) else qual
    result = apply(cx, sigs, args, node, st, name, expected=expected)
    if qual.startswith("re.") and args:
        result = _regex_call(cx, qual, args, result, node)
    if qual == "format" and len(args) == 2 and args[0].type == t.DATE:
        _date_format_arg(cx, args[1:])
    if qual in ("dict", "set") and not is_bottom(result):
        elem = result.key if isinstance(result, t.DictType) else getattr(result, "elem", None)
        if elem is not None:
            require_hashable(cx, elem, node)
    if qual in ("list", "dict", "set") and isinstance(expected, type(result)) and assignable(result, expected):
        return expected
    return result


def _dict_keywords(cx: Context, args: list[Arg], node) -> t.Type:
    value: t.Type = t.NEVER
    for a in args:
        if a.type is None:
            cx.report.error("E-TYPE", "cannot infer the types of this lambda's parameters", a.node.span)
            continue
        if a.star == "**":
            d = as_dict(a.type)
            if d is None:
                cx.report.error("E-TYPE", f"`**` needs a dict, not `{a.type.render()}`", a.node.span)
                continue
            value = join(value, d.value)
        else:
            value = join(value, a.type)
    return t.DictType(t.STR, value)


def _class_call(cx: Context, target: t.Type, args, node, st) -> t.Type:
    if isinstance(target, t.RecordType):
        info = cx.env.records[target.name]
        params = tuple(SigParam(f.name, f.type, f.default is not None, "normal") for f in info.fields)
        apply(cx, (Sig(target.name, params, target),), args, node, st, target.name)
        return target
    if isinstance(target, t.EnumType):
        info = cx.env.enums[target.name]
        value_type = info.value_type or t.INT
        apply(cx, (Sig(target.name, (SigParam("value", value_type, False, "positional_only"),), target),),
              args, node, st, target.name)
        return target
    if isinstance(target, t.PrimType) and target.name in table().type_members:
        sigs = table().type_members[target.name].get(target.name, ())
        return apply(cx, sigs, args, node, st, target.name)
    untyped_lambdas(cx, args, st)
    cx.report.error("E-TYPE", f"`{target.render()}` cannot be called", node.span)
    return t.ERROR


def _method_call(cx: Context, callee: t.BoundMethodType, args, node, st) -> t.Type:
    recv = callee.receiver
    if isinstance(recv, t.UnionType):
        results = [_method_call(cx, t.BoundMethodType(o, callee.method), args, node, st) for o in recv.options]
        return t.union(*results)
    kind = receiver_kind(recv)
    tab = table()
    sigs = tab.methods.get(kind, {}).get(callee.method)
    if sigs is None and kind == "Counter":
        sigs = tab.methods["dict"].get(callee.method)
    if sigs is None:
        untyped_lambdas(cx, args, st)
        cx.report.error("E-ATTR", f"`{recv.render()}` has no method `{callee.method}`", node.span)
        return t.ERROR
    pre: dict[str, t.Type] = {}
    if isinstance(recv, (t.ListType, t.SetType)):
        pre["T"] = recv.elem
    d = as_dict(recv)
    if d is not None:
        pre["K"], pre["V"] = d.key, d.value
    receiver_node = node.func.value if isinstance(getattr(node, "func", None), ast.Attribute) else None
    if kind in MUTATORS and callee.method in MUTATORS[kind] and receiver_node is not None:
        check_mutation(cx, receiver_node, st, f".{callee.method}()", recv)
        _contribute_mutator(cx, kind, callee.method, args, receiver_node, st)
    result = apply(cx, sigs, args, node, st, f"{kind}.{callee.method}", presubst=pre)
    if kind == "Pattern" and callee.method == "findall" and isinstance(recv, t.PatternType) and recv.groups > 1:
        return t.ListType(t.TupleType((t.STR,) * recv.groups))
    if kind == "date" and callee.method == "strftime":
        _date_format_arg(cx, args[:1])
    if kind == "list" and callee.method == "sort":
        check_ordering(cx, "list.sort", args, pre.get("T", t.ERROR), node)
    if kind == "str" and callee.method in ("center", "ljust", "rjust"):
        fills = [a for a in args if a.keyword is None][1:2]
        if fills and isinstance(fills[0].node, ast.Constant) and isinstance(fills[0].node.value, str) \
                and len(fills[0].node.value) != 1:
            cx.report.error("E-TYPE", "the fill character must be exactly one character long",
                            fills[0].node.span, "e.g. `s.center(10, \"*\")`")
    return result


def _contribute_mutator(cx: Context, kind, method, args, receiver_node, st) -> None:
    """``result.append(x)`` fixes the element type of ``result = []``."""
    positional = [a for a in args if a.keyword is None and a.type is not None]
    if kind == "list":
        if method == "append" and len(positional) == 1:
            contribute_to(cx, receiver_node, t.ListType(positional[0].type), st)
        elif method == "insert" and len(positional) == 2:
            contribute_to(cx, receiver_node, t.ListType(positional[1].type), st)
        elif method == "extend" and len(positional) == 1:
            elem = iter_elem(positional[0].type)
            if elem is not None:
                contribute_to(cx, receiver_node, t.ListType(elem), st)
    elif kind == "set" and positional:
        if method == "add":
            require_hashable(cx, positional[0].type, positional[0].node)
            contribute_to(cx, receiver_node, t.SetType(positional[0].type), st)
        elif method == "update":
            for a in positional:
                elem = iter_elem(a.type)
                if elem is not None:
                    contribute_to(cx, receiver_node, t.SetType(elem), st)
    elif kind in ("dict", "Counter"):
        if method == "setdefault" and len(positional) == 2:
            require_hashable(cx, positional[0].type, positional[0].node)
            contribute_to(cx, receiver_node, t.DictType(positional[0].type, positional[1].type), st)
        elif method == "update" and len(positional) == 1 and as_dict(positional[0].type) is not None:
            contribute_to(cx, receiver_node, as_dict(positional[0].type), st)
        elif kind == "Counter" and method in ("update", "subtract") and len(positional) == 1:
            elem = iter_elem(positional[0].type)  # a Counter counts what it is given (a mapping: its keys)
            if elem is not None:
                contribute_to(cx, receiver_node, t.CounterType(elem), st)


def _isinstance(cx: Context, node: ast.Call, st: State) -> t.Type:
    if len(node.args) != 2 or node.keywords:
        cx.report.error("E-ARGS", "`isinstance` takes a value and a class", node.span)
        for a in node.args:
            value(cx, a, st)
        return t.BOOL
    value(cx, node.args[0], st)
    classinfo = node.args[1]
    items = classinfo.elts if isinstance(classinfo, ast.TupleExpr) else (classinfo,)
    for item in items:
        cx.expr(item, st)
    if isinstance(classinfo, ast.TupleExpr):
        cx.types[id(classinfo)] = t.ERROR
    if class_predicates(cx, classinfo) is None:
        cx.report.error("E-TYPE", "the second argument of `isinstance` must be a class or a tuple of classes",
                        classinfo.span, "e.g. `isinstance(x, int)`, `isinstance(s, (Circle, Square))`")
    return t.BOOL


def _zip_star(cx: Context, node: ast.Call, st: State) -> t.Type:
    if len(node.args) != 1 or node.keywords:
        cx.report.error("E-UNSUPPORTED", "`zip(*rows)` must be the only argument", node.span)
        _args(cx, node, st)
        return t.ERROR
    inner = value(cx, node.args[0].value, st)
    cx.types[id(node.args[0])] = inner
    rows = iter_elem(inner)
    elem = iter_elem(rows) if rows is not None else None
    if elem is None:
        cx.report.error("E-TYPE", f"`zip(*rows)` needs an iterable of iterables, not `{inner.render()}`", node.args[0].span)
        return t.ERROR
    return t.IteratorType(t.TupleType((elem,), True))


def _replace(cx: Context, qual, args, node, st) -> t.Type:
    pos = [a for a in args if a.keyword is None]
    if len(pos) != 1:
        untyped_lambdas(cx, args, st)
        cx.report.error("E-ARGS", "`replace` takes one record and keyword arguments", node.span,
                        "e.g. `replace(p, x=1)`")
        return t.ERROR
    rec = pos[0].type
    if is_bottom(rec) or rec is None:
        return t.ERROR
    if not isinstance(rec, t.RecordType):
        cx.report.error("E-TYPE", f"`replace` needs a record, not `{rec.render()}`", pos[0].node.span)
        return t.ERROR
    info = cx.env.records[rec.name]
    params = (SigParam("obj", rec, False, "positional_only"),) + tuple(
        SigParam(f.name, f.type, True, "keyword_only") for f in info.fields)
    apply(cx, (Sig("replace", params, rec),), args, node, st, "replace")
    return rec


#: What `field(...)` may say in Seglam: its default. Its other options (`repr`, `compare`,
#: `hash`, `init`, `kw_only`, `metadata`) would change printing, equality, hashing, ordering
#: or the constructor, which neither backend does, so they are refused rather than ignored.
FIELD_OPTIONS = ("default", "default_factory")


def _field_call(cx: Context, qual, args, node, st) -> t.Type:
    untyped_lambdas(cx, args, st)
    if not cx.in_record_field:
        cx.report.error("E-TYPE", "`field(...)` is only allowed as a record field default", node.span)
        return t.ERROR
    refused = [a for a in args if a.keyword not in FIELD_OPTIONS]
    for a in refused:
        what = f"`{a.keyword}=`" if a.keyword else "`**` arguments" if a.star == "**" else "positional arguments"
        cx.report.error("E-ARGS", f"`field` does not take {what} in Seglam", _keyword_span(node, a),
                        "a field's only option is its default: `field(default=...)` or `field(default_factory=list)`")
    given = [a for a in args if a.keyword in FIELD_OPTIONS]
    if refused:
        return t.ERROR
    if len(given) != 1:
        cx.report.error("E-ARGS", "`field` needs one of `default=` or `default_factory=`", node.span,
                        "e.g. `field(default=0)` or `field(default_factory=list)`")
        return t.ERROR
    a = given[0]
    if a.keyword == "default":
        return a.type or t.ERROR
    ft = a.type
    if isinstance(ft, t.BuiltinFnType) and ft.qualname in ("list", "dict", "set"):
        return {"list": t.ListType(t.NEVER), "dict": t.DictType(t.NEVER, t.NEVER), "set": t.SetType(t.NEVER)}[ft.qualname]
    cx.report.error("E-TYPE", "`default_factory` must be `list`, `dict` or `set`", a.node.span)
    return t.ERROR


def _keyword_span(node: ast.Call, arg: Arg):
    """Where ``arg`` is written: from its keyword (`repr=False`), else the value itself."""
    return next((k.span for k in node.keywords if k.value is arg.node), arg.node.span)


def _auto_call(cx: Context, qual, args, node, st) -> t.Type:
    untyped_lambdas(cx, args, st)
    # Enum members are read by the declarations (``auto()`` there is never typed as a call).
    cx.report.error("E-TYPE", "`auto()` is only allowed as an enum member value", node.span)
    return t.INT


def _decorator_misuse(cx: Context, qual, args, node, st) -> t.Type:
    untyped_lambdas(cx, args, st)
    cx.report.error("E-TYPE", f"`{qual.split('.')[-1]}` cannot be called here", node.span)
    return t.ERROR


def _defaultdict(cx: Context, qual, args, node, st) -> t.Type:
    untyped_lambdas(cx, args, st)
    if len(args) != 1 or args[0].keyword is not None:
        cx.report.error("E-ARGS", "`defaultdict` takes one factory: `defaultdict(int)`, `defaultdict(list)`",
                        node.span)
        return t.ERROR
    a = args[0]
    factories = {"int": t.INT, "float": t.FLOAT, "str": t.STR, "bool": t.BOOL, "list": t.ListType(t.NEVER),
                 "set": t.SetType(t.NEVER), "dict": t.DictType(t.NEVER, t.NEVER)}
    if isinstance(a.type, t.BuiltinFnType) and a.type.qualname in factories:
        return t.DictType(t.NEVER, factories[a.type.qualname])
    if a.type is None:
        lam: ast.Lambda = a.node
        if not lam.params:
            return t.DictType(t.NEVER, cx.types.get(id(lam), t.CallableType((), t.ERROR)).ret)
    cx.report.error("E-TYPE", "`defaultdict` needs a factory: `int`, `float`, `str`, `list`, `set`, `dict` "
                    "or a lambda without parameters", a.node.span)
    return t.ERROR


def _regex_call(cx: Context, qual: str, args: list[Arg], result: t.Type, node) -> t.Type:
    pattern = args[0]
    if pattern.keyword not in (None, "pattern"):
        return result
    if isinstance(pattern.node, ast.Constant) and isinstance(pattern.node.value, str):
        groups, problem = check_pattern(pattern.node.value)
        if problem is not None:
            cx.report.error("E-REGEX", f"invalid regular expression: {problem}", pattern.node.span,
                            "Seglam uses RE2: no backreferences (`\\1`) or lookaround (`(?=`, `(?<=`)")
            return result
        if qual == "re.findall" and groups is not None and groups > 1:
            return t.ListType(t.TupleType((t.STR,) * groups))
        if qual == "re.compile" and groups is not None:
            return t.PatternType(groups)
    return result


def _date_format_arg(cx: Context, args: list[Arg]) -> None:
    """A literal date format (``d.strftime("%c")``, ``format(d, "%F")``) is checked now: a
    directive that depends on the host would fault on every run (SPEC section 9)."""
    if len(args) == 1 and args[0].keyword is None and not args[0].star and isinstance(args[0].node, ast.Constant) \
            and isinstance(args[0].node.value, str):
        check_date_format(cx.report, args[0].node.value, args[0].node.span)


def _builtin_sigs(qual: str) -> tuple[Sig, ...]:
    tab = table()
    if "." not in qual:
        return tab.builtins.get(qual, ())
    head, name = qual.rsplit(".", 1)
    if head in tab.type_members:
        return tab.type_members[head].get(name, ())
    return tab.module_functions.get(head, {}).get(name, ())


def _user_sig(info: FunctionInfo) -> Sig:
    return callable_sig(info.name, def_callable(info.params, info.returns))


def callable_sig(name: str, fn: t.CallableType) -> Sig:
    """The signature a call of ``fn`` is bound against: a def's (module-level or nested) names
    its parameters, with their defaults and kinds; any other function value takes positional
    arguments only."""
    if fn.names is None:
        params = tuple(SigParam(f"arg{i}", p, False, "positional_only") for i, p in enumerate(fn.params))
    else:
        params = tuple(SigParam(n, p, d, k) for p, (n, d, k) in zip(fn.params, fn.names))
    return Sig(name, params, fn.ret)


#: The expression rules of this module, by node class (the checker dispatches on them).
EXPR_RULES = {
    ast.Call: _x_Call,
}
