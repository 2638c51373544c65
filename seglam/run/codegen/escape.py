"""Which list and set parameters a function need not copy on entry, and where it must.

Contract. Every call freezes its arguments (SPEC §7): a plain list or set argument is
charged its length and copied into a frozen one, so the callee cannot change the caller's
value and the caller cannot change what the callee kept. The copy is observable only where
the parameter's object leaves the call's reads: a mutator, an alias (``ys = xs``, ``[xs]``,
a return, an argument to another function), a lambda or a generator that may outlive the
call. :func:`held_params` finds the parameters whose copy can be skipped (the charge stays
exactly as it was, so fuel and faults are those of the reference backend). Every use of
such a parameter is one of:

- a **read**, which hands out no reference to the object: an item or a slice (``xs[i]``,
  ``xs[a:b]``: for a flat list these are immutable values or new lists), iteration (``for``,
  comprehensions), a comparison (``in``, ``==``...), a truth test (``if xs``, ``not xs``), an
  operand of ``+``, ``*``, ``|``... (a new list or set), the first argument of a builtin that consumes it during the call
  (``len``, ``sum``, ``sorted``, ``list``...) or the one argument of a method that does
  (``sep.join(xs)``, ``out.extend(xs)``, ``s.union(xs)``...), an argument of a ``zip``,
  ``enumerate`` or ``reversed`` that a loop iterates, or a rebinding of the name.
  Inside a lambda only when the lambda is an argument of ``sorted``/``min``/``max``/``.sort``
  (called only during that call); inside a generator expression only when such a consumer
  takes it; never inside a nested ``def``.
- an **escape** run at most once per call (outside loops, comprehensions and lambdas), of a
  parameter the function never rebinds, and its only one (so the call copies at most once,
  as the entry did): the generated code hands out a frozen copy there
  (``Runtime.frozen_copy``), equal to the one the entry would have made; ``is`` compares
  only with None, so no program tells two frozen copies apart.
- a **pass**: a call of the function itself that passes every held parameter on unchanged
  at its own position (all arguments positional), the function never rebinding them. The
  callee receives what the caller holds, already charged for: the call sets the callee's
  hidden last parameter ``HELD``, and its entry charges nothing for its held parameters, as
  the reference charges nothing for an argument that is already frozen.
- a **return** of a parameter a return can hand back (``returned``: the return type may be
  the parameter's), as the returned value itself (``return xs``, ``return xs if c else
  ys``): the object goes back as it was received, which is what the reference's return
  gives (SPEC §7: a call's own frozen copy of an argument goes back to the caller as the
  caller's object; a copy the caller passed on, frozen, comes back frozen). The call ends
  there, so the callee never changes it. Such a parameter has no escape (its frozen copy
  could be returned where the reference hands back the caller's object), and with a
  return its passes are returned values too (a pass may return what the caller holds,
  which must not reach anything but the caller's own return).

The caller's object cannot change during the call either: the only values that reach the
callee are its arguments, and the rule is applied only when every parameter is deeply
immutable or a flat collection (no lambda that could mutate the caller's list).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Iterator

from seglam.syntax import ast as A

__all__ = ["HELD", "Held", "held_params"]

#: The hidden last positional parameter of a function with passes: True when the caller
#: passed its own held parameters on (charged by the caller's entry).
HELD = "h_held"

_STORES = {A.Assign: ("targets",), A.AugAssign: ("target",), A.AnnAssign: ("target",), A.For: ("target",),
           A.Comprehension: ("target",), A.NamedExpr: ("target",)}
#: Builtins that consume their first argument during the call and return nothing that
#: shares it (a new list, a number, an element); ``min``/``max`` only with one positional
#: argument (of two lists they return one of them).
_CONSUMERS = frozenset({"len", "sum", "min", "max", "sorted", "list", "tuple", "set", "frozenset", "any", "all"})
#: Builtins whose iterator refers to their arguments: a read when a loop iterates it at once.
_ITERATORS = frozenset({"zip", "enumerate", "reversed"})
#: Methods (of str, list, set, dict, Counter: records have none) that consume their one
#: argument during the call and keep no reference to it.
_CONSUMING_METHODS = frozenset({"join", "extend", "update", "union", "intersection", "difference",
                                "symmetric_difference", "issubset", "issuperset", "isdisjoint",
                                "intersection_update", "difference_update", "symmetric_difference_update"})
#: Builtins that call a lambda argument only during the call (and the list method ``sort``).
_CALLING = frozenset({"sorted", "min", "max"})
#: Code that may run more than once per call, or after it.
_REPEATED = (A.While, A.ListComp, A.SetComp, A.DictComp, A.GeneratorExp, A.Lambda, A.FunctionDef)

Chain = tuple[tuple[Any, str], ...]  # (node, field) from the function's body down to a use


@dataclasses.dataclass(frozen=True)
class Held:
    """The parameters a function keeps as received (charged, not copied), the ``A.Name``
    uses (by ``id``) that hand out a frozen copy, the ``A.Call`` self-calls (by ``id``)
    that pass the held parameters on with ``HELD`` set."""

    names: frozenset[str] = frozenset()
    escapes: frozenset[int] = frozenset()
    passes: frozenset[int] = frozenset()


@dataclasses.dataclass(frozen=True)
class _Use:
    kind: str  # "read", "store", "escape", "pass", "return", "refused"
    name: int  # id of the A.Name
    call: int = 0  # id of the A.Call of a pass
    once: bool = True
    returned: bool = False  # a pass whose value is the function's return value


def held_params(fn: A.FunctionDef, candidates: tuple[str, ...], builtin: Callable[[str], bool],
                recursive: bool, returned: frozenset[str] = frozenset()) -> Held:
    """The :class:`Held` of ``fn`` among its flat list or set parameters ``candidates``;
    ``builtin(name)`` says whether a bare ``name`` in ``fn`` means the builtin, ``recursive``
    whether ``fn.name`` in its body means ``fn`` itself, ``returned`` which candidates a
    return may hand back (the return type may be theirs)."""
    positional = tuple(p.name for p in fn.params if p.kind in ("positional_only", "normal"))
    uses = {name: [_use(chain, node, fn, positional, builtin, recursive, name in returned)
                   for chain, node in _uses(fn.body, name, ())]
            for name in candidates}
    names = {name for name, found in uses.items() if _keepable(found)}
    while True:  # a pass carries every held parameter, or it is an escape of each
        calls = {u.call for name in names for u in uses[name] if u.kind == "pass"}
        passes = {c for c in calls if all(any(u.call == c for u in uses[name]) for name in names)}
        escapes = {name: [u for u in uses[name] if u.kind == "escape" or (u.kind == "pass" and u.call not in passes)]
                   for name in names}
        # one escape at most: two would copy twice where the entry copies once
        dropped = {name for name in names if len(escapes[name]) > 1 or any(not u.once for u in escapes[name])}
        # a returned parameter: no frozen copy that a return could hand back; if a return
        # hands it back as received, no pass whose value (then maybe what the caller holds)
        # goes anywhere but the return
        dropped |= {name for name in names & returned
                    if escapes[name] or (any(u.kind == "return" for u in uses[name])
                                         and any(u.kind == "pass" and not u.returned for u in uses[name]))}
        if not dropped:
            break
        names -= dropped
    return Held(frozenset(names), frozenset(u.name for found in escapes.values() for u in found), frozenset(passes))


def _keepable(found: list[_Use]) -> bool:
    if any(u.kind == "refused" for u in found):
        return False
    # a rebound name may hold a local list later: only reads are safe then
    return not any(u.kind == "store" for u in found) or all(u.kind in ("read", "store") for u in found)


def _use(chain: Chain, node: A.Name, fn: A.FunctionDef, positional: tuple[str, ...],
         builtin: Callable[[str], bool], recursive: bool, returned: bool = False) -> _Use:
    parent, field = chain[-1] if chain else (None, "")
    if any(f in _STORES.get(type(a), ()) for a, f in chain):
        bare = field in _STORES.get(type(parent), ()) or isinstance(parent, (A.TupleExpr, A.ListExpr, A.Starred))
        return _Use("store" if bare else "refused", id(node))
    if not all(_runs_during_call(chain, k, builtin) for k in range(len(chain))):
        return _Use("refused", id(node))
    once = not any(_repeats(a, f) for a, f in chain)
    if _read(chain, node, builtin):
        return _Use("read", id(node))
    if returned and _is_returned(chain):
        return _Use("return", id(node))
    if (recursive and isinstance(parent, A.Call) and field == "args" and isinstance(parent.func, A.Name)
            and parent.func.id == fn.name and not parent.keywords and len(parent.args) == len(positional)
            and not any(isinstance(a, A.Starred) for a in parent.args)
            and any(a is node and positional[i] == node.id for i, a in enumerate(parent.args))):
        return _Use("pass", id(node), id(parent), once, _is_returned(chain[:-1]))
    return _Use("escape" if once else "refused", id(node), once=once)


def _read(chain: Chain, node: A.Name, builtin: Callable[[str], bool]) -> bool:
    parent, field = chain[-1]
    if isinstance(parent, A.Call) and field == "args" and _iterated(chain, builtin):
        return True  # zip(xs, ys) iterated by the loop that made it
    if isinstance(parent, A.Subscript):
        return field == "value"
    if _truth(chain):
        return True
    if isinstance(parent, (A.For, A.Comprehension)):
        return field == "iter"
    if isinstance(parent, (A.Compare, A.BinOp)):  # of a list or set, ``+``, ``*``, ``|``... make a new one
        return True
    if isinstance(parent, A.Call):
        return field == "args" and parent.args[0] is node and _consumer(parent, builtin)
    return False


def _is_returned(chain: Chain) -> bool:
    """The expression under ``chain`` is the value a ``return`` returns (itself, or a branch
    of a conditional expression that is)."""
    k = len(chain) - 1
    while k >= 0 and isinstance(chain[k][0], A.IfExp) and chain[k][1] in ("body", "orelse"):
        k -= 1
    return k >= 0 and isinstance(chain[k][0], A.Return) and chain[k][1] == "value"


def _iterated(chain: Chain, builtin: Callable[[str], bool]) -> bool:
    """The call ending ``chain`` is a ``zip``/``enumerate``/``reversed`` (of such calls) that a
    ``for`` or a comprehension iterates: the iterator, which refers to its arguments, is
    used up by the loop and kept by nothing."""
    while chain:
        node, field = chain[-1]
        if isinstance(node, (A.For, A.Comprehension)):
            return field == "iter"
        func = getattr(node, "func", None)
        if not (isinstance(node, A.Call) and field in ("args", "func") and isinstance(func, A.Name)
                and func.id in _ITERATORS and builtin(func.id)):
            return False
        chain = chain[:-1]
    return False


def _truth(chain: Chain) -> bool:
    """The use's value is only tested for truth: ``if xs``, ``not xs``, ``while xs and ...``
    (through ``and``/``or``, whose value the test only tests)."""
    k = len(chain) - 1
    while k > 0 and isinstance(chain[k][0], A.BoolOp):
        k -= 1
    node, field = chain[k]
    if isinstance(node, (A.If, A.IfExp, A.While, A.Assert)):
        return field == "test"
    if isinstance(node, A.Comprehension):
        return field == "ifs"
    return isinstance(node, A.UnaryOp) and node.op == "not"


def _consumer(call: A.Call, builtin: Callable[[str], bool]) -> bool:
    func = call.func
    if isinstance(func, A.Attribute):
        return func.attr in _CONSUMING_METHODS and len(call.args) == 1 and not call.keywords \
            and not isinstance(call.args[0], A.Starred)
    if not (isinstance(func, A.Name) and func.id in _CONSUMERS and builtin(func.id)):
        return False
    if any(isinstance(a, A.Starred) for a in call.args):
        return False
    return func.id not in ("min", "max") or len(call.args) == 1


def _runs_during_call(chain: Chain, k: int, builtin: Callable[[str], bool]) -> bool:
    """Whether the code under ``chain[k]`` runs only while the call runs: a lambda or a
    generator expression only when a consumer or caller above takes it at once."""
    node = chain[k][0]
    if isinstance(node, A.FunctionDef):
        return False
    if not isinstance(node, (A.Lambda, A.GeneratorExp)):
        return True
    if k == 0:
        return False
    above, field = chain[k - 1]
    if isinstance(above, A.Keyword) and k >= 2:
        above, field = chain[k - 2]
    if not (isinstance(above, A.Call) and field in ("args", "keywords")):
        return False
    func = above.func
    if isinstance(node, A.GeneratorExp):
        return field == "args" and _consumer(above, builtin)
    if isinstance(func, A.Attribute):
        return func.attr == "sort"
    return isinstance(func, A.Name) and func.id in _CALLING and builtin(func.id)


def _repeats(node: Any, field: str) -> bool:
    return isinstance(node, _REPEATED) or (isinstance(node, A.For) and field in ("body", "orelse"))


def _uses(value: Any, name: str, chain: Chain) -> Iterator[tuple[Chain, A.Name]]:
    """``(ancestors with their fields, Name)`` for every occurrence of ``name``."""
    if isinstance(value, tuple):
        for item in value:
            yield from _uses(item, name, chain)
        return
    if not dataclasses.is_dataclass(value):
        return
    if isinstance(value, A.Name):
        if value.id == name:
            yield chain, value
        return
    for f in dataclasses.fields(value):
        if f.name != "span":
            yield from _uses(getattr(value, f.name), name, chain + ((value, f.name),))
