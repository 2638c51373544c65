"""What the passes over *sized* loops (``precharge``, ``cap_versioning``) share: the global
names of the natives their fast versions call, the length of a sized iterable measured once,
the room test of the collections a loop grows, and the copy of a loop body without the cap
checks that room test makes redundant. (A loop is sized when the lowering stated how its
iterable is measured, ``ir.For.sized``, ``ir.Clause.sized``: a range, str, tuple or fresh list,
a native zip of those.)
"""

from __future__ import annotations

import ast as py
import copy
from dataclasses import dataclass

from seglam.run.codegen import pyast as P
from seglam.run.codegen.passes.regions import rewrite_blocks
from seglam.run.codegen.state import LEN_LIM as LEN_LIMIT
from seglam.run.ir import nodes as ir


@dataclass(frozen=True)
class Natives:
    """Global names, in the generated module, of what the fast versions of sized loops call."""

    sized_len: str  # Runtime.sized_len: a sized iterable's length, or more than any fuel
    len: str
    min: str  # the length of a zip: its shortest iterable's
    range: str
    reversed: str
    iter: str
    prespent: str  # Runtime.prespent, Runtime.join_rest, Runtime.resumed: work on large
    join_rest: str  # values charged from the fuel left after the steps charged up front
    resumed: str


#: Methods that add one item to the collection they are called on, and those that may add more.
GROWERS = frozenset({"append", "add"})
OTHER_GROWERS = frozenset({"extend", "insert", "update", "setdefault"})
#: Every native method that can change the length of the list, dict or set it is called on.
MUTATORS = GROWERS | OTHER_GROWERS | frozenset({"pop", "popitem", "remove", "discard", "clear"})


def measure(how: str | None, iterable: py.expr, it: str, natives: Natives) -> py.expr:
    """The length of a sized loop's ``iterable`` (measured ``how``: the loop's ``sized``),
    binding the iterable to ``it`` first: ``len`` for a str or a tuple; for ``range(a)`` and
    ``range(a, b)`` arithmetic on the arguments (``a if (it := range(a)) else 0``: an empty
    range is false); for a native ``zip``/``enumerate`` of lists, dicts, tuples and strs, the
    shortest of their lengths (each argument bound first, evaluated where it was); else the
    runtime's ``sized_len`` (a range with a step, a reversed sequence)."""
    bound = py.NamedExpr(target=P.store(it), value=iterable)
    if how in ("zipped", "zipped_unmutated"):
        return _zipped(iterable, bound, it, natives)
    if how in ("len", "unmutated"):
        return P.call(P.name(natives.len), [bound])
    inner = iterable
    if calls(inner, natives.reversed) and len(inner.args) == 1:
        inner = inner.args[0]  # reversed(range(...)) is as long as the range
    if calls(inner, natives.range) and 1 <= len(inner.args) <= 2:
        names = [f"{it}{suffix}" for suffix in ("a", "b")[:len(inner.args)]]
        inner.args = [py.NamedExpr(target=P.store(name), value=arg) for name, arg in zip(names, inner.args)]
        start, stop = (P.const(0), P.name(names[0])) if len(names) == 1 else (P.name(names[0]), P.name(names[1]))
        nonempty = py.BoolOp(op=py.And(), values=[P.compare(bound, py.IsNot(), P.const(None)),
                                                  P.compare(stop, py.Gt(), copy.deepcopy(start))])
        length = stop if len(names) == 1 else py.BinOp(left=stop, op=py.Sub(), right=start)
        return py.IfExp(test=nonempty, body=copy.deepcopy(length), orelse=P.const(0))
    return P.call(P.name(natives.sized_len), [bound])


def _zipped(call: py.Call, bound: py.expr, it: str, natives: Natives) -> py.expr:
    """``min(len(itA), len(itB)) if (it := zip((itA := a), (itB := b))) is not None else 0``
    (``len(itA)`` alone for one argument; ``sized_len`` for a range, which may be too long
    for ``len``). Every positional argument is iterated (``enumerate``'s start is named)."""
    names = [f"{it}{chr(ord('a') + i)}" for i in range(len(call.args))]
    lengths = [P.call(P.name(natives.sized_len if calls(arg, natives.range) else natives.len), [P.name(name)])
               for name, arg in zip(names, call.args)]
    call.args = [py.NamedExpr(target=P.store(name), value=arg) for name, arg in zip(names, call.args)]
    shortest = lengths[0] if len(lengths) == 1 else P.call(P.name(natives.min), lengths)
    return py.IfExp(test=P.compare(bound, py.IsNot(), P.const(None)), body=shortest, orelse=P.const(0))


def room(grown: tuple[str, ...], growth: int, steps: py.expr, natives: Natives) -> list[py.expr]:
    """``len(name) + growth * steps <= cap`` for each grown collection: then none can reach
    the cap in the loop. ``steps`` is evaluated in the first test (it may bind ``h_n``); the
    others read ``h_n``."""
    return [P.compare(py.BinOp(left=P.call(P.name(natives.len), [P.name(name)]), op=py.Add(),
                               right=py.BinOp(left=P.const(growth), op=py.Mult(),
                                              right=steps if i == 0 else P.name("h_n"))),
                      py.LtE(), P.name(LEN_LIMIT)) for i, name in enumerate(grown)]


def without_cap_checks(body: list[py.stmt]) -> tuple[list[py.stmt], tuple[str, ...], int]:
    """A copy of a loop body without the collection-cap checks that follow
    ``name.append(v)`` / ``name.add(v)`` / ``name[k] = v``, the names they checked, and the
    number of such growths per iteration. Each collection then grows by at most that number
    a step, whatever aliases it has; when anything else can grow a collection (another
    mutator) or a checked name is rebound, the body is returned as it is."""
    nodes = [n for stmt in body for n in py.walk(stmt)]
    growth = 0
    for node in nodes:
        if isinstance(node, py.Call) and isinstance(node.func, py.Attribute):
            if node.func.attr in OTHER_GROWERS:
                return body, (), 0
            growth += node.func.attr in GROWERS
        if isinstance(node, py.Subscript) and isinstance(node.ctx, py.Store):
            growth += 1  # a dict item store adds at most one key (a list item store none)
    rebound = {n.id for n in nodes if isinstance(n, py.Name) and isinstance(n.ctx, py.Store)}
    grown = {n.container for n in nodes if isinstance(n, ir.GrowCheck)}
    if not grown or grown & rebound:
        return body, (), 0
    kept = rewrite_blocks(copy.deepcopy(body), lambda stmt: [] if isinstance(stmt, ir.GrowCheck) else [stmt])
    return kept, tuple(sorted(grown)), growth


def calls(node: py.AST, name: str) -> bool:
    """``node`` is a call of the global ``name`` with plain positional arguments."""
    return (isinstance(node, py.Call) and isinstance(node.func, py.Name) and node.func.id == name
            and not node.keywords and not any(isinstance(a, py.Starred) for a in node.args))


def mutates(nodes: list[py.AST]) -> bool:
    """Some node calls a native method that may change a collection's length, stores an item
    (a dict's may add a key) or deletes: in pure code (a pure comprehension, a loop of a pure
    region) the only ways to, as every other call is a marker or a native that leaves its
    arguments alone (:mod:`seglam.run.codegen.passes.purity`)."""
    return any((isinstance(n, py.Call) and isinstance(n.func, py.Attribute) and n.func.attr in MUTATORS)
               or (isinstance(n, py.Subscript) and isinstance(n.ctx, py.Store)) or isinstance(n, py.Delete)
               for node in nodes for n in py.walk(node))
