"""Read an entry point's signature and its precondition asserts straight from the source.

Every Seglam program is valid Python, so the standard ``ast`` module reads them without
waiting on the checker; the checker has already accepted the program by the time the
cache looks.
"""

from __future__ import annotations

import ast

from seglam.cache.entry import Param, Signature
from seglam.cache.errors import AdmissionError
from seglam.check.prelude import prelude_asserts


def _functions(source: str) -> dict[str, ast.FunctionDef]:
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise AdmissionError([f"program does not parse: {err.msg} (line {err.lineno})"]) from None
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


#: The conventional entry point names, in the order they are tried: ``main`` (a user's
#: program), ``solve`` (the compile prompt's default, rule 2).
ENTRY_NAMES = ("main", "solve")


def pick_entry(source: str, entry: str | None = None) -> str:
    """The entry point: the one named, else ``main``, else ``solve``, else the only public
    non-property function. (Stand-in run 11: a compile reply that left out "entry", its
    entry point named ``solve`` as rule 2's default says, beside a public helper, was refused.)"""
    fns = _functions(source)
    if entry is not None:
        if entry not in fns:
            raise AdmissionError([f"no function named {entry!r} in the program"])
        return entry
    named = next((name for name in ENTRY_NAMES if name in fns), None)
    if named is not None:
        return named
    public = [n for n in fns if not n.startswith(("_", "prop_"))]
    if len(public) == 1:
        return public[0]
    raise AdmissionError([f"cannot tell the entry point among {', '.join(public)}: name it (entry=...) "
                          "or call it solve"])


def signature_of(source: str, entry: str) -> Signature:
    """The parameters (names, annotation text, has-default) and return annotation of ``entry``."""
    fn = _functions(source).get(entry)
    if fn is None:
        raise AdmissionError([f"no function named {entry!r} in the program"])
    a = fn.args
    positional = a.posonlyargs + a.args
    n_defaults = len(a.defaults)
    params = [
        Param(name=p.arg, type=_ann(p.annotation), default=i >= len(positional) - n_defaults)
        for i, p in enumerate(positional)
    ]
    params += [
        Param(name=p.arg, type=_ann(p.annotation), default=d is not None)
        for p, d in zip(a.kwonlyargs, a.kw_defaults)
    ]
    return Signature(entry=entry, params=tuple(params), returns=_ann(fn.returns))


def properties_of(source: str) -> tuple[str, ...]:
    """Names of the program's ``prop_*`` functions."""
    return tuple(n for n in _functions(source) if n.startswith("prop_"))


def covering_properties(source: str, signature: Signature, param: str) -> tuple[str, ...]:
    """The ``prop_*`` functions that cover parameter ``param`` of the entry point: each takes
    a parameter of that name with the same type annotation and calls the entry point, so the
    verifier, which fuzzes a property over its parameters' whole types, checks the program
    on any value of ``param``."""
    want = signature.param(param)
    if want is None:
        return ()
    out = []
    for name, fn in _functions(source).items():
        if not name.startswith("prop_"):
            continue
        takes = any(a.arg == param and _ann(a.annotation) == want.type for a in fn.args.posonlyargs + fn.args.args)
        calls = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == signature.entry
                    for n in ast.walk(fn))
        if takes and calls:
            out.append(name)
    return tuple(out)


def leading_assert_lines(source: str, entry: str) -> frozenset[int]:
    """Source lines of the asserts of ``entry``'s precondition prelude (SPEC §8): a fault on
    one of them means the input is outside the domain, not that the program is wrong."""
    fn = _functions(source).get(entry)
    lines: set[int] = set()
    if fn is None:
        return frozenset()
    body = fn.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # docstring
    for stmt in prelude_asserts(body):
        lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return frozenset(lines)


def _ann(node: ast.expr | None) -> str:
    return ast.unparse(node) if node is not None else "?"
