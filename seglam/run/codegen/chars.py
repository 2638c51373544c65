"""One-character names: the reads of a name that surely holds a str of one character, and
the items of a str (``s[i]``).

Iterating a str yields its characters one by one, so the target of a ``for`` over a str
that its body never rebinds, and the target of a comprehension clause over a str, holds one
character wherever the loop body or the rest of the comprehension reads it (so do the
targets ``a, b`` of ``zip(s, t)`` over strs and ``c`` of ``i, c`` over ``enumerate(s)``). Work that
depends on a str's length then has a constant cost: a comparison with it costs nothing
(``valuework.compare_cost`` of a string shorter than ``cost.TEXT_CHARS``), so does using it
as a key (``valuework.key_cost``), and a linear str method on it charges one step. The
generator asks :func:`is_char` at those places instead of emitting the length test.

Reads inside a ``lambda``, a nested ``def`` or a generator expression are left out (they
may run after the loop has moved on or ended), as are those under a comprehension that binds
the same name (a different variable).
"""

from __future__ import annotations

from typing import Any, Callable, Collection

from seglam.check import types as T
from seglam.run.codegen.scopes import comprehension_locals, function_locals, pattern_names, target_names
from seglam.syntax import ast as A

_COMPREHENSIONS = (A.ListComp, A.SetComp, A.DictComp)
#: Scopes whose code may run later than the code around them.
_LATER = (A.FunctionDef, A.ClassDef, A.Lambda, A.GeneratorExp)


def one_char_reads(body: tuple, type_of: Callable[[Any], Any], params: frozenset[str],
                   builtin: Callable[[str], bool]) -> frozenset[int]:
    """The ids of the ``A.Name`` reads and ``A.Subscript`` items in ``body`` (a function's
    statements, ``params`` its parameters) that surely hold one character (see the module
    docstring); ``type_of`` gives a node's static type, ``builtin(name)`` whether ``name``
    is Seglam's own (``zip``, ``enumerate``: no binding of the program hides it)."""
    at = _Types(type_of, builtin)
    out = _loop_reads(body, at)
    for name in _char_locals(body, at, out) - params:
        _reads(body, name, out)
    return frozenset(out)


class _Types:
    """The static facts the rules read: node types and which builtins are not hidden."""

    def __init__(self, type_of: Callable[[Any], Any], builtin: Callable[[str], bool]) -> None:
        self.type_of = type_of
        self.builtin = builtin

    def text(self, node: Any) -> bool:
        return self.type_of(node) == T.STR

    def char_targets(self, target: Any, iterable: Any) -> set[str]:
        """The names ``target`` binds to one character on every item of ``iterable``: the
        target itself over a str; each name of ``a, b`` over ``zip(s, t)`` whose argument
        at its place is a str; ``c`` of ``i, c`` over ``enumerate(s)`` of a str."""
        if isinstance(target, A.Name):
            return {target.id} if self.text(iterable) else set()
        if not (isinstance(target, A.TupleExpr) and isinstance(iterable, A.Call) and isinstance(iterable.func, A.Name)
                and not iterable.keywords and not any(isinstance(a, A.Starred) for a in iterable.args)
                and self.builtin(iterable.func.id)):
            return set()
        names, args = target.elts, iterable.args
        if iterable.func.id == "zip" and len(names) == len(args):
            return {n.id for n, a in zip(names, args) if isinstance(n, A.Name) and self.text(a)}
        if iterable.func.id == "enumerate" and len(names) == 2 and 1 <= len(args) <= 2 and self.text(args[0]) \
                and isinstance(names[1], A.Name):
            return {names[1].id}
        return set()


def _loop_reads(body: tuple, at: _Types) -> set[int]:
    out: set[int] = set()
    stack: list[Any] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, A.For):
            rebound = function_locals((), node.body)
            for name in at.char_targets(node.target, node.iter) - rebound:
                _reads(node.body, name, out)
        if isinstance(node, (*_COMPREHENSIONS, A.GeneratorExp)):
            _clause_reads(node, at, out)
        if isinstance(node, A.Subscript) and not isinstance(node.index, A.Slice) and at.text(node.value):
            out.add(id(node))  # an item of a str (or a fault, before anything reads it)
        if isinstance(node, (A.FunctionDef, A.ClassDef)):
            continue  # its own body: asked for when it is generated
        stack.extend(A.iter_children(node))
    return out


def _char_locals(body: tuple, at: _Types, chars: set[int]) -> set[str]:
    """The names every binding of which in ``body`` is one character: ``x = s[i]``, ``x =
    "a"``, ``x = ch`` (a read in ``chars``), ``for x in s`` over a str; any other binding
    (a tuple target, ``+=``, ``:=``, a match capture, an import, a def) rules the name out."""
    good: set[str] = set()
    bad: set[str] = set()
    stack: list[Any] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (A.Lambda, A.FunctionDef, A.ClassDef)):
            if not isinstance(node, A.Lambda):
                bad.add(node.name)
            continue  # their own scopes
        names: set[str] = set()
        if isinstance(node, A.Assign):
            one = is_char(chars, node.value)
            for target in node.targets:
                target_names(target, names)
                (good if one and isinstance(target, A.Name) else bad).update(names)
                names = set()
        elif isinstance(node, A.For):
            target_names(node.target, names)
            one = at.char_targets(node.target, node.iter)
            good.update(one)
            bad.update(names - one)
        elif isinstance(node, (A.AugAssign, A.AnnAssign)):
            target_names(node.target, bad)
        elif isinstance(node, A.NamedExpr):
            bad.add(node.target.id)
        elif isinstance(node, A.MatchCase):
            pattern_names(node.pattern, bad)
        elif isinstance(node, (A.Import, A.ImportFrom)):
            bad.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        stack.extend(A.iter_children(node))
    return good - bad


def is_char(chars: Collection[int], node: Any) -> bool:
    """``node`` surely is a str of one character: a read or an item in ``chars``, or such a
    literal."""
    if isinstance(node, A.Constant):
        return type(node.value) is str and len(node.value) == 1
    return isinstance(node, (A.Name, A.Subscript)) and id(node) in chars


def _clause_reads(comp: Any, at: _Types, out: set[int]) -> None:
    """Reads of a clause's one-character targets in what the comprehension evaluates after
    that clause (its later clauses, its conditions, its element), unless a later clause
    rebinds them; none when a clause binds a builtin's name."""
    gens = comp.generators
    if comprehension_locals(gens) & {"zip", "enumerate"}:
        return
    elts = (comp.key, comp.value) if isinstance(comp, A.DictComp) else (comp.elt,)
    for i, gen in enumerate(gens):
        later = gens[i + 1:]
        for name in at.char_targets(gen.target, gen.iter) - comprehension_locals(later):
            _reads([*gen.ifs, *(part for g in later for part in (g.iter, *g.ifs)), *elts], name, out)


def _reads(nodes: list[Any] | tuple, name: str, out: set[int]) -> None:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, A.Name):
            if node.id == name:
                out.add(id(node))
            continue
        if isinstance(node, _LATER):
            continue
        if isinstance(node, _COMPREHENSIONS) and name in comprehension_locals(node.generators):
            continue
        stack.extend(_read_parts(node))


def _read_parts(node: Any) -> list[Any]:
    """The children of ``node`` but the targets it binds (stores are not reads)."""
    if isinstance(node, A.Assign):
        return [node.value]
    if isinstance(node, A.For):
        return [node.iter, *node.body, *node.orelse]
    return list(A.iter_children(node))
