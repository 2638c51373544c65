"""Lowering of ``match`` patterns (Lark tree → :mod:`seglam.syntax.ast` ``Match*`` nodes)."""

from __future__ import annotations

from lark import Token, Tree

from seglam.syntax import ast as A
from seglam.syntax.lower_expr import expr
from seglam.syntax.lowering import Lowering
from seglam.syntax.span import Span


def lower_pattern(lw: Lowering, tree) -> A.Pattern:
    span = lw.span(tree)
    if isinstance(tree, Token):  # cannot happen with this grammar, kept for safety
        return A.MatchAs(span, None, tree.value)
    kind = tree.data
    kids = tree.children
    if kind == "sequence_pattern_open" or kind == "sequence_pattern":
        items: list = []
        for child in lw.kids(tree):
            if isinstance(child, Tree) and child.data == "pattern_items":
                items.extend(lower_pattern(lw, c) for c in lw.kids(child))
            else:
                items.append(lower_pattern(lw, child))
        if sum(isinstance(p, A.MatchStar) for p in items) > 1:
            lw.error(span, "a sequence pattern can have only one starred name")
        return A.MatchSequence(span, tuple(items))
    if kind == "pattern_items":
        return A.MatchSequence(span, tuple(lower_pattern(lw, c) for c in lw.kids(tree)))
    if kind == "star_pattern":
        name = kids[0].value
        return A.MatchStar(span, None if name == "_" else name)
    if kind == "as_pattern":
        inner = lower_pattern(lw, kids[0])
        if kids[1].value == "_":
            lw.error(span, "cannot use '_' as a target")
        return A.MatchAs(span, inner, kids[1].value)
    if kind == "or_pattern":
        alternatives = [lower_pattern(lw, c) for c in kids]
        if len(alternatives) == 1:
            return alternatives[0]
        return A.MatchOr(span, tuple(alternatives))
    if kind == "name_pattern":
        parts = [t.value for t in kids[0].children]
        if len(parts) == 1:
            return A.MatchAs(span, None, None if parts[0] == "_" else parts[0])
        return A.MatchValue(span, dotted(lw, kids[0]))
    if kind == "class_pattern":
        cls = dotted(lw, kids[0])
        positional: list = []
        attrs: list[str] = []
        keyword_patterns: list = []
        if kids[1] is not None:
            for arg in lw.kids(kids[1]):
                if isinstance(arg, Tree) and arg.data == "keyword_pattern":
                    attrs.append(arg.children[0].value)
                    keyword_patterns.append(lower_pattern(lw, arg.children[1]))
                else:
                    if attrs:
                        lw.error(lw.span(arg), "positional patterns follow keyword patterns")
                    positional.append(lower_pattern(lw, arg))
        return A.MatchClass(span, cls, tuple(positional), tuple(attrs), tuple(keyword_patterns))
    if kind == "mapping_pattern":
        keys: list = []
        values: list = []
        rest = None
        if kids[0] is not None:
            for item in lw.kids(kids[0]):
                if item.data == "mapping_rest":
                    rest = item.children[0].value
                else:
                    key_tree = item.children[0]
                    keys.append(dotted(lw, key_tree) if key_tree.data == "dotted_name" else literal_value(lw, key_tree))
                    values.append(lower_pattern(lw, item.children[1]))
        return A.MatchMapping(span, tuple(keys), tuple(values), rest)
    if kind in ("const_none", "const_true", "const_false"):
        return A.MatchSingleton(span, {"const_none": None, "const_true": True, "const_false": False}[kind])
    if kind == "literal_pattern":
        inner = kids[0]
        if isinstance(inner, Tree) and inner.data in ("const_none", "const_true", "const_false"):
            return lower_pattern(lw, inner)
        return A.MatchValue(span, literal_value(lw, inner))
    raise AssertionError(f"unknown pattern {kind}")


def literal_value(lw: Lowering, tree: Tree):
    if tree.data == "literal_pattern":
        tree = tree.children[0]
    if tree.data == "neg_number":
        inner = expr(lw, tree.children[0])
        return A.UnaryOp(lw.span(tree), "-", inner)
    if tree.data == "complex_number":
        return A.UnsupportedExpr(lw.span(tree), "complex")
    return expr(lw, tree)


def dotted(lw: Lowering, tree: Tree):
    tokens = tree.children
    node: A.Expr = A.Name(lw.span(tokens[0]), tokens[0].value)
    for tok in tokens[1:]:
        node = A.Attribute(Span(node.span.line, node.span.col, *_end(lw.span(tok))), node, tok.value)
    return node


def _end(span: Span) -> tuple[int, int]:
    return span.end_line, span.end_col
