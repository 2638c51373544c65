"""Lark tree → Seglam syntax tree (:mod:`seglam.syntax.ast`): the entry point and statements.

Lowering also rejects what CPython rejects at compile time (bad assignment targets, argument
order, duplicate parameters), so every accepted program stays valid Python. All such errors
in a file are collected and reported together (in :class:`~seglam.syntax.lowering.Lowering`).
Expressions are lowered by :mod:`seglam.syntax.lower_expr`, string literals and f-strings by
:mod:`seglam.syntax.lower_text`, match patterns by :mod:`seglam.syntax.lower_pattern`.
"""

from __future__ import annotations

from dataclasses import replace

from lark import Token, Tree

from seglam.syntax import ast as A
from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.syntax.lower_expr import arguments, check_target, check_value, expr
from seglam.syntax.lower_pattern import lower_pattern
from seglam.syntax.lowering import Lowering
from seglam.syntax.parser import parse_tree
from seglam.syntax.span import Span


def parse(source: str, filename: str = "<input>") -> A.Module:
    """Parse Seglam source into a :class:`~seglam.syntax.ast.Module`.

    Raises :class:`CheckError` with every syntax error found (E-SYNTAX / E-NESTING)."""
    tree = parse_tree(source, filename)
    lowerer = Lowering(filename, statements)
    try:
        module = _module(lowerer, tree)
    except RecursionError:
        raise CheckError([Diagnostic("E-NESTING", "the program nests too deeply", Span(1, 1, 1, 2), filename)], source) from None
    if lowerer.errors:
        raise CheckError(lowerer.errors, source)
    deepest = _deepest_node(module)
    if deepest is not None:
        raise CheckError([Diagnostic("E-NESTING", f"expressions and blocks nest deeper than {MAX_TREE_DEPTH} levels", deepest.span, filename,
                                     "split the expression with intermediate variables")], source)
    loop = _deepest_loop(module)
    if loop is not None:
        raise CheckError([Diagnostic("E-NESTING", f"loops nest deeper than {MAX_LOOP_NESTING} levels in one function", loop.span,
                                     filename, "move the inner loops into a function of their own")], source)
    return module


#: Deepest syntax tree accepted, so that every later stage can recurse over the tree freely.
MAX_TREE_DEPTH = 200


#: Loops nested in one function. CPython refuses more than 20 statically nested blocks, and
#: the compiled backend may write a loop as two (a counted ``while``: ``while True: for ...``):
#: at most 10, so that both a program and its compiled form are Python.
MAX_LOOP_NESTING = 10


def _deepest_loop(module: A.Module):
    """The first ``for``/``while`` nested in more than MAX_LOOP_NESTING loops of its function
    (a ``def`` or ``lambda`` starts counting again), or None."""
    stack = [(module, 0)]
    while stack:
        node, loops = stack.pop()
        if isinstance(node, (A.FunctionDef, A.Lambda)):
            loops = 0
        elif isinstance(node, (A.For, A.While)):
            loops += 1
            if loops > MAX_LOOP_NESTING:
                return node
        stack.extend((child, loops) for child in A.iter_children(node))
    return None


def _deepest_node(module: A.Module):
    """The first node deeper than MAX_TREE_DEPTH, or None (iterative: no recursion limit)."""
    stack = [(module, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            return node
        stack.extend((child, depth + 1) for child in A.iter_children(node))
    return None


def _module(lw: Lowering, tree: Tree) -> A.Module:
    body = statements(lw, tree.children)
    body, doc = _split_docstring(body)
    end = lw.span(tree) if tree.children else Span(1, 1, 1, 1)
    return A.Module(Span(1, 1, end.end_line, end.end_col), body, doc, lw.filename)


def statements(lw: Lowering, children) -> tuple:
    out: list = []
    for child in children:
        if child is None or isinstance(child, Token):
            continue
        out.extend(_stmt(lw, child))
    return tuple(out)


def _suite(lw: Lowering, tree: Tree) -> tuple:
    return statements(lw, tree.children)


def _stmt(lw: Lowering, tree: Tree) -> list:
    if tree.data == "simple_stmt":
        return [_small_stmt(lw, c) for c in lw.kids(tree)]
    return [_compound_stmt(lw, tree)]


def _small_stmt(lw: Lowering, tree: Tree):
    span = lw.span(tree)
    kind = tree.data
    kids = tree.children
    if kind == "expr_stmt":
        value = expr(lw, kids[0])
        if isinstance(value, A.Starred):
            lw.error(value.span, "a starred expression cannot stand alone here")
        return A.ExprStmt(span, value)
    if kind == "assign":
        parts = [expr(lw, c) for c in kids]
        targets = tuple(check_target(lw, t) for t in parts[:-1])
        return A.Assign(span, targets, check_value(lw, parts[-1]))
    if kind == "annassign":
        target = expr(lw, kids[0])
        if not isinstance(target, (A.Name, A.Attribute, A.Subscript)):
            lw.error(target.span, "only a single name can be annotated")
        value = check_value(lw, expr(lw, kids[2])) if kids[2] is not None else None
        return A.AnnAssign(span, target, expr(lw, kids[1]), value)
    if kind == "augassign":
        target = expr(lw, kids[0])
        if not isinstance(target, (A.Name, A.Attribute, A.Subscript)):
            lw.error(target.span, "this cannot be the target of an augmented assignment")
        op = kids[1].children[0].value[:-1]
        return A.AugAssign(span, target, op, check_value(lw, expr(lw, kids[2])))
    if kind == "yield_stmt":
        return A.ExprStmt(span, expr(lw, kids[0]))
    if kind == "pass_stmt":
        return A.Pass(span)
    if kind == "break_stmt":
        return A.Break(span)
    if kind == "continue_stmt":
        return A.Continue(span)
    if kind == "return_stmt":
        return A.Return(span, check_value(lw, expr(lw, kids[0])) if kids[0] is not None else None)
    if kind == "assert_stmt":
        return A.Assert(span, expr(lw, kids[0]), expr(lw, kids[1]) if kids[1] is not None else None)
    if kind == "raise_stmt":
        return A.Unsupported(span, "raise")
    if kind in ("global_stmt", "nonlocal_stmt"):
        return A.Unsupported(span, kind[:-5], tuple(t.value for t in kids))
    if kind == "del_stmt":
        return A.Unsupported(span, "del")
    if kind == "import_name":
        return A.Import(span, tuple(_dotted_as_name(lw, c) for c in kids))
    if kind == "import_from":
        return _import_from(lw, tree, span)
    raise AssertionError(f"unknown statement {kind}")


def _dotted_as_name(lw: Lowering, tree: Tree) -> A.Alias:
    name = ".".join(t.value for t in tree.children[0].children)
    asname = tree.children[1].value if tree.children[1] is not None else None
    return A.Alias(lw.span(tree), name, asname)


def _import_from(lw: Lowering, tree: Tree, span: Span) -> A.ImportFrom:
    module_tree, targets = tree.children
    level = 0
    module = None
    for part in module_tree.children:
        if part is None:
            continue
        if part.data == "dots":
            level = len(part.children)
        else:
            module = ".".join(t.value for t in part.children)
    names: tuple = ()
    if targets.data != "import_star":
        names_tree = targets if targets.data == "import_as_names" else targets.children[0]
        if names_tree.data == "import_targets":
            names_tree = names_tree.children[0]
        names = tuple(
            A.Alias(lw.span(c), c.children[0].value, c.children[1].value if c.children[1] is not None else None)
            for c in lw.kids(names_tree)
        )
    return A.ImportFrom(span, module, names, level)


def _compound_stmt(lw: Lowering, tree: Tree):
    span = lw.span(tree)
    kind = tree.data
    kids = tree.children
    if kind == "if_stmt":
        return _if_stmt(lw, kids[0], kids[1], [c for c in kids[2:-1] if c is not None], kids[-1], span)
    if kind == "while_stmt":
        return A.While(span, expr(lw, kids[0]), _suite(lw, kids[1]), _else_clause(lw, kids[2]))
    if kind == "for_stmt":
        return A.For(span, check_target(lw, expr(lw, kids[0])), check_value(lw, expr(lw, kids[1])), _suite(lw, kids[2]), _else_clause(lw, kids[3]))
    if kind == "funcdef":
        return _funcdef(lw, tree, ())
    if kind == "classdef":
        return _classdef(lw, tree, ())
    if kind == "decorated":
        decorators = tuple(expr(lw, d.children[0]) for d in kids[:-1])
        inner = kids[-1]
        if inner.data == "funcdef":
            return _funcdef(lw, inner, decorators)
        if inner.data == "classdef":
            return _classdef(lw, inner, decorators)
        return A.Unsupported(span, "async")
    if kind == "match_stmt":
        subject = expr(lw, kids[1])
        cases = tuple(_case(lw, c) for c in kids[2:] if isinstance(c, Tree))
        return A.Match(span, subject, cases)
    if kind == "try_stmt":
        return A.Unsupported(span, "try", (), _suite(lw, kids[0]))
    if kind == "with_stmt":
        # Keep the items (as `target = expr` / `expr`) and the body, so the checker can
        # explain what is inside (usually `open(...)`: E-IO) without cascading errors.
        body: list = []
        for item in kids[:-1]:
            value = expr(lw, item.children[0])
            if item.children[1] is not None:
                body.append(A.Assign(lw.span(item), (check_target(lw, expr(lw, item.children[1])),), value))
            else:
                body.append(A.ExprStmt(lw.span(item), value))
        return A.Unsupported(span, "with", (), tuple(body) + _suite(lw, kids[-1]))
    if kind == "async_stmt":
        return A.Unsupported(span, "async")
    raise AssertionError(f"unknown statement {kind}")


def _else_clause(lw: Lowering, tree: Tree | None) -> tuple:
    return _suite(lw, tree.children[0]) if tree is not None else ()


def _if_stmt(lw: Lowering, test, body, elifs, orelse, span: Span) -> A.If:
    rest = _else_clause(lw, orelse)
    for clause in reversed(elifs):
        clause_span = lw.span(clause)
        rest = (A.If(Span(clause_span.line, clause_span.col, span.end_line, span.end_col), expr(lw, clause.children[0]), _suite(lw, clause.children[1]), rest),)
    return A.If(span, expr(lw, test), _suite(lw, body), rest)


def _funcdef(lw: Lowering, tree: Tree, decorators: tuple) -> A.FunctionDef:
    name_tok, params_tree, returns, body_tree = tree.children
    params = _parameters(lw, params_tree) if params_tree is not None else ()
    body, doc = _split_docstring(_suite(lw, body_tree))
    return A.FunctionDef(
        lw.span(tree), name_tok.value, params, expr(lw, returns) if returns is not None else None,
        body, decorators, doc, lw.span(name_tok),
    )


def _parameters(lw: Lowering, tree: Tree) -> tuple:
    params: list[A.Param] = []
    kind = "normal"
    seen_default = False
    bare_star = False
    names: set[str] = set()
    for child in lw.kids(tree):
        span = lw.span(child)
        if child.data == "param_slash":
            if kind != "normal" or not params or any(p.kind != "normal" for p in params):
                lw.error(span, "'/' must come after at least one parameter and before '*'")
            params = [replace(p, kind="positional_only") for p in params]
            continue
        if child.data == "param_star":
            if kind == "keyword_only":
                lw.error(span, "only one '*' is allowed in a parameter list")
            kind = "keyword_only"
            if child.children[0] is not None:
                params.append(_typedparam(lw, child.children[0], None, "var_positional"))
            else:
                bare_star = True
            continue
        if child.data == "param_starstar":
            params.append(_typedparam(lw, child.children[0], None, "var_keyword"))
            continue
        default = None
        typed = child
        if child.data == "param_default":
            typed, default_tree = child.children
            default = expr(lw, default_tree)
            seen_default = True
        elif seen_default and kind == "normal":
            lw.error(span, "a parameter without a default follows one with a default")
        params.append(_typedparam(lw, typed, default, kind))
    for p in params:
        if p.name in names:
            lw.error(p.span, f"duplicate parameter {p.name!r}")
        names.add(p.name)
    if bare_star and not any(p.kind == "keyword_only" for p in params):
        lw.error(lw.span(tree), "named arguments must follow bare *")
    return tuple(params)


def _typedparam(lw: Lowering, tree: Tree, default, kind: str) -> A.Param:
    name_tok, annotation = tree.children
    return A.Param(lw.span(tree), name_tok.value, expr(lw, annotation) if annotation is not None else None, default, kind)


def _classdef(lw: Lowering, tree: Tree, decorators: tuple) -> A.ClassDef:
    name_tok, args, body_tree = tree.children
    bases: tuple = ()
    keywords: tuple = ()
    if args is not None:
        _, bases, keywords = arguments(lw, args, None)
    body, doc = _split_docstring(_suite(lw, body_tree))
    return A.ClassDef(lw.span(tree), name_tok.value, bases, keywords, body, decorators, doc, lw.span(name_tok))


def _case(lw: Lowering, tree: Tree) -> A.MatchCase:
    _, pattern, guard, body = tree.children
    return A.MatchCase(lw.span(tree), lower_pattern(lw, pattern), expr(lw, guard) if guard is not None else None, _suite(lw, body))


def _split_docstring(body: tuple) -> tuple[tuple, str | None]:
    if body and isinstance(body[0], A.ExprStmt) and isinstance(body[0].value, A.Constant) and isinstance(body[0].value.value, str):
        return body[1:], body[0].value.value
    return body, None
