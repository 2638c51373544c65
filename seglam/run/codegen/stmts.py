"""Statements and match patterns: Seglam statement node → Python statement nodes.

Loops charge one step per iteration (at the top of the body), stores into dicts and
augmented assignments check the size caps, ``assert`` becomes an explicit test (so ``-O``
cannot remove it), and ``match`` maps onto Python's own ``match``.
"""

from __future__ import annotations

import ast as py
import copy
from typing import Any

from seglam.check import types as T
from seglam.run.codegen import pyast as P
from seglam.run.intcap import small_int_literal
from seglam.run.codegen import sizework
from seglam.run.codegen.exprs import element_type, in_order, plain_assignable, qualified_path, resolve_name, held_sized
from seglam.run.codegen.exprs import target as simple_target
from seglam.run.codegen import inline
from seglam.run.codegen.inline import slice_object
from seglam.run.codegen.sizework import capped_assign, int_checked, int_divided, key_type, keyed, len_capped
from seglam.run.codegen.state import PY_BINOPS, COPIES, CTX, LEN_LIM, FnState
from seglam.run.codegen.naming import user
from seglam.run.ir import nodes as ir
from seglam.syntax import ast as A


def emit(g, node: Any, fn: FnState) -> list[py.stmt]:
    method = _DISPATCH.get(type(node))
    if method is None:
        raise g.fail(f"cannot compile statement {type(node).__name__}", node)
    ln = g.line(node)
    return [P.stamp(s, ln) for s in method(g, node, fn, ln)]


def _return(g, node: A.Return, fn: FnState, ln: int) -> list[py.stmt]:
    if node.value is None:
        return [py.Return(value=None)]
    value = g.expr(node.value, fn)
    if fn.hands_back:  # a frozen copy of an argument goes back as the caller's own object
        value = P.call(g.ref(g.runtime.handed_back, "handed_back"), [P.name(COPIES), value])
    return [py.Return(value=value)]


def _expr_stmt(g, node: A.ExprStmt, fn: FnState, ln: int) -> list[py.stmt]:
    value = node.value
    fast = _fast_mutator(g, value, fn)
    if fast is not None:
        return fast
    return [P.expr_stmt(g.expr(value, fn))]


def _fast_mutator(g, value: Any, fn: FnState) -> list[py.stmt] | None:
    """``xs.append(v)`` / ``s.add(v)`` on a local name: the native method, then the cap
    check (the frozen classes fault on their own; checking after is equivalent, since a
    fault ends the run either way)."""
    if not (isinstance(value, A.Call) and isinstance(value.func, A.Attribute) and not value.keywords
            and len(value.args) == 1 and not isinstance(value.args[0], A.Starred)):
        return None
    t = g.type_of(value.func.value)
    method = value.func.attr
    if isinstance(t, T.ListType) and method == "extend" and isinstance(value.func.value, A.Name) \
            and isinstance(g.type_of(value.args[0]), (T.ListType, T.TupleType)):
        return _extend(g, value, fn)
    if not ((isinstance(t, T.ListType) and method == "append") or (isinstance(t, T.SetType) and method == "add")):
        return None
    arg = g.expr(value.args[0], fn)
    if isinstance(t, T.SetType):
        arg = keyed(g, arg, t.elem, value.args[0])  # charged like the stdlib's set_add
    if isinstance(value.func.value, A.Name):
        recv = g.expr(value.func.value, fn)
        call = P.call(P.attr(recv, method), [arg])
        return [P.expr_stmt(call), _len_check(g, g.expr(value.func.value, fn))]
    # the receiver is evaluated once, before the argument, as in the call
    tmp = g.tmp()
    call = P.call(P.attr(P.name(tmp), method), [arg])
    return [P.assign(P.store(tmp), g.expr(value.func.value, fn)), P.expr_stmt(call), _len_check(g, P.name(tmp))]


def _extend(g, value: A.Call, fn: FnState) -> list[py.stmt]:
    """``xs.extend(ys)`` on a local name with a list or tuple ``ys``: Python's own method (a
    frozen list faults by itself, as the stdlib's refuses it first), then the stdlib's charge
    for a sized argument (1 + len // BULK_UNIT; none for ``xs.extend(xs)``, which it copies)
    and its collection cap on the grown list. The faults come in the stdlib's order (frozen,
    fuel, cap) and a fault ends the run, so extending before charging is never seen. The cap
    check is not marked as a growth by one."""
    items = g.tmp()
    recv = g.expr(value.func.value, fn)
    size = P.call(g.ref(len, "len"), [g.expr(value.func.value, fn)])
    fault = P.call(g.ref(g.runtime.len_fault, "len_fault"), [P.name(CTX), copy.deepcopy(size)])
    return [P.assign(P.store(items), g.expr(value.args[0], fn)),
            P.expr_stmt(P.call(P.attr(recv, "extend"), [P.name(items)])),
            P.expr_stmt(py.BoolOp(op=py.Or(), values=[  # the stdlib copies xs.extend(xs) uncharged
                P.compare(P.name(items), py.Is(), g.expr(value.func.value, fn)),
                ir.Charge(P.call(g.ref(len, "len"), [P.name(items)]))])),
            P.if_(P.compare(size, py.Gt(), P.name(LEN_LIM)), [P.expr_stmt(fault)])]


def _len_check(g, container: py.expr) -> py.stmt:
    size = P.call(g.ref(len, "len"), [container])
    fault = P.call(g.ref(g.runtime.len_fault, "len_fault"), [P.name(CTX), size])
    test = P.compare(size, py.Gt(), P.name(LEN_LIM))
    # the cap check of a grown collection: the pass cap_versioning can prove it redundant in a loop
    if isinstance(container, py.Name):
        return ir.GrowCheck(test, [P.expr_stmt(fault)], container=container.id)
    return P.if_(test, [P.expr_stmt(fault)])


def _assign(g, node: A.Assign, fn: FnState, ln: int) -> list[py.stmt]:
    if len(node.targets) == 1 and isinstance(node.targets[0], A.Subscript):
        return _store_item(g, node.targets[0], g.expr(node.value, fn), fn)
    if _parallel(node):
        return _parallel_assign(g, node, fn)
    value = g.expr(node.value, fn)
    out: list[py.stmt] = []
    vt = g.type_of(node.value)
    if len(node.targets) == 1 and isinstance(node.targets[0], A.Name):
        stmts = capped_assign(g, user(node.targets[0].id), value)
        if stmts is not None:
            return stmts
    if all(plain_assignable(g, t, vt) for t in node.targets):
        return [py.Assign(targets=[simple_target(g, t, fn) for t in node.targets], value=value)]
    # chained or compound targets with item stores: evaluate once, then store left to right
    tmp = g.tmp()
    out.append(P.assign(P.store(tmp), value))
    for t in node.targets:
        out.extend(_store(g, t, P.name(tmp), fn))
    return out


def _parallel(node: A.Assign) -> bool:
    """``a, b = b, a % b``: names given the items of a tuple display of the same length (a
    swap, a step of Fibonacci or Euclid), with no ``*`` on either side."""
    if len(node.targets) != 1 or not isinstance(node.targets[0], A.TupleExpr) \
            or not isinstance(node.value, A.TupleExpr):
        return False
    names, items = node.targets[0].elts, node.value.elts
    return len(names) == len(items) >= 2 and all(isinstance(t, A.Name) for t in names) \
        and not any(isinstance(e, A.Starred) for e in items)


def _parallel_assign(g, node: A.Assign, fn: FnState) -> list[py.stmt]:
    """A :func:`_parallel` assignment as Python's own (which builds no tuple for two or three
    items), then the collection cap of the tuple the reference builds: it is at most the
    number of items, so one comparison with the cap, made after every item is evaluated; a
    fault ends the run (faults cannot be caught), so that the names are already stored then
    is never seen."""
    n = len(node.value.elts)
    items = [g.expr(e, fn) for e in node.value.elts]
    targets = [simple_target(g, t, fn) for t in node.targets[0].elts]
    fault = P.call(g.ref(g.runtime.len_fault, "len_fault"), [P.name(CTX), P.const(n)])
    check = P.if_(P.compare(P.name(LEN_LIM), py.Lt(), P.const(n)), [P.expr_stmt(fault)])
    return [py.Assign(targets=[py.Tuple(elts=targets, ctx=P.STORE)], value=py.Tuple(elts=items, ctx=P.LOAD)),
            P.stamp(check, g.line(node.value))]  # located at the tuple, as the reference locates it


def _store(g, node: Any, value: py.expr, fn: FnState) -> list[py.stmt]:
    if isinstance(node, A.Subscript):
        return _store_item(g, node, value, fn)
    if not isinstance(node, (A.TupleExpr, A.ListExpr)) and plain_assignable(g, node):
        return [P.assign(simple_target(g, node, fn), value)]
    if isinstance(node, (A.TupleExpr, A.ListExpr)):
        # unpack into temporaries, then store each (Python stores left to right)
        temps = []
        elts = []
        for e in node.elts:
            t = g.tmp()
            temps.append((t, e))
            elts.append(py.Starred(value=P.store(t), ctx=P.STORE) if isinstance(e, A.Starred) else P.store(t))
        unpack = P.call(g.ref(g.runtime.unpackable, "unpackable"), [P.name(CTX), value])
        out: list[py.stmt] = [py.Assign(targets=[py.Tuple(elts=elts, ctx=P.STORE)], value=unpack)]
        for t, e in temps:
            out.extend(_store(g, e.value if isinstance(e, A.Starred) else e, P.name(t), fn))
        return out
    raise g.fail("unsupported assignment target", node)


def _store_item(g, node: A.Subscript, value: py.expr, fn: FnState) -> list[py.stmt]:
    """``obj[key] = value``: Python evaluates the value, then the object, then the key."""
    t = g.type_of(node.value)
    if isinstance(t, (T.ListType, T.DictType)) and isinstance(node.value, A.Name) \
            and isinstance(node.index, (A.Name, A.Constant)):
        # evaluating a name or a constant has no effect: Python's own store, in place
        obj = g.expr(node.value, fn)
        index = g.expr(node.index, fn)
        if isinstance(t, T.DictType):
            index = keyed(g, index, t.key, node.index)  # charged like the stdlib's setitem, after the value
        store = py.Subscript(value=obj, slice=index, ctx=P.STORE)
        out = [py.Assign(targets=[store], value=value)]
        if isinstance(t, T.DictType):
            out.append(_len_check(g, g.expr(node.value, fn)))
        return out
    v, o, k = g.tmp(), g.tmp(), g.tmp()
    out: list[py.stmt] = [P.assign(P.store(v), value), P.assign(P.store(o), g.expr(node.value, fn))]
    if isinstance(node.index, A.Slice):
        out.append(P.assign(P.store(k), slice_object(g, node.index, fn)))
    else:
        out.append(P.assign(P.store(k), g.expr(node.index, fn)))
    if isinstance(t, T.ListType) and not isinstance(node.index, A.Slice):
        out.append(py.Assign(targets=[py.Subscript(value=P.name(o), slice=P.name(k), ctx=P.STORE)], value=P.name(v)))
    elif isinstance(t, T.DictType):
        out.append(py.Assign(targets=[py.Subscript(value=P.name(o), slice=keyed(g, P.name(k), t.key, node.index), ctx=P.STORE)],
                             value=P.name(v)))
        out.append(_len_check(g, P.name(o)))
    else:
        setitem = g.ref(g.runtime.setitem, "setitem")
        out.append(P.expr_stmt(P.call(setitem, [P.name(CTX), P.name(o), P.name(k), P.name(v)])))
    return out


def _ann_assign(g, node: A.AnnAssign, fn: FnState, ln: int) -> list[py.stmt]:
    if node.value is None:
        return []
    if isinstance(node.target, A.Subscript):
        return _store_item(g, node.target, g.expr(node.value, fn), fn)
    return [P.assign(simple_target(g, node.target, fn), g.expr(node.value, fn))]


def _aug_assign(g, node: A.AugAssign, fn: FnState, ln: int) -> list[py.stmt]:
    target = node.target
    # The new value is computed as a binary operation by the same rules as ``a op b``
    # (in place for lists, as in Python: ``xs += ys`` extends the very list).
    tt = g.type_of(target)
    if tt is None and g.type_of(node.value) in (T.STR, T.INT) and node.op in ("+", "-"):
        # `x += "s"` needs a str x; `x += 1` / `x -= 1` an int or a float (the int cap
        # check lets floats through)
        vt = g.type_of(node.value)
        tt = vt if (vt == T.INT or node.op == "+") else None
    if isinstance(target, A.Name):
        name = user(target.id)
        if node.op == "+" and tt == T.STR:
            fast = inline.concat(g, None, node.value, tt, fn, left_py=P.name(name))
            if fast is not None:
                return [P.assign(P.store(name), fast)]
        return _aug_value(g, node, P.name(name), tt,
                          lambda v: capped_assign(g, name, v) or [P.assign(P.store(name), v)], fn)
    if isinstance(target, A.Subscript) and not isinstance(target.index, A.Slice):
        o, k = g.tmp(), g.tmp()
        out: list[py.stmt] = [
            P.assign(P.store(o), g.expr(target.value, fn)),
            P.assign(P.store(k), g.expr(target.index, fn)),
        ]
        kt = key_type(g.type_of(target.value))

        def key() -> py.expr:  # a dict's key is charged at the read and at the store, as getitem/setitem
            return P.name(k) if kt is None else keyed(g, P.name(k), kt, target.index)

        current = py.Subscript(value=P.name(o), slice=key(), ctx=P.LOAD)

        def store(v: py.expr) -> list[py.stmt]:
            return [py.Assign(targets=[py.Subscript(value=P.name(o), slice=key(), ctx=P.STORE)], value=v)]

        return out + _aug_value(g, node, current, tt, store, fn)
    raise g.fail("unsupported augmented assignment target", node)


def _aug_value(g, node: A.AugAssign, current: py.expr, tt: Any, store, fn: FnState) -> list[py.stmt]:
    op = node.op
    value = g.expr(node.value, fn)
    if tt == T.INT and op in ("+", "-") and small_int_literal(node.value):
        return store(py.BinOp(left=current, op=PY_BINOPS[op](), right=value))
    if tt == T.INT and op in ("+", "-", "*"):
        return store(int_checked(g, op, current, value))
    if tt == T.INT and op in ("//", "%", ">>") and g.type_of(node.value) in (T.INT, T.BOOL):
        return store(int_divided(g, op, current, value))
    ints = tt in (T.FLOAT, T.DECIMAL) and sizework.ints_possible(g, node.target, node.value)
    if ints and op in ("+", "-") and small_int_literal(node.value):
        return store(py.BinOp(left=current, op=PY_BINOPS[op](), right=value))
    if ints and op in ("+", "-", "*"):  # a float-typed name may hold an int: the int rules apply
        return store(int_checked(g, op, current, value))
    if ints and op in ("//", "%"):
        return store(int_divided(g, op, current, value))
    if tt == T.INT and op in ("&", "|", "^"):
        return store(sizework.bitwise(g, op, current, value, True))
    if tt in (T.FLOAT, T.DECIMAL) or (tt == T.INT and op in ("//", "/", "%", ">>")):
        return store(py.BinOp(left=current, op=PY_BINOPS[op](), right=value))
    if isinstance(tt, T.ListType) and op == "+":
        extend = g.runtime.static_method(tt, "extend")
        tmp = g.tmp()
        return [P.assign(P.store(tmp), current),
                P.expr_stmt(P.call(g.ref(extend, "extend"), [P.name(CTX), P.name(tmp), value]))] + store(P.name(tmp))
    if isinstance(tt, T.SetType) and op in ("|", "&", "-", "^"):
        method = {"|": "update", "&": "intersection_update", "-": "difference_update", "^": "symmetric_difference_update"}[op]
        impl = g.runtime.static_method(tt, method)
        tmp = g.tmp()
        return [P.assign(P.store(tmp), current),
                P.expr_stmt(P.call(g.ref(impl, method), [P.name(CTX), P.name(tmp), value]))] + store(P.name(tmp))
    # unknown static type: Python's in-place semantics, decided at run time
    args = [P.name(CTX), P.const(op), current, value, P.const(small_int_literal(node.value))]
    return store(P.call(g.ref(g.runtime.inplace, "inplace"), args))


def _if(g, node: A.If, fn: FnState, ln: int) -> list[py.stmt]:
    return [P.if_(g.expr(node.test, fn), g.block(node.body, fn) or [py.Pass()], g.block(node.orelse, fn))]


def _for(g, node: A.For, fn: FnState, ln: int) -> list[py.stmt]:
    iter_ = in_order(g, node.iter, g.expr(node.iter, fn))
    body = [P.stamp(s, ln) for s in g.tick_stmts()]
    if plain_assignable(g, node.target, element_type(g.type_of(node.iter))):
        tgt = simple_target(g, node.target, fn)
    else:
        tmp = g.tmp()
        tgt = P.store(tmp)
        body.extend(P.stamp(s, ln) for s in _store(g, node.target, P.name(tmp), fn))
    body.extend(g.block(node.body, fn))
    # sized: an iterable whose length is known up front and cannot change while it is iterated
    return [ir.For(target=tgt, iter=iter_, body=body, orelse=g.block(node.orelse, fn),
                   sized=held_sized(g, node.iter, fn))]


def _while(g, node: A.While, fn: FnState, ln: int) -> list[py.stmt]:
    body = [P.stamp(s, ln) for s in g.tick_stmts()] + g.block(node.body, fn)
    return [py.While(test=g.expr(node.test, fn), body=body, orelse=g.block(node.orelse, fn))]


def _simple(kind):
    def emit_simple(g, node, fn, ln):
        return [kind()]

    return emit_simple


def _assert(g, node: A.Assert, fn: FnState, ln: int) -> list[py.stmt]:
    # without a message nothing is converted to str, so no fuel is charged (see is_safe)
    raiser = g.runtime.assert_fault if node.msg is not None else g.runtime.assert_failed
    fault = g.ref(raiser, "assert_fault")
    args = [P.name(CTX)] + ([] if node.msg is None else [g.expr(node.msg, fn)])
    return [P.if_(py.UnaryOp(op=py.Not(), operand=g.expr(node.test, fn)), [P.expr_stmt(P.call(fault, args))])]


def _function(g, node: A.FunctionDef, fn: FnState, ln: int) -> list[py.stmt]:
    return g.function_def(node, fn)


def _nothing(g, node, fn, ln):
    return []


def _match(g, node: A.Match, fn: FnState, ln: int) -> list[py.stmt]:
    subject_tmp = g.tmp()
    subject = g.expr(node.subject, fn)
    cases = []
    for case in node.cases:
        cln = g.line(case)
        guard = None if case.guard is None else g.expr(case.guard, fn)
        if _captures_rest(case.pattern):
            # the reference charges the subject's length for a `*rest` / `**rest` capture
            charge = P.call(g.ref(g.runtime.pattern_charge, "pattern_charge"), [P.name(CTX), P.name(subject_tmp)])
            guard = charge if guard is None else py.BoolOp(op=py.And(), values=[charge, guard])
        body = g.block(case.body, fn) or [py.Pass()]
        pat = pattern(g, case.pattern, fn)
        P.stamp(pat, cln)
        cases.append(py.match_case(pattern=pat, guard=guard, body=body))
    return [P.assign(P.store(subject_tmp), subject), py.Match(subject=P.name(subject_tmp), cases=cases)]


def _captures_rest(p: Any) -> bool:
    while isinstance(p, A.MatchAs) and p.pattern is not None:
        p = p.pattern
    if isinstance(p, A.MatchSequence):
        return any(isinstance(q, A.MatchStar) and q.name is not None for q in p.patterns)
    return isinstance(p, A.MatchMapping) and p.rest is not None


# ---- patterns --------------------------------------------------------------------------------


def pattern(g, node: Any, fn: FnState) -> py.pattern:
    if isinstance(node, A.MatchValue):
        return py.MatchValue(value=_pattern_value(g, node.value, fn))
    if isinstance(node, A.MatchSingleton):
        return py.MatchSingleton(value=node.value)
    if isinstance(node, A.MatchSequence):
        return py.MatchSequence(patterns=[pattern(g, p, fn) for p in node.patterns])
    if isinstance(node, A.MatchStar):
        return py.MatchStar(name=None if node.name is None else user(node.name))
    if isinstance(node, A.MatchMapping):
        return py.MatchMapping(keys=[_pattern_value(g, k, fn) for k in node.keys],
                               patterns=[pattern(g, p, fn) for p in node.patterns],
                               rest=None if node.rest is None else user(node.rest))
    if isinstance(node, A.MatchClass):
        for a in node.kwd_attrs:
            if a.startswith("_"):
                raise g.fail("class pattern attributes cannot start with '_'", node)
        return py.MatchClass(cls=_pattern_class(g, node.cls, fn),
                             patterns=[pattern(g, p, fn) for p in node.patterns],
                             kwd_attrs=list(node.kwd_attrs),
                             kwd_patterns=[pattern(g, p, fn) for p in node.kwd_patterns])
    if isinstance(node, A.MatchAs):
        return py.MatchAs(pattern=None if node.pattern is None else pattern(g, node.pattern, fn),
                          name=None if node.name is None else user(node.name))
    if isinstance(node, A.MatchOr):
        return py.MatchOr(patterns=[pattern(g, p, fn) for p in node.patterns])
    raise g.fail(f"unsupported pattern {type(node).__name__}", node)


class _PatternValue:
    """A module constant read by a value pattern as ``holder.value``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _pattern_value(g, node: Any, fn: FnState) -> py.expr:
    """Python accepts only literals and dotted names in value patterns."""
    if isinstance(node, A.Constant):
        return P.const(node.value)
    if isinstance(node, A.UnaryOp) and node.op == "-" and isinstance(node.operand, A.Constant):
        return py.UnaryOp(op=py.USub(), operand=P.const(node.operand.value))
    if isinstance(node, A.Attribute) and qualified_path(g, node, fn) is not None:
        # a module's constant (``case math.pi:``): the generated code holds it under a global
        # name, and a bare name would be a capture pattern, so the pattern reads it through a
        # holder's attribute (Python takes only dotted names as value patterns)
        ref = g.expr(node, fn)
        if isinstance(ref, py.Name) and ref.id in g.runtime.globals:
            holder = _PatternValue(g.runtime.globals[ref.id])
            return P.attr(g.ref(holder, f"pattern_{node.attr}"), "value")
        raise g.fail("unsupported value pattern", node)
    if isinstance(node, A.Attribute):
        return P.attr(_pattern_value(g, node.value, fn), node.attr)
    if isinstance(node, A.Name):
        ref = resolve_name(g, node.id, fn, node)
        if isinstance(ref, py.Name):
            return ref
    raise g.fail("unsupported value pattern", node)


_PATTERN_TYPES = {"int": int, "str": str, "float": float, "bool": bool, "list": list, "dict": dict,
                  "tuple": tuple, "set": set}


def _pattern_class(g, node: Any, fn: FnState) -> py.expr:
    if isinstance(node, A.Name) and not fn.scope.binds(node.id):
        if node.id in g.checked.records or node.id in g.checked.enums:
            return resolve_name(g, node.id, fn, node)
        if node.id in _PATTERN_TYPES:
            return g.ref(_PATTERN_TYPES[node.id], node.id)
        qualified = g.checked.imports.get(node.id)
        if qualified in g.runtime.records or qualified in g.runtime.enums:
            return g.ref(g.runtime.records.get(qualified) or g.runtime.enums[qualified], qualified)
        import datetime
        import decimal

        klass = {"datetime.date": datetime.date, "decimal.Decimal": decimal.Decimal,
                 "datetime.timedelta": datetime.timedelta}.get(qualified or "")
        if klass is not None:
            return g.ref(klass, qualified)
    raise g.fail("unsupported class pattern", node)


_DISPATCH = {
    A.Return: _return, A.ExprStmt: _expr_stmt, A.Assign: _assign, A.AnnAssign: _ann_assign,
    A.AugAssign: _aug_assign, A.If: _if, A.For: _for, A.While: _while,
    A.Break: _simple(py.Break), A.Continue: _simple(py.Continue), A.Pass: _simple(py.Pass),
    A.Assert: _assert, A.FunctionDef: _function, A.Match: _match,
    A.Import: _nothing, A.ImportFrom: _nothing, A.ClassDef: _nothing,
}

__all__ = ["emit", "pattern", "len_capped"]
