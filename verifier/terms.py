"""The encoder's hottest Z3 term operations, without the z3 module's per-call coercions.

``z3.And(a, b)`` costs ~75 us and ``z3.If`` ~45 us in the Python layer (context lookup, sort
coercion, wrapper objects), against ~5 us for the C call itself; unrolled encodings make
hundreds of thousands of them. Each function here builds exactly the term the z3 function
would (the same C constructor on the same arguments; Z3 hash-conses terms), and falls back
to the z3 function whenever its arguments are not the plain case it handles. Terms are
built in their arguments' context (each function's encoding has its own:
:mod:`seglam.verifier.context`); no Z3 object lives at module level.
"""

from __future__ import annotations

import z3
from z3 import z3core as C
from z3.z3 import _to_expr_ref

_INT = z3.Z3_INT_SORT
_REAL = z3.Z3_REAL_SORT
_BOOL = z3.Z3_BOOL_SORT
# The classes whose instances are never numerals or quantifiers: an ite of two such terms
# gets the class of its branches (what _to_expr_ref would pick, without asking Z3).
_PLAIN = (z3.ArithRef, z3.BoolRef, z3.SeqRef)


def _plain_bool(a) -> bool:
    return type(a) is z3.BoolRef


def is_true(a) -> bool:
    """``z3.is_true(a)``: the literal ``True``."""
    if _plain_bool(a):
        return C.Z3_get_bool_value(a.ctx.ref(), a.ast) == z3.Z3_L_TRUE
    return z3.is_true(a)


def is_false(a) -> bool:
    """``z3.is_false(a)``: the literal ``False``."""
    if _plain_bool(a):
        return C.Z3_get_bool_value(a.ctx.ref(), a.ast) == z3.Z3_L_FALSE
    return z3.is_false(a)


def mk_and(a, b):
    """``z3.And(a, b)``."""
    if _plain_bool(a) and _plain_bool(b) and a.ctx is b.ctx:
        args = (z3.Ast * 2)(a.ast, b.ast)
        return z3.BoolRef(C.Z3_mk_and(a.ctx.ref(), 2, args), a.ctx)
    return z3.And(a, b)


def mk_or(a, b):
    """``z3.Or(a, b)``."""
    if _plain_bool(a) and _plain_bool(b) and a.ctx is b.ctx:
        args = (z3.Ast * 2)(a.ast, b.ast)
        return z3.BoolRef(C.Z3_mk_or(a.ctx.ref(), 2, args), a.ctx)
    return z3.Or(a, b)


def mk_not(a):
    """``z3.Not(a)``."""
    if _plain_bool(a):
        return z3.BoolRef(C.Z3_mk_not(a.ctx.ref(), a.ast), a.ctx)
    return z3.Not(a)


def same_sort(a, b) -> bool:
    """``a.sort() == b.sort()`` for two terms (sorts are hash-consed too)."""
    ctx = a.ctx
    if b.ctx is ctx:
        return C.Z3_get_sort(ctx.ref(), a.ast).value == C.Z3_get_sort(ctx.ref(), b.ast).value
    return a.sort() == b.sort()


def mk_if(c, a, b):
    """``z3.If(c, a, b)`` for terms ``a`` and ``b``."""
    if _plain_bool(c) and isinstance(a, z3.ExprRef) and isinstance(b, z3.ExprRef) and a.ctx is c.ctx and same_sort(a, b):
        ctx = c.ctx
        ast = C.Z3_mk_ite(ctx.ref(), c.ast, a.ast, b.ast)
        cls = type(a)
        if cls in _PLAIN and cls is type(b):
            return cls(ast, ctx)
        return _to_expr_ref(ast, ctx)
    return z3.If(c, a, b)


def _plain(a, ctx) -> bool:
    return isinstance(a, z3.ExprRef) and a.ctx is ctx


def _plain_bools(args) -> bool:
    ctx = args[0].ctx if isinstance(args[0], z3.ExprRef) else None
    return all(_plain_bool(a) and a.ctx is ctx for a in args)


def mk_and_n(args):
    """``z3.And(*args)`` for a non-empty list."""
    if _plain_bools(args):
        ctx = args[0].ctx
        arr = (z3.Ast * len(args))(*[a.ast for a in args])
        return z3.BoolRef(C.Z3_mk_and(ctx.ref(), len(args), arr), ctx)
    return z3.And(*args)


def mk_or_n(args):
    """``z3.Or(*args)`` for a non-empty list."""
    if _plain_bools(args):
        ctx = args[0].ctx
        arr = (z3.Ast * len(args))(*[a.ast for a in args])
        return z3.BoolRef(C.Z3_mk_or(ctx.ref(), len(args), arr), ctx)
    return z3.Or(*args)


def mk_eq(a, b):
    """``a == b`` for two terms."""
    if isinstance(a, z3.ExprRef) and _plain(b, a.ctx) and same_sort(a, b):
        if type(a) is not type(b) and issubclass(type(b), type(a)):
            a, b = b, a  # Python asks the subclass first: IntVal(0) == x builds (= 0 x)
        return z3.BoolRef(C.Z3_mk_eq(a.ctx.ref(), a.ast, b.ast), a.ctx)
    return a == b


def lt_int(i: int, t):
    """``i < t`` for a Python int ``i`` and an Int term ``t`` (Python asks ``t > i``)."""
    if sort_kind(t) == _INT:
        return z3.BoolRef(C.Z3_mk_gt(t.ctx.ref(), t.ast, z3.IntVal(i, t.ctx).ast), t.ctx)
    return i < t


def eq_int(t, i: int):
    """``t == i`` for an Int term ``t`` and a Python int ``i``."""
    if sort_kind(t) == _INT:
        return z3.BoolRef(C.Z3_mk_eq(t.ctx.ref(), t.ast, z3.IntVal(i, t.ctx).ast), t.ctx)
    return t == i


def sort_kind(v):
    """Z3's sort kind of term ``v`` (an int), or None for anything else."""
    if isinstance(v, z3.ExprRef):
        ref = v.ctx.ref()
        return C.Z3_get_sort_kind(ref, C.Z3_get_sort(ref, v.ast))
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
    if isinstance(v, z3.ExprRef):
        ref = v.ctx.ref()
        return bool(C.Z3_is_string_sort(ref, C.Z3_get_sort(ref, v.ast)))
    return False


__all__ = [
    "is_true", "is_false", "mk_and", "mk_or", "mk_not", "mk_if", "same_sort", "mk_and_n", "mk_or_n",
    "mk_eq", "lt_int", "eq_int",
    "is_int_term", "is_real_term", "is_bool_term", "is_str_term",
]
