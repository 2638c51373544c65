"""Small constructors for Python ``ast`` nodes, so the generator reads like the code it emits.

Generated code is always built as a Python tree (never as text), so no user identifier or
string can inject code: identifiers are mangled (``u_<name>``) and literals are
``ast.Constant`` values.
"""

from __future__ import annotations

import ast as py

LOAD = py.Load()
STORE = py.Store()


def name(ident: str) -> py.Name:
    return py.Name(id=ident, ctx=LOAD)


def store(ident: str) -> py.Name:
    return py.Name(id=ident, ctx=STORE)


def const(value: object) -> py.Constant:
    return py.Constant(value=value)


def attr(value: py.expr, attribute: str) -> py.Attribute:
    # Defence in depth on top of the checker: generated code never touches a private or
    # dunder attribute.
    if not attribute or attribute.startswith("_"):
        raise ValueError(f"refusing to emit access to attribute {attribute!r}")
    return py.Attribute(value=value, attr=attribute, ctx=LOAD)


def attr_store(value: py.expr, attribute: str) -> py.Attribute:
    if not attribute or attribute.startswith("_"):
        raise ValueError(f"refusing to emit access to attribute {attribute!r}")
    return py.Attribute(value=value, attr=attribute, ctx=STORE)


def call(func: py.expr, args: list[py.expr] | tuple = (), keywords: list[py.keyword] | tuple = ()) -> py.Call:
    return py.Call(func=func, args=list(args), keywords=list(keywords))


def kw(arg: str | None, value: py.expr) -> py.keyword:
    return py.keyword(arg=arg, value=value)


def expr_stmt(value: py.expr) -> py.Expr:
    return py.Expr(value=value)


def assign(target: py.expr, value: py.expr) -> py.Assign:
    return py.Assign(targets=[target], value=value)


def if_(test: py.expr, body: list[py.stmt], orelse: list[py.stmt] | None = None) -> py.If:
    return py.If(test=test, body=body or [py.Pass()], orelse=orelse or [])


def compare(left: py.expr, op: py.cmpop, right: py.expr) -> py.Compare:
    return py.Compare(left=left, ops=[op], comparators=[right])


def stamp(node: py.AST, line: int) -> py.AST:
    """Give ``node`` and every descendant that has no position yet the synthetic line
    ``line`` (an index into the span table), so a traceback maps back to Seglam source."""
    stack = [node]
    while stack:
        cur = stack.pop()
        if "lineno" in cur._attributes and not hasattr(cur, "lineno"):
            cur.lineno = cur.end_lineno = line
            cur.col_offset = 0
            cur.end_col_offset = 1
        elif "lineno" in cur._attributes:
            continue  # already stamped: its subtree belongs to an inner Seglam node
        for child in py.iter_child_nodes(cur):
            stack.append(child)
    return node


def at(new: py.AST, old: py.AST) -> py.AST:
    """``new`` stamped with ``old``'s line (line 1 when ``old`` has none)."""
    return stamp(new, getattr(old, "lineno", 1))
