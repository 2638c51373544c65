"""Python's scoping rules: which names a block of statements binds.

A name assigned anywhere in a function is local to the whole function; comprehension
variables belong to the comprehension; walrus targets inside a comprehension bind in the
enclosing function; nested ``def`` and ``lambda`` bodies are scopes of their own.
"""

from __future__ import annotations

from seglam.syntax import ast


def target_names(target: ast.Expr) -> list[str]:
    """Names bound by an assignment target (``a``, ``a, (b, *c)``); items/attributes bind none."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.TupleExpr, ast.ListExpr)):
        out: list[str] = []
        for elt in target.elts:
            out.extend(target_names(elt))
        return out
    if isinstance(target, ast.Starred):
        return target_names(target.value)
    return []


def pattern_names(pattern) -> list[str]:
    """Capture names of a match pattern."""
    out: list[str] = []
    stack = [pattern]
    while stack:
        p = stack.pop()
        if isinstance(p, ast.MatchAs):
            if p.name is not None:
                out.append(p.name)
            if p.pattern is not None:
                stack.append(p.pattern)
        elif isinstance(p, ast.MatchStar):
            if p.name is not None:
                out.append(p.name)
        elif isinstance(p, ast.MatchSequence):
            stack.extend(p.patterns)
        elif isinstance(p, ast.MatchMapping):
            stack.extend(p.patterns)
            if p.rest is not None:
                out.append(p.rest)
        elif isinstance(p, ast.MatchClass):
            stack.extend(p.patterns)
            stack.extend(p.kwd_patterns)
        elif isinstance(p, ast.MatchOr):
            if p.patterns:
                stack.append(p.patterns[0])
    return out


def walrus_names(expr) -> list[str]:
    """Walrus targets in an expression (not inside lambdas, which are scopes of their own)."""
    out: list[str] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if isinstance(node, ast.NamedExpr):
            out.append(node.target.id)
        if isinstance(node, ast.Lambda):
            continue
        stack.extend(ast.iter_children(node))
    return out


def bound_names(body: tuple) -> list[str]:
    """Every name bound by ``body`` (recursively through compound statements, not into
    nested function bodies), in first-binding order."""
    return list(dict.fromkeys(bindings(body)))


def bindings(body: tuple) -> list[str]:
    """The names ``body`` binds, once per binding (``x = 1; x = 2`` gives ``x`` twice), in order."""
    seen: list[str] = []

    def add(names):
        seen.extend(names)

    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, ast.Assign):
            for tgt in stmt.targets:
                add(target_names(tgt))
            add(walrus_names(stmt.value))
        elif isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
            add(target_names(stmt.target))
            if stmt.value is not None:
                add(walrus_names(stmt.value))
        elif isinstance(stmt, ast.For):
            add(walrus_names(stmt.iter))
            add(target_names(stmt.target))
            stack.extend(reversed(stmt.body + stmt.orelse))
        elif isinstance(stmt, ast.While):
            add(walrus_names(stmt.test))
            stack.extend(reversed(stmt.body + stmt.orelse))
        elif isinstance(stmt, ast.If):
            add(walrus_names(stmt.test))
            stack.extend(reversed(stmt.body + stmt.orelse))
        elif isinstance(stmt, ast.Match):
            add(walrus_names(stmt.subject))
            for case in reversed(stmt.cases):
                stack.extend(reversed(case.body))
            for case in stmt.cases:
                add(pattern_names(case.pattern))
                if case.guard is not None:
                    add(walrus_names(case.guard))
        elif isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
            add([stmt.name])
        elif isinstance(stmt, ast.Import):
            add([a.asname or a.name.split(".")[0] for a in stmt.names])
        elif isinstance(stmt, ast.ImportFrom):
            add([a.asname or a.name for a in stmt.names])
        elif isinstance(stmt, (ast.ExprStmt, ast.Return, ast.Assert)):
            value = stmt.value if not isinstance(stmt, ast.Assert) else stmt.test
            if value is not None:
                add(walrus_names(value))
        elif isinstance(stmt, ast.Unsupported):
            stack.extend(reversed(stmt.body))
    return seen
