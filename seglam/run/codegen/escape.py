"""Which list and set parameters a function only reads: they need no frozen copy.

Contract. Every call freezes its arguments (SPEC §7): a plain list or set argument is
charged its length and copied into a frozen one, so the callee cannot change the caller's
value and the caller cannot change what the callee kept. The copy is observable only if the
parameter's object can be reached by something other than reads inside the call: a mutator,
an alias (``ys = xs``, ``[xs]``, a return, an argument to another function), a ``match``.
:func:`only_read` answers True when every use of the parameter's name in the function body
is a read that hands out no reference to the object itself: an item or a slice
(``xs[i]``, ``xs[a:b]``: for a flat list these are immutable values or new lists), ``len``,
iteration (``for``, comprehensions) and a comparison (``in``, ``==``, ``<``...). The caller's object cannot change during the call either:
the only values that reach the callee are its arguments, and the rule is applied only when
every other parameter is deeply immutable or a flat collection (no lambda that could mutate
the caller's list). The charge stays exactly as it was; only the copy is skipped, so fuel and
faults are those of the reference backend.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterator

from seglam.syntax import ast as A

__all__ = ["only_read"]

_STORES = {A.Assign: ("targets",), A.AugAssign: ("target",), A.AnnAssign: ("target",), A.For: ("target",),
           A.Comprehension: ("target",), A.NamedExpr: ("target",)}


def only_read(body: tuple, name: str, builtins_shadowed: frozenset = frozenset()) -> bool:
    """Whether every use of ``name`` in ``body`` (statements) is one of the reads above."""
    return all(_allowed(parent, field, node, builtins_shadowed)
               for parent, field, node in _uses(body, name, None, "", False))


def _uses(value: Any, name: str, parent: Any, field: str, stored: bool) -> Iterator[tuple[Any, str, Any]]:
    """``(parent, field, Name)`` for every occurrence of ``name``; a use inside an
    assignment target other than the bare name itself comes with parent None (refused)."""
    if isinstance(value, tuple):
        for item in value:
            yield from _uses(item, name, parent, field, stored)
        return
    if not dataclasses.is_dataclass(value):
        return
    if isinstance(value, A.Name):
        if value.id == name:
            bare_store = stored and not isinstance(parent, (A.Subscript, A.Attribute))
            yield (None if stored and not bare_store else parent), field, value
        return
    store_fields = _STORES.get(type(value), ())
    for f in dataclasses.fields(value):
        if f.name == "span":
            continue
        child_stored = stored or f.name in store_fields
        yield from _uses(getattr(value, f.name), name, value, f.name, child_stored)


def _allowed(parent: Any, field: str, node: A.Name, shadowed: frozenset) -> bool:
    if parent is None:
        return False
    if field in _STORES.get(type(parent), ()):
        return True  # the name rebound: the object itself is not handed out
    if isinstance(parent, A.Subscript):
        return field == "value"
    if isinstance(parent, (A.For, A.Comprehension)):
        return field == "iter"
    if isinstance(parent, A.Compare):
        return True
    if isinstance(parent, A.Call):
        func = parent.func
        return (field == "args" and len(parent.args) == 1 and not parent.keywords and isinstance(func, A.Name)
                and func.id == "len" and "len" not in shadowed)
    return False
