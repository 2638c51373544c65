"""Statements and assignment targets of the reference evaluator (a mixin of
:class:`seglam.run.evaluator.Interp`).

``ex`` executes one statement and returns a control signal: None (go on), :data:`BREAK`,
:data:`CONTINUE` or a :class:`Return` carrying the value."""

from __future__ import annotations

from typing import Any

from seglam.run import stdlib as S
from seglam.run.eval_expr import Scope
from seglam.run.eval_match import MatchMixin
from seglam.run.eval_values import FunctionValue
from seglam.run.faults import Fault
from seglam.run.intcap import small_int_literal
from seglam.run.ordering import SET_TYPES, iterate
from seglam.run.stdlib_coll import list_extend
from seglam.run.stdlib_core import fault_for, seglam_str
from seglam.run.values import UNPACKED_AS_IS
from seglam.syntax import ast as A


class Return:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


BREAK = object()
CONTINUE = object()

#: In-place forms of augmented assignment on mutable collections (Python's ``__iadd__``...):
#: they mutate the object, so every alias sees the change.
_INPLACE = {
    (list, "+"): "extend", (list, "*"): "imul", (dict, "|"): "update", (set, "|"): "update",
    (set, "&"): "intersection_update", (set, "-"): "difference_update",
    (set, "^"): "symmetric_difference_update",
}


class StmtMixin(MatchMixin):
    """Statement execution."""

    def exec_block(self, stmts: tuple, env: Scope) -> Any:
        for stmt in stmts:
            signal = self.ex(stmt, env)
            if signal is not None:
                return signal
        return None

    def ex(self, node: Any, env: Scope) -> Any:
        try:
            return _STMT[type(node)](self, node, env)
        except Fault as fault:
            if fault.span is None:
                raise fault.located(node.span, self.ctx.trace(), self.filename) from None
            raise
        except Exception as exc:  # noqa: BLE001 - every Python exception becomes a fault
            raise fault_for(exc).located(node.span, self.ctx.trace(), self.filename) from None

    # ---- simple statements -----------------------------------------------------------------------

    def st_ExprStmt(self, node: A.ExprStmt, env: Scope) -> None:
        self.ev(node.value, env)

    def st_Pass(self, node: A.Pass, env: Scope) -> None:
        return None

    def st_Break(self, node: A.Break, env: Scope) -> Any:
        return BREAK

    def st_Continue(self, node: A.Continue, env: Scope) -> Any:
        return CONTINUE

    def st_Return(self, node: A.Return, env: Scope) -> Return:
        return Return(self.ev(node.value, env) if node.value is not None else None)

    def st_Assert(self, node: A.Assert, env: Scope) -> None:
        if not self.ev(node.test, env):
            message = "assertion failed"
            if node.msg is not None:
                message = f"assertion failed: {seglam_str(self.ctx, self.ev(node.msg, env))}"
            raise Fault("F-ASSERT", message, node.span, self.ctx.trace(), self.filename)

    def st_Import(self, node: Any, env: Scope) -> None:
        return None  # imports are resolved statically (CheckedModule.imports)

    st_ImportFrom = st_Import

    def st_ClassDef(self, node: A.ClassDef, env: Scope) -> None:
        return None  # records and enums are built once per program

    def st_FunctionDef(self, node: A.FunctionDef, env: Scope) -> None:
        env.vars[node.name] = FunctionValue(self, node.name, node, env, None, self.defaults_of(node.params, env))

    def st_Unsupported(self, node: A.Unsupported, env: Scope) -> None:
        raise Fault("F-VALUE", f"{node.kind} is not supported")

    # ---- assignment ------------------------------------------------------------------------------

    def st_Assign(self, node: A.Assign, env: Scope) -> None:
        value = self.ev(node.value, env)
        for target in node.targets:
            self.assign(target, value, env)

    def st_AnnAssign(self, node: A.AnnAssign, env: Scope) -> None:
        if node.value is not None:
            self.assign(node.target, self.ev(node.value, env), env)

    def st_AugAssign(self, node: A.AugAssign, env: Scope) -> None:
        target = node.target
        ctx = self.ctx
        if type(target) is A.Name:
            current = self.ex_Name(target, env)
            value = self.ev(node.value, env)
            env.vars[target.id] = self.augmented(current, node.op, value, small_int_literal(node.value))
        elif type(target) is A.Subscript:
            obj = self.ev(target.value, env)
            index = self.ev(target.index, env)
            current = S.getitem(ctx, obj, index)
            value = self.ev(node.value, env)
            S.setitem(ctx, obj, index, self.augmented(current, node.op, value, small_int_literal(node.value)))
        else:
            raise Fault("F-VALUE", "cannot assign to this target")

    def augmented(self, current: Any, op: str, value: Any, small_literal: bool = False) -> Any:
        """``current op= value``: in place for mutable collections (aliases see it).
        ``small_literal``: the value is a small int literal (``n += 1`` is not size-checked)."""
        for klass in type(current).__mro__[:-1]:
            how = _INPLACE.get((klass, op))
            if how is None:
                continue
            if how == "extend":
                list_extend(self.ctx, current, value)
            elif how == "imul":
                result = S.op_mul(self.ctx, current, value)  # capped; then copy in place
                current[:] = result
            else:
                S.lookup_method(current, how)(self.ctx, current, value)
            return current
        if small_literal and op in ("+", "-"):
            return S.op_sum_unchecked(self.ctx, op, current, value)
        return S.BINOPS[op](self.ctx, current, value)

    def assign(self, target: Any, value: Any, env: Scope) -> None:
        t = type(target)
        if t is A.Name:
            env.vars[target.id] = value
        elif t is A.TupleExpr or t is A.ListExpr:
            self.unpack(target.elts, value, env)
        elif t is A.Subscript:
            obj = self.ev(target.value, env)
            index = self.ev(target.index, env)
            S.setitem(self.ctx, obj, index, value)
        elif t is A.Starred:
            raise Fault("F-VALUE", "a starred assignment target must be in a list or tuple")
        else:
            raise Fault("F-VALUE", "cannot assign to this target")

    def unpack(self, targets: tuple, value: Any, env: Scope) -> None:
        items = value if type(value) in UNPACKED_AS_IS else S.collect(self.ctx, value)
        star = next((i for i, t in enumerate(targets) if type(t) is A.Starred), None)
        n = len(items)
        if star is None:
            if n != len(targets):
                if n > len(targets):
                    raise Fault("F-VALUE", f"too many values to unpack (expected {len(targets)})")
                raise Fault("F-VALUE", f"not enough values to unpack (expected {len(targets)}, got {n})")
            for t, v in zip(targets, items):
                self.assign(t, v, env)
            return
        after = len(targets) - star - 1
        if n < star + after:
            raise Fault("F-VALUE", f"not enough values to unpack (expected at least {star + after}, got {n})")
        for t, v in zip(targets[:star], items[:star]):
            self.assign(t, v, env)
        self.assign(targets[star].value, list(items[star:n - after]), env)
        for t, v in zip(targets[star + 1:], items[n - after:]):
            self.assign(t, v, env)

    # ---- control flow ----------------------------------------------------------------------------

    def st_If(self, node: A.If, env: Scope) -> Any:
        if self.ev(node.test, env):
            return self.exec_block(node.body, env)
        return self.exec_block(node.orelse, env)

    def st_For(self, node: A.For, env: Scope) -> Any:
        iterable = self.ev(node.iter, env)
        ctx = self.ctx
        if isinstance(iterable, SET_TYPES):
            iterable = iterate(ctx, iterable)  # the fixed order (SPEC.md, "Sets")
        target = node.target
        simple = type(target) is A.Name
        body = node.body
        for item in iterable:
            ctx.fuel -= 1
            if ctx.fuel < 0:
                ctx.out_of_fuel()
            if simple:
                env.vars[target.id] = item
            else:
                self.assign(target, item, env)
            signal = self.exec_block(body, env)
            if signal is not None:
                if signal is BREAK:
                    return None
                if signal is CONTINUE:
                    continue
                return signal
        return self.exec_block(node.orelse, env)

    def st_While(self, node: A.While, env: Scope) -> Any:
        ctx = self.ctx
        body = node.body
        while self.ev(node.test, env):
            ctx.fuel -= 1
            if ctx.fuel < 0:
                ctx.out_of_fuel()
            signal = self.exec_block(body, env)
            if signal is not None:
                if signal is BREAK:
                    return None
                if signal is CONTINUE:
                    continue
                return signal
        return self.exec_block(node.orelse, env)


def _stmt_table() -> dict:
    table = {}
    for name in dir(StmtMixin):
        if name.startswith("st_"):
            node_type = getattr(A, name[3:], None)
            if node_type is not None:
                table[node_type] = getattr(StmtMixin, name)
    return table


_STMT: dict = _stmt_table()
