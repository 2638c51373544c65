"""One-character names: the reads of a name that surely holds a str of one character, and
the items of a str (``s[i]``).

Iterating a str yields its characters one by one, so the target of a ``for`` over a str
that its body never rebinds, and the target of a comprehension clause over a str, holds one
character wherever the loop body or the rest of the comprehension reads it. Work that
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


def one_char_reads(body: tuple, type_of: Callable[[Any], Any], params: frozenset[str]) -> frozenset[int]:
    """The ids of the ``A.Name`` reads and ``A.Subscript`` items in ``body`` (a function's
    statements, ``params`` its parameters) that surely hold one character (see the module
    docstring); ``type_of`` gives a node's static type."""
    out = _loop_reads(body, type_of)
    for name in _char_locals(body, type_of, out) - params:
        _reads(body, name, out)
    return frozenset(out)


def _loop_reads(body: tuple, type_of: Callable[[Any], Any]) -> set[int]:
    out: set[int] = set()
    stack: list[Any] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, A.For) and _over_text(node.target, node.iter, type_of) \
                and node.target.id not in function_locals((), node.body):
            _reads(node.body, node.target.id, out)
        if isinstance(node, (*_COMPREHENSIONS, A.GeneratorExp)):
            _clause_reads(node, type_of, out)
        if isinstance(node, A.Subscript) and not isinstance(node.index, A.Slice) and type_of(node.value) == T.STR:
            out.add(id(node))  # an item of a str (or a fault, before anything reads it)
        if isinstance(node, (A.FunctionDef, A.ClassDef)):
            continue  # its own body: asked for when it is generated
        stack.extend(A.iter_children(node))
    return out


def _char_locals(body: tuple, type_of: Callable[[Any], Any], chars: set[int]) -> set[str]:
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
            (good if _over_text(node.target, node.iter, type_of) else bad).update(names)
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


def _over_text(target: Any, iterable: Any, type_of: Callable[[Any], Any]) -> bool:
    return isinstance(target, A.Name) and type_of(iterable) == T.STR


def _clause_reads(comp: Any, type_of: Callable[[Any], Any], out: set[int]) -> None:
    """Reads of a clause's target over a str in what the comprehension evaluates after that
    clause (its later clauses, its conditions, its element), unless a later clause rebinds it."""
    gens = comp.generators
    elts = (comp.key, comp.value) if isinstance(comp, A.DictComp) else (comp.elt,)
    for i, gen in enumerate(gens):
        if not _over_text(gen.target, gen.iter, type_of):
            continue
        later = gens[i + 1:]
        if gen.target.id in comprehension_locals(later):
            continue
        _reads([*gen.ifs, *(part for g in later for part in (g.iter, *g.ifs)), *elts], gen.target.id, out)


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
