"""Statements and control flow: blocks, definite assignment, narrowing across branches and loops,
returns, and the statements Seglam does not have."""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.attributes import subscript_of
from seglam.check.binding import assign, attribute_assign_error, bind_name, check_mutation, item_assign, lambda_as
from seglam.check.context import Context
from seglam.check.env import LoopCtx, State, merge, merge_all
from seglam.check.hints import STATEMENTS
from seglam.check.imports import import_bindings
from seglam.check.names import lookup, qualified_type, show
from seglam.check.narrowing import cond
from seglam.check.operators import binop_result
from seglam.check.scope import bound_names
from seglam.check.typeops import assignable, is_bottom, iter_elem, join
from seglam.check.values import check_dict_unpack, iter_elem_or_error, value
from seglam.syntax import ast


def block(cx: Context, body, st: State | None) -> State | None:
    for stmt in body:
        if st is None:
            # Unreachable code still gets types (for the backends), but no diagnostics.
            cx.report.muted += 1
            try:
                cx.stmt(stmt, _everything_state(cx))
            finally:
                cx.report.muted -= 1
            continue
        st = cx.stmt(stmt, st)
    return st


def _everything_state(cx: Context) -> State:
    ctx = cx.fn
    return State({k: v for k, v in ctx.declared.items()}, set())


def _s_Pass(cx: Context, node, st):
    return st


def _s_ExprStmt(cx: Context, node: ast.ExprStmt, st):
    if isinstance(node.value, ast.Constant) and node.value.value is ...:
        cx.types[id(node.value)] = t.NONE   # `...` as a placeholder body, like `pass`
        return st
    value(cx, node.value, st)
    return st


def _s_Assert(cx: Context, node: ast.Assert, st):
    yes, _ = cond(cx, node.test, st)
    if node.msg is not None:
        value(cx, node.msg, st)
    return yes


def _s_Return(cx: Context, node: ast.Return, st):
    ctx = cx.fn
    if ctx.kind != "function":
        cx.report.error("E-SYNTAX", "'return' outside function", node.span)
        return None
    want = ctx.returns
    if node.value is None:
        if not assignable(t.NONE, want):
            cx.report.error("E-RETURN", f"`return` without a value in a function declared `-> {want.render()}`",
                            node.span, "return a value")
        return None
    got = value(cx, node.value, st, want)
    got = lambda_as(cx, got, want, node.value, st)
    if not assignable(got, want):
        if t.is_optional(got) and assignable(t.strip_none(got), want):
            cx.report.error("E-OPTIONAL", f"`{show(node.value)}` may be None, but `{ctx.name}` returns "
                            f"`{want.render()}`", node.value.span,
                            f"check for None first, or declare `-> {t.optional(want).render()}`")
        elif want == t.NONE:
            cx.report.error("E-TYPE", f"`{ctx.name}` is declared `-> None` but returns a value", node.value.span,
                            f"declare the return type: `-> {got.render()}`")
        else:
            hint = None
            if got == t.FLOAT and want == t.INT:
                hint = ("use `//` for integer division" if isinstance(node.value, ast.BinOp) and node.value.op == "/"
                        else "convert with `int(x)` (or `round(x)`)")
            elif isinstance(got, t.BoundMethodType):
                hint = f"call the method: `{show(node.value)}()`"
            cx.report.error("E-TYPE", f"`{ctx.name}` returns `{got.render()}`, but is declared to return "
                            f"`{want.render()}`", node.value.span, hint)
    return None


def _s_Break(cx: Context, node, st):
    if not cx.fn.loops:
        cx.report.error("E-SYNTAX", "'break' outside loop", node.span)
        return None
    cx.fn.loops[-1].breaks.append(st.copy())
    return None


def _s_Continue(cx: Context, node, st):
    if not cx.fn.loops:
        cx.report.error("E-SYNTAX", "'continue' not properly in loop", node.span)
    elif st is not None:
        cx.fn.loops[-1].continues.append(st.copy())
    return None


def unsupported(cx: Context, node: ast.Unsupported, st):
    info = STATEMENTS.get(node.kind)
    io_before = cx.report.code_count("E-IO")
    out = block(cx, node.body, st.copy()) if node.body else st
    io_found = cx.report.code_count("E-IO") > io_before
    if node.kind in ("global", "nonlocal"):
        for name in node.names:   # no "may be used before assignment" on top of E-GLOBAL
            if out is not None and cx.fn.kind == "function":
                out.vars.setdefault(name, t.ERROR)
    if not (node.kind == "with" and io_found):
        if info is None:
            cx.report.error("E-UNSUPPORTED", f"`{node.kind}` is not available in Seglam", node.span)
        else:
            cx.report.error(info.code, info.message, node.span, info.hint)
    if node.kind == "raise":
        return None
    return out


def _s_ClassDef(cx: Context, node: ast.ClassDef, st):
    cx.report.error("E-CLASS", "classes can only be defined at module level", node.span,
                    "move the class to the top level of the file")
    return st


def _s_Import(cx: Context, node, st):
    return _local_import(cx, node, st)


def _s_ImportFrom(cx: Context, node, st):
    return _local_import(cx, node, st)


def _local_import(cx: Context, node, st):
    if cx.fn.kind != "function":
        return st
    for local, qual in import_bindings(cx, node):
        ty = qualified_type(cx, qual, node) if qual is not None else t.ERROR
        st.vars[local] = ty
        cx.fn.declared[local] = ty
        cx.fn.annotated.add(local)
    return st


def _s_Assign(cx: Context, node: ast.Assign, st):
    expected = None
    if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        name = node.targets[0].id
        if name in cx.fn.annotated:
            expected = cx.fn.declared.get(name)
    ty = value(cx, node.value, st, expected)
    if ty == t.NONE and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute):
        callee = cx.types.get(id(node.value.func))
        if isinstance(callee, t.BoundMethodType):
            method = callee.method
            better = {"sort": "sorted(xs)", "reverse": "list(reversed(xs))", "append": "xs + [x]",
                      "extend": "xs + ys", "update": "a | b"}.get(method)
            cx.report.error("E-TYPE", f"`.{method}()` changes the value in place and returns None",
                            node.value.span, f"call it on its own line, or use `{better}` for a new value"
                            if better else "call it on its own line")
            ty = t.ERROR
    for target in node.targets:
        assign(cx, target, ty, st, node.value)
    return st


def _s_AnnAssign(cx: Context, node: ast.AnnAssign, st):
    if not isinstance(node.target, ast.Name):
        cx.report.error("E-UNSUPPORTED", "only a plain name can be annotated", node.target.span)
        if node.value is not None:
            value(cx, node.value, st)
        return st
    name = node.target.id
    declared = cx.fn.declared.get(name, t.ERROR)
    cx.types[id(node.target)] = declared
    if node.value is None:
        return st
    ty = value(cx, node.value, st, declared)
    assign(cx, node.target, ty, st, node.value)
    return st


def _s_AugAssign(cx: Context, node: ast.AugAssign, st):
    target = node.target
    if isinstance(target, ast.Attribute):
        base = value(cx, target.value, st)
        value(cx, node.value, st)
        attribute_assign_error(cx, target, base)
        return st
    if isinstance(target, ast.Subscript):
        container = value(cx, target.value, st)
        current = subscript_of(cx, container, target, st)
        cx.types[id(target)] = current
        rhs = value(cx, node.value, st)
        result = binop_result(cx, node.op, current, rhs, node, target, node.value)
        item_assign(cx, target, container, result, st, evaluated_index=True)
        return st
    if isinstance(target, ast.Name):
        current = lookup(cx, target.id, target, st)
        cx.types[id(target)] = current
        rhs = value(cx, node.value, st)
        rhs_elem = iter_elem(rhs) if isinstance(current, t.ListType) and node.op == "+" else None
        if rhs_elem is not None and not is_bottom(rhs):
            result = t.ListType(join(current.elem, rhs_elem))   # `xs += range(3)`: any iterable
        else:
            result = binop_result(cx, node.op, current, rhs, node, target, node.value)
        in_place = isinstance(current, (t.ListType, t.SetType, t.DictType, t.CounterType))
        if in_place:
            check_mutation(cx, target, st, f"`{node.op}=`", current)
        if cx.fn.kind != "function" or target.id not in cx.fn.locals:
            if cx.fn.kind == "module":
                cx.report.error("E-CONSTANT", f"module constant `{target.id}` cannot be changed", node.span,
                                "compute the final value in one expression, or inside a function")
            return st
        bind_name(cx, target.id, result, st, target, None)
        return st
    value(cx, node.value, st)
    return st


#: Silent passes over a loop body in search of its head state before narrowing is given up.
LOOP_PASSES = 3
#: Loops nested inside each other that search their heads (deeper ones widen), and the syntax
#: nodes all searches of one function may walk: together they bound what a hostile nest of
#: loops can cost the checker.
NESTED_SEARCHES = 2
SEARCH_WORK = 50_000


def loop_head(cx: Context, st: State, node: ast.While | ast.For, back_round) -> State:
    """The state at a loop head: the state before the loop joined with every state that goes
    back round (``back_round(head)``: the body's end and each ``continue``), repeated from the
    entry state until it stops changing, so a local narrowed before the loop and reassigned
    in it with values of the narrowed type stays narrowed (``rows = rows + more`` after
    ``if rows is None: return``, which Python checkers accept; stand-in run 7 was refused it).
    When it does not settle within ``LOOP_PASSES``, or the search would pass the bounds above,
    assigned locals take their declared types (:func:`widen`)."""
    facts = cx.loop_facts.get(id(node))
    if facts is None:
        body = node.body + node.orelse
        facts = cx.loop_facts[id(node)] = (frozenset(bound_names(body)), sum(1 for s in body for _ in ast.walk(s)))
    assigned, size = facts
    wide = widen(cx, st, assigned)
    fn = cx.fn
    if wide.vars == st.vars or fn.silent_loops >= NESTED_SEARCHES or fn.silent_work + size > SEARCH_WORK:
        return wide
    head = st
    for _ in range(LOOP_PASSES):
        fn.silent_work += size
        fn.silent_loops += 1
        cx.report.muted += 1
        try:
            again = merge_all([st, *back_round(head.copy())]) or st  # never None: st is a state
        finally:
            cx.report.muted -= 1
            fn.silent_loops -= 1
        if again.vars == head.vars and again.frozen == head.frozen:
            return head
        head = again
    return wide


def widen(cx: Context, st: State, assigned: frozenset[str]) -> State:
    """The widest head a loop can have: the locals it assigns lose their narrowing."""
    head = st.copy()
    for name in assigned:
        if name in head.vars:
            head.vars[name] = cx.fn.declared.get(name, head.vars[name])
        head.vars.drop_paths(name)
    return head


def _s_If(cx: Context, node: ast.If, st):
    yes, no = cond(cx, node.test, st)
    a = block(cx, node.body, yes) if yes is not None else _dead(cx, node.body)
    b = block(cx, node.orelse, no) if no is not None else _dead(cx, node.orelse)
    return merge(a, b)


def _dead(cx: Context, body) -> None:
    block(cx, body, None)
    return None


def _s_While(cx: Context, node: ast.While, st):
    def back_round(head: State) -> list[State]:
        yes, _ = cond(cx, node.test, head)
        return [] if yes is None else _body_states(cx, node.body, yes)

    head = loop_head(cx, st, node, back_round)
    yes, no = cond(cx, node.test, head)
    cx.fn.loops.append(LoopCtx())
    try:
        if yes is not None:
            block(cx, node.body, yes)
        else:
            _dead(cx, node.body)
    finally:
        loop = cx.fn.loops.pop()
    normal = block(cx, node.orelse, no) if no is not None else None
    return merge_all([normal] + loop.breaks)


def _s_For(cx: Context, node: ast.For, st):
    it = value(cx, node.iter, st)
    elem = iter_elem_or_error(cx, it, node.iter)
    elem = check_dict_unpack(cx, node.target, it, elem, node.iter)

    def back_round(head: State) -> list[State]:
        assign(cx, node.target, elem, head, None)
        return _body_states(cx, node.body, head)

    head = loop_head(cx, st, node, back_round)
    body_state = head.copy()
    assign(cx, node.target, elem, body_state, None)
    cx.fn.loops.append(LoopCtx())
    try:
        end = block(cx, node.body, body_state)
    finally:
        loop = cx.fn.loops.pop()
    after = merge(head, end) if end is not None else head
    normal = block(cx, node.orelse, after)
    return merge_all([normal] + loop.breaks)


def _body_states(cx: Context, body, st: State) -> list[State]:
    """The states in which a loop body goes back to the loop head: its end and each
    ``continue``."""
    cx.fn.loops.append(LoopCtx())
    try:
        end = block(cx, body, st)
    finally:
        loop = cx.fn.loops.pop()
    return ([end] if end is not None else []) + loop.continues


#: The statement rules of this module, by node class (the checker dispatches on them).
STMT_RULES = {
    ast.Pass: _s_Pass,
    ast.ExprStmt: _s_ExprStmt,
    ast.Assert: _s_Assert,
    ast.Return: _s_Return,
    ast.Break: _s_Break,
    ast.Continue: _s_Continue,
    ast.ClassDef: _s_ClassDef,
    ast.Import: _s_Import,
    ast.ImportFrom: _s_ImportFrom,
    ast.Assign: _s_Assign,
    ast.AnnAssign: _s_AnnAssign,
    ast.AugAssign: _s_AugAssign,
    ast.If: _s_If,
    ast.While: _s_While,
    ast.For: _s_For,
    ast.Unsupported: unsupported,
}
