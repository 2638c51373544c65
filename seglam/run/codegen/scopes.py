"""Name resolution for code generation: which names a scope binds, by Python's own rules.

Generated code keeps Python's scoping (every user name becomes ``u_<name>`` in the same
place), so Python resolves user names itself. What code generation must know statically is
whether a name is a user binding at all, or a builtin / imported stdlib name that has to be
routed to the shared stdlib implementation.
"""

from __future__ import annotations

from dataclasses import dataclass

from seglam.syntax import ast as A


@dataclass(frozen=True)
class Scope:
    """One lexical scope: ``kind`` is "module", "function", "lambda" or "comprehension"."""

    kind: str
    names: frozenset[str]
    parent: "Scope | None" = None
    defs: frozenset[str] = frozenset()  # the names bound by ``def`` (they take the depth)

    def binds(self, name: str) -> bool:
        """Whether ``name`` resolves to a user binding from this scope (Python's LEGB, minus B)."""
        return self._resolving(name) is not None

    def is_module_def(self, name: str) -> bool:
        """Whether ``name`` resolves to a function defined with ``def`` at module level (it
        sees no caller's local, and its arguments reach it frozen)."""
        scope = self._resolving(name)
        return scope is not None and scope.parent is None and name in scope.defs

    def is_def(self, name: str) -> bool:
        """Whether ``name`` resolves to a function defined with ``def``."""
        scope = self._resolving(name)
        return scope is not None and name in scope.defs

    def _resolving(self, name: str) -> "Scope | None":
        """The innermost scope, from this one out, that binds ``name``."""
        scope: Scope | None = self
        while scope is not None and name not in scope.names:
            scope = scope.parent
        return scope

    def child(self, kind: str, names: frozenset[str], defs: frozenset[str] = frozenset()) -> "Scope":
        return Scope(kind, names, self, defs)


def def_names(body: tuple) -> frozenset[str]:
    """Names bound by ``def`` statements directly in ``body`` (or its nested blocks)."""
    out: set[str] = set()
    stack = list(body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, A.FunctionDef):
            out.add(stmt.name)
            continue
        for child in A.iter_children(stmt):
            if _is_stmt(child):
                stack.append(child)
    return frozenset(out)


def function_locals(params: tuple[A.Param, ...], body: tuple) -> frozenset[str]:
    """The names a ``def`` binds locally: parameters plus every assignment target in its body
    (not descending into nested defs, lambdas or comprehensions, except for ``:=`` targets
    inside comprehensions, which bind in the enclosing function)."""
    names = {p.name for p in params}
    for stmt in body:
        _stmt_bindings(stmt, names)
    return frozenset(names)


def target_names(target: object, out: set[str]) -> None:
    """Add the names an assignment target binds."""
    if isinstance(target, A.Name):
        out.add(target.id)
    elif isinstance(target, (A.TupleExpr, A.ListExpr)):
        for elt in target.elts:
            target_names(elt, out)
    elif isinstance(target, A.Starred):
        target_names(target.value, out)


def pattern_names(pattern: object, out: set[str]) -> None:
    """Add the capture names of a match pattern."""
    if isinstance(pattern, A.MatchAs):
        if pattern.name:
            out.add(pattern.name)
        if pattern.pattern is not None:
            pattern_names(pattern.pattern, out)
    elif isinstance(pattern, A.MatchStar):
        if pattern.name:
            out.add(pattern.name)
    elif isinstance(pattern, (A.MatchSequence, A.MatchOr)):
        for p in pattern.patterns:
            pattern_names(p, out)
    elif isinstance(pattern, A.MatchMapping):
        for p in pattern.patterns:
            pattern_names(p, out)
        if pattern.rest:
            out.add(pattern.rest)
    elif isinstance(pattern, A.MatchClass):
        for p in pattern.patterns + pattern.kwd_patterns:
            pattern_names(p, out)


def _stmt_bindings(stmt: object, out: set[str]) -> None:
    if isinstance(stmt, A.Assign):
        for t in stmt.targets:
            target_names(t, out)
    elif isinstance(stmt, (A.AugAssign, A.AnnAssign)):
        target_names(stmt.target, out)
    elif isinstance(stmt, A.For):
        target_names(stmt.target, out)
    elif isinstance(stmt, (A.FunctionDef, A.ClassDef)):
        out.add(stmt.name)
        return  # a nested def's body is its own scope
    elif isinstance(stmt, (A.Import, A.ImportFrom)):
        for alias in stmt.names:
            out.add(alias.asname or alias.name.split(".")[0])
    elif isinstance(stmt, A.Match):
        for case in stmt.cases:
            pattern_names(case.pattern, out)
    _walrus_targets(stmt, out)
    for child in A.iter_children(stmt):
        if isinstance(child, (A.If, A.For, A.While, A.Match, A.MatchCase, A.Assign, A.AugAssign,
                              A.AnnAssign, A.FunctionDef, A.ClassDef, A.Import, A.ImportFrom,
                              A.Return, A.ExprStmt, A.Assert, A.Pass, A.Break, A.Continue,
                              A.Unsupported)):
            _stmt_bindings(child, out)


def lambda_locals(node: A.Lambda) -> frozenset[str]:
    """The names a ``lambda`` binds: its parameters and the ``:=`` targets of its body."""
    out = {p.name for p in node.params}
    _walrus_targets(node, out)
    return frozenset(out)


def _walrus_targets(stmt: object, out: set[str]) -> None:
    """``:=`` targets in the expressions of ``stmt`` (they bind in the enclosing function,
    even from inside a comprehension; a lambda is its own scope)."""
    stack = [c for c in A.iter_children(stmt) if not _is_stmt(c)]
    while stack:
        node = stack.pop()
        if isinstance(node, A.Lambda):
            continue
        if isinstance(node, A.NamedExpr):
            out.add(node.target.id)
        stack.extend(c for c in A.iter_children(node) if not _is_stmt(c))


def _is_stmt(node: object) -> bool:
    return isinstance(node, (A.If, A.For, A.While, A.Match, A.MatchCase, A.Assign, A.AugAssign,
                             A.AnnAssign, A.FunctionDef, A.ClassDef, A.Import, A.ImportFrom,
                             A.Return, A.ExprStmt, A.Assert, A.Pass, A.Break, A.Continue,
                             A.Unsupported))


def comprehension_locals(generators: tuple[A.Comprehension, ...]) -> frozenset[str]:
    names: set[str] = set()
    for gen in generators:
        target_names(gen.target, names)
    return frozenset(names)
