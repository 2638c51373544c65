"""Which ``+`` and ``-`` results are checked against ``Limits.max_int_bits`` (SPEC.md, §10).

The integer size limit exists so that no run can build an integer too large to work with.
Every integer result of ``*``, ``**``, ``<<``, ``int()`` and the like is checked, and so is
every ``+``/``-`` result, except two kinds that cannot make an integer much larger than one
that was checked. Both backends apply exactly these rules (one function decides), so they
fault at the same operation:

- a sum or difference with a small integer literal (magnitude below ``2 ** 16``), such as
  ``n - 1`` or ``count += 1``: growing past the limit that way takes about ``2 ** 65536``
  steps;
- a sum or difference that is used at once by something that keeps no integer larger than
  its own checked result, or none at all: an operand of a comparison, the index of a
  subscript read, an operand of ``*`` (checked itself, before multiplying), the left operand
  of ``%`` (the result is smaller than the right operand), or an operand of another ``+``/``-``
  that is checked (or itself exempt this way). ``(a + b) % m``, ``xs[i - j]`` and
  ``a + b + c`` check at most the outermost result.

A subscript read with a ``defaultdict`` inserts its key, so in a module that imports from
``collections`` the index of a subscript read is checked like any other value.
"""

from __future__ import annotations

from typing import Any, Iterable

from seglam.syntax import ast as A

#: ``n ± c`` with ``|c|`` below this is never checked.
SMALL_LITERAL = 1 << 16

_SUMS = ("+", "-")


def small_int_literal(node: Any) -> bool:
    """An int literal (not a bool) of magnitude below :data:`SMALL_LITERAL`."""
    return type(node) is A.Constant and type(node.value) is int and -SMALL_LITERAL < node.value < SMALL_LITERAL


def small_step(op: str, left: Any, right: Any) -> bool:
    """``left op right`` is a sum or difference with a small int literal (never checked)."""
    return op in _SUMS and (small_int_literal(left) or small_int_literal(right))


def exempt_sums(roots: Iterable[Any], reads_may_store: bool) -> frozenset[int]:
    """The ids of the ``+``/``-`` nodes below ``roots`` whose result is used at once by a
    consumer that keeps no unchecked larger integer (see the module docstring). Small-literal
    steps are not included: :func:`small_step` decides those. ``reads_may_store``: subscript
    reads may insert their key (a ``defaultdict`` is possible)."""
    nodes = [node for root in roots for node in A.walk(root)]
    stored = {id(t) for node in nodes for t in _stored_subscripts(node)}
    return frozenset(
        id(child)
        for node in nodes
        for child in _consumed(node, stored, reads_may_store)
        if type(child) is A.BinOp and child.op in _SUMS
    )


def _consumed(node: Any, stored: set[int], reads_may_store: bool) -> tuple:
    """The operands of ``node`` that it uses without keeping a larger integer."""
    kind = type(node)
    if kind is A.Compare:
        return (node.left, *node.comparators)
    if kind is A.Subscript:
        if reads_may_store or id(node) in stored or type(node.index) is A.Slice:
            return ()
        return (node.index,)
    if kind is A.BinOp:
        if node.op == "*":
            return (node.left, node.right)
        if node.op == "%":
            return (node.left,)
        if node.op in _SUMS and not small_step(node.op, node.left, node.right):
            return (node.left, node.right)  # a sum that is checked, or exempt itself
    return ()


def _stored_subscripts(node: Any) -> list:
    """The subscripts ``node`` stores to (their index is kept in the container)."""
    kind = type(node)
    if kind is A.Assign:
        targets: tuple = node.targets
    elif kind in (A.AugAssign, A.AnnAssign, A.For, A.Comprehension):
        targets = (node.target,)
    else:
        return []
    return [t for target in targets for t in A.walk(target) if type(t) is A.Subscript]


def reads_may_store(checked: Any) -> bool:
    """Whether a subscript read may insert its key: the module imports from ``collections``
    (``defaultdict``)."""
    return any(q == "collections" or q.startswith("collections.") for q in checked.imports.values())


def unchecked_sums(checked: Any, extra: Iterable[Any] = ()) -> frozenset[int]:
    """The ids of every ``+``/``-`` node of a checked module (and of ``extra`` expressions
    evaluated in it) whose int result is not checked: small-literal steps and
    :func:`exempt_sums`."""
    roots = (checked.module, *extra)
    steps = {id(node) for root in roots for node in A.walk(root)
             if type(node) is A.BinOp and small_step(node.op, node.left, node.right)}
    return exempt_sums(roots, reads_may_store(checked)) | steps
