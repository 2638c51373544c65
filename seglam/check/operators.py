"""Operators: the result types of Python's operators over Seglam types (pure functions), and the
typing of operator expressions (arithmetic, ``not``/``and``/``or``, comparisons, ``%``-format)."""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.context import Context
from seglam.check.names import show
from seglam.check.narrowing import cond, falsy_part
from seglam.check.percent import check_args, conversions
from seglam.check.signatures import KeysViewType
from seglam.check.typeops import as_dict, assignable, can_be_equal, hashable, is_bottom, iter_elem, join
from seglam.check.values import non_optional, value
from seglam.syntax import ast


_NUMERIC = (t.BOOL, t.INT, t.FLOAT)


def _num_rank(x: t.Type) -> int | None:
    return _NUMERIC.index(x) if x in _NUMERIC else None


def arith(op: str, left: t.Type, right: t.Type, right_node=None) -> t.Type | None:
    """The result type of ``left op right``, or None when Python would raise TypeError."""
    if isinstance(left, (t.ErrorType, t.AnyType)) or isinstance(right, (t.ErrorType, t.AnyType)):
        return t.ERROR
    if isinstance(left, t.NeverType) or isinstance(right, t.NeverType):
        # An element of a still-empty collection: assume the other side's type.
        other = right if isinstance(left, t.NeverType) else left
        return t.FLOAT if op == "/" and other in _NUMERIC else other
    if isinstance(left, t.UnionType) or isinstance(right, t.UnionType):
        results = []
        for lo in t.options(left):
            for ro in t.options(right):
                r = arith(op, lo, ro, right_node)
                if r is None:
                    return None
                results.append(r)
        return t.union(*results)
    lr, rr = _num_rank(left), _num_rank(right)
    if lr is not None and rr is not None:
        top = max(lr, rr, 1)  # bool arithmetic gives int
        if op == "/":
            return t.FLOAT
        if op in ("<<", ">>"):
            return t.INT if top == 1 else None
        if op in ("&", "|", "^"):
            if left == t.BOOL and right == t.BOOL:
                return t.BOOL
            return t.INT if top == 1 else None
        if op == "**" and top == 1 and _negative_literal(right_node):
            return t.FLOAT
        if op == "@":
            return None
        return _NUMERIC[top]
    if t.DECIMAL in (left, right):
        other = right if left == t.DECIMAL else left
        if other in (t.DECIMAL, t.INT, t.BOOL) and op in ("+", "-", "*", "/", "//", "%", "**"):
            return t.DECIMAL
        return None
    if left == t.STR:
        if op == "+" and right == t.STR:
            return t.STR
        if op == "*" and right in (t.INT, t.BOOL):
            return t.STR
        return None
    if right == t.STR and op == "*" and left in (t.INT, t.BOOL):
        return t.STR
    if isinstance(left, t.ListType):
        if op == "+" and isinstance(right, t.ListType):
            return t.ListType(join(left.elem, right.elem))
        if op == "*" and right in (t.INT, t.BOOL):
            return left
        return None
    if isinstance(right, t.ListType) and op == "*" and left in (t.INT, t.BOOL):
        return right
    if isinstance(left, t.TupleType):
        if op == "+" and isinstance(right, t.TupleType):
            if not left.variadic and not right.variadic:
                return t.TupleType(left.elems + right.elems)
            elems = [e for e in (left.elems + right.elems)]
            return t.TupleType((t.union(*elems),), True)
        if op == "*" and right in (t.INT, t.BOOL):
            return t.TupleType((t.union(*left.elems),), True) if left.elems else left
        return None
    if isinstance(left, (t.SetType, KeysViewType)) and isinstance(right, (t.SetType, KeysViewType)):
        if op in ("|", "^"):
            return t.SetType(join(left.elem, right.elem))
        if op in ("&", "-"):
            return t.SetType(left.elem)
        return None
    ld, rd = as_dict(left), as_dict(right)
    if ld is not None and rd is not None:
        if op == "|":
            return t.DictType(join(ld.key, rd.key), join(ld.value, rd.value))
        if isinstance(left, t.CounterType) and isinstance(right, t.CounterType) and op in ("+", "-", "&", "|"):
            return t.CounterType(join(left.key, right.key))
        return None
    if left == t.DATE:
        if op in ("+", "-") and right == t.TIMEDELTA:
            return t.DATE
        if op == "-" and right == t.DATE:
            return t.TIMEDELTA
        return None
    if left == t.TIMEDELTA:
        if op in ("+", "-") and right == t.TIMEDELTA:
            return t.TIMEDELTA
        if op == "+" and right == t.DATE:
            return t.DATE
        if op in ("*", "/", "//") and right in (t.INT, t.BOOL, t.FLOAT) and not (op == "//" and right == t.FLOAT):
            return t.TIMEDELTA
        if op == "/" and right == t.TIMEDELTA:
            return t.FLOAT
        if op == "//" and right == t.TIMEDELTA:
            return t.INT
        if op == "%" and right == t.TIMEDELTA:
            return t.TIMEDELTA
        return None
    if right == t.TIMEDELTA and op == "*" and left in (t.INT, t.BOOL, t.FLOAT):
        return t.TIMEDELTA
    return None


def _negative_literal(node) -> bool:
    if isinstance(node, ast.UnaryOp) and node.op == "-" and isinstance(node.operand, ast.Constant):
        return isinstance(node.operand.value, int) and node.operand.value > 0
    return isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool) and node.value < 0


def unary(op: str, operand: t.Type) -> t.Type | None:
    if is_bottom(operand):
        return operand
    if op == "not":
        return t.BOOL
    if isinstance(operand, t.UnionType):
        results = [unary(op, o) for o in operand.options]
        return None if any(r is None for r in results) else t.union(*results)
    if op in ("-", "+"):
        if operand in (t.BOOL, t.INT):
            return t.INT
        if operand in (t.FLOAT, t.DECIMAL, t.TIMEDELTA):
            return operand
        return None
    if op == "~":
        return t.INT if operand in (t.BOOL, t.INT) else None
    return None


def orderable(x: t.Type, records_with_order: frozenset[str]) -> bool:
    """Whether values of type ``x`` support ``<`` among themselves."""
    if is_bottom(x):
        return True
    if isinstance(x, t.UnionType):
        opts = x.options
        if all(o in _NUMERIC or o == t.DECIMAL for o in opts):
            return all(o in _NUMERIC for o in opts) or all(o in (t.DECIMAL, t.INT, t.BOOL) for o in opts)
        return False
    if x in _NUMERIC or x in (t.STR, t.DECIMAL, t.DATE, t.TIMEDELTA):
        return True
    if isinstance(x, (t.ListType, t.SetType)):
        return orderable(x.elem, records_with_order)
    if isinstance(x, t.TupleType):
        return all(orderable(e, records_with_order) for e in x.elems)
    if isinstance(x, t.RecordType):
        return x.name in records_with_order
    return False


def comparable_order(left: t.Type, right: t.Type, records_with_order: frozenset[str]) -> bool:
    """Whether ``left < right`` is defined."""
    if is_bottom(left) or is_bottom(right):
        return True
    if _num_rank(left) is not None and _num_rank(right) is not None:
        return True
    if {left, right} <= {t.DECIMAL, t.INT, t.BOOL}:
        return True
    if left == right:
        return orderable(left, records_with_order)
    if isinstance(left, t.TupleType) and isinstance(right, t.TupleType):
        if left.variadic or right.variadic:
            return comparable_order(left.elems[0] if left.variadic else t.union(*left.elems) if left.elems else t.NEVER,
                                    right.elems[0] if right.variadic else t.union(*right.elems) if right.elems else t.NEVER,
                                    records_with_order)
        # Lexicographic: the common prefix must be comparable element by element.
        return all(comparable_order(a, b, records_with_order) for a, b in zip(left.elems, right.elems))
    if isinstance(left, t.ListType) and isinstance(right, t.ListType):
        return orderable(join(left.elem, right.elem), records_with_order)
    if isinstance(left, (t.SetType, KeysViewType)) and isinstance(right, (t.SetType, KeysViewType)):
        return True  # subset order
    if isinstance(left, t.UnionType) or isinstance(right, t.UnionType):
        return all(comparable_order(a, b, records_with_order) for a in t.options(left) for b in t.options(right))
    return False


def _x_BinOp(cx: Context, node: ast.BinOp, st, expected):
    left = value(cx, node.left, st)
    right = value(cx, node.right, st)
    if node.op == "%" and left == t.STR:
        return _percent_format(cx, node, right)
    return binop_result(cx, node.op, left, right, node, node.left, node.right)


def _percent_format(cx: Context, node: ast.BinOp, right: t.Type) -> t.Type:
    hint = "use an f-string: `f\"{n} items at {price:.1f}\"`"
    if not (isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
        cx.report.error("E-UNSUPPORTED", "`%` formatting needs a literal format string", node.span, hint)
        return t.ERROR
    convs = conversions(node.left.value)
    by_key = _values_by_key(cx, node.right)
    problem = convs if isinstance(convs, str) else check_args(convs, right, by_key)
    if problem is not None and by_key is None and "needs" in problem and any(k for k, _ in convs):
        # a dict built elsewhere has one value type for all its keys
        hint = "write the dict out after `%` (`\"%(n)d\" % {\"n\": n}`), so that each value keeps its own type"
    if problem is not None:
        cx.report.error("E-TYPE", f"`%` formatting: {problem}", node.span, hint)
        return t.ERROR
    return t.STR


def _values_by_key(cx: Context, node) -> dict[str, t.Type] | None:
    """The type of each value of a dict display whose keys are all literal strings (for
    ``"%(name)s" % {"name": ...}``), else None."""
    if not isinstance(node, ast.DictExpr) or not all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
        return None
    return {k.value: cx.types.get(id(v), t.ERROR) for k, v in zip(node.keys, node.values)}


def binop_result(cx: Context, op, left, right, node, lnode, rnode) -> t.Type:
    if op == "@":
        cx.report.error("E-UNSUPPORTED", "`@` (matrix multiplication) is not available", node.span)
        return t.ERROR
    if t.is_optional(left) or left == t.NONE:
        left = non_optional(cx, left, lnode)
    if t.is_optional(right) or right == t.NONE:
        right = non_optional(cx, right, rnode)
    result = arith(op, left, right, rnode)
    if result is None:
        hint = None
        method = next((x for x in (left, right) if isinstance(x, t.BoundMethodType)), None)
        if method is not None:
            n = lnode if method is left else rnode
            hint = f"`{show(n)}` is a method: call it: `{show(n)}()`"
        elif t.STR in (left, right) and op == "+" and t.options(left) != t.options(right):
            hint = "convert with `str(x)`, or use an f-string: `f\"{a}{b}\"`"
        elif (left == t.FLOAT or right == t.FLOAT) and t.DECIMAL in (left, right):
            hint = "Decimal does not mix with float: use `Decimal(\"0.1\")`"
        elif isinstance(left, t.UnionType) or isinstance(right, t.UnionType):
            hint = "narrow the value first with `isinstance(x, T)`"
        cx.report.error("E-TYPE", f"unsupported operand types for `{op}`: `{left.render()}` and `{right.render()}`",
                        node.span, hint)
        return t.ERROR
    return result


def _x_UnaryOp(cx: Context, node: ast.UnaryOp, st, expected):
    if node.op == "not":
        cond(cx, node.operand, st)
        return t.BOOL
    operand = value(cx, node.operand, st)
    if t.is_optional(operand):
        operand = non_optional(cx, operand, node.operand)
    result = unary(node.op, operand)
    if result is None:
        cx.report.error("E-TYPE", f"unsupported operand type for unary `{node.op}`: `{operand.render()}`", node.span)
        return t.ERROR
    return result


def _x_BoolOp(cx: Context, node: ast.BoolOp, st, expected):
    current = st
    parts: list[t.Type] = []
    for i, operand in enumerate(node.values):
        last = i == len(node.values) - 1
        if last:
            parts.append(value(cx, operand, current if current is not None else st.copy()))
            break
        yes, no = cond(cx, operand, current if current is not None else st.copy())
        ty = cx.types.get(id(operand), t.ERROR)
        parts.append(falsy_part(ty) if node.op == "and" else t.strip_none(ty) if not is_bottom(ty) else ty)
        current = yes if node.op == "and" else no
    if all(p == t.BOOL for p in parts):
        return t.BOOL
    return t.union(*parts)


def _x_Compare(cx: Context, node: ast.Compare, st, expected):
    left_node = node.left
    left = value(cx, left_node, st)
    for op, right_node in zip(node.ops, node.comparators):
        right = value(cx, right_node, st)
        check_compare(cx, op, left, right, left_node, right_node, node)
        left, left_node = right, right_node
    return t.BOOL


def check_compare(cx: Context, op, left, right, lnode, rnode, node) -> None:
    if is_bottom(left) or is_bottom(right):
        return
    if op in ("is", "is not"):
        literal = any(_value_literal(n) for n in (lnode, rnode))
        if literal or not (left == t.NONE or right == t.NONE or _singleton(left) or _singleton(right)):
            cx.report.error("E-TYPE", f"`{op}` compares identity; use `{'==' if op == 'is' else '!='}` to compare values",
                            node.span, f"write `{'==' if op == 'is' else '!='}`; `is` is only for `None` (and enum members)")
        return
    if op in ("in", "not in"):
        container = right
        if t.is_optional(container):
            container = non_optional(cx, container, rnode)
        if container == t.STR:
            if not assignable(left, t.STR):
                cx.report.error("E-TYPE", f"`in <str>` needs a str on the left, not `{left.render()}`", node.span)
            return
        d = as_dict(container)
        elem = d.key if d is not None else iter_elem(container)
        if elem is None:
            cx.report.error("E-TYPE", f"`{container.render()}` does not support `in`", rnode.span)
        elif (d is not None or isinstance(container, (t.SetType, KeysViewType))) and not hashable(left):
            cx.report.error("E-TYPE", f"`{left.render()}` cannot be looked up in a `{container.render()}` "
                            "(it is mutable, so never a key)", lnode.span, "use a tuple instead of a list")
        # A value of another type is simply never found (no error: Python allows it).
        return
    if op in ("==", "!="):
        if not can_be_equal(left, right) and not (t.NONE in t.options(left) or t.NONE in t.options(right)):
            cx.report.error("E-TYPE", f"comparing `{left.render()}` with `{right.render()}` is always "
                            f"{'False' if op == '==' else 'True'}", node.span,
                            "convert one side first (e.g. `int(s)` or `str(n)`)")
        return
    for side, n in ((left, lnode), (right, rnode)):
        if t.is_optional(side) or side == t.NONE:
            non_optional(cx, side, n)
    left, right = t.strip_none(left), t.strip_none(right)
    if not comparable_order(left, right, ordered_records(cx)):
        hint = None
        if any(isinstance(o, t.RecordType) for o in t.options(left) + t.options(right)):
            hint = "records are ordered only with `@dataclass(frozen=True, order=True)`; or compare a field"
        elif any(isinstance(o, t.EnumType) for o in t.options(left) + t.options(right)):
            hint = "compare the members' `.value`"
        cx.report.error("E-TYPE", f"`{op}` is not supported between `{left.render()}` and `{right.render()}`",
                        node.span, hint)


def ordered_records(cx: Context) -> frozenset[str]:
    return frozenset(name for name, info in cx.env.records.items() if info.order)


def _value_literal(node) -> bool:
    """A literal whose identity is meaningless (`x is 1`, `x is "a"`, `x is []`)."""
    if isinstance(node, ast.Constant):
        return node.value is not None and node.value is not True and node.value is not False and node.value is not ...
    return isinstance(node, (ast.ListExpr, ast.DictExpr, ast.SetExpr, ast.TupleExpr, ast.JoinedStr, ast.ListComp,
                             ast.DictComp, ast.SetComp))


def _singleton(ty: t.Type) -> bool:
    return isinstance(ty, t.EnumType) or ty == t.BOOL


#: The expression rules of this module, by node class (the checker dispatches on them).
EXPR_RULES = {
    ast.BinOp: _x_BinOp,
    ast.UnaryOp: _x_UnaryOp,
    ast.BoolOp: _x_BoolOp,
    ast.Compare: _x_Compare,
}
