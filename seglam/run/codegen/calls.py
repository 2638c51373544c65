"""Calls: user functions and records are called natively; builtins, methods and module
functions call the shared stdlib implementation with the run context first.

A few builtins whose Seglam implementation *is* the Python builtin (constant time, no charge)
are called directly, which keeps hot loops at CPython speed.
"""

from __future__ import annotations

import ast as py
import copy
from typing import Any

from seglam.check import types as T
from seglam.run.codegen import functions, inline
from seglam.run.codegen import pyast as P
from seglam.run.codegen import sizework
from seglam.run.codegen.exprs import int_text_charged, native_zip_iterables, qualified_path, resolve_name
from seglam.run.codegen.sizework import capped_len, keyed
from seglam.run.codegen.state import CTX, LEN_LIM, STR_LIM, FnState
from seglam.run.codegen.naming import user
from seglam.run.codegen.runtime import NATIVE_BUILTINS
from seglam.run.ir import nodes as ir
from seglam.run.stdlib_text import PADDING_STR_METHODS
from seglam.syntax import ast as A


def arguments(g, node: A.Call, fn: FnState, user_function: bool = False,
              handed_over: bool = False) -> tuple[list[py.expr], list[py.keyword]]:
    """Positional and keyword arguments; keywords of a call to a user function name its
    parameters, which are mangled like every user name. ``handed_over``: the callee is a
    builtin or the stdlib's, which calls a function value it is given as a plain callable
    (:func:`functions.handed_over`)."""
    def value(a: Any) -> py.expr:
        out = g.expr(a, fn)
        return functions.handed_over(g, a, out, g.depth_arg(fn)) if handed_over else out

    args: list[py.expr] = []
    for a in node.args:
        if isinstance(a, A.Starred):
            spread = P.call(g.ref(g.runtime.collect, "collect"), [P.name(CTX), g.expr(a.value, fn)])
            args.append(py.Starred(value=spread, ctx=P.LOAD))
        else:
            args.append(value(a))
    keywords = []
    for k in node.keywords:
        if k.name is not None and k.name.startswith("_") and not user_function:
            raise g.fail("keyword arguments cannot start with '_'", node)
        name = user(k.name) if (user_function and k.name is not None) else k.name
        kw_value = value(k.value) if k.name is not None else g.expr(k.value, fn)
        if user_function and k.name is None:
            kw_value = P.call(g.ref(g.runtime.user_kwargs, "user_kwargs"), [kw_value])
        keywords.append(P.kw(name, kw_value))
    return args, keywords


def emit_call(g, node: A.Call, fn: FnState) -> py.expr:
    """A call; a builtin's or the stdlib's that returns a callable (``itemgetter(1)``) makes
    it a function value (:mod:`functions`)."""
    call = _call(g, node, fn)
    if not _user_call(g, node, fn) and functions.is_function_type(g.type_of(node)):
        return functions.as_function(g, call)
    return call


def _user_call(g, node: A.Call, fn: FnState) -> bool:
    """A call of a def, a function value or a record's function field: its result is
    already a function value when it is one."""
    func = node.func
    if isinstance(func, A.Name):
        return fn.scope.binds(func.id)
    return not isinstance(func, A.Attribute) or _field_call(g, func)


def _field_call(g, func: A.Attribute) -> bool:
    """``r.f(...)`` calls a record's field ``f``, a function value (records have no
    methods)."""
    return isinstance(g.type_of(func.value), T.RecordType)


def _call(g, node: A.Call, fn: FnState) -> py.expr:
    func = node.func
    if isinstance(func, A.Name) and not fn.scope.binds(func.id):
        return _named_call(g, node, func.id, fn)
    if isinstance(func, A.Attribute) and _field_call(g, func):  # a function value in a record's field
        args, keywords = arguments(g, node, fn, user_function=True)
        return _value_call(g, func, P.attr(g.expr(func.value, fn), func.attr), args, keywords, fn)
    if isinstance(func, A.Attribute):
        base = func.value
        if isinstance(base, A.Name) and not fn.scope.binds(base.id) and base.id not in g.checked.enums \
                and base.id not in g.checked.records:
            qualified = g.checked.imports.get(base.id)
            if qualified is not None:
                return _stdlib_call(g, node, f"{qualified}.{func.attr}", fn)
            if base.id in g.runtime.builtin_type_names:
                return _unbound_method_call(g, node, base.id, func.attr, fn)
        nested = qualified_path(g, base, fn) if isinstance(base, A.Attribute) else None
        if nested is not None and g.runtime.module_function(f"{nested}.{func.attr}") is not None:
            # a function reached through an imported module's class: ``itertools.chain.from_iterable``
            return _stdlib_call(g, node, f"{nested}.{func.attr}", fn)
        return _method_call(g, node, fn)
    # a user function, lambda, nested def or any function value: the callee's depth first
    args, keywords = arguments(g, node, fn, user_function=True)
    if isinstance(func, A.Name) and fn.scope.is_def(func.id):
        callee = ir.Def(user(func.id), module_level=fn.scope.is_module_def(func.id))
        held = [P.const(True)] if id(node) in g.held_passes else []  # escape.HELD: the held arguments passed on
        return P.call(callee, [g.depth_arg(fn), *args, *held], keywords)
    return _value_call(g, func, g.expr(func, fn), args, keywords, fn)


def _value_call(g, func: Any, callee: py.expr, args: list[py.expr], keywords: list[py.keyword],
                fn: FnState) -> py.expr:
    """A call of a value: a function value takes the call's depth first (:mod:`functions`)."""
    callee_t = g.type_of(func)
    if functions.is_function_type(callee_t):
        return P.call(callee, [g.depth_arg(fn), *args], keywords)
    if functions.may_be_function(callee_t) or keywords:  # told apart at run time; keywords unmangled there
        return P.call(g.ref(g.runtime.call_value, "call_value"), [callee, g.depth_arg(fn), *args], keywords)
    return P.call(callee, args, keywords)  # a record class used as a value


#: Builtins that collect an iterable argument completely before using it: for these a
#: generator expression and the list comprehension of the same clauses are charged alike
#: (``collect`` charges the length either way), and the list is much faster to build.
_COLLECTING = frozenset({"sum", "min", "max", "sorted", "list", "tuple", "set", "dict"})


def _metered_by_its_element(g, ident: str, gen: A.GeneratorExp, fn: FnState) -> py.expr:
    """``all``/``any`` of a generator expression: CPython's own, over the generator whose
    element takes, last, the step the builtin charges for each item it takes (``b_all``
    meters an unsized iterable, one step per item received). Nothing runs between the
    generator making an item and the builtin charging for it, so the steps, and where
    ``F-FUEL`` fires, are the builtin's: at the generator's line, which a fault leaves for
    the call's (``locate``). The element's truth is kept; the builtins look at nothing else.
    A Python call per item less (``b_all`` and ``Metered.__next__``): a third of the time
    of ``all(x >= 0 for x in xs)``."""
    genexp = g.expr(gen, fn)
    taken = py.BoolOp(op=py.Or(), values=[py.BoolOp(op=py.And(), values=[genexp.elt, ir.ItemStep()]),
                                          py.BoolOp(op=py.And(), values=[ir.ItemStep(), P.const(False)])])
    genexp.elt = P.stamp(taken, genexp.lineno)
    return P.call(g.ref(all if ident == "all" else any, ident), [genexp])


def _named_call(g, node: A.Call, ident: str, fn: FnState) -> py.expr:
    if ident in _COLLECTING and len(node.args) >= 1 and isinstance(node.args[0], A.GeneratorExp) \
            and not (ident in ("min", "max") and len(node.args) > 1):
        gen = node.args[0]
        listcomp = A.ListComp(gen.span, gen.elt, gen.generators)
        g.driven_nodes[id(listcomp)] = node.span  # a fault at its step is located at the consumer
        g.keep.append(listcomp)
        elem = g.type_of(gen.elt)
        if elem is not None:  # the list has the generator's item type: sum/min/max/sorted of it inline
            g.synthetic_types[id(listcomp)] = T.ListType(elem)
        node = A.Call(node.span, node.func, (listcomp,) + node.args[1:], node.keywords)
    if ident in ("all", "any") and len(node.args) == 1 and not node.keywords \
            and isinstance(node.args[0], A.GeneratorExp):
        return _metered_by_its_element(g, ident, node.args[0], fn)
    if ident in g.checked.records or ident in g.checked.enums:
        args, keywords = arguments(g, node, fn)  # a record keeps a function value as it is
        return P.call(resolve_name(g, ident, fn, node.func), args, keywords)
    qualified = g.checked.imports.get(ident)
    if qualified is not None:
        return _stdlib_call(g, node, qualified, fn)
    if ident == "str" and len(node.args) == 1 and not node.keywords \
            and g.type_of(node.args[0]) in (T.INT, T.FLOAT, T.BOOL) and not isinstance(node.args[0], A.Starred):
        # seglam_str: str() itself, the work of a large int charged first; then the str cap
        text = P.call(g.ref(str, "str"), [int_text_charged(g, g.expr(node.args[0], fn))])
        return capped_len(g, text, STR_LIM, g.runtime.str_fault)
    if ident == "int":
        fast = inline.int_of_str(g, node, fn)
        if fast is not None:
            return fast
    if ident in ("min", "max"):
        fast = inline.scalar_extreme(g, node, ident, fn)
        if fast is not None:
            return fast
    if ident in ("sum", "min", "max", "sorted"):
        fast = inline.collecting_builtin(g, node, ident, fn)
        if fast is not None:
            return fast
    args, keywords = arguments(g, node, fn, handed_over=True)
    native = NATIVE_BUILTINS.get(ident)
    if ident == "abs" and len(args) == 1 and not keywords and not isinstance(args[0], py.Starred):
        return sizework.unary(g, "abs", args[0], g.type_of(node.args[0]))  # charged for a big int
    if native is not None and not any(isinstance(a, py.Starred) for a in args):
        return P.call(g.ref(native, ident), args, keywords)
    if ident in ("enumerate", "zip") and native_zip_iterables(g, node, ident) is not None:
        if ident == "enumerate" and len(args) == 2:  # the start named: every positional argument is iterated
            args, keywords = args[:1], [py.keyword(arg="start", value=args[1])]
        return P.call(g.ref(enumerate if ident == "enumerate" else zip, ident), args, keywords)
    if ident == "reversed" and len(node.args) == 1 and not keywords and (_sized_arg(g, node.args[0]) or _range_call(g, node.args[0], fn)):
        return P.call(g.ref(reversed, ident), args)  # b_reversed: reversed(seq) for these, no charge
    try:
        impl = g.runtime.builtin_function(ident)
    except KeyError:
        raise g.fail(f"unknown function {ident!r}", node) from None
    return P.call(g.ref(impl, ident), [P.name(CTX), *args], keywords)


def _inert(expr: py.expr) -> bool:
    """A Python expression that can neither fault nor charge: a name, a constant, or a
    list, tuple, set or dict display of those (``[]``, ``(0, "")``)."""
    if isinstance(expr, (py.Name, py.Constant)):
        return True
    if isinstance(expr, (py.List, py.Tuple, py.Set)):
        return all(_inert(e) for e in expr.elts)
    if isinstance(expr, py.Dict):
        return all(k is not None and _inert(k) for k in expr.keys) and all(_inert(v) for v in expr.values)
    return False


def _sized_arg(g, node) -> bool:
    t = g.type_of(node)
    return isinstance(t, (T.ListType, T.TupleType, T.DictType)) or t == T.STR


def _range_call(g, node, fn) -> bool:
    return (isinstance(node, A.Call) and isinstance(node.func, A.Name) and node.func.id == "range"
            and not fn.scope.binds("range"))


def _stdlib_call(g, node: A.Call, qualified: str, fn: FnState) -> py.expr:
    if qualified in g.runtime.records or qualified in g.runtime.enums:
        args, keywords = arguments(g, node, fn)
        return P.call(g.ref(g.runtime.records.get(qualified) or g.runtime.enums[qualified], qualified), args, keywords)
    args, keywords = arguments(g, node, fn, handed_over=True)
    impl = g.runtime.module_function(qualified)
    if impl is None:
        raise g.fail(f"unknown function {qualified!r}", node)
    return P.call(g.ref(impl, qualified), [P.name(CTX), *args], keywords)


def _unbound_method_call(g, node: A.Call, type_name: str, method: str, fn: FnState) -> py.expr:
    """``str.join(sep, xs)``, ``dict.fromkeys(...)``: the first argument is the receiver."""
    args, keywords = arguments(g, node, fn, handed_over=True)
    impl = g.runtime.type_function(type_name, method)
    if impl is not None:
        return P.call(g.ref(impl, f"{type_name}.{method}"), [P.name(CTX), *args], keywords)
    if not args:
        raise g.fail(f"{type_name}.{method} needs a receiver", node)
    return P.call(g.ref(g.runtime.call_method, "call_method"), [P.name(CTX), args[0], P.const(method), *args[1:]], keywords)


def _padded(g, node: A.Call, receiver_t: Any, fn: FnState) -> py.expr | None:
    """``s.ljust(width)``, ``s.rjust(width, fill)``, ``center``, ``zfill`` inline, exactly as
    the stdlib's padding methods: the receiver, then the width past the string cap faults,
    then the charge for the longer of the string and the width, then the call. So a loop that
    lays out text (a report, a table) keeps its fuel in a local counter."""
    func = node.func
    if receiver_t != T.STR or func.attr not in PADDING_STR_METHODS or node.keywords \
            or not 1 <= len(node.args) <= (1 if func.attr == "zfill" else 2) \
            or not all(inline.simple(a, g) for a in node.args) or g.type_of(node.args[0]) not in (T.INT, T.BOOL):
        return None
    recv, n = g.tmp(), g.tmp()
    width = g.expr(node.args[0], fn)
    fault = P.call(g.ref(g.runtime.str_fault, "str_fault"), [P.name(CTX), g.expr(node.args[0], fn)])
    longer = ir.Let(n, inline.length(g, P.name(recv)), py.IfExp(
        test=P.compare(P.name(n), py.Gt(), g.expr(node.args[0], fn)), body=P.name(n), orelse=g.expr(node.args[0], fn)))
    checked = py.IfExp(test=P.compare(width, py.Gt(), P.name(STR_LIM)), body=fault,
                       orelse=ir.Charge(longer))
    receiver = g.expr(func.value, fn)
    call = P.call(P.attr(P.name(recv), func.attr), [g.expr(a, fn) for a in node.args])
    # the receiver first: its Effect is falsy
    return ir.Let(recv, receiver, py.BoolOp(op=py.Or(), values=[ir.Effect(P.name(recv)), checked, call]))


def _setdefault(g, node: A.Call, receiver: py.expr, args: list, t: Any) -> py.expr:
    """``d.setdefault(k, [])`` natively (grouping into a dict of lists): the key charged like
    the stdlib's, then Python's own method (a frozen dict's faults by itself), then the
    collection cap on the dict, as after an item store; the fault a full dict gives is the
    stdlib's (the same length), and faults cannot be caught, so inserting before it is never
    seen. The default is inert, so charging the key before evaluating it changes nothing."""
    again: py.expr = copy.deepcopy(receiver)
    binds: list[tuple[str, py.expr]] = []
    if not isinstance(node.func.value, A.Name):
        tmp = g.tmp()
        binds.append((tmp, receiver))
        receiver, again = P.name(tmp), P.name(tmp)
    got = g.tmp()
    call = P.call(P.attr(receiver, "setdefault"), [keyed(g, args[0], t.key, node.args[0]), *args[1:]])
    size = P.call(g.ref(len, "len"), [again])
    full = py.BoolOp(op=py.And(), values=[P.compare(size, py.Gt(), P.name(LEN_LIM)), P.call(
        g.ref(g.runtime.len_fault, "len_fault"), [P.name(CTX), P.call(g.ref(len, "len"), [copy.deepcopy(again)])])])
    # the call first: its Effect is falsy
    return ir.lets([*binds, (got, call)], py.BoolOp(op=py.Or(), values=[ir.Effect(P.name(got)), full, P.name(got)]))


def _method_call(g, node: A.Call, fn: FnState) -> py.expr:
    func: A.Attribute = node.func  # type: ignore[assignment]
    name = func.attr
    if name.startswith("_"):
        raise g.fail(f"no method {name!r}", node)
    t = g.type_of(func.value)
    fast = inline.str_method(g, node, t, fn) or inline.linear_read(g, node, t, fn) \
        or (inline.join(g, node, fn) if name == "join" else None) or _padded(g, node, t, fn)
    if fast is not None:
        return fast
    if t == T.STR and name == "join" and len(node.args) == 1 and isinstance(node.args[0], A.GeneratorExp) \
            and g.type_of(node.args[0].elt) == T.STR:
        # join collects a generator (charging its length): the same as collecting the list
        gen = node.args[0]
        synthetic = A.ListComp(gen.span, gen.elt, gen.generators)
        g.driven_nodes[id(synthetic)] = node.span
        g.keep.append(synthetic)
        # collect() of a fresh, already capped list: charge its length (no copy needed)
        tmp = g.tmp()
        collected = ir.Let(tmp, g.expr(synthetic, fn), inline.charge(inline.length(g, P.name(tmp)), P.name(tmp)))
        fast = inline.join(g, node, fn, items_expr=collected)
        if fast is not None:
            return fast
    receiver = g.expr(func.value, fn)
    args, keywords = arguments(g, node, fn, handed_over=True)
    if isinstance(t, T.DictType) and name in ("keys", "values", "items") and not keywords:
        return P.call(P.attr(receiver, name), args)  # the stdlib's are exactly these
    if isinstance(t, T.DictType) and name == "get" and not keywords and args \
            and all(_inert(a) for a in args[1:]):
        # the stdlib's, with the key charged like the stdlib's (the default is a name, a
        # constant or a display of those, so charging before evaluating it changes nothing)
        return P.call(P.attr(receiver, name), [keyed(g, args[0], t.key, node.args[0]), *args[1:]])
    if isinstance(t, T.DictType) and name == "setdefault" and not keywords and 1 <= len(args) <= 2 \
            and all(_inert(a) for a in args[1:]):
        return _setdefault(g, node, receiver, args, t)
    if isinstance(t, T.ListType) and name == "pop" and not args and not keywords:
        return P.call(P.attr(receiver, name), [])  # list_pop(-1): no charge; frozen lists fault themselves
    if t == T.STR and name == "join" and len(node.args) == 1 and isinstance(node.args[0], A.GeneratorExp):
        # join collects a generator (charging its length): the same as collecting the list
        gen = node.args[0]
        synthetic = A.ListComp(gen.span, gen.elt, gen.generators)
        g.driven_nodes[id(synthetic)] = node.span
        g.keep.append(synthetic)
        listcomp = g.expr(synthetic, fn)
        collected = P.call(g.ref(g.runtime.collect, "collect"), [P.name(CTX), listcomp])
        impl = g.runtime.static_method(t, name)
        return P.call(g.ref(impl, name), [P.name(CTX), receiver, collected])
    impl = g.runtime.static_method(t, name)
    if impl is not None:
        return P.call(g.ref(impl, name), [P.name(CTX), receiver, *args], keywords)
    return P.call(g.ref(g.runtime.call_method, "call_method"), [P.name(CTX), receiver, P.const(name), *args], keywords)


__all__ = ["emit_call", "arguments"]
