"""Lowering of expressions (Lark tree → :mod:`seglam.syntax.ast`): operators, displays,
comprehensions (with CPython's compile-time rules for ``:=``), lambdas, calls (argument order),
and the checks on assignment targets."""

from __future__ import annotations

from lark import Token, Tree

from seglam.syntax import ast as A
from seglam.syntax.lower_text import decode_plain, fstring, merge_strings, string_prefix
from seglam.syntax.lowering import Lowering

#: The most decimal digits an integer literal's value may have, in any base (CPython's own
#: str→int limit is 4300 digits; hex, octal and binary are held to the same size).
MAX_INT_LITERAL_DIGITS = 4300
_INT_LITERAL_BOUND = 10 ** MAX_INT_LITERAL_DIGITS


def check_target(lw: Lowering, node):
    """Check that ``node`` can be assigned to, as CPython does at compile time."""
    if isinstance(node, (A.Name, A.Attribute, A.Subscript)):
        return node
    if isinstance(node, (A.TupleExpr, A.ListExpr)):
        starred = [e for e in node.elts if isinstance(e, A.Starred)]
        if len(starred) > 1:
            lw.error(node.span, "multiple starred expressions in assignment")
        for elt in node.elts:
            check_target(lw, elt.value if isinstance(elt, A.Starred) else elt)
        return node
    if isinstance(node, A.Starred):
        lw.error(node.span, "a starred assignment target must be in a list or tuple")
        return node
    lw.error(node.span, f"cannot assign to {_describe(node)}", "assign to a name, an item (`d[k]`) or a tuple of names")
    return node


def check_value(lw: Lowering, node):
    """Reject a bare ``*x`` where a value is needed (``x = *a`` is a SyntaxError)."""
    if isinstance(node, A.Starred):
        lw.error(node.span, "can't use starred expression here")
    return node


def expr(lw: Lowering, tree):
    if isinstance(tree, Token):
        if tree.type == "NAME":
            return A.Name(lw.span(tree), tree.value)
        raise AssertionError(f"unexpected token {tree.type}")
    method = _EXPRS.get(tree.data)
    if method is None:
        raise AssertionError(f"unknown expression {tree.data}")
    return method(lw, tree, lw.span(tree))


def _x_var(lw: Lowering, tree, span):
    return A.Name(span, tree.children[0].value)


def _x_paren(lw: Lowering, tree, span):
    return expr(lw, tree.children[0])


def _x_const_none(lw: Lowering, tree, span):
    return A.Constant(span, None)


def _x_const_true(lw: Lowering, tree, span):
    return A.Constant(span, True)


def _x_const_false(lw: Lowering, tree, span):
    return A.Constant(span, False)


def _x_ellipsis(lw: Lowering, tree, span):
    return A.Constant(span, ...)


def _x_number(lw: Lowering, tree, span):
    token = tree.children[0]
    text = token.value.replace("_", "")
    if token.type == "IMAG_NUMBER":
        return A.UnsupportedExpr(span, "complex")
    if token.type == "FLOAT_NUMBER":
        return A.Constant(span, float(text))
    number = _int_literal_value(text)
    if number is None:
        lw.error(span, f"integer literal is too large: its value has more than {MAX_INT_LITERAL_DIGITS} decimal digits",
                 "compute a larger number instead (`2 ** 20_000`): the run checks it against max_int_bits",
                 code="E-NESTING")
        return A.Constant(span, 0)
    return A.Constant(span, number)


def _int_literal_value(text: str) -> int | None:
    """The value of an integer literal (no `_`), None when it is 10**4300 or more.

    A decimal literal is measured before it is converted (that conversion is quadratic);
    the others convert in linear time, then their value is measured."""
    if text[:2].lower() not in ("0x", "0o", "0b"):
        digits = text.lstrip("0") or "0"
        return int(digits) if len(digits) <= MAX_INT_LITERAL_DIGITS else None
    number = int(text, 0)
    return number if number < _INT_LITERAL_BOUND else None


def _x_neg_number(lw: Lowering, tree, span):
    return A.UnaryOp(span, "-", expr(lw, tree.children[0]))


def _x_string_concat(lw: Lowering, tree, span):
    pieces: list = []
    is_fstring = False
    for token in tree.children:
        prefix = string_prefix(token.value)
        if "b" in prefix:
            return A.UnsupportedExpr(span, "bytes")
        if "f" in prefix:
            is_fstring = True
            pieces.extend(fstring(lw, token, prefix))
        else:
            pieces.append(decode_plain(lw, token.value, lw.span(token)))
    if not is_fstring:
        return A.Constant(span, "".join(pieces))
    return A.JoinedStr(span, merge_strings(pieces))


def _x_tuple(lw: Lowering, tree, span):
    return A.TupleExpr(span, tuple(expr(lw, c) for c in lw.kids(tree)))


def _x_list(lw: Lowering, tree, span):
    return A.ListExpr(span, tuple(expr(lw, c) for c in lw.kids(tree)))


def _x_set(lw: Lowering, tree, span):
    return A.SetExpr(span, tuple(expr(lw, c) for c in lw.kids(tree)))


def _x_dict(lw: Lowering, tree, span):
    keys: list = []
    values: list = []
    for item in lw.kids(tree):
        if item.data == "key_value":
            keys.append(expr(lw, item.children[0]))
            values.append(expr(lw, item.children[1]))
        else:
            keys.append(None)
            values.append(expr(lw, item.children[0]))
    return A.DictExpr(span, tuple(keys), tuple(values))


def comprehensions(lw: Lowering, tree: Tree) -> tuple:
    out = []
    for clause in tree.children:
        if clause.data == "async_comp_clause":
            lw.error(lw.span(clause), "async comprehensions are not supported", code="E-UNSUPPORTED")
        target = check_target(lw, expr(lw, clause.children[0]))
        out.append(A.Comprehension(lw.span(clause), target, expr(lw, clause.children[1]), tuple(expr(lw, c) for c in clause.children[2:])))
    return tuple(out)


def _x_listcomp(lw: Lowering, tree, span):
    return walrus_rules(lw, A.ListComp(span, check_value(lw, expr(lw, tree.children[0])), comprehensions(lw, tree.children[1])))


def _x_setcomp(lw: Lowering, tree, span):
    return walrus_rules(lw, A.SetComp(span, check_value(lw, expr(lw, tree.children[0])), comprehensions(lw, tree.children[1])))


def _x_genexp(lw: Lowering, tree, span):
    return walrus_rules(lw, A.GeneratorExp(span, check_value(lw, expr(lw, tree.children[0])), comprehensions(lw, tree.children[1])))


def _x_dictcomp(lw: Lowering, tree, span):
    key_value = tree.children[0]
    return walrus_rules(lw, 
                        A.DictComp(span, expr(lw, key_value.children[0]), expr(lw, key_value.children[1]), comprehensions(lw, tree.children[1]))
    )


def walrus_rules(lw: Lowering, comp):
    """CPython's compile-time rules for ``:=`` inside a comprehension."""
    loop_names = {n.id for g in comp.generators for n in A.walk(g.target) if isinstance(n, A.Name)}
    for gen in comp.generators:
        for node in A.walk(gen.iter):
            if isinstance(node, A.NamedExpr):
                lw.error(node.span, "assignment expression cannot be used in a comprehension iterable expression")
    parts = [comp.key, comp.value] if isinstance(comp, A.DictComp) else [comp.elt]
    parts += [cond for g in comp.generators for cond in g.ifs]
    for part in parts:
        for node in A.walk(part):
            if isinstance(node, A.NamedExpr) and node.target.id in loop_names:
                lw.error(node.span, f"assignment expression cannot rebind comprehension iteration variable '{node.target.id}'")
    return comp


def _x_star_expr(lw: Lowering, tree, span):
    return A.Starred(span, expr(lw, tree.children[0]))


def _x_named_expr(lw: Lowering, tree, span):
    return A.NamedExpr(span, A.Name(lw.span(tree.children[0]), tree.children[0].value), expr(lw, tree.children[1]))


def _x_if_exp(lw: Lowering, tree, span):
    body, test, orelse = tree.children
    return A.IfExp(span, expr(lw, test), expr(lw, body), expr(lw, orelse))


def _x_lambdef(lw: Lowering, tree, span):
    params_tree, body = tree.children
    params: list[A.Param] = []
    if params_tree is not None:
        seen_default = False
        bare_star = False
        kind = "normal"
        for p in lw.kids(params_tree):
            pspan = lw.span(p)
            if p.data == "lambda_name":
                if seen_default and kind == "normal":
                    lw.error(pspan, "a parameter without a default follows one with a default")
                params.append(A.Param(pspan, p.children[0].value, None, None, kind))
            elif p.data == "lambda_default":
                seen_default = True
                params.append(A.Param(pspan, p.children[0].value, None, expr(lw, p.children[1]), kind))
            elif p.data == "lambda_star":
                kind = "keyword_only"
                bare_star = p.children[0] is None
                if p.children[0] is not None:
                    params.append(A.Param(pspan, p.children[0].value, None, None, "var_positional"))
            else:
                params.append(A.Param(pspan, p.children[0].value, None, None, "var_keyword"))
        if bare_star and not any(p.kind == "keyword_only" for p in params):
            lw.error(span, "named arguments must follow bare *")
        names = [p.name for p in params]
        if len(set(names)) != len(names):
            lw.error(span, "duplicate parameter in lambda")
    return A.Lambda(span, tuple(params), expr(lw, body))


def _x_or_op(lw: Lowering, tree, span):
    return A.BoolOp(span, "or", tuple(expr(lw, c) for c in tree.children))


def _x_and_op(lw: Lowering, tree, span):
    return A.BoolOp(span, "and", tuple(expr(lw, c) for c in tree.children))


def _x_not_op(lw: Lowering, tree, span):
    return A.UnaryOp(span, "not", expr(lw, tree.children[0]))


def _x_compare(lw: Lowering, tree, span):
    kids = tree.children
    left = expr(lw, kids[0])
    ops = []
    comparators = []
    for i in range(1, len(kids), 2):
        ops.append(" ".join(t.value for t in kids[i].children))
        comparators.append(expr(lw, kids[i + 1]))
    return A.Compare(span, left, tuple(ops), tuple(comparators))


def _x_bitor(lw: Lowering, tree, span):
    return A.BinOp(span, expr(lw, tree.children[0]), "|", expr(lw, tree.children[1]))


def _x_bitxor(lw: Lowering, tree, span):
    return A.BinOp(span, expr(lw, tree.children[0]), "^", expr(lw, tree.children[1]))


def _x_bitand(lw: Lowering, tree, span):
    return A.BinOp(span, expr(lw, tree.children[0]), "&", expr(lw, tree.children[1]))


def _x_binop(lw: Lowering, tree, span):
    left, op, right = tree.children
    return A.BinOp(span, expr(lw, left), op.value, expr(lw, right))


def _x_pow(lw: Lowering, tree, span):
    return A.BinOp(span, expr(lw, tree.children[0]), "**", expr(lw, tree.children[1]))


def _x_unary(lw: Lowering, tree, span):
    return A.UnaryOp(span, tree.children[0].value, expr(lw, tree.children[1]))


def _x_await_expr(lw: Lowering, tree, span):
    return A.UnsupportedExpr(span, "await")


def _x_yield_expr(lw: Lowering, tree, span):
    return A.UnsupportedExpr(span, "yield")


def _x_yield_from(lw: Lowering, tree, span):
    return A.UnsupportedExpr(span, "yield")


def _x_getattr(lw: Lowering, tree, span):
    return A.Attribute(span, expr(lw, tree.children[0]), tree.children[1].value)


def _x_getitem(lw: Lowering, tree, span):
    return A.Subscript(span, expr(lw, tree.children[0]), expr(lw, tree.children[1]))


def _x_slice(lw: Lowering, tree, span):
    lower, upper, step = (expr(lw, c) if c is not None else None for c in tree.children)
    return A.Slice(span, lower, upper, step)


def _x_call(lw: Lowering, tree, span):
    func = expr(lw, tree.children[0])
    if tree.children[1] is None:
        return A.Call(span, func, (), ())
    args, _, keywords = arguments(lw, tree.children[1], func)
    return A.Call(span, func, args, keywords)


def arguments(lw: Lowering, tree: Tree, func):
    """→ (args, bases-as-args, keywords); enforces CPython's argument order rules."""
    if tree.data == "genexp_arg":
        gen = walrus_rules(lw, A.GeneratorExp(lw.span(tree), expr(lw, tree.children[0]), comprehensions(lw, tree.children[1])))
        return (gen,), (gen,), ()
    args: list = []
    keywords: list[A.Keyword] = []
    seen_names: set[str] = set()
    for child in lw.kids(tree):
        cspan = lw.span(child)
        if isinstance(child, Tree) and child.data == "kwarg":
            name = child.children[0].value
            if name in seen_names:
                lw.error(cspan, f"keyword argument repeated: {name}")
            seen_names.add(name)
            keywords.append(A.Keyword(cspan, name, expr(lw, child.children[1])))
        elif isinstance(child, Tree) and child.data == "starstar_arg":
            keywords.append(A.Keyword(cspan, None, expr(lw, child.children[0])))
        elif isinstance(child, Tree) and child.data == "star_arg":
            if any(k.name is None for k in keywords):
                lw.error(cspan, "iterable argument unpacking follows keyword argument unpacking")
            args.append(A.Starred(cspan, expr(lw, child.children[0])))
        else:
            value = expr(lw, child)
            if isinstance(value, A.GeneratorExp) and len(lw.kids(tree)) > 1 and child.data == "genexp":
                pass  # parenthesised: fine
            if keywords:
                message = "positional argument follows keyword argument"
                if any(k.name is None for k in keywords):
                    message += " unpacking"
                lw.error(cspan, message)
            args.append(value)
    return tuple(args), tuple(args), tuple(keywords)


def _describe(node) -> str:
    names = {
        A.Call: "a function call", A.Constant: "a literal", A.BinOp: "an expression", A.UnaryOp: "an expression",
        A.BoolOp: "an expression", A.Compare: "a comparison", A.Lambda: "a lambda", A.IfExp: "a conditional expression",
        A.JoinedStr: "an f-string", A.DictExpr: "a dict display", A.SetExpr: "a set display", A.ListComp: "a comprehension",
        A.SetComp: "a comprehension", A.DictComp: "a comprehension", A.GeneratorExp: "a generator expression",
        A.NamedExpr: "a named expression",
    }
    return names.get(type(node), "this expression")


#: The lowering of each expression rule of the grammar, by rule name.
_EXPRS = {
    "var": _x_var,
    "paren": _x_paren,
    "const_none": _x_const_none,
    "const_true": _x_const_true,
    "const_false": _x_const_false,
    "ellipsis": _x_ellipsis,
    "number": _x_number,
    "neg_number": _x_neg_number,
    "string_concat": _x_string_concat,
    "tuple": _x_tuple,
    "list": _x_list,
    "set": _x_set,
    "dict": _x_dict,
    "listcomp": _x_listcomp,
    "setcomp": _x_setcomp,
    "genexp": _x_genexp,
    "dictcomp": _x_dictcomp,
    "star_expr": _x_star_expr,
    "named_expr": _x_named_expr,
    "if_exp": _x_if_exp,
    "lambdef": _x_lambdef,
    "or_op": _x_or_op,
    "and_op": _x_and_op,
    "not_op": _x_not_op,
    "compare": _x_compare,
    "bitor": _x_bitor,
    "bitxor": _x_bitxor,
    "bitand": _x_bitand,
    "binop": _x_binop,
    "pow": _x_pow,
    "unary": _x_unary,
    "await_expr": _x_await_expr,
    "yield_expr": _x_yield_expr,
    "yield_from": _x_yield_from,
    "getattr": _x_getattr,
    "getitem": _x_getitem,
    "slice": _x_slice,
    "call": _x_call,
}
