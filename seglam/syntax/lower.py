"""Lark tree → Seglam syntax tree (:mod:`seglam.syntax.ast`).

Lowering also rejects what CPython rejects at compile time (bad assignment targets, argument
order, duplicate parameters), so every accepted program stays valid Python. All such errors
in a file are collected and reported together.
"""

from __future__ import annotations

import ast as pyast
from dataclasses import replace

from lark import Token, Tree

from seglam.syntax import ast as A
from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.syntax.parser import parse_tree
from seglam.syntax.span import Span

#: Longest integer literal accepted (CPython's own str→int limit is 4300 digits).
MAX_INT_LITERAL_DIGITS = 4300


def parse(source: str, filename: str = "<input>") -> A.Module:
    """Parse Seglam source into a :class:`~seglam.syntax.ast.Module`.

    Raises :class:`CheckError` with every syntax error found (E-SYNTAX / E-NESTING)."""
    tree = parse_tree(source, filename)
    lowerer = _Lowerer(filename)
    try:
        module = lowerer.module(tree)
    except RecursionError:
        raise CheckError([Diagnostic("E-NESTING", "the program nests too deeply", Span(1, 1, 1, 2), filename)], source) from None
    if lowerer.errors:
        raise CheckError(lowerer.errors, source)
    deepest = _deepest_node(module)
    if deepest is not None:
        raise CheckError([Diagnostic("E-NESTING", f"expressions and blocks nest deeper than {MAX_TREE_DEPTH} levels", deepest.span, filename,
                                     "split the expression with intermediate variables")], source)
    return module


#: Deepest syntax tree accepted, so that every later stage can recurse over the tree freely.
MAX_TREE_DEPTH = 200


def _deepest_node(module: A.Module):
    """The first node deeper than MAX_TREE_DEPTH, or None (iterative: no recursion limit)."""
    stack = [(module, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            return node
        stack.extend((child, depth + 1) for child in A.iter_children(node))
    return None


class _Lowerer:
    def __init__(self, filename: str, line_offset: int = 0, col_offset: int = 0) -> None:
        self.filename = filename
        self.errors: list[Diagnostic] = []
        # Offsets for expressions parsed out of an f-string field.
        self.line_offset = line_offset
        self.col_offset = col_offset

    # ---- helpers ---------------------------------------------------------------------------

    def span(self, node: Tree | Token) -> Span:
        if isinstance(node, Token):
            line, col = node.line or 1, node.column or 1
            end_line, end_col = node.end_line or line, node.end_column or col + 1
        else:
            meta = node.meta
            if getattr(meta, "empty", True):
                return Span(1 + self.line_offset, 1, 1 + self.line_offset, 2)
            line, col, end_line, end_col = meta.line, meta.column, meta.end_line, meta.end_column
        return Span(
            line + self.line_offset,
            col + (self.col_offset if line == 1 else 0),
            end_line + self.line_offset,
            end_col + (self.col_offset if end_line == 1 else 0),
        )

    def error(self, span: Span, message: str, hint: str | None = None, code: str = "E-SYNTAX") -> None:
        self.errors.append(Diagnostic(code, message, span, self.filename, hint))

    @staticmethod
    def kids(tree: Tree) -> list:
        return [c for c in tree.children if c is not None]

    # ---- module and statements -------------------------------------------------------------

    def module(self, tree: Tree) -> A.Module:
        body = self.stmts(tree.children)
        body, doc = _split_docstring(body)
        end = self.span(tree) if tree.children else Span(1, 1, 1, 1)
        return A.Module(Span(1, 1, end.end_line, end.end_col), body, doc, self.filename)

    def stmts(self, children) -> tuple:
        out: list = []
        for child in children:
            if child is None or isinstance(child, Token):
                continue
            out.extend(self.stmt(child))
        return tuple(out)

    def suite(self, tree: Tree) -> tuple:
        return self.stmts(tree.children)

    def stmt(self, tree: Tree) -> list:
        if tree.data == "simple_stmt":
            return [self.small_stmt(c) for c in self.kids(tree)]
        return [self.compound_stmt(tree)]

    def small_stmt(self, tree: Tree):
        span = self.span(tree)
        kind = tree.data
        kids = tree.children
        if kind == "expr_stmt":
            value = self.expr(kids[0])
            if isinstance(value, A.Starred):
                self.error(value.span, "a starred expression cannot stand alone here")
            return A.ExprStmt(span, value)
        if kind == "assign":
            parts = [self.expr(c) for c in kids]
            targets = tuple(self.target(t) for t in parts[:-1])
            return A.Assign(span, targets, self.value(parts[-1]))
        if kind == "annassign":
            target = self.expr(kids[0])
            if not isinstance(target, (A.Name, A.Attribute, A.Subscript)):
                self.error(target.span, "only a single name can be annotated")
            value = self.value(self.expr(kids[2])) if kids[2] is not None else None
            return A.AnnAssign(span, target, self.expr(kids[1]), value)
        if kind == "augassign":
            target = self.expr(kids[0])
            if not isinstance(target, (A.Name, A.Attribute, A.Subscript)):
                self.error(target.span, "this cannot be the target of an augmented assignment")
            op = kids[1].children[0].value[:-1]
            return A.AugAssign(span, target, op, self.value(self.expr(kids[2])))
        if kind == "yield_stmt":
            return A.ExprStmt(span, self.expr(kids[0]))
        if kind == "pass_stmt":
            return A.Pass(span)
        if kind == "break_stmt":
            return A.Break(span)
        if kind == "continue_stmt":
            return A.Continue(span)
        if kind == "return_stmt":
            return A.Return(span, self.value(self.expr(kids[0])) if kids[0] is not None else None)
        if kind == "assert_stmt":
            return A.Assert(span, self.expr(kids[0]), self.expr(kids[1]) if kids[1] is not None else None)
        if kind == "raise_stmt":
            return A.Unsupported(span, "raise")
        if kind in ("global_stmt", "nonlocal_stmt"):
            return A.Unsupported(span, kind[:-5], tuple(t.value for t in kids))
        if kind == "del_stmt":
            return A.Unsupported(span, "del")
        if kind == "import_name":
            return A.Import(span, tuple(self.dotted_as_name(c) for c in kids))
        if kind == "import_from":
            return self.import_from(tree, span)
        raise AssertionError(f"unknown statement {kind}")

    def dotted_as_name(self, tree: Tree) -> A.Alias:
        name = ".".join(t.value for t in tree.children[0].children)
        asname = tree.children[1].value if tree.children[1] is not None else None
        return A.Alias(self.span(tree), name, asname)

    def import_from(self, tree: Tree, span: Span) -> A.ImportFrom:
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
                A.Alias(self.span(c), c.children[0].value, c.children[1].value if c.children[1] is not None else None)
                for c in self.kids(names_tree)
            )
        return A.ImportFrom(span, module, names, level)

    def compound_stmt(self, tree: Tree):
        span = self.span(tree)
        kind = tree.data
        kids = tree.children
        if kind == "if_stmt":
            return self.if_stmt(kids[0], kids[1], [c for c in kids[2:-1] if c is not None], kids[-1], span)
        if kind == "while_stmt":
            return A.While(span, self.expr(kids[0]), self.suite(kids[1]), self.else_clause(kids[2]))
        if kind == "for_stmt":
            return A.For(span, self.target(self.expr(kids[0])), self.value(self.expr(kids[1])), self.suite(kids[2]), self.else_clause(kids[3]))
        if kind == "funcdef":
            return self.funcdef(tree, ())
        if kind == "classdef":
            return self.classdef(tree, ())
        if kind == "decorated":
            decorators = tuple(self.expr(d.children[0]) for d in kids[:-1])
            inner = kids[-1]
            if inner.data == "funcdef":
                return self.funcdef(inner, decorators)
            if inner.data == "classdef":
                return self.classdef(inner, decorators)
            return A.Unsupported(span, "async")
        if kind == "match_stmt":
            subject = self.expr(kids[1])
            cases = tuple(self.case(c) for c in kids[2:] if isinstance(c, Tree))
            return A.Match(span, subject, cases)
        if kind == "try_stmt":
            return A.Unsupported(span, "try", (), self.suite(kids[0]))
        if kind == "with_stmt":
            # Keep the items (as `target = expr` / `expr`) and the body, so the checker can
            # explain what is inside (usually `open(...)`: E-IO) without cascading errors.
            body: list = []
            for item in kids[:-1]:
                value = self.expr(item.children[0])
                if item.children[1] is not None:
                    body.append(A.Assign(self.span(item), (self.target(self.expr(item.children[1])),), value))
                else:
                    body.append(A.ExprStmt(self.span(item), value))
            return A.Unsupported(span, "with", (), tuple(body) + self.suite(kids[-1]))
        if kind == "async_stmt":
            return A.Unsupported(span, "async")
        raise AssertionError(f"unknown statement {kind}")

    def else_clause(self, tree: Tree | None) -> tuple:
        return self.suite(tree.children[0]) if tree is not None else ()

    def if_stmt(self, test, body, elifs, orelse, span: Span) -> A.If:
        rest = self.else_clause(orelse)
        for clause in reversed(elifs):
            clause_span = self.span(clause)
            rest = (A.If(Span(clause_span.line, clause_span.col, span.end_line, span.end_col), self.expr(clause.children[0]), self.suite(clause.children[1]), rest),)
        return A.If(span, self.expr(test), self.suite(body), rest)

    def funcdef(self, tree: Tree, decorators: tuple) -> A.FunctionDef:
        name_tok, params_tree, returns, body_tree = tree.children
        params = self.parameters(params_tree) if params_tree is not None else ()
        body, doc = _split_docstring(self.suite(body_tree))
        return A.FunctionDef(
            self.span(tree), name_tok.value, params, self.expr(returns) if returns is not None else None,
            body, decorators, doc, self.span(name_tok),
        )

    def parameters(self, tree: Tree) -> tuple:
        params: list[A.Param] = []
        kind = "normal"
        seen_default = False
        bare_star = False
        names: set[str] = set()
        for child in self.kids(tree):
            span = self.span(child)
            if child.data == "param_slash":
                if kind != "normal" or not params or any(p.kind != "normal" for p in params):
                    self.error(span, "'/' must come after at least one parameter and before '*'")
                params = [replace(p, kind="positional_only") for p in params]
                continue
            if child.data == "param_star":
                if kind == "keyword_only":
                    self.error(span, "only one '*' is allowed in a parameter list")
                kind = "keyword_only"
                if child.children[0] is not None:
                    params.append(self.typedparam(child.children[0], None, "var_positional"))
                else:
                    bare_star = True
                continue
            if child.data == "param_starstar":
                params.append(self.typedparam(child.children[0], None, "var_keyword"))
                continue
            default = None
            typed = child
            if child.data == "param_default":
                typed, default_tree = child.children
                default = self.expr(default_tree)
                seen_default = True
            elif seen_default and kind == "normal":
                self.error(span, "a parameter without a default follows one with a default")
            params.append(self.typedparam(typed, default, kind))
        for p in params:
            if p.name in names:
                self.error(p.span, f"duplicate parameter {p.name!r}")
            names.add(p.name)
        if bare_star and not any(p.kind == "keyword_only" for p in params):
            self.error(self.span(tree), "named arguments must follow bare *")
        return tuple(params)

    def typedparam(self, tree: Tree, default, kind: str) -> A.Param:
        name_tok, annotation = tree.children
        return A.Param(self.span(tree), name_tok.value, self.expr(annotation) if annotation is not None else None, default, kind)

    def classdef(self, tree: Tree, decorators: tuple) -> A.ClassDef:
        name_tok, args, body_tree = tree.children
        bases: tuple = ()
        keywords: tuple = ()
        if args is not None:
            _, bases, keywords = self.arguments(args, None)
        body, doc = _split_docstring(self.suite(body_tree))
        return A.ClassDef(self.span(tree), name_tok.value, bases, keywords, body, decorators, doc, self.span(name_tok))

    def case(self, tree: Tree) -> A.MatchCase:
        _, pattern, guard, body = tree.children
        return A.MatchCase(self.span(tree), self.pattern(pattern), self.expr(guard) if guard is not None else None, self.suite(body))

    # ---- patterns --------------------------------------------------------------------------

    def pattern(self, tree) -> A.Pattern:
        span = self.span(tree)
        if isinstance(tree, Token):  # cannot happen with this grammar, kept for safety
            return A.MatchAs(span, None, tree.value)
        kind = tree.data
        kids = tree.children
        if kind == "sequence_pattern_open" or kind == "sequence_pattern":
            items: list = []
            for child in self.kids(tree):
                if isinstance(child, Tree) and child.data == "pattern_items":
                    items.extend(self.pattern(c) for c in self.kids(child))
                else:
                    items.append(self.pattern(child))
            if sum(isinstance(p, A.MatchStar) for p in items) > 1:
                self.error(span, "a sequence pattern can have only one starred name")
            return A.MatchSequence(span, tuple(items))
        if kind == "pattern_items":
            return A.MatchSequence(span, tuple(self.pattern(c) for c in self.kids(tree)))
        if kind == "star_pattern":
            name = kids[0].value
            return A.MatchStar(span, None if name == "_" else name)
        if kind == "as_pattern":
            inner = self.pattern(kids[0])
            if kids[1].value == "_":
                self.error(span, "cannot use '_' as a target")
            return A.MatchAs(span, inner, kids[1].value)
        if kind == "or_pattern":
            alternatives = [self.pattern(c) for c in kids]
            if len(alternatives) == 1:
                return alternatives[0]
            return A.MatchOr(span, tuple(alternatives))
        if kind == "name_pattern":
            parts = [t.value for t in kids[0].children]
            if len(parts) == 1:
                return A.MatchAs(span, None, None if parts[0] == "_" else parts[0])
            return A.MatchValue(span, self.dotted(kids[0]))
        if kind == "class_pattern":
            cls = self.dotted(kids[0])
            positional: list = []
            attrs: list[str] = []
            keyword_patterns: list = []
            if kids[1] is not None:
                for arg in self.kids(kids[1]):
                    if isinstance(arg, Tree) and arg.data == "keyword_pattern":
                        attrs.append(arg.children[0].value)
                        keyword_patterns.append(self.pattern(arg.children[1]))
                    else:
                        if attrs:
                            self.error(self.span(arg), "positional patterns follow keyword patterns")
                        positional.append(self.pattern(arg))
            return A.MatchClass(span, cls, tuple(positional), tuple(attrs), tuple(keyword_patterns))
        if kind == "mapping_pattern":
            keys: list = []
            values: list = []
            rest = None
            if kids[0] is not None:
                for item in self.kids(kids[0]):
                    if item.data == "mapping_rest":
                        rest = item.children[0].value
                    else:
                        key_tree = item.children[0]
                        keys.append(self.dotted(key_tree) if key_tree.data == "dotted_name" else self.literal_value(key_tree))
                        values.append(self.pattern(item.children[1]))
            return A.MatchMapping(span, tuple(keys), tuple(values), rest)
        if kind in ("const_none", "const_true", "const_false"):
            return A.MatchSingleton(span, {"const_none": None, "const_true": True, "const_false": False}[kind])
        if kind == "literal_pattern":
            inner = kids[0]
            if isinstance(inner, Tree) and inner.data in ("const_none", "const_true", "const_false"):
                return self.pattern(inner)
            return A.MatchValue(span, self.literal_value(inner))
        raise AssertionError(f"unknown pattern {kind}")

    def literal_value(self, tree: Tree):
        if tree.data == "literal_pattern":
            tree = tree.children[0]
        if tree.data == "neg_number":
            inner = self.expr(tree.children[0])
            return A.UnaryOp(self.span(tree), "-", inner)
        if tree.data == "complex_number":
            return A.UnsupportedExpr(self.span(tree), "complex")
        return self.expr(tree)

    def dotted(self, tree: Tree):
        tokens = tree.children
        node: A.Expr = A.Name(self.span(tokens[0]), tokens[0].value)
        for tok in tokens[1:]:
            node = A.Attribute(Span(node.span.line, node.span.col, *_end(self.span(tok))), node, tok.value)
        return node

    # ---- targets ---------------------------------------------------------------------------

    def target(self, node):
        """Check that ``node`` can be assigned to, as CPython does at compile time."""
        if isinstance(node, (A.Name, A.Attribute, A.Subscript)):
            return node
        if isinstance(node, (A.TupleExpr, A.ListExpr)):
            starred = [e for e in node.elts if isinstance(e, A.Starred)]
            if len(starred) > 1:
                self.error(node.span, "multiple starred expressions in assignment")
            for elt in node.elts:
                self.target(elt.value if isinstance(elt, A.Starred) else elt)
            return node
        if isinstance(node, A.Starred):
            self.error(node.span, "a starred assignment target must be in a list or tuple")
            return node
        self.error(node.span, f"cannot assign to {_describe(node)}", "assign to a name, an item (`d[k]`) or a tuple of names")
        return node

    def value(self, node):
        """Reject a bare ``*x`` where a value is needed (``x = *a`` is a SyntaxError)."""
        if isinstance(node, A.Starred):
            self.error(node.span, "can't use starred expression here")
        return node

    # ---- expressions -----------------------------------------------------------------------

    def expr(self, tree):
        if isinstance(tree, Token):
            if tree.type == "NAME":
                return A.Name(self.span(tree), tree.value)
            raise AssertionError(f"unexpected token {tree.type}")
        method = getattr(self, "x_" + tree.data, None)
        if method is None:
            raise AssertionError(f"unknown expression {tree.data}")
        return method(tree, self.span(tree))

    def x_var(self, tree, span):
        return A.Name(span, tree.children[0].value)

    def x_paren(self, tree, span):
        return self.expr(tree.children[0])

    def x_const_none(self, tree, span):
        return A.Constant(span, None)

    def x_const_true(self, tree, span):
        return A.Constant(span, True)

    def x_const_false(self, tree, span):
        return A.Constant(span, False)

    def x_ellipsis(self, tree, span):
        return A.Constant(span, ...)

    def x_number(self, tree, span):
        token = tree.children[0]
        text = token.value.replace("_", "")
        if token.type == "IMAG_NUMBER":
            return A.UnsupportedExpr(span, "complex")
        if token.type == "FLOAT_NUMBER":
            return A.Constant(span, float(text))
        if token.type == "DEC_NUMBER" and len(text) > MAX_INT_LITERAL_DIGITS:
            self.error(span, f"integer literal has more than {MAX_INT_LITERAL_DIGITS} digits", code="E-NESTING")
            return A.Constant(span, 0)
        return A.Constant(span, int(text, 0))

    def x_neg_number(self, tree, span):
        return A.UnaryOp(span, "-", self.expr(tree.children[0]))

    def x_string_concat(self, tree, span):
        pieces: list = []
        is_fstring = False
        for token in tree.children:
            prefix = _prefix(token.value)
            if "b" in prefix:
                return A.UnsupportedExpr(span, "bytes")
            if "f" in prefix:
                is_fstring = True
                pieces.extend(self.fstring(token, prefix))
            else:
                pieces.append(_decode_plain(token.value))
        if not is_fstring:
            return A.Constant(span, "".join(pieces))
        return A.JoinedStr(span, _merge_strings(pieces))

    def fstring(self, token: Token, prefix: str) -> list:
        text = token.value[len(prefix):]
        quote = text[:3] if text[:3] in ('"""', "'''") else text[0]
        body = text[len(quote): -len(quote)]
        raw = "r" in prefix
        start_line = token.line or 1
        start_col = (token.column or 1) + len(prefix) + len(quote)
        return self.fstring_body(body, raw, quote, start_line, start_col, self.span(token))

    def fstring_body(self, body: str, raw: bool, quote: str, line: int, col: int, span: Span) -> list:
        pieces: list = []
        literal: list[str] = []
        i = 0
        n = len(body)

        def flush():
            if literal:
                pieces.append(_decode_segment("".join(literal), raw, quote))
                literal.clear()

        while i < n:
            ch = body[i]
            if ch == "{" and i + 1 < n and body[i + 1] == "{":
                literal.append("{{" if False else "{")
                i += 2
                continue
            if ch == "}" and i + 1 < n and body[i + 1] == "}":
                literal.append("}")
                i += 2
                continue
            if ch == "}":
                self.error(span, "f-string: single '}' is not allowed", "write '}}' for a literal brace")
                return pieces
            if ch == "{":
                flush()
                end = _field_end(body, i + 1)
                if end is None:
                    self.error(span, "f-string: expecting '}'")
                    return pieces
                field = body[i + 1: end]
                field_line = line + body[:i + 1].count("\n")
                last_nl = body.rfind("\n", 0, i + 1)
                field_col = (col + i + 1) if last_nl < 0 else (i + 1 - last_nl)
                pieces.append(self.fstring_field(field, raw, quote, field_line, field_col, span))
                i = end + 1
                continue
            literal.append(ch)
            i += 1
        flush()
        return pieces

    def fstring_field(self, field: str, raw: bool, quote: str, line: int, col: int, span: Span):
        expr_text, conversion, spec = _split_field(field)
        if not expr_text.strip():
            self.error(span, "f-string: empty expression not allowed")
            return A.FormattedValue(span, A.Constant(span, ""), None, None)
        if conversion is not None and conversion not in ("r", "s", "a"):
            self.error(span, "f-string: invalid conversion character", "use !r, !s or !a")
            conversion = None
        if expr_text.rstrip().endswith("=") and not expr_text.rstrip().endswith(("==", "!=", "<=", ">=")):
            self.error(span, "f-string '=' self-documenting fields are not supported", "write the name out: f'x={x}'", "E-UNSUPPORTED")
            return A.FormattedValue(span, A.Constant(span, ""), None, None)
        value = self.sub_expression(expr_text, line, col, span)
        format_spec = None
        if spec is not None:
            format_spec = A.JoinedStr(span, _merge_strings(self.fstring_body(spec, raw, quote, line, col, span)))
        return A.FormattedValue(span, value, conversion, format_spec)

    def sub_expression(self, text: str, line: int, col: int, span: Span):
        """Parse one f-string field as an expression, with positions in the outer file."""
        if "\\" in text:
            self.error(span, "f-string expression part cannot include a backslash")
            return A.Constant(span, "")
        if "#" in text and not _quoted_hash_only(text):
            self.error(span, "f-string expression part cannot include '#'")
            return A.Constant(span, "")
        try:
            tree = parse_tree("(" + text.strip("\n") + "\n)\n", self.filename)
        except CheckError as error:
            for diag in error.diagnostics:
                self.error(span, "f-string: " + diag.message, diag.hint)
            return A.Constant(span, "")
        sub = _Lowerer(self.filename, line - 1, col - 2)
        body = sub.stmts(tree.children)  # not module(): a lone string is not a docstring here
        self.errors.extend(sub.errors)
        if len(body) != 1 or not isinstance(body[0], A.ExprStmt):
            self.error(span, "f-string: invalid expression")
            return A.Constant(span, "")
        return body[0].value

    def x_tuple(self, tree, span):
        return A.TupleExpr(span, tuple(self.expr(c) for c in self.kids(tree)))

    def x_list(self, tree, span):
        return A.ListExpr(span, tuple(self.expr(c) for c in self.kids(tree)))

    def x_set(self, tree, span):
        return A.SetExpr(span, tuple(self.expr(c) for c in self.kids(tree)))

    def x_dict(self, tree, span):
        keys: list = []
        values: list = []
        for item in self.kids(tree):
            if item.data == "key_value":
                keys.append(self.expr(item.children[0]))
                values.append(self.expr(item.children[1]))
            else:
                keys.append(None)
                values.append(self.expr(item.children[0]))
        return A.DictExpr(span, tuple(keys), tuple(values))

    def comprehensions(self, tree: Tree) -> tuple:
        out = []
        for clause in tree.children:
            if clause.data == "async_comp_clause":
                self.error(self.span(clause), "async comprehensions are not supported", code="E-UNSUPPORTED")
            target = self.target(self.expr(clause.children[0]))
            out.append(A.Comprehension(self.span(clause), target, self.expr(clause.children[1]), tuple(self.expr(c) for c in clause.children[2:])))
        return tuple(out)

    def x_listcomp(self, tree, span):
        return self.walrus_rules(A.ListComp(span, self.value(self.expr(tree.children[0])), self.comprehensions(tree.children[1])))

    def x_setcomp(self, tree, span):
        return self.walrus_rules(A.SetComp(span, self.value(self.expr(tree.children[0])), self.comprehensions(tree.children[1])))

    def x_genexp(self, tree, span):
        return self.walrus_rules(A.GeneratorExp(span, self.value(self.expr(tree.children[0])), self.comprehensions(tree.children[1])))

    def x_dictcomp(self, tree, span):
        key_value = tree.children[0]
        return self.walrus_rules(
            A.DictComp(span, self.expr(key_value.children[0]), self.expr(key_value.children[1]), self.comprehensions(tree.children[1]))
        )

    def walrus_rules(self, comp):
        """CPython's compile-time rules for ``:=`` inside a comprehension."""
        loop_names = {n.id for g in comp.generators for n in A.walk(g.target) if isinstance(n, A.Name)}
        for gen in comp.generators:
            for node in A.walk(gen.iter):
                if isinstance(node, A.NamedExpr):
                    self.error(node.span, "assignment expression cannot be used in a comprehension iterable expression")
        parts = [comp.key, comp.value] if isinstance(comp, A.DictComp) else [comp.elt]
        parts += [cond for g in comp.generators for cond in g.ifs]
        for part in parts:
            for node in A.walk(part):
                if isinstance(node, A.NamedExpr) and node.target.id in loop_names:
                    self.error(node.span, f"assignment expression cannot rebind comprehension iteration variable '{node.target.id}'")
        return comp

    def x_star_expr(self, tree, span):
        return A.Starred(span, self.expr(tree.children[0]))

    def x_named_expr(self, tree, span):
        return A.NamedExpr(span, A.Name(self.span(tree.children[0]), tree.children[0].value), self.expr(tree.children[1]))

    def x_if_exp(self, tree, span):
        body, test, orelse = tree.children
        return A.IfExp(span, self.expr(test), self.expr(body), self.expr(orelse))

    def x_lambdef(self, tree, span):
        params_tree, body = tree.children
        params: list[A.Param] = []
        if params_tree is not None:
            seen_default = False
            bare_star = False
            kind = "normal"
            for p in self.kids(params_tree):
                pspan = self.span(p)
                if p.data == "lambda_name":
                    if seen_default and kind == "normal":
                        self.error(pspan, "a parameter without a default follows one with a default")
                    params.append(A.Param(pspan, p.children[0].value, None, None, kind))
                elif p.data == "lambda_default":
                    seen_default = True
                    params.append(A.Param(pspan, p.children[0].value, None, self.expr(p.children[1]), kind))
                elif p.data == "lambda_star":
                    kind = "keyword_only"
                    bare_star = p.children[0] is None
                    if p.children[0] is not None:
                        params.append(A.Param(pspan, p.children[0].value, None, None, "var_positional"))
                else:
                    params.append(A.Param(pspan, p.children[0].value, None, None, "var_keyword"))
            if bare_star and not any(p.kind == "keyword_only" for p in params):
                self.error(span, "named arguments must follow bare *")
            names = [p.name for p in params]
            if len(set(names)) != len(names):
                self.error(span, "duplicate parameter in lambda")
        return A.Lambda(span, tuple(params), self.expr(body))

    def x_or_op(self, tree, span):
        return A.BoolOp(span, "or", tuple(self.expr(c) for c in tree.children))

    def x_and_op(self, tree, span):
        return A.BoolOp(span, "and", tuple(self.expr(c) for c in tree.children))

    def x_not_op(self, tree, span):
        return A.UnaryOp(span, "not", self.expr(tree.children[0]))

    def x_compare(self, tree, span):
        kids = tree.children
        left = self.expr(kids[0])
        ops = []
        comparators = []
        for i in range(1, len(kids), 2):
            ops.append(" ".join(t.value for t in kids[i].children))
            comparators.append(self.expr(kids[i + 1]))
        return A.Compare(span, left, tuple(ops), tuple(comparators))

    def x_bitor(self, tree, span):
        return A.BinOp(span, self.expr(tree.children[0]), "|", self.expr(tree.children[1]))

    def x_bitxor(self, tree, span):
        return A.BinOp(span, self.expr(tree.children[0]), "^", self.expr(tree.children[1]))

    def x_bitand(self, tree, span):
        return A.BinOp(span, self.expr(tree.children[0]), "&", self.expr(tree.children[1]))

    def x_binop(self, tree, span):
        left, op, right = tree.children
        return A.BinOp(span, self.expr(left), op.value, self.expr(right))

    def x_pow(self, tree, span):
        return A.BinOp(span, self.expr(tree.children[0]), "**", self.expr(tree.children[1]))

    def x_unary(self, tree, span):
        return A.UnaryOp(span, tree.children[0].value, self.expr(tree.children[1]))

    def x_await_expr(self, tree, span):
        return A.UnsupportedExpr(span, "await")

    def x_yield_expr(self, tree, span):
        return A.UnsupportedExpr(span, "yield")

    def x_yield_from(self, tree, span):
        return A.UnsupportedExpr(span, "yield")

    def x_getattr(self, tree, span):
        return A.Attribute(span, self.expr(tree.children[0]), tree.children[1].value)

    def x_getitem(self, tree, span):
        return A.Subscript(span, self.expr(tree.children[0]), self.expr(tree.children[1]))

    def x_slice(self, tree, span):
        lower, upper, step = (self.expr(c) if c is not None else None for c in tree.children)
        return A.Slice(span, lower, upper, step)

    def x_call(self, tree, span):
        func = self.expr(tree.children[0])
        if tree.children[1] is None:
            return A.Call(span, func, (), ())
        args, _, keywords = self.arguments(tree.children[1], func)
        return A.Call(span, func, args, keywords)

    def arguments(self, tree: Tree, func):
        """→ (args, bases-as-args, keywords); enforces CPython's argument order rules."""
        if tree.data == "genexp_arg":
            gen = self.walrus_rules(A.GeneratorExp(self.span(tree), self.expr(tree.children[0]), self.comprehensions(tree.children[1])))
            return (gen,), (gen,), ()
        args: list = []
        keywords: list[A.Keyword] = []
        seen_names: set[str] = set()
        for child in self.kids(tree):
            cspan = self.span(child)
            if isinstance(child, Tree) and child.data == "kwarg":
                name = child.children[0].value
                if name in seen_names:
                    self.error(cspan, f"keyword argument repeated: {name}")
                seen_names.add(name)
                keywords.append(A.Keyword(cspan, name, self.expr(child.children[1])))
            elif isinstance(child, Tree) and child.data == "starstar_arg":
                keywords.append(A.Keyword(cspan, None, self.expr(child.children[0])))
            elif isinstance(child, Tree) and child.data == "star_arg":
                if any(k.name is None for k in keywords):
                    self.error(cspan, "iterable argument unpacking follows keyword argument unpacking")
                args.append(A.Starred(cspan, self.expr(child.children[0])))
            else:
                value = self.expr(child)
                if isinstance(value, A.GeneratorExp) and len(self.kids(tree)) > 1 and child.data == "genexp":
                    pass  # parenthesised: fine
                if keywords:
                    message = "positional argument follows keyword argument"
                    if any(k.name is None for k in keywords):
                        message += " unpacking"
                    self.error(cspan, message)
                args.append(value)
        return tuple(args), tuple(args), tuple(keywords)


# ---- module-level helpers ---------------------------------------------------------------------


def _end(span: Span) -> tuple[int, int]:
    return span.end_line, span.end_col


def _split_docstring(body: tuple) -> tuple[tuple, str | None]:
    if body and isinstance(body[0], A.ExprStmt) and isinstance(body[0].value, A.Constant) and isinstance(body[0].value.value, str):
        return body[1:], body[0].value.value
    return body, None


def _describe(node) -> str:
    names = {
        A.Call: "a function call", A.Constant: "a literal", A.BinOp: "an expression", A.UnaryOp: "an expression",
        A.BoolOp: "an expression", A.Compare: "a comparison", A.Lambda: "a lambda", A.IfExp: "a conditional expression",
        A.JoinedStr: "an f-string", A.DictExpr: "a dict display", A.SetExpr: "a set display", A.ListComp: "a comprehension",
        A.SetComp: "a comprehension", A.DictComp: "a comprehension", A.GeneratorExp: "a generator expression",
        A.NamedExpr: "a named expression",
    }
    return names.get(type(node), "this expression")


def _prefix(text: str) -> str:
    i = 0
    while i < len(text) and text[i] not in "'\"":
        i += 1
    return text[:i].lower()


def _decode_plain(text: str) -> str:
    # literal_eval parses exactly one string literal token here: the lexer guarantees it.
    return pyast.literal_eval(text)


def _decode_segment(segment: str, raw: bool, quote: str) -> str:
    if raw:
        return segment
    q = quote if len(quote) == 3 else quote
    try:
        return pyast.literal_eval(q + segment + q)
    except (SyntaxError, ValueError):
        return segment


def _field_end(body: str, start: int) -> int | None:
    """Index of the `}` closing an f-string field that starts at ``start``."""
    depth = 0
    i = start
    quote = None
    while i < len(body):
        ch = body[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return i if ch == "}" else None
            depth -= 1
        i += 1
    return None


def _split_field(field: str) -> tuple[str, str | None, str | None]:
    """``expr!c:spec`` → (expr, c, spec), splitting only at depth 0 outside strings."""
    depth = 0
    quote = None
    for i, ch in enumerate(field):
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch == "!" and field[i + 1: i + 2] != "=":
            rest = field[i + 1:]
            conv, _, spec = rest.partition(":")
            return field[:i], conv.strip() or "", (spec if ":" in rest else None)
        elif depth == 0 and ch == ":":
            return field[:i], None, field[i + 1:]
    return field, None, None


def _quoted_hash_only(text: str) -> bool:
    quote = None
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return False
    return True


def _merge_strings(pieces: list) -> tuple:
    out: list = []
    for piece in pieces:
        if isinstance(piece, str):
            if not piece:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + piece
                continue
        out.append(piece)
    return tuple(out)
