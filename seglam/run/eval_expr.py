"""Expressions of the reference evaluator (a mixin of :class:`seglam.run.evaluator.Interp`).

Each ``ex_<Node>`` method evaluates one node kind in a :class:`Scope`; :meth:`ev` is the
single entry point, which also locates faults at the innermost node."""

from __future__ import annotations

import decimal
import enum
import operator
from typing import Any

from seglam.run import stdlib as S
from seglam.run.eval_values import FunctionValue, LambdaValue, MethodValue, ModuleRef
from seglam.run.faults import Fault
from seglam.run.ordering import SET_TYPES, iterate
from seglam.run.stdlib_core import fault_for
from seglam.run.valuework import SCALARS
from seglam.syntax import ast as A

_MISSING = object()
_DECIMAL = decimal.Decimal

#: Comparisons with no charge and no special case (``in`` goes through stdlib.compare).
_FAST_COMPARE = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge, "is": operator.is_, "is not": operator.is_not,
}


class Scope:
    """Local variables: ``vars``, the enclosing scope ``parent`` (None: module level
    follows), and ``comp`` for comprehension scopes (walrus assigns past them)."""

    __slots__ = ("vars", "parent", "comp")

    def __init__(self, vars: dict, parent: "Scope | None" = None, comp: bool = False) -> None:
        self.vars = vars
        self.parent = parent
        self.comp = comp


class ExprMixin:
    """Expression evaluation."""

    # ---- entry point -----------------------------------------------------------------------

    def ev(self, node: Any, env: Scope) -> Any:
        try:
            t = type(node)
            # Inline the two commonest nodes: names and constants.
            if t is A.Name:
                name = node.id
                s = env
                while s is not None:
                    v = s.vars.get(name, _MISSING)
                    if v is not _MISSING:
                        return v
                    s = s.parent
                return self.global_value(name)
            if t is A.Constant:
                return node.value
            return _EXPR[t](self, node, env)
        except Fault as fault:
            if fault.span is None:
                raise fault.located(node.span, self.ctx.trace(), self.filename) from None
            raise
        except Exception as exc:  # noqa: BLE001 - every Python exception becomes a fault
            raise fault_for(exc).located(node.span, self.ctx.trace(), self.filename) from None

    # ---- names and literals --------------------------------------------------------------------

    def ex_Name(self, node: A.Name, env: Scope) -> Any:
        name = node.id
        s = env
        while s is not None:
            v = s.vars.get(name, _MISSING)
            if v is not _MISSING:
                return v
            s = s.parent
        return self.global_value(name)

    def ex_Constant(self, node: A.Constant, env: Scope) -> Any:
        return node.value

    def ex_JoinedStr(self, node: A.JoinedStr, env: Scope) -> str:
        parts = []
        for piece in node.values:
            if type(piece) is str:
                parts.append(piece)
            else:
                parts.append(self.ex_FormattedValue(piece, env))
        return S.join_fstring(self.ctx, parts)

    def ex_FormattedValue(self, node: A.FormattedValue, env: Scope) -> str:
        value = self.ev(node.value, env)
        spec = self.ev(node.format_spec, env) if node.format_spec is not None else ""
        return S.format_value(self.ctx, value, node.conversion, spec)

    # ---- operators ---------------------------------------------------------------------------------

    def ex_BinOp(self, node: A.BinOp, env: Scope) -> Any:
        left = self.ev(node.left, env)
        right = self.ev(node.right, env)
        if id(node) in self.unchecked_sums:
            return S.op_sum_unchecked(self.ctx, node.op, left, right)
        return S.BINOPS[node.op](self.ctx, left, right)

    def ex_UnaryOp(self, node: A.UnaryOp, env: Scope) -> Any:
        value = self.ev(node.operand, env)
        if node.op == "not":
            return not value
        return S.UNARYOPS[node.op](self.ctx, value)

    def ex_BoolOp(self, node: A.BoolOp, env: Scope) -> Any:
        # `and`/`or` return an operand, as in Python.
        value = None
        if node.op == "and":
            for e in node.values:
                value = self.ev(e, env)
                if not value:
                    return value
            return value
        for e in node.values:
            value = self.ev(e, env)
            if value:
                return value
        return value

    def ex_Compare(self, node: A.Compare, env: Scope) -> bool:
        left = self.ev(node.left, env)
        if len(node.ops) == 1:  # the common case: no chain
            fast = _FAST_COMPARE.get(node.ops[0])
            right = self.ev(node.comparators[0], env)
            if fast is None or (node.ops[0] in S.ORDERINGS and (type(left) not in SCALARS or type(left) is _DECIMAL
                                                                 or type(right) is _DECIMAL)):
                return S.compare(self.ctx, node.ops[0], left, right)  # charged by size
            return fast(left, right)
        ctx = self.ctx
        for op, comp in zip(node.ops, node.comparators):
            right = self.ev(comp, env)
            if not S.compare(ctx, op, left, right):
                return False
            left = right
        return True

    def ex_IfExp(self, node: A.IfExp, env: Scope) -> Any:
        return self.ev(node.body, env) if self.ev(node.test, env) else self.ev(node.orelse, env)

    def ex_NamedExpr(self, node: A.NamedExpr, env: Scope) -> Any:
        value = self.ev(node.value, env)
        s = env
        while s.comp and s.parent is not None:
            s = s.parent
        s.vars[node.target.id] = value
        return value

    # ---- displays --------------------------------------------------------------------------------------

    def _elements(self, elts: tuple, env: Scope) -> list:
        out: list = []
        for e in elts:
            if type(e) is A.Starred:
                out.extend(S.collect(self.ctx, self.ev(e.value, env)))
            else:
                out.append(self.ev(e, env))
        self.ctx.check_len(len(out))
        return out

    def ex_ListExpr(self, node: A.ListExpr, env: Scope) -> list:
        return self._elements(node.elts, env)

    def ex_TupleExpr(self, node: A.TupleExpr, env: Scope) -> tuple:
        return tuple(self._elements(node.elts, env))

    def ex_SetExpr(self, node: A.SetExpr, env: Scope) -> set:
        # each element is charged as a key when it is evaluated (a spread: all its items)
        out: list = []
        ctx = self.ctx
        for e in node.elts:
            if type(e) is A.Starred:
                items = S.collect(ctx, self.ev(e.value, env))
                ctx.spend(S.keys_cost(ctx, items))
                out.extend(items)
            else:
                item = self.ev(e, env)
                ctx.spend(S.key_cost(ctx, item))
                out.append(item)
        ctx.check_len(len(out))
        return set(out)

    def ex_DictExpr(self, node: A.DictExpr, env: Scope) -> dict:
        out: dict = {}
        for k, v in zip(node.keys, node.values):
            if k is None:
                other = self.ev(v, env)
                self.ctx.charge(len(other))
                self.ctx.spend(S.keys_cost(self.ctx, other))
                out.update(other)
            else:
                key = self.ev(k, env)
                self.ctx.spend(S.key_cost(self.ctx, key))  # charged as the key is evaluated
                out[key] = self.ev(v, env)
        self.ctx.check_len(len(out))
        return out

    # ---- comprehensions ---------------------------------------------------------------------------------

    def _comp_loop(self, generators: tuple, index: int, scope: Scope, outer: Scope, emit) -> None:
        gen = generators[index]
        # The first iterable is evaluated in the enclosing scope, as in Python.
        iterable = self.ev(gen.iter, outer if index == 0 else scope)
        ctx = self.ctx
        if isinstance(iterable, SET_TYPES):
            iterable = iterate(ctx, iterable)  # the fixed order (SPEC.md, "Sets")
        last = index == len(generators) - 1
        for item in iterable:
            ctx.fuel -= 1
            if ctx.fuel < 0:
                ctx.out_of_fuel()
            self.assign(gen.target, item, scope)
            ok = True
            for cond in gen.ifs:
                if not self.ev(cond, scope):
                    ok = False
                    break
            if not ok:
                continue
            if last:
                emit(scope)
            else:
                self._comp_loop(generators, index + 1, scope, outer, emit)

    def ex_ListComp(self, node: A.ListComp, env: Scope) -> list:
        out: list = []
        cap = self.ctx.max_collection_len

        def emit(scope: Scope) -> None:
            out.append(self.ev(node.elt, scope))
            if len(out) > cap:
                raise self.ctx.len_fault(len(out))

        self._comp_loop(node.generators, 0, Scope({}, env, True), env, emit)
        return out

    def ex_SetComp(self, node: A.SetComp, env: Scope) -> set:
        out: set = set()
        cap = self.ctx.max_collection_len

        def emit(scope: Scope) -> None:
            item = self.ev(node.elt, scope)
            self.ctx.spend(S.key_cost(self.ctx, item))
            out.add(item)
            if len(out) > cap:
                raise self.ctx.len_fault(len(out))

        self._comp_loop(node.generators, 0, Scope({}, env, True), env, emit)
        return out

    def ex_DictComp(self, node: A.DictComp, env: Scope) -> dict:
        out: dict = {}
        cap = self.ctx.max_collection_len

        def emit(scope: Scope) -> None:
            key = self.ev(node.key, scope)
            self.ctx.spend(S.key_cost(self.ctx, key))
            out[key] = self.ev(node.value, scope)
            if len(out) > cap:
                raise self.ctx.len_fault(len(out))

        self._comp_loop(node.generators, 0, Scope({}, env, True), env, emit)
        return out

    def ex_GeneratorExp(self, node: A.GeneratorExp, env: Scope) -> Any:
        first = self.ev(node.generators[0].iter, env)  # evaluated eagerly, as in Python
        if isinstance(first, SET_TYPES):
            first = iterate(self.ctx, first)  # ordered (and charged) eagerly, as compiled does
        return self._generate(node, first, env)

    def _generate(self, node: A.GeneratorExp, first: Any, env: Scope):
        scope = Scope({}, env, True)
        generators = node.generators
        ctx = self.ctx

        def loop(index: int, iterable: Any):
            gen = generators[index]
            last = index == len(generators) - 1
            if isinstance(iterable, SET_TYPES):
                iterable = iterate(ctx, iterable)
            for item in iterable:
                ctx.fuel -= 1
                if ctx.fuel < 0:
                    ctx.out_of_fuel()
                self.assign(gen.target, item, scope)
                if all(self.ev(c, scope) for c in gen.ifs):
                    if last:
                        yield self.ev(node.elt, scope)
                    else:
                        yield from loop(index + 1, self.ev(generators[index + 1].iter, scope))

        return loop(0, first)

    # ---- lambdas, attributes, subscripts ----------------------------------------------------------------

    def ex_Lambda(self, node: A.Lambda, env: Scope) -> LambdaValue:
        return LambdaValue(self, node, env, self.defaults_of(node.params, env))

    def ex_Attribute(self, node: A.Attribute, env: Scope) -> Any:
        value = self.ev(node.value, env)
        return self.attribute(value, node.attr)

    def attribute(self, value: Any, attr: str) -> Any:
        if attr.startswith("__"):
            raise Fault("F-VALUE", f"no attribute {attr!r}")
        if isinstance(value, ModuleRef):
            return self.qualified(f"{value.qualname}.{attr}")
        if isinstance(value, S.BoundBuiltin):
            method_table = _BUILTIN_TYPE_METHODS.get(value.name)
            if method_table is not None and attr in method_table:
                return MethodValue(method_table[attr], self.ctx, None, False, attr)
            return self.qualified(f"{value.name}.{attr}")
        if isinstance(value, type) and issubclass(value, enum.Enum):
            member = value.__members__.get(attr)
            if member is None:
                raise Fault("F-VALUE", f"{value.__name__} has no member {attr!r}")
            return member
        impl = S.lookup_method(value, attr)
        if impl is not None:
            return MethodValue(impl, self.ctx, value, True)
        return S.get_attribute(self.ctx, value, attr)

    def qualified(self, qualname: str) -> Any:
        """A qualified stdlib name (``math.pi``, ``datetime.date.fromisoformat``)."""
        if qualname in S.MODULE_CONSTANTS:
            return S.MODULE_CONSTANTS[qualname]
        if qualname in S.MODULE_FUNCTIONS:
            return S.BoundBuiltin(qualname, S.MODULE_FUNCTIONS[qualname], self.ctx)
        return ModuleRef(qualname)

    def ex_Subscript(self, node: A.Subscript, env: Scope) -> Any:
        value = self.ev(node.value, env)
        index = self.ev(node.index, env)
        return S.getitem(self.ctx, value, index)

    def ex_Slice(self, node: A.Slice, env: Scope) -> slice:
        lower = self.ev(node.lower, env) if node.lower is not None else None
        upper = self.ev(node.upper, env) if node.upper is not None else None
        step = self.ev(node.step, env) if node.step is not None else None
        return slice(lower, upper, step)

    def ex_Starred(self, node: A.Starred, env: Scope) -> Any:
        raise Fault("F-VALUE", "a starred expression is only allowed in a call or a display")

    def ex_UnsupportedExpr(self, node: A.UnsupportedExpr, env: Scope) -> Any:
        raise Fault("F-VALUE", f"{node.kind} is not supported")

    # ---- calls --------------------------------------------------------------------------------------

    def ex_Call(self, node: A.Call, env: Scope) -> Any:
        func = node.func
        if type(func) is A.Attribute and not func.attr.startswith("__"):
            receiver = self.ev(func.value, env)
            if not isinstance(receiver, (ModuleRef, S.BoundBuiltin, type)):
                impl = S.lookup_method(receiver, func.attr)
                if impl is not None:
                    args, kwargs = self.arguments(node, env)
                    return impl(self.ctx, receiver, *args, **kwargs)
            callee = self.attribute(receiver, func.attr)
        else:
            callee = self.ev(func, env)
        args, kwargs = self.arguments(node, env)
        return self.call_value(callee, args, kwargs, node.span)

    def arguments(self, node: A.Call, env: Scope) -> tuple[list, dict]:
        args: list = []
        for a in node.args:
            if type(a) is A.Starred:
                args.extend(S.collect(self.ctx, self.ev(a.value, env)))
            else:
                args.append(self.ev(a, env))
        kwargs: dict = {}
        for k in node.keywords:
            if k.name is None:
                kwargs.update(self.ev(k.value, env))
            else:
                kwargs[k.name] = self.ev(k.value, env)
        return args, kwargs

    def call_value(self, callee: Any, args: list, kwargs: dict, span: Any) -> Any:
        t = type(callee)
        if t is FunctionValue:
            return self.call_function(callee, args, kwargs, span)
        if t is LambdaValue:
            return self.call_lambda(callee, args, kwargs, span)
        if t is S.BoundBuiltin:
            return callee.impl(self.ctx, *args, **kwargs)
        if t is MethodValue:
            return callee(*args, **kwargs)
        if isinstance(callee, type) and (S.is_record_class(callee) or issubclass(callee, enum.Enum)):
            return callee(*args, **kwargs)
        if callable(callee) and not isinstance(callee, (type, ModuleRef)):
            return callee(*args, **kwargs)  # e.g. operator.itemgetter(...) results
        raise Fault("F-VALUE", "this value is not callable")


def _expr_table() -> dict:
    table = {}
    for name in dir(ExprMixin):
        if name.startswith("ex_"):
            node_type = getattr(A, name[3:], None)
            if node_type is not None:
                table[node_type] = getattr(ExprMixin, name)
    return table


_EXPR: dict = _expr_table()

#: ``str.lower`` and friends used as values (``key=str.lower``).
_BUILTIN_TYPE_METHODS: dict[str, dict] = {
    "str": S.METHODS[str], "list": S.METHODS[list], "dict": S.METHODS[dict], "set": S.METHODS[set],
    "int": S.METHODS[int], "float": S.METHODS[float], "tuple": S.METHODS[tuple],
}
