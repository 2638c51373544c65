"""Calls: overload selection against signatures, bidirectional typing of lambda arguments,
records, enums, and the stdlib functions the checker types itself."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from seglam.check import types as t
from seglam.check.checked import FunctionInfo
from seglam.check.env import State
from seglam.check.exprs import receiver_kind, show
from seglam.check.hints import MUTATORS
from seglam.check.operators import orderable
from seglam.check.regex import check_pattern
from seglam.check.signatures import Sig, SigParam, table
from seglam.check.typeops import (
    as_dict, assignable, bind, has_typevars, is_bottom, iter_elem, join, matches_pseudo, subst,
)
from seglam.syntax import ast

_ORDERED_RESULTS = {"sorted", "min", "max", "list.sort"}


@dataclass
class Arg:
    node: object            # the argument expression (for spans)
    type: t.Type | None     # None: a lambda, typed once the other arguments fix its parameters
    keyword: str | None = None
    star: str | None = None  # "*" / "**" for unpacked arguments


@dataclass
class Attempt:
    sig: Sig
    subst: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)     # (code, message, span, hint)
    bound: list = field(default_factory=list)       # (SigParam, Arg)
    arity_ok: bool = True


class CallMixin:
    """Typing of calls; ``self`` is the checker."""

    def _x_Call(self, node: ast.Call, st: State, expected):
        callee = self.expr(node.func, st)
        if isinstance(callee, t.BuiltinFnType) and callee.qualname == "isinstance":
            return self._isinstance(node, st)
        if isinstance(callee, t.BuiltinFnType) and callee.qualname in ("requires", "ensures"):
            self.report.error("E-CONTRACT", f"`{callee.qualname}` is a decorator", node.span,
                              f"write `@{callee.qualname}(lambda ...: ...)` above a function")
            self._args(node, st)
            return t.ERROR
        if isinstance(callee, t.BuiltinFnType) and callee.qualname == "zip" and any(isinstance(a, ast.Starred) for a in node.args):
            return self._zip_star(node, st)
        args = self._args(node, st)
        if args is None:
            return t.ERROR
        return self.call_type(callee, args, node, st, expected)

    def _args(self, node: ast.Call, st: State) -> list[Arg] | None:
        out: list[Arg] = []
        for a in node.args:
            if isinstance(a, ast.Starred):
                ty = self.value(a.value, st)
                self.types[id(a)] = ty
                out.append(Arg(a.value, ty, star="*"))
                continue
            out.append(Arg(a, None if isinstance(a, ast.Lambda) else self.value(a, st)))
        for k in node.keywords:
            if k.name is None:
                out.append(Arg(k.value, self.value(k.value, st), star="**"))
                continue
            out.append(Arg(k.value, None if isinstance(k.value, ast.Lambda) else self.value(k.value, st), k.name))
        return out

    def _expand(self, args: list[Arg]) -> list[Arg] | None:
        """Unpack `*t` of a fixed tuple into its elements; None when an unpacked argument is
        not iterable (reported)."""
        out: list[Arg] = []
        for a in args:
            if a.star == "*" and isinstance(a.type, t.TupleType) and not a.type.variadic:
                out.extend(Arg(a.node, e) for e in a.type.elems)
            elif a.star == "*":
                elem = iter_elem(a.type) if a.type is not None else None
                if elem is None:
                    self.report.error("E-TYPE", f"cannot unpack `{a.type.render()}` with `*`", a.node.span)
                    return None
                out.append(Arg(a.node, elem, star="*"))
            elif a.star == "**":
                d = as_dict(a.type) if a.type is not None else None
                if d is None or not assignable(d.key, t.STR):
                    if not is_bottom(a.type):
                        self.report.error("E-TYPE", f"`**` needs a `dict[str, ...]`, not `{a.type.render()}`", a.node.span)
                    return None
                out.append(Arg(a.node, d.value, star="**"))
            else:
                out.append(a)
        return out

    # ---- dispatch ------------------------------------------------------------------------------

    def call_type(self, callee: t.Type, args: list[Arg], node, st: State, expected=None) -> t.Type:
        if is_bottom(callee):
            self._untyped_lambdas(args, st)
            return t.ERROR if not isinstance(callee, t.NeverType) else t.NEVER
        if any(a.star for a in args):
            if isinstance(callee, t.BuiltinFnType) and callee.qualname == "dict" and all(a.star == "**" for a in args):
                pass
            else:
                expanded = self._expand(args)
                if expanded is None:
                    self._untyped_lambdas(args, st)
                    return t.ERROR
                args = expanded
        if isinstance(callee, t.FunctionRefType):
            info = self.env.functions.get(callee.name)
            if info is None:
                self._untyped_lambdas(args, st)
                return t.ERROR
            if self.in_constant:
                self.report.error("E-CONSTANT", f"a module constant cannot call `{callee.name}`, a function of this file",
                                  node.span, "write the value out, or compute it inside the function that needs it")
            return self.apply((_user_sig(info),), args, node, st, callee.name)
        if isinstance(callee, t.LambdaRefType):
            saved = self.lambdas.get(callee.node_id)
            lam = saved[0] if saved else None
            if lam is None or any(a.keyword or a.star for a in args) or len(args) != len(lam.params):
                self._untyped_lambdas(args, st)
                n = len(lam.params) if lam is not None else 0
                self.report.error("E-ARGS", f"this lambda takes {n} argument{'s' if n != 1 else ''}", node.span)
                return t.ERROR
            types = [a.type if a.type is not None else t.ERROR for a in args]
            self._untyped_lambdas(args, st)
            # Closures read their variables when called: the call site's state is the right one
            # for the function's locals; comprehension variables come from where it was written.
            _, scopes, _defined = saved
            outer = self.fn.scopes
            self.fn.scopes = list(scopes)
            try:
                return self.lambda_with(lam, types, st).ret
            finally:
                self.fn.scopes = outer
        if isinstance(callee, t.BuiltinFnType):
            return self._builtin_call(callee.qualname, args, node, st, expected)
        if isinstance(callee, t.ClassRefType):
            return self._class_call(callee.target, args, node, st)
        if isinstance(callee, t.BoundMethodType):
            return self._method_call(callee, args, node, st)
        if isinstance(callee, t.CallableType):
            params = tuple(SigParam(f"arg{i}", p, False, "positional_only") for i, p in enumerate(callee.params))
            return self.apply((Sig("function", params, callee.ret),), args, node, st, show(getattr(node, "func", node)))
        if isinstance(callee, t.UnionType) and all(
                isinstance(o, (t.CallableType, t.LambdaRefType, t.FunctionRefType, t.BuiltinFnType)) for o in callee.options):
            # A dispatch table (`ops = {"+": add, "-": sub}`): every function must accept the call.
            return t.union(*(self.call_type(o, args, node, st, expected) for o in callee.options))
        self._untyped_lambdas(args, st)
        if t.is_optional(callee):
            self.non_optional(callee, node.func)
            return t.ERROR
        self.report.error("E-TYPE", f"`{callee.render()}` is not callable", getattr(node, "func", node).span)
        return t.ERROR

    def _untyped_lambdas(self, args: list[Arg], st: State) -> None:
        for a in args:
            if a.type is None:
                self.lambda_with(a.node, [t.ERROR] * len(a.node.params), st)

    def _builtin_call(self, qual: str, args, node, st, expected) -> t.Type:
        if qual == "dict" and args and all(a.keyword is not None or a.star == "**" for a in args):
            return self._dict_keywords(args, node)
        special = {
            "dataclasses.replace": self._replace,
            "dataclasses.field": self._field_call,
            "dataclasses.dataclass": self._decorator_misuse,
            "enum.auto": self._auto_call,
            "enum.Enum": self._decorator_misuse,
            "collections.defaultdict": self._defaultdict,
        }.get(qual)
        if special is not None:
            return special(qual, args, node, st)
        sigs = _builtin_sigs(qual)
        if not sigs:
            self._untyped_lambdas(args, st)
            self.report.error("E-TYPE", f"`{qual}` cannot be called here", node.span)
            return t.ERROR
        name = qual.split(".")[-1] if qual.startswith(("datetime.", "decimal.")) else qual
        result = self.apply(sigs, args, node, st, name, expected=expected)
        if qual.startswith("re.") and args:
            result = self._regex_call(qual, args, result, node)
        if qual in ("dict", "set") and not is_bottom(result):
            elem = result.key if isinstance(result, t.DictType) else getattr(result, "elem", None)
            if elem is not None:
                self.require_hashable(elem, node)
        if qual in ("list", "dict", "set") and isinstance(expected, type(result)) and assignable(result, expected):
            return expected
        return result

    def _dict_keywords(self, args: list[Arg], node) -> t.Type:
        value: t.Type = t.NEVER
        for a in args:
            if a.type is None:
                self.report.error("E-TYPE", "cannot infer the types of this lambda's parameters", a.node.span)
                continue
            if a.star == "**":
                d = as_dict(a.type)
                if d is None:
                    self.report.error("E-TYPE", f"`**` needs a dict, not `{a.type.render()}`", a.node.span)
                    continue
                value = join(value, d.value)
            else:
                value = join(value, a.type)
        return t.DictType(t.STR, value)

    def _class_call(self, target: t.Type, args, node, st) -> t.Type:
        if isinstance(target, t.RecordType):
            info = self.env.records[target.name]
            params = tuple(SigParam(f.name, f.type, f.default is not None, "normal") for f in info.fields)
            self.apply((Sig(target.name, params, target),), args, node, st, target.name)
            return target
        if isinstance(target, t.EnumType):
            info = self.env.enums[target.name]
            value_type = info.value_type or t.INT
            self.apply((Sig(target.name, (SigParam("value", value_type, False, "positional_only"),), target),),
                       args, node, st, target.name)
            return target
        if isinstance(target, t.PrimType) and target.name in table().type_members:
            sigs = table().type_members[target.name].get(target.name, ())
            return self.apply(sigs, args, node, st, target.name)
        self._untyped_lambdas(args, st)
        self.report.error("E-TYPE", f"`{target.render()}` cannot be called", node.span)
        return t.ERROR

    def _method_call(self, callee: t.BoundMethodType, args, node, st) -> t.Type:
        recv = callee.receiver
        if isinstance(recv, t.UnionType):
            results = [self._method_call(t.BoundMethodType(o, callee.method), args, node, st) for o in recv.options]
            return t.union(*results)
        kind = receiver_kind(recv)
        tab = table()
        sigs = tab.methods.get(kind, {}).get(callee.method)
        if sigs is None and kind == "Counter":
            sigs = tab.methods["dict"].get(callee.method)
        if sigs is None:
            self._untyped_lambdas(args, st)
            self.report.error("E-ATTR", f"`{recv.render()}` has no method `{callee.method}`", node.span)
            return t.ERROR
        pre: dict[str, t.Type] = {}
        if isinstance(recv, (t.ListType, t.SetType)):
            pre["T"] = recv.elem
        d = as_dict(recv)
        if d is not None:
            pre["K"], pre["V"] = d.key, d.value
        receiver_node = node.func.value if isinstance(getattr(node, "func", None), ast.Attribute) else None
        if kind in MUTATORS and callee.method in MUTATORS[kind] and receiver_node is not None:
            self.check_mutation(receiver_node, st, f".{callee.method}()", recv)
            self._contribute_mutator(kind, callee.method, args, receiver_node, st)
        result = self.apply(sigs, args, node, st, f"{kind}.{callee.method}", presubst=pre)
        if kind == "Pattern" and callee.method == "findall" and isinstance(recv, t.PatternType) and recv.groups > 1:
            return t.ListType(t.TupleType((t.STR,) * recv.groups))
        if kind == "list" and callee.method == "sort":
            self._check_ordering("list.sort", args, pre.get("T", t.ERROR), node)
        if kind == "str" and callee.method in ("center", "ljust", "rjust"):
            fills = [a for a in args if a.keyword is None][1:2]
            if fills and isinstance(fills[0].node, ast.Constant) and isinstance(fills[0].node.value, str) \
                    and len(fills[0].node.value) != 1:
                self.report.error("E-TYPE", "the fill character must be exactly one character long",
                                  fills[0].node.span, "e.g. `s.center(10, \"*\")`")
        return result

    def _contribute_mutator(self, kind, method, args, receiver_node, st) -> None:
        """``result.append(x)`` fixes the element type of ``result = []``."""
        positional = [a for a in args if a.keyword is None and a.type is not None]
        if kind == "list":
            if method == "append" and len(positional) == 1:
                self.contribute_to(receiver_node, t.ListType(positional[0].type), st)
            elif method == "insert" and len(positional) == 2:
                self.contribute_to(receiver_node, t.ListType(positional[1].type), st)
            elif method == "extend" and len(positional) == 1:
                elem = iter_elem(positional[0].type)
                if elem is not None:
                    self.contribute_to(receiver_node, t.ListType(elem), st)
        elif kind == "set" and positional:
            if method == "add":
                self.require_hashable(positional[0].type, positional[0].node)
                self.contribute_to(receiver_node, t.SetType(positional[0].type), st)
            elif method == "update":
                for a in positional:
                    elem = iter_elem(a.type)
                    if elem is not None:
                        self.contribute_to(receiver_node, t.SetType(elem), st)
        elif kind in ("dict", "Counter"):
            if method == "setdefault" and len(positional) == 2:
                self.require_hashable(positional[0].type, positional[0].node)
                self.contribute_to(receiver_node, t.DictType(positional[0].type, positional[1].type), st)
            elif method == "update" and len(positional) == 1 and as_dict(positional[0].type) is not None:
                self.contribute_to(receiver_node, as_dict(positional[0].type), st)

    # ---- signatures ----------------------------------------------------------------------------

    def apply(self, sigs, args: list[Arg], node, st: State, name: str, presubst=None, expected=None) -> t.Type:
        """Pick the first overload the arguments fit, type its lambdas, return its result."""
        span = getattr(node, "span", None) or (args[-1].node.span if args else None)
        attempts = [self._attempt(sig, args, dict(presubst or {}), span, name) for sig in sigs]
        chosen = next((a for a in attempts if not a.errors), None)
        if chosen is None:
            self._untyped_lambdas(args, st)
            self._report_mismatch(attempts, name, node, args)
            return t.ERROR
        self._type_callables(chosen, st)
        for code, message, span, hint in chosen.errors:
            self.report.error(code, message, span, hint)
        if chosen.errors:
            return t.ERROR
        if name in _ORDERED_RESULTS:
            self._check_ordering(name, args, chosen.subst.get("T", t.ERROR), node)
        return subst(chosen.sig.ret, chosen.subst, t.NEVER)

    def _attempt(self, sig: Sig, args: list[Arg], s: dict, span, display: str) -> Attempt:
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
            att.errors = [e for e in att.errors if e not in unknown] + [
                (code, msg, span_, f"did you mean `{m}`?") for (code, msg, span_, _), m in zip(unknown, missing)]
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
                    att.errors.append(self._arg_error(sig, p, a, subst(p.type, s, t.ERROR)))
        if att.errors:
            return att
        for p, a in pairs:
            if a.type is None or _callable_param(p.type):
                if a.type is None and not _callable_param(p.type):
                    att.errors.append(("E-TYPE", f"a lambda cannot be passed as `{p.name}` of `{sig.name}`", a.node.span, None))
                continue
            want = subst(p.type, s, t.NEVER)
            if not _fits(a.type, want):
                att.errors.append(self._arg_error(sig, p, a, want))
        return att

    def _arg_error(self, sig: Sig, p: SigParam, a: Arg, want: t.Type):
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

    def _type_callables(self, att: Attempt, st: State) -> None:
        s = att.subst
        for p, a in att.bound:
            if not _callable_param(p.type):
                continue
            want = _callable_part(p.type)
            param_types = [subst(x, s, t.ERROR) for x in want.params]
            if a.type is None:
                lam: ast.Lambda = a.node
                if len(lam.params) != len(param_types):
                    att.errors.append(("E-ARGS", f"this lambda must take {len(param_types)} parameter"
                                       f"{'s' if len(param_types) != 1 else ''}", lam.span, None))
                    self.lambda_with(lam, [t.ERROR] * len(lam.params), st)
                    continue
                got = self.lambda_with(lam, param_types, st)
                ret = got.ret
                self.types[id(lam)] = got
            else:
                if a.type == t.NONE and t.NONE in t.options(p.type):
                    continue
                ret = self.callable_result(a.type, param_types, a.node, st)
                if ret is not None:
                    key_ret = ret
                    if isinstance(a.type, t.BoundMethodType) and a.type.method == "get":
                        key_ret = t.strip_none(ret)   # `max(d, key=d.get)`: every key is in d
                    self.key_results[id(a.node)] = key_ret
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

    def callable_result(self, fn: t.Type, param_types, node, st) -> t.Type | None:
        """The result of calling a function value ``fn`` with ``param_types`` (None: it cannot)."""
        fake = [Arg(node, pt) for pt in param_types]
        before = self.report.count()
        self.report.muted += 1
        try:
            result = self.call_type(fn, fake, node, st)
        finally:
            self.report.muted -= 1
        if isinstance(result, t.ErrorType) and not is_bottom(fn) and before == self.report.count():
            if not any(isinstance(p, t.ErrorType) for p in param_types):
                return None
        return result

    def _report_mismatch(self, attempts: list[Attempt], name: str, node, args) -> None:
        if len(attempts) == 1:
            for code, message, span, hint in attempts[0].errors:
                self.report.error(code, message, span, hint)
            return
        fitting = [a for a in attempts if a.arity_ok]
        if len(fitting) == 1:
            for code, message, span, hint in fitting[0].errors:
                self.report.error(code, message, span, hint)
            return
        shown = ", ".join((a.type.render() if a.type is not None else "lambda") for a in args)
        variants = "; ".join(f"{a.sig.render()}" for a in attempts[:4])
        first = fitting[0] if fitting else attempts[0]
        code = "E-TYPE" if fitting else "E-ARGS"
        opt = [e for a in fitting for e in a.errors if e[0] == "E-OPTIONAL"]
        if opt:
            self.report.error(*opt[0])
            return
        self.report.error(code, f"no form of `{name}` accepts ({shown})", getattr(node, "span", first.errors[0][2]),
                          f"forms: {variants}")

    def _check_ordering(self, name: str, args: list[Arg], elem: t.Type, node) -> None:
        key = next((a for a in args if a.keyword == "key"), None)
        if key is not None:
            kt = self.types.get(id(key.node))
            compared = kt.ret if isinstance(kt, t.CallableType) else self.key_results.get(id(key.node))
            if compared is None:
                return
        else:
            compared = elem
        if is_bottom(compared):
            return
        if t.is_optional(compared):
            self.report.error("E-OPTIONAL", f"`{name}` would compare values that may be None (`{compared.render()}`)",
                              node.span, "filter out None first: `[x for x in xs if x is not None]`")
            return
        if not orderable(compared, self.ordered_records()):
            hint = "pass `key=` to compare by a field, e.g. `key=lambda p: p.age`"
            if isinstance(compared, t.EnumType):
                hint = "pass `key=lambda c: c.value`"
            self.report.error("E-TYPE", f"`{name}` cannot order values of type `{compared.render()}`", node.span, hint)

    # ---- special functions -----------------------------------------------------------------------

    def _isinstance(self, node: ast.Call, st: State) -> t.Type:
        if len(node.args) != 2 or node.keywords:
            self.report.error("E-ARGS", "`isinstance` takes a value and a class", node.span)
            for a in node.args:
                self.value(a, st)
            return t.BOOL
        self.value(node.args[0], st)
        classinfo = node.args[1]
        items = classinfo.elts if isinstance(classinfo, ast.TupleExpr) else (classinfo,)
        for item in items:
            self.expr(item, st)
        if isinstance(classinfo, ast.TupleExpr):
            self.types[id(classinfo)] = t.ERROR
        if self.class_predicates(classinfo) is None:
            self.report.error("E-TYPE", "the second argument of `isinstance` must be a class or a tuple of classes",
                              classinfo.span, "e.g. `isinstance(x, int)`, `isinstance(s, (Circle, Square))`")
        return t.BOOL

    def _zip_star(self, node: ast.Call, st: State) -> t.Type:
        if len(node.args) != 1 or node.keywords:
            self.report.error("E-UNSUPPORTED", "`zip(*rows)` must be the only argument", node.span)
            self._args(node, st)
            return t.ERROR
        inner = self.value(node.args[0].value, st)
        self.types[id(node.args[0])] = inner
        rows = iter_elem(inner)
        elem = iter_elem(rows) if rows is not None else None
        if elem is None:
            self.report.error("E-TYPE", f"`zip(*rows)` needs an iterable of iterables, not `{inner.render()}`", node.args[0].span)
            return t.ERROR
        return t.IteratorType(t.TupleType((elem,), True))

    def _replace(self, qual, args, node, st) -> t.Type:
        pos = [a for a in args if a.keyword is None]
        if len(pos) != 1:
            self._untyped_lambdas(args, st)
            self.report.error("E-ARGS", "`replace` takes one record and keyword arguments", node.span,
                              "e.g. `replace(p, x=1)`")
            return t.ERROR
        rec = pos[0].type
        if is_bottom(rec) or rec is None:
            return t.ERROR
        if not isinstance(rec, t.RecordType):
            self.report.error("E-TYPE", f"`replace` needs a record, not `{rec.render()}`", pos[0].node.span)
            return t.ERROR
        info = self.env.records[rec.name]
        params = (SigParam("obj", rec, False, "positional_only"),) + tuple(
            SigParam(f.name, f.type, True, "keyword_only") for f in info.fields)
        self.apply((Sig("replace", params, rec),), args, node, st, "replace")
        return rec

    def _field_call(self, qual, args, node, st) -> t.Type:
        self._untyped_lambdas(args, st)
        if not getattr(self, "_in_record_field", False):
            self.report.error("E-TYPE", "`field(...)` is only allowed as a record field default", node.span)
            return t.ERROR
        for a in args:
            if a.keyword == "default":
                return a.type or t.ERROR
            if a.keyword == "default_factory":
                ft = a.type
                if isinstance(ft, t.BuiltinFnType) and ft.qualname in ("list", "dict", "set"):
                    return {"list": t.ListType(t.NEVER), "dict": t.DictType(t.NEVER, t.NEVER), "set": t.SetType(t.NEVER)}[ft.qualname]
                self.report.error("E-TYPE", "`default_factory` must be `list`, `dict` or `set`", a.node.span)
                return t.ERROR
            self.report.error("E-ARGS", f"`field` does not take `{a.keyword or 'positional arguments'}` in Seglam",
                              a.node.span, "use `field(default=...)` or `field(default_factory=list)`")
            return t.ERROR
        self.report.error("E-ARGS", "`field` needs `default=` or `default_factory=`", node.span)
        return t.ERROR

    def _auto_call(self, qual, args, node, st) -> t.Type:
        self._untyped_lambdas(args, st)
        if not getattr(self, "_in_enum", False):
            self.report.error("E-TYPE", "`auto()` is only allowed as an enum member value", node.span)
        return t.INT

    def _decorator_misuse(self, qual, args, node, st) -> t.Type:
        self._untyped_lambdas(args, st)
        self.report.error("E-TYPE", f"`{qual.split('.')[-1]}` cannot be called here", node.span)
        return t.ERROR

    def _defaultdict(self, qual, args, node, st) -> t.Type:
        self._untyped_lambdas(args, st)
        if len(args) != 1 or args[0].keyword is not None:
            self.report.error("E-ARGS", "`defaultdict` takes one factory: `defaultdict(int)`, `defaultdict(list)`",
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
                return t.DictType(t.NEVER, self.types.get(id(lam), t.CallableType((), t.ERROR)).ret)
        self.report.error("E-TYPE", "`defaultdict` needs a factory: `int`, `float`, `str`, `list`, `set`, `dict` "
                          "or a lambda without parameters", a.node.span)
        return t.ERROR

    def _regex_call(self, qual: str, args: list[Arg], result: t.Type, node) -> t.Type:
        pattern = args[0]
        if pattern.keyword not in (None, "pattern"):
            return result
        if isinstance(pattern.node, ast.Constant) and isinstance(pattern.node.value, str):
            groups, problem = check_pattern(pattern.node.value)
            if problem is not None:
                self.report.error("E-REGEX", f"invalid regular expression: {problem}", pattern.node.span,
                                  "Seglam uses RE2: no backreferences (`\\1`) or lookaround (`(?=`, `(?<=`)")
                return result
            if qual == "re.findall" and groups is not None and groups > 1:
                return t.ListType(t.TupleType((t.STR,) * groups))
            if qual == "re.compile" and groups is not None:
                return t.PatternType(groups)
        return result


def _builtin_sigs(qual: str) -> tuple[Sig, ...]:
    tab = table()
    if "." not in qual:
        return tab.builtins.get(qual, ())
    head, name = qual.rsplit(".", 1)
    if head in tab.type_members:
        return tab.type_members[head].get(name, ())
    return tab.module_functions.get(head, {}).get(name, ())


def _user_sig(info: FunctionInfo) -> Sig:
    params = tuple(SigParam(p.name, p.type, p.default is not None, p.kind) for p in info.params)
    return Sig(info.name, params, info.returns)


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


def node_span_of(args, default):
    return args[-1].node.span if args else default
