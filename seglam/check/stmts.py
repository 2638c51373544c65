"""Statements and control flow: definite assignment, narrowing across branches and loops,
local type inference, frozen arguments, and returns."""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.env import FnCtx, LoopCtx, State, merge, merge_all
from seglam.check.exprs import show
from seglam.check.hints import STATEMENTS, is_dunder
from seglam.check.scope import bound_names, target_names
from seglam.check.typeops import as_dict, assignable, has_error, is_bottom, iter_elem, join
from seglam.syntax import ast

#: Inference passes over a function body before the final (reporting) pass.
MAX_INFERENCE_PASSES = 6


class StmtMixin:
    """Checking of statements; ``self`` is the checker."""

    # ---- functions -----------------------------------------------------------------------------

    def check_function(self, node: ast.FunctionDef, params: list[tuple[str, t.Type]], returns: t.Type,
                       parent: FnCtx | None, closure: State | None) -> None:
        ctx = FnCtx(node.name, "function", parent=parent, closure=closure, returns=returns)
        ctx.params = {name for name, _ in params}
        ctx.locals = set(ctx.params) | set(bound_names(node.body))
        for name, ty in params:
            # A parameter may be rebound to a value of another type (`today = parse(today)`):
            # its declared type widens like an unannotated local's.
            ctx.declared[name] = ty
        memo = self.nested_declared.setdefault(id(node), {})
        for name, ty in memo.items():
            if name not in ctx.annotated:
                ctx.declared[name] = ty
        self._annotate_locals(node.body, ctx)
        ctx.loop_vars = {n for s in _own_statements(node.body) if isinstance(s, ast.For) for n in target_names(s.target)}
        # Nested functions may call each other in any order (they run after all are defined).
        ctx.defs = set()
        self.report.muted += 1
        try:
            for inner in _own_statements(node.body):
                if isinstance(inner, ast.FunctionDef):
                    inner_params, inner_returns = self.signature_types(inner)
                    ctx.defs.add(inner.name)
                    ctx.declared[inner.name] = t.CallableType(tuple(ty for _, ty in inner_params), inner_returns)
                    ctx.annotated.add(inner.name)
        finally:
            self.report.muted -= 1
        saved = self.fn
        self.fn = ctx
        try:
            # Repeat until the inferred local types stop changing; the diagnostics of the last
            # pass (whose types were final) are the ones kept.
            end = None
            for attempt in range(MAX_INFERENCE_PASSES + 1):
                ctx.changed = False
                final = attempt == MAX_INFERENCE_PASSES
                self.report.push()
                try:
                    end = self._function_pass(node, ctx, params)
                finally:
                    self.report.pop(keep=final or not ctx.changed)
                if not ctx.changed:
                    break
            memo.update({k: v for k, v in ctx.declared.items() if k not in ctx.annotated})
            if end is not None and not self.report.muted and not assignable(t.NONE, returns) and not is_bottom(returns):
                self.report.error("E-RETURN", f"`{node.name}` can reach its end without returning a value "
                                  f"(it is declared `-> {returns.render()}`)",
                                  node.name_span or node.span,
                                  "add a final `return ...`, or make every branch return (an `if` needs an `else`)")
        finally:
            self.fn = saved

    def _function_pass(self, node: ast.FunctionDef, ctx: FnCtx, params) -> State | None:
        st = State({name: ty for name, ty in params}, {name for name, _ in params})
        return self.block(node.body, st)

    def _annotate_locals(self, body, ctx: FnCtx) -> None:
        """Annotated locals (``x: int | None = None``) have a fixed type for the whole function."""
        for stmt in _own_statements(body):
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                name = stmt.target.id
                ty = self.resolver.resolve(stmt.annotation)
                if (name in ctx.params or name in ctx.annotated) and ctx.declared.get(name) != ty:
                    what = "a parameter" if name in ctx.params else "already annotated"
                    self.report.error("E-REDEFINED", f"`{name}` is {what} with type `{ctx.declared[name].render()}`",
                                      stmt.target.span, "use a new name for a value of a different type")
                    continue
                ctx.declared[name] = ty
                ctx.annotated.add(name)

    # ---- blocks --------------------------------------------------------------------------------

    def block(self, body, st: State | None) -> State | None:
        for stmt in body:
            if st is None:
                # Unreachable code still gets types (for the backends), but no diagnostics.
                self.report.muted += 1
                try:
                    self.stmt(stmt, self._everything_state())
                finally:
                    self.report.muted -= 1
                continue
            st = self.stmt(stmt, st)
        return st

    def _everything_state(self) -> State:
        ctx = self.fn
        return State({k: v for k, v in ctx.declared.items()}, set())

    def stmt(self, node, st: State) -> State | None:
        method = getattr(self, "_s_" + type(node).__name__)
        return method(node, st)

    # ---- simple statements -------------------------------------------------------------------

    def _s_Pass(self, node, st):
        return st

    def _s_ExprStmt(self, node: ast.ExprStmt, st):
        if isinstance(node.value, ast.Constant) and node.value.value is ...:
            self.types[id(node.value)] = t.NONE   # `...` as a placeholder body, like `pass`
            return st
        self.value(node.value, st)
        return st

    def _s_Assert(self, node: ast.Assert, st):
        yes, _ = self.cond(node.test, st)
        if node.msg is not None:
            self.value(node.msg, st)
        return yes

    def _s_Return(self, node: ast.Return, st):
        ctx = self.fn
        if ctx.kind != "function":
            self.report.error("E-SYNTAX", "'return' outside function", node.span)
            return None
        want = ctx.returns
        if node.value is None:
            if not assignable(t.NONE, want):
                self.report.error("E-RETURN", f"`return` without a value in a function declared `-> {want.render()}`",
                                  node.span, "return a value")
            return None
        got = self.value(node.value, st, want)
        got = self.lambda_as(got, want, node.value, st)
        if not assignable(got, want):
            if t.is_optional(got) and assignable(t.strip_none(got), want):
                self.report.error("E-OPTIONAL", f"`{show(node.value)}` may be None, but `{ctx.name}` returns "
                                  f"`{want.render()}`", node.value.span,
                                  f"check for None first, or declare `-> {t.optional(want).render()}`")
            elif want == t.NONE:
                self.report.error("E-TYPE", f"`{ctx.name}` is declared `-> None` but returns a value", node.value.span,
                                  f"declare the return type: `-> {got.render()}`")
            else:
                hint = None
                if got == t.FLOAT and want == t.INT:
                    hint = ("use `//` for integer division" if isinstance(node.value, ast.BinOp) and node.value.op == "/"
                            else "convert with `int(x)` (or `round(x)`)")
                elif isinstance(got, t.BoundMethodType):
                    hint = f"call the method: `{show(node.value)}()`"
                self.report.error("E-TYPE", f"`{ctx.name}` returns `{got.render()}`, but is declared to return "
                                  f"`{want.render()}`", node.value.span, hint)
        return None

    def _s_Break(self, node, st):
        if not self.fn.loops:
            self.report.error("E-SYNTAX", "'break' outside loop", node.span)
            return None
        self.fn.loops[-1].breaks.append(st.copy())
        return None

    def _s_Continue(self, node, st):
        if not self.fn.loops:
            self.report.error("E-SYNTAX", "'continue' not properly in loop", node.span)
        return None

    def _s_Unsupported(self, node: ast.Unsupported, st):
        info = STATEMENTS.get(node.kind)
        io_before = self.report.code_count("E-IO")
        out = self.block(node.body, st.copy()) if node.body else st
        io_found = self.report.code_count("E-IO") > io_before
        if node.kind in ("global", "nonlocal"):
            for name in node.names:   # no "may be used before assignment" on top of E-GLOBAL
                if out is not None and self.fn.kind == "function":
                    out.vars.setdefault(name, t.ERROR)
        if not (node.kind == "with" and io_found):
            if info is None:
                self.report.error("E-UNSUPPORTED", f"`{node.kind}` is not available in Seglam", node.span)
            else:
                self.report.error(info.code, info.message, node.span, info.hint)
        if node.kind == "raise":
            return None
        return out

    def _s_ClassDef(self, node: ast.ClassDef, st):
        self.report.error("E-CLASS", "classes can only be defined at module level", node.span,
                          "move the class to the top level of the file")
        return st

    def _s_Import(self, node, st):
        return self._local_import(node, st)

    def _s_ImportFrom(self, node, st):
        return self._local_import(node, st)

    def _local_import(self, node, st):
        if self.fn.kind != "function":
            return st
        for local, qual in self.import_bindings(node):
            ty = self.qualified_type(qual, node) if qual is not None else t.ERROR
            st.vars[local] = ty
            self.fn.declared[local] = ty
            self.fn.annotated.add(local)
        return st

    def _s_FunctionDef(self, node: ast.FunctionDef, st):
        if self.fn.kind != "function":
            return st
        for d in node.decorators:
            self.report.error("E-UNSUPPORTED", "decorators are only allowed on module-level functions", d.span)
        params, returns = self.signature_types(node)
        inner = st.copy()
        callable_ty = t.CallableType(tuple(ty for _, ty in params), returns)
        inner.vars[node.name] = callable_ty   # recursion: the function sees itself
        self.fn.declared[node.name] = callable_ty
        self.fn.annotated.add(node.name)
        self.check_function(node, params, returns, self.fn, inner)
        st.vars[node.name] = callable_ty
        st.frozen.discard(node.name)
        return st

    # ---- assignment --------------------------------------------------------------------------

    def _s_Assign(self, node: ast.Assign, st):
        expected = None
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in self.fn.annotated:
                expected = self.fn.declared.get(name)
        ty = self.value(node.value, st, expected)
        if ty == t.NONE and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute):
            callee = self.types.get(id(node.value.func))
            if isinstance(callee, t.BoundMethodType):
                method = callee.method
                better = {"sort": "sorted(xs)", "reverse": "list(reversed(xs))", "append": "xs + [x]",
                          "extend": "xs + ys", "update": "a | b"}.get(method)
                self.report.error("E-TYPE", f"`.{method}()` changes the value in place and returns None",
                                  node.value.span, f"call it on its own line, or use `{better}` for a new value"
                                  if better else "call it on its own line")
                ty = t.ERROR
        for target in node.targets:
            self.assign(target, ty, st, node.value)
        return st

    def _s_AnnAssign(self, node: ast.AnnAssign, st):
        if not isinstance(node.target, ast.Name):
            self.report.error("E-UNSUPPORTED", "only a plain name can be annotated", node.target.span)
            if node.value is not None:
                self.value(node.value, st)
            return st
        name = node.target.id
        declared = self.fn.declared.get(name, t.ERROR)
        self.types[id(node.target)] = declared
        if node.value is None:
            return st
        ty = self.value(node.value, st, declared)
        self.assign(node.target, ty, st, node.value)
        return st

    def _s_AugAssign(self, node: ast.AugAssign, st):
        target = node.target
        if isinstance(target, ast.Attribute):
            base = self.value(target.value, st)
            self.value(node.value, st)
            self._attribute_assign_error(target, base)
            return st
        if isinstance(target, ast.Subscript):
            container = self.value(target.value, st)
            current = self.subscript_of(container, target, st)
            self.types[id(target)] = current
            rhs = self.value(node.value, st)
            result = self.binop_result(node.op, current, rhs, node, target, node.value)
            self._item_assign(target, container, result, st, evaluated_index=True)
            return st
        if isinstance(target, ast.Name):
            current = self.lookup(target.id, target, st)
            self.types[id(target)] = current
            rhs = self.value(node.value, st)
            rhs_elem = iter_elem(rhs) if isinstance(current, t.ListType) and node.op == "+" else None
            if rhs_elem is not None and not is_bottom(rhs):
                result = t.ListType(join(current.elem, rhs_elem))   # `xs += range(3)`: any iterable
            else:
                result = self.binop_result(node.op, current, rhs, node, target, node.value)
            in_place = isinstance(current, (t.ListType, t.SetType, t.DictType, t.CounterType))
            if in_place:
                self.check_mutation(target, st, f"`{node.op}=`", current)
            if self.fn.kind != "function" or target.id not in self.fn.locals:
                if self.fn.kind == "module":
                    self.report.error("E-CONSTANT", f"module constant `{target.id}` cannot be changed", node.span,
                                      "compute the final value in one expression, or inside a function")
                return st
            self.bind_name(target.id, result, st, target, None)
            return st
        self.value(node.value, st)
        return st

    def assign(self, target, ty: t.Type, st: State, value_node) -> None:
        if isinstance(target, ast.Name):
            if self.fn.kind != "function":
                return
            self.bind_name(target.id, ty, st, target, value_node)
        elif isinstance(target, (ast.TupleExpr, ast.ListExpr)):
            self.types[id(target)] = ty
            parts = self.unpack(target, ty)
            for elt, part in zip(target.elts, parts):
                inner = elt.value if isinstance(elt, ast.Starred) else elt
                if isinstance(elt, ast.Starred):
                    self.types[id(elt)] = part
                self.assign(inner, part, st, None)
        elif isinstance(target, ast.Attribute):
            base = self.value(target.value, st)
            self._attribute_assign_error(target, base)
        elif isinstance(target, ast.Subscript):
            container = self.value(target.value, st)
            self._item_assign(target, container, ty, st)
        else:
            self.report.error("E-SYNTAX", "cannot assign to this expression", target.span)

    def unpack(self, target, ty: t.Type) -> list[t.Type]:
        elts = target.elts
        star = any(isinstance(e, ast.Starred) for e in elts)
        if is_bottom(ty):
            return [ty] * len(elts)
        if isinstance(ty, t.TupleType) and not ty.variadic:
            if not star:
                if len(ty.elems) != len(elts):
                    self.report.error("E-TYPE", f"cannot unpack `{ty.render()}` ({len(ty.elems)} values) into "
                                      f"{len(elts)} names", target.span)
                    return [t.ERROR] * len(elts)
                return list(ty.elems)
            i = next(i for i, e in enumerate(elts) if isinstance(e, ast.Starred))
            after = len(elts) - i - 1
            if len(ty.elems) < len(elts) - 1:
                self.report.error("E-TYPE", f"cannot unpack `{ty.render()}` into {len(elts)} names", target.span)
                return [t.ERROR] * len(elts)
            middle = ty.elems[i:len(ty.elems) - after]
            return list(ty.elems[:i]) + [t.ListType(t.union(*middle) if middle else t.NEVER)] + list(ty.elems[len(ty.elems) - after:])
        if t.is_optional(ty):
            ty = self.non_optional(ty, target)
        elem = iter_elem(ty)
        if elem is None:
            self.report.error("E-TYPE", f"cannot unpack `{ty.render()}`", target.span)
            return [t.ERROR] * len(elts)
        if isinstance(ty, (t.SetType,)) or as_dict(ty) is not None:
            pass
        return [t.ListType(elem) if isinstance(e, ast.Starred) else elem for e in elts]

    def _attribute_assign_error(self, target: ast.Attribute, base: t.Type) -> None:
        if is_bottom(base):
            return
        if any(isinstance(o, t.RecordType) for o in t.options(base)):
            self.report.error("E-FROZEN", f"record fields cannot be assigned: `{show(target)}`", target.span,
                              f"records are immutable: make an updated copy with "
                              f"`dataclasses.replace({show(target.value)}, {target.attr}=...)`")
            return
        self.report.error("E-TYPE", f"cannot assign to attribute `{target.attr}` of `{base.render()}`", target.span)

    def _item_assign(self, target: ast.Subscript, container: t.Type, ty: t.Type, st: State,
                     evaluated_index: bool = False) -> None:
        self.types[id(target)] = ty
        index = self.types.get(id(target.index)) if evaluated_index else None
        if index is None:
            index = self.expr(target.index, st) if isinstance(target.index, ast.Slice) else self.value(target.index, st)
        if is_bottom(container):
            return
        container = self.non_optional(container, target.value)
        self.check_mutation(target.value, st, "item assignment", container)
        d = as_dict(container)
        if d is not None:
            self.require_hashable(index, target.index)
            if not is_bottom(d.key) and not assignable(index, d.key):
                self.report.error("E-TYPE", f"dict key must be `{d.key.render()}`, not `{index.render()}`", target.index.span)
            if not is_bottom(d.value) and not assignable(ty, d.value):
                self.report.error("E-TYPE", f"cannot store `{ty.render()}` in a `{container.render()}`", target.span)
            self.contribute_to(target.value, t.DictType(index, ty), st)
            return
        if isinstance(container, t.ListType):
            if isinstance(target.index, ast.Slice):
                elem = iter_elem(ty)
                if elem is None or (not is_bottom(container.elem) and not assignable(elem, container.elem)):
                    self.report.error("E-TYPE", f"cannot assign `{ty.render()}` to a slice of `{container.render()}`", target.span)
                return
            if not assignable(index, t.INT):
                self.report.error("E-TYPE", f"a list index must be an int, not `{index.render()}`", target.index.span)
            if not is_bottom(container.elem) and not assignable(ty, container.elem):
                self.report.error("E-TYPE", f"cannot store `{ty.render()}` in a `{container.render()}`", target.span)
            self.contribute_to(target.value, t.ListType(ty), st)
            return
        if container == t.STR:
            self.report.error("E-TYPE", "strings are immutable", target.span,
                              "build a new string, e.g. `s[:i] + c + s[i + 1:]`, or work on `list(s)` and `\"\".join(...)`")
            return
        if isinstance(container, t.TupleType):
            self.report.error("E-TYPE", "tuples are immutable", target.span, "use a list, or build a new tuple")
            return
        self.report.error("E-TYPE", f"`{container.render()}` does not support item assignment", target.span)

    def bind_name(self, name: str, ty: t.Type, st: State, node, value_node) -> None:
        ctx = self.fn
        if is_dunder(name):
            self.report.error("E-REFLECTION", "dunder names are not available", node.span)
        self.types[id(node)] = ty
        if ctx.kind != "function":
            return
        if name in ctx.annotated:
            declared = ctx.declared.get(name, t.ERROR)
            ty = self.lambda_as(ty, declared, node, st)
            if not assignable(ty, declared):
                if t.is_optional(ty) and assignable(t.strip_none(ty), declared):
                    self.report.error("E-OPTIONAL", f"`{show(value_node) if value_node is not None else name}` may be None, "
                                      f"but `{name}` is `{declared.render()}`", node.span,
                                      f"check for None first, or annotate `{name}: {t.optional(declared).render()}`")
                else:
                    what = "parameter" if name in ctx.params else "variable"
                    self.report.error("E-TYPE", f"cannot assign `{ty.render()}` to {what} `{name}` of type "
                                      f"`{declared.render()}`", node.span,
                                      "use a new name for a value of a different type")
        else:
            self.contribute(name, ty)
        declared = ctx.declared.get(name, ty)
        st.vars[name] = narrow_to(declared, ty)
        prefix = name + "."
        for key in [k for k in st.vars if k.startswith(prefix)]:
            del st.vars[key]
        # Only a parameter itself is frozen at check time; an alias of one (`ys = xs`) is
        # frozen at run time (F-FROZEN), which the checker does not track.
        st.frozen.discard(name)

    def lambda_as(self, got: t.Type, want: t.Type, node, st: State) -> t.Type:
        """A stored lambda used where a `Callable[[A], R]` is declared: type its body now."""
        if not isinstance(got, t.LambdaRefType):
            return got
        target = next((o for o in t.options(want) if isinstance(o, t.CallableType)), None)
        if target is None:
            return got
        from seglam.check.calls import Arg

        ret = self.call_type(got, [Arg(node, p) for p in target.params], node, st)
        return t.CallableType(target.params, ret)

    def contribute(self, name: str, ty: t.Type, fill_only: bool = False) -> None:
        """Widen the inferred type of local ``name`` to hold ``ty`` (assignments), or with
        ``fill_only`` just fill in still-unknown element types (`result = []` + `.append(x)`)."""
        ctx = self.fn
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

    def contribute_to(self, node, container: t.Type, st: State) -> None:
        """Widen the local at the root of ``node`` so that it can hold ``container``."""
        if isinstance(node, ast.Name):
            self.contribute(node.id, container, fill_only=True)
            return
        if isinstance(node, ast.Subscript):
            outer = self.types.get(id(node.value))
            index = self.types.get(id(node.index), t.ERROR)
            if outer is None:
                return
            if as_dict(outer) is not None:
                self.contribute_to(node.value, t.DictType(index, container), st)
            elif isinstance(outer, t.ListType):
                self.contribute_to(node.value, t.ListType(container), st)
            return
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault"
                and len(node.args) == 2):
            key = self.types.get(id(node.args[0]), t.ERROR)
            self.contribute_to(node.func.value, t.DictType(key, container), st)

    # ---- frozen values ---------------------------------------------------------------------------

    def root_name(self, node) -> str | None:
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            if isinstance(node, ast.Subscript) and isinstance(node.index, ast.Slice):
                return None
            node = node.value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("items", "values", "keys"):
            return self.root_name(node.func.value)
        return node.id if isinstance(node, ast.Name) else None

    def is_frozen_expr(self, node, st: State) -> bool:
        name = self.root_name(node)
        if name is None:
            return False
        if any(name in s for s in self.fn.scopes):
            return name in st.frozen
        if self.fn.kind == "function" and name in self.fn.locals:
            return name in st.frozen
        return self._is_global_constant(name)

    def _is_global_constant(self, name: str) -> bool:
        ctx = self.fn
        while ctx is not None:
            if ctx.kind == "function" and name in ctx.locals:
                return False
            ctx = ctx.parent
        return name in self.env.constants

    def check_mutation(self, receiver, st: State, what: str, ty: t.Type) -> None:
        if not self.is_frozen_expr(receiver, st):
            return
        root = self.root_name(receiver)
        copy = {t.ListType: "list", t.SetType: "set", t.DictType: "dict", t.CounterType: "dict"}.get(type(ty), "list")
        if self._is_global_constant(root) and not (self.fn.kind == "function" and root in st.frozen):
            self.report.error("E-FROZEN", f"module constant `{root}` is frozen: {what} would change it", receiver.span,
                              f"module constants are frozen: copy first: `{root.lower()} = {copy}({root})`")
            return
        source = "an argument" if root in self.fn.params else "part of an argument or constant"
        self.report.error("E-FROZEN", f"`{show(receiver)}` is {source} and is frozen: {what} would change it",
                          receiver.span, f"arguments are frozen: copy first: `{root} = {copy}({root})`")

    # ---- control flow --------------------------------------------------------------------------

    def widen(self, st: State, body) -> State:
        """The state at a loop head: locals assigned in the loop lose their narrowing."""
        head = st.copy()
        assigned = set(bound_names(body))
        for name in assigned:
            if name in head.vars:
                head.vars[name] = self.fn.declared.get(name, head.vars[name])
            prefix = name + "."
            for key in [k for k in head.vars if k.startswith(prefix)]:
                del head.vars[key]
        return head

    def _s_If(self, node: ast.If, st):
        yes, no = self.cond(node.test, st)
        a = self.block(node.body, yes) if yes is not None else self._dead(node.body)
        b = self.block(node.orelse, no) if no is not None else self._dead(node.orelse)
        return merge(a, b)

    def _dead(self, body) -> None:
        self.block(body, None)
        return None

    def _s_While(self, node: ast.While, st):
        head = self.widen(st, node.body + node.orelse)
        yes, no = self.cond(node.test, head)
        self.fn.loops.append(LoopCtx())
        try:
            if yes is not None:
                self.block(node.body, yes)
            else:
                self._dead(node.body)
        finally:
            loop = self.fn.loops.pop()
        normal = self.block(node.orelse, no) if no is not None else None
        return merge_all([normal] + loop.breaks)

    def _s_For(self, node: ast.For, st):
        it = self.value(node.iter, st)
        elem = self.iter_elem_or_error(it, node.iter)
        elem = self.check_dict_unpack(node.target, it, elem, node.iter)
        head = self.widen(st, node.body + node.orelse)
        body_state = head.copy()
        self.assign(node.target, elem, body_state, None)
        self.fn.loops.append(LoopCtx())
        try:
            end = self.block(node.body, body_state)
        finally:
            loop = self.fn.loops.pop()
        after = merge(head, end) if end is not None else head
        normal = self.block(node.orelse, after)
        return merge_all([normal] + loop.breaks)


def narrow_to(declared: t.Type, value: t.Type) -> t.Type:
    """The type a local has right after ``value`` is assigned to it (mypy's assignment
    narrowing): the options of its declared type that the value fits."""
    if is_bottom(declared) or is_bottom(value):
        return declared if not is_bottom(declared) else value
    if not isinstance(declared, t.UnionType):
        return declared
    keep = [o for o in declared.options if any(assignable(v, o) for v in t.options(value))]
    return t.union(*keep) if keep else value


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
