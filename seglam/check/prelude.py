"""The precondition prelude of a function body (SPEC §8).

A function's preconditions are its ``@requires`` lambdas and the asserts that open its body.
Natural Python often names a part of the input before testing it::

    words = text.split()
    assert len(words) == 3, "three words"

so the prelude is the opening run of asserts and plain assignments to names, up to and
including its last assert; any other statement (an augmented assignment, a call, a loop, a
return) ends it. An assert there failing means "this input is outside the function's domain",
not "the program is wrong": the cache refuses the request, the verifier does not count it as a
counterexample, and a caller's obligation is to meet it.

The functions read statement classes by name, so they serve Seglam's syntax tree and Python's
``ast`` alike (the cache reads stored sources with Python's parser).
"""

from __future__ import annotations

from typing import Sequence

_ASSIGNMENTS = frozenset({"Assign", "AnnAssign"})
_NAME_GROUPS = frozenset({"Tuple", "TupleExpr", "List", "ListExpr"})


def prelude_length(body: Sequence[object]) -> int:
    """How many statements open ``body`` as its prelude (0 when it opens with no assert)."""
    end = 0
    for i, stmt in enumerate(body):
        kind = type(stmt).__name__
        if kind == "Assert":
            end = i + 1
        elif not (kind in _ASSIGNMENTS and _names_only(stmt)):
            break
    return end


def prelude_asserts(body: Sequence[object]) -> tuple:
    """The asserts of ``body``'s prelude, in order."""
    return tuple(s for s in body[: prelude_length(body)] if type(s).__name__ == "Assert")


def _names_only(stmt: object) -> bool:
    """An assignment whose targets are names (or tuples of names): it binds, never mutates."""
    targets = getattr(stmt, "targets", None)
    if targets is None:  # AnnAssign
        return getattr(stmt, "value", None) is not None and _is_name_target(getattr(stmt, "target", None))
    return all(_is_name_target(t) for t in targets)


def _is_name_target(target: object) -> bool:
    kind = type(target).__name__
    if kind == "Name":
        return True
    if kind in _NAME_GROUPS:
        return all(_is_name_target(e) for e in getattr(target, "elts", ()))
    return False
