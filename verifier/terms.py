"""The encoder's hottest Z3 term operations, without the z3 module's per-call coercions.

``z3.And(a, b)`` costs ~75 us and ``z3.If`` ~45 us in the Python layer (context lookup, sort
coercion, wrapper objects), against ~5 us for the C call itself; unrolled encodings make
hundreds of thousands of them. Each function here builds exactly the term the z3 function
would (the same C constructor on the same arguments; Z3 hash-conses terms), and falls back
to the z3 function whenever its arguments are not the plain case it handles.
"""

from __future__ import annotations

import z3
from z3 import z3core as C
from z3.z3 import _to_expr_ref

_CTX = z3.main_ctx()
_TRUE = z3.BoolVal(True)
_FALSE = z3.BoolVal(False)
_TRUE_ID = _TRUE.ast.value
_FALSE_ID = _FALSE.ast.value
_INT = C.Z3_get_sort_kind(_CTX.ref(), z3.IntSort().ast)
_REAL = C.Z3_get_sort_kind(_CTX.ref(), z3.RealSort().ast)
_BOOL = C.Z3_get_sort_kind(_CTX.ref(), z3.BoolSort().ast)
# The classes whose instances are never numerals or quantifiers: an ite of two such terms
# gets the class of its branches (what _to_expr_ref would pick, without asking Z3).
_PLAIN = (z3.ArithRef, z3.BoolRef, z3.SeqRef)


def _plain_bool(a) -> bool:
    return type(a) is z3.BoolRef and a.ctx is _CTX


def is_true(a) -> bool:
    """``z3.is_true(a)``: the literal ``True`` (Z3 keeps one such term per context)."""
    if _plain_bool(a):
        return a.ast.value == _TRUE_ID
    return z3.is_true(a)


def is_false(a) -> bool:
    """``z3.is_false(a)``: the literal ``False``."""
    if _plain_bool(a):
        return a.ast.value == _FALSE_ID
    return z3.is_false(a)


def mk_and(a, b):
    """``z3.And(a, b)``."""
    if _plain_bool(a) and _plain_bool(b):
        args = (z3.Ast * 2)(a.ast, b.ast)
        return z3.BoolRef(C.Z3_mk_and(_CTX.ref(), 2, args), _CTX)
    return z3.And(a, b)


def mk_or(a, b):
    """``z3.Or(a, b)``."""
    if _plain_bool(a) and _plain_bool(b):
        args = (z3.Ast * 2)(a.ast, b.ast)
        return z3.BoolRef(C.Z3_mk_or(_CTX.ref(), 2, args), _CTX)
    return z3.Or(a, b)


def mk_not(a):
    """``z3.Not(a)``."""
    if _plain_bool(a):
        return z3.BoolRef(C.Z3_mk_not(_CTX.ref(), a.ast), _CTX)
    return z3.Not(a)


def same_sort(a, b) -> bool:
    """``a.sort() == b.sort()`` for two terms (sorts are hash-consed too)."""
    if a.ctx is _CTX and b.ctx is _CTX:
        return C.Z3_get_sort(_CTX.ref(), a.ast).value == C.Z3_get_sort(_CTX.ref(), b.ast).value
    return a.sort() == b.sort()


def mk_if(c, a, b):
    """``z3.If(c, a, b)`` for terms ``a`` and ``b``."""
    if _plain_bool(c) and isinstance(a, z3.ExprRef) and isinstance(b, z3.ExprRef) and same_sort(a, b):
        ast = C.Z3_mk_ite(_CTX.ref(), c.ast, a.ast, b.ast)
        cls = type(a)
        if cls in _PLAIN and cls is type(b):
            return cls(ast, _CTX)
        return _to_expr_ref(ast, _CTX)
    return z3.If(c, a, b)


def _plain(a) -> bool:
    return isinstance(a, z3.ExprRef) and a.ctx is _CTX


def mk_and_n(args):
    """``z3.And(*args)`` for a non-empty list."""
    if all(_plain_bool(a) for a in args):
        arr = (z3.Ast * len(args))(*[a.ast for a in args])
        return z3.BoolRef(C.Z3_mk_and(_CTX.ref(), len(args), arr), _CTX)
    return z3.And(*args)


def mk_or_n(args):
    """``z3.Or(*args)`` for a non-empty list."""
    if all(_plain_bool(a) for a in args):
        arr = (z3.Ast * len(args))(*[a.ast for a in args])
        return z3.BoolRef(C.Z3_mk_or(_CTX.ref(), len(args), arr), _CTX)
    return z3.Or(*args)


def mk_eq(a, b):
    """``a == b`` for two terms."""
    if _plain(a) and _plain(b) and same_sort(a, b):
        if type(a) is not type(b) and issubclass(type(b), type(a)):
            a, b = b, a  # Python asks the subclass first: IntVal(0) == x builds (= 0 x)
        return z3.BoolRef(C.Z3_mk_eq(_CTX.ref(), a.ast, b.ast), _CTX)
    return a == b


def lt_int(i: int, t):
    """``i < t`` for a Python int ``i`` and an Int term ``t`` (Python asks ``t > i``)."""
    if _plain(t) and sort_kind(t) == _INT:
        return z3.BoolRef(C.Z3_mk_gt(_CTX.ref(), t.ast, z3.IntVal(i).ast), _CTX)
    return i < t


def eq_int(t, i: int):
    """``t == i`` for an Int term ``t`` and a Python int ``i``."""
    if _plain(t) and sort_kind(t) == _INT:
        return z3.BoolRef(C.Z3_mk_eq(_CTX.ref(), t.ast, z3.IntVal(i).ast), _CTX)
    return t == i


def sort_kind(v):
    """Z3's sort kind of term ``v`` (an int), or None for anything else."""
    if isinstance(v, z3.ExprRef) and v.ctx is _CTX:
        return C.Z3_get_sort_kind(_CTX.ref(), C.Z3_get_sort(_CTX.ref(), v.ast))
    if isinstance(v, z3.ExprRef):
        return v.sort().kind()
    return None


def is_int_term(v) -> bool:
    """``v.sort() == z3.IntSort()``."""
    return sort_kind(v) == _INT


def is_real_term(v) -> bool:
    return sort_kind(v) == _REAL


def is_bool_term(v) -> bool:
    return sort_kind(v) == _BOOL


def is_str_term(v) -> bool:
    """``v.sort() == z3.StringSort()``."""
    if isinstance(v, z3.ExprRef) and v.ctx is _CTX:
        return bool(C.Z3_is_string_sort(_CTX.ref(), C.Z3_get_sort(_CTX.ref(), v.ast)))
    return isinstance(v, z3.ExprRef) and v.sort() == z3.StringSort()


__all__ = [
    "is_true", "is_false", "mk_and", "mk_or", "mk_not", "mk_if", "same_sort", "mk_and_n", "mk_or_n",
    "mk_eq", "lt_int", "eq_int",
    "is_int_term", "is_real_term", "is_bool_term", "is_str_term",
]
