"""What the lowering states about the Python nodes it builds, for the passes after it:
one typed table per kind of fact, instead of attributes set on the nodes.

The passes cannot recover these from the nodes' shapes (how a loop's iterable is measured
is a fact about its Seglam type; which collection a cap check guards is a fact about the
statement it follows), so the lowering writes them here and the passes read them here.
Facts are kept by node identity, with the node itself (so no id is reused while the table
lives); :meth:`Facts.copy` deep-copies a tree and carries the facts over to the copy, the
one way a pass duplicates code that still has facts to read. (docs/IMPL.md, "The compiled
backend pipeline": the IR replaces this table with fields of its nodes.)
"""

from __future__ import annotations

import ast as py
import copy
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Facts:
    #: a ``for`` loop or comprehension clause -> how its iterable is measured (``"len"`` or
    #: ``"sized_len"``, :func:`seglam.run.codegen.exprs.sized_iterable`), when known up front
    sized: dict[int, tuple[py.AST, str]] = field(default_factory=dict)
    #: the collection-cap check after ``name.append(v)``/``name.add(v)``/``name[k] = v`` -> ``name``
    grown: dict[int, tuple[py.AST, str]] = field(default_factory=dict)
    #: calls of a module-level def (which cannot see the caller's collections)
    module_calls: dict[int, py.AST] = field(default_factory=dict)
    #: an int cap test -> (the value before its check, the work (op, a, b) or None)
    #: (sizework.capped_assign writes such a value as two statements)
    capped: dict[int, tuple[py.AST, py.expr, Any]] = field(default_factory=dict)

    def set_sized(self, node: py.AST, how: str | None) -> None:
        if how:
            self.sized[id(node)] = (node, how)

    def sized_of(self, node: py.AST) -> str | None:
        got = self.sized.get(id(node))
        return got[1] if got is not None else None

    def set_grown(self, check: py.AST, name: str) -> None:
        self.grown[id(check)] = (check, name)

    def grown_of(self, node: py.AST) -> str | None:
        got = self.grown.get(id(node))
        return got[1] if got is not None else None

    def set_module_call(self, call: py.AST) -> None:
        self.module_calls[id(call)] = call

    def is_module_call(self, node: py.AST) -> bool:
        return id(node) in self.module_calls

    def set_capped(self, node: py.AST, uncapped: py.expr, work: Any = None) -> None:
        self.capped[id(node)] = (node, uncapped, work)

    def capped_of(self, node: py.AST) -> tuple[py.expr, Any] | None:
        got = self.capped.get(id(node))
        return (got[1], got[2]) if got is not None else None

    def copy(self, tree: Any) -> Any:
        """A deep copy of ``tree`` (a node or a list of nodes) whose nodes have the facts of
        the nodes they copy."""
        memo: dict[int, Any] = {}
        out = copy.deepcopy(tree, memo)
        for key, twin in list(memo.items()):
            if not isinstance(twin, py.AST):
                continue
            for table in (self.sized, self.grown, self.capped):
                entry = table.get(key)
                if entry is not None:
                    table[id(twin)] = (twin, *entry[1:])
            if key in self.module_calls:
                self.module_calls[id(twin)] = twin
        return out
