"""Renaming a module's global names, so several Seglam modules can share one tree.

Linking a program with the Seglam modules it imports (``seglam/program/library.py``) puts every
module's definitions into one module, each under its qualified name (``dates.add_days``:
a dot never occurs in a name the parser accepts, so no user name can collide). This file
rewrites one module's tree for that: every reference to a global name found in ``names`` is
replaced by its target, and ``alias.attr`` on a name in ``modules`` (``import dates`` then
``dates.add_days``) becomes the target of ``attr``. Names bound locally (parameters,
assigned locals, comprehension and lambda variables, match captures) shadow globals exactly
as in Python and are never renamed.

It owns no policy: which names exist, what they are called and whether an import is allowed
are decided by the caller. It never changes a node's span.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Mapping

from seglam.syntax import ast as A
from seglam.syntax.canonical import bound_names, target_names
from seglam.syntax.span import Span


@dataclass(frozen=True)
class MissingMember:
    """``alias.attr`` where the module behind ``alias`` defines no ``attr``; ``attr`` is None
    for a module alias used as a value (``dates`` alone)."""

    module: str
    attr: str | None
    span: Span


@dataclass(frozen=True)
class Renaming:
    """``names``: global name → new name; ``modules``: module alias → (its name, its members
    as member name → new name)."""

    names: Mapping[str, str]
    modules: Mapping[str, tuple[str, Mapping[str, str]]]


def rename_statement(stmt, renaming: Renaming, missing: list[MissingMember]):
    """``stmt`` (a top-level statement) with its global names renamed; ``alias.attr`` on a
    module alias that has no such member is appended to ``missing`` and left as it is."""
    return _Renamer(renaming, missing).top(stmt)


class _Renamer:
    def __init__(self, renaming: Renaming, missing: list[MissingMember]) -> None:
        self.names = renaming.names
        self.modules = renaming.modules
        self.missing = missing

    # ---- top level: the definitions' own names are globals too --------------------------------

    def top(self, stmt):
        if isinstance(stmt, A.FunctionDef):
            return self.function(stmt, frozenset(), self.names.get(stmt.name, stmt.name))
        if isinstance(stmt, A.ClassDef):
            return dataclasses.replace(
                stmt,
                name=self.names.get(stmt.name, stmt.name),
                bases=self.many(stmt.bases, frozenset()),
                keywords=self.many(stmt.keywords, frozenset()),
                decorators=self.many(stmt.decorators, frozenset()),
                body=tuple(self.class_member(s) for s in stmt.body),
            )
        return self.node(stmt, frozenset())

    def class_member(self, stmt):
        """A field or enum member: its target is an attribute name, not a global."""
        if isinstance(stmt, A.AnnAssign):
            return dataclasses.replace(stmt, annotation=self.annotation(stmt.annotation, frozenset()),
                                       value=self.node(stmt.value, frozenset()))
        if isinstance(stmt, A.Assign):
            return dataclasses.replace(stmt, value=self.node(stmt.value, frozenset()))
        return self.node(stmt, frozenset())

    # ---- scopes ----------------------------------------------------------------------------------

    def function(self, node: A.FunctionDef, local: frozenset, name: str) -> A.FunctionDef:
        inner = local | {p.name for p in node.params} | set(bound_names(list(node.body)))
        return dataclasses.replace(
            node,
            name=name,
            params=tuple(self.param(p, local) for p in node.params),
            returns=self.annotation(node.returns, local),
            decorators=self.many(node.decorators, local),
            body=self.many(node.body, inner),
        )

    def param(self, p: A.Param, local: frozenset) -> A.Param:
        return dataclasses.replace(p, annotation=self.annotation(p.annotation, local), default=self.node(p.default, local))

    def comprehension(self, node, local: frozenset):
        inner = set(local)
        generators = []
        for i, gen in enumerate(node.generators):
            iterable = self.node(gen.iter, local if i == 0 else frozenset(inner))
            inner.update(target_names(gen.target))
            scope = frozenset(inner)
            generators.append(dataclasses.replace(gen, target=self.node(gen.target, scope), iter=iterable,
                                                  ifs=self.many(gen.ifs, scope)))
        scope = frozenset(inner)
        parts = {"generators": tuple(generators)}
        if isinstance(node, A.DictComp):
            parts.update(key=self.node(node.key, scope), value=self.node(node.value, scope))
        else:
            parts.update(elt=self.node(node.elt, scope))
        return dataclasses.replace(node, **parts)

    # ---- nodes -----------------------------------------------------------------------------------

    def annotation(self, node, local: frozenset):
        """An annotation: also renames a quoted forward reference (``"Date"``)."""
        if isinstance(node, A.Constant) and isinstance(node.value, str) and node.value in self.names:
            return dataclasses.replace(node, value=self.names[node.value])
        if isinstance(node, (A.Subscript, A.TupleExpr, A.BinOp)):
            return self.generic(node, local, self.annotation)
        return self.node(node, local)

    def many(self, items: tuple, local: frozenset) -> tuple:
        return tuple(self.node(item, local) for item in items)

    def node(self, node, local: frozenset):
        if node is None:
            return None
        if isinstance(node, A.Name):
            if node.id in self.names and node.id not in local:
                return dataclasses.replace(node, id=self.names[node.id])
            if node.id in self.modules and node.id not in local:
                self.missing.append(MissingMember(self.modules[node.id][0], None, node.span))
            return node
        if isinstance(node, A.Attribute) and isinstance(node.value, A.Name):
            alias = node.value.id
            if alias in self.modules and alias not in local:
                module, members = self.modules[alias]
                if node.attr in members:
                    return A.Name(node.span, members[node.attr])
                self.missing.append(MissingMember(module, node.attr, node.span))
                return node
        if isinstance(node, A.FunctionDef):
            return self.function(node, local, node.name)
        if isinstance(node, A.Lambda):
            inner = local | {p.name for p in node.params}
            params = tuple(dataclasses.replace(p, default=self.node(p.default, local)) for p in node.params)
            return dataclasses.replace(node, params=params, body=self.node(node.body, inner))
        if isinstance(node, (A.ListComp, A.SetComp, A.GeneratorExp, A.DictComp)):
            return self.comprehension(node, local)
        if isinstance(node, A.AnnAssign):
            return dataclasses.replace(node, target=self.node(node.target, local),
                                       annotation=self.annotation(node.annotation, local),
                                       value=self.node(node.value, local))
        return self.generic(node, local, self.node)

    def generic(self, node, local: frozenset, visit):
        changes = {}
        for name in node.__dataclass_fields__:
            if name in ("span", "name_span"):
                continue
            value = getattr(node, name)
            if isinstance(value, tuple):
                new = tuple(visit(v, local) if _is_node(v) else v for v in value)
                if any(a is not b for a, b in zip(new, value)):
                    changes[name] = new
            elif _is_node(value):
                new = visit(value, local)
                if new is not value:
                    changes[name] = new
        return dataclasses.replace(node, **changes) if changes else node


def _is_node(value) -> bool:
    return hasattr(value, "__dataclass_fields__") and not isinstance(value, Span)
