"""Function values: how the compiled backend represents them, so that a call's depth is
the depth of the call, wherever the value travelled (SPEC section 10: ``max_depth`` counts
nested Seglam calls, as the reference's ``RunContext.enter`` does at the call).

Every function value in generated code takes the depth first, as a generated ``def`` does:
a ``lambda`` is ``lambda h_d, /, ...`` and a def used as a value is the def itself. A call
of a function value passes the caller's depth plus one (``f(h_d + 1, x)``), so a lambda
made in ``main`` and called in a helper is as deep as the helper's call makes it. A builtin,
bound method or callable returned by the stdlib (``len``, ``d.get``, ``itemgetter(1)``)
becomes a function value through ``Runtime.as_function`` (the depth is ignored: a builtin's
call is no level). A function value handed to a builtin or stdlib call that calls it (a
sort key, ``map``) goes as ``Runtime.at_depth(f, h_d + 1)``: there the builtin calls it from
the code that handed it over; a builtin written right there goes as it is.
"""

from __future__ import annotations

import ast as py
import dataclasses
from typing import Any

from seglam.check import types as T
from seglam.run.codegen import pyast as P

#: The static types of values that are function values at run time (a record class used
#: as a value is not one: its calls take no depth).
_FUNCTION_TYPES = (T.CallableType, T.FunctionRefType, T.LambdaRefType, T.BuiltinFnType, T.BoundMethodType)


def is_function_type(t: Any) -> bool:
    """``t`` (or one of its options: ``Callable[[int], int] | None``) is a function value's."""
    return t is not None and any(isinstance(o, _FUNCTION_TYPES) for o in T.options(t))


_AS_FUNCTION = "_as_function"  # the label of Runtime.as_function's global name (g_N_as_function)


def holds_functions(g, t: Any, seen: frozenset[str] = frozenset()) -> bool:
    """A value of type ``t`` may hold a function value (in a container, a record's field)."""
    if t is None:
        return False
    if is_function_type(t):
        return True
    if isinstance(t, T.RecordType):
        info = g.checked.records.get(t.name)
        return info is not None and t.name not in seen \
            and any(holds_functions(g, f.type, seen | {t.name}) for f in info.fields)
    parts = (getattr(t, f.name) for f in dataclasses.fields(t)) if dataclasses.is_dataclass(t) else ()
    return any(holds_functions(g, p, seen) if isinstance(p, T.Type)
               else isinstance(p, tuple) and any(holds_functions(g, q, seen) for q in p if isinstance(q, T.Type))
               for p in parts)


def may_hold_functions(g, t: Any) -> bool:
    """:func:`holds_functions`, or ``t`` unknown."""
    return t is None or T.is_error(t) or holds_functions(g, t)


def as_function(g, plain: py.expr) -> py.expr:
    """``Runtime.as_function(plain)``: a plain callable as a function value."""
    return P.call(g.ref(g.runtime.as_function, _AS_FUNCTION[1:]), [plain])


def handed_over(g, node: Any, value: py.expr, depth: py.expr) -> py.expr:
    """Argument ``node`` (emitted as ``value``) of a builtin or stdlib call: a builtin,
    bound method or stdlib callable written right there goes plain; another function value
    at ``depth``; anything else as it is."""
    if isinstance(value, py.Call) and isinstance(value.func, py.Name) and value.func.id.endswith(_AS_FUNCTION):
        return value.args[0]
    if may_be_function(g.type_of(node)):
        return P.call(g.ref(g.runtime.at_depth, "at_depth"), [value, depth])
    return value


def may_be_function(t: Any) -> bool:
    """A value of static type ``t`` may be a function value: its type is one, or unknown
    (the backend never relies on static types for correctness)."""
    return t is None or T.is_error(t) or is_function_type(t)
