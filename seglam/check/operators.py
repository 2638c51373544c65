"""Static typing of Python's operators over Seglam types (pure functions)."""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.signatures import KeysViewType
from seglam.check.typeops import as_dict, is_bottom, join

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
    from seglam.syntax import ast

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
