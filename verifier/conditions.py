"""Which part of a failed condition a probe shows, and how (pure: source text in, text out).

A condition is cut at its top-level ``and`` into parts; the first false part is the one that
failed. Each part shows the values of some expressions: a comparison both sides
(``result <= len(xs)``), a chained one its operands that are not literals (``0 <= r < n``:
``r`` and ``n``), ``not c`` what ``c`` shows, anything else (``all(...)``, a call, an
``or``) the local names it reads, and ``all(P for v in S)`` the first ``v`` failing ``P``. :func:`detail_expr` writes the expression that finds
the failing part and renders those values; :func:`describe` reads them back into a report
line.
"""

from __future__ import annotations

import ast

from dataclasses import dataclass

from seglam.syntax import ast as A
from seglam.verifier.examples import source_text
from seglam.verifier.view import bound_names

#: An expression's source text is clipped to this many characters in a report line.
SIDE_TEXT = 60


@dataclass(frozen=True)
class Part:
    """One ``and``-joined part of a condition: its text and the expressions it shows."""

    text: str
    exprs: tuple[str, ...]
    labels: tuple[str, ...]  # how the report names each of ``exprs``
    position: int  # 1-based, in the ``and`` chain
    total: int
    op: str | None = None  # a comparison's operator (named when the text is too long to show)


def clip(text: str) -> str:
    """``text`` on one line, at most SIDE_TEXT characters."""
    one = " ".join(text.split())
    return one if len(one) <= SIDE_TEXT else one[: SIDE_TEXT - 3] + "..."


def conjuncts(e: A.Expr) -> list[A.Expr]:
    """``e`` cut at its top-level ``and`` (nested ``and`` chains flattened)."""
    if isinstance(e, A.BoolOp) and e.op == "and":
        return [c for v in e.values for c in conjuncts(v)]
    return [e]


def names_read(e: A.Expr, local: set[str]) -> list[str]:
    """The names of ``local`` that ``e`` reads, in order of first use (not those it binds)."""
    inner = bound_names(e)  # a comprehension's or a lambda's, not the caller's
    return list(dict.fromkeys(n.id for n in A.walk(e) if isinstance(n, A.Name) and n.id in local and n.id not in inner))


def _first_failing(source: str, e: A.Expr) -> tuple[str, str] | None:
    """For ``all(P for v in S)`` (one ``for``, any ``if``s): an expression for the first
    ``v`` of ``S`` failing ``P`` and its label; None for anything else."""
    if not (isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id == "all" and len(e.args) == 1 and not e.keywords):
        return None
    g = e.args[0]
    if not isinstance(g, (A.GeneratorExp, A.ListComp)) or len(g.generators) != 1:
        return None
    c = g.generators[0]
    texts = [source_text(source, x.span) for x in (c.target, c.iter, g.elt, *c.ifs)]
    if any(t is None for t in texts):
        return None
    target, it, elt, *ifs = texts
    test = " and ".join([f"({x})" for x in ifs] + [f"not ({elt})"])
    # evaluated only where the all(...) is false, so some item fails and [0] exists
    return f"[({target}) for {target} in ({it}) if {test}][0]", f"the first {clip(target)} failing"


def _shown(source: str, e: A.Expr, local: set[str], negated: bool = False) -> tuple[tuple[str, ...], tuple[str, ...], str | None] | None:
    """The texts of the expressions ``e`` shows, their labels, and its comparison operator
    if it is one (``negated``: ``e`` is under a ``not``, so it was true)."""
    if isinstance(e, A.UnaryOp) and e.op == "not":
        return _shown(source, e.operand, local, not negated)
    if isinstance(e, A.Compare):
        operands = (e.left, *e.comparators)
        # a literal needs no showing (``0 <= r < n``: r and n), unless nothing else is left
        operands = tuple(o for o in operands if not isinstance(o, A.Constant)) or operands
        texts = tuple(source_text(source, o.span) for o in operands)
        if any(t is None for t in texts):
            return None
        return texts, tuple(clip(t) for t in texts), e.ops[0] if len(e.ops) == 1 else None
    names = tuple(names_read(e, local))
    witness = None if negated else _first_failing(source, e)
    if witness is None:
        return names, names, None
    return (*names, witness[0]), (*names, witness[1]), None


def parts(source: str, cond: A.Expr, local: set[str]) -> tuple[Part, ...] | None:
    """``cond``'s parts with what each shows (``local``: the names the condition's scope
    binds), or None when a part's text cannot be read."""
    cs = conjuncts(cond)
    out = []
    for i, c in enumerate(cs, 1):
        text, shown = source_text(source, c.span), _shown(source, c, local)
        if text is None or shown is None:
            return None
        out.append(Part(text, shown[0], shown[1], i, len(cs), shown[2]))
    return tuple(out)


def _paren(text: str) -> str:
    """``text`` in parentheses on lines of its own (a multi-line text keeps its lines)."""
    return f"(\n{text}\n)"


def detail_expr(ps: tuple[Part, ...], extra: tuple[str, ...] = ()) -> str:
    """A Seglam ``str`` expression: ``repr([position, repr(shown)..., repr(extra)...])`` of
    the first part that is false, ``""`` when all hold. Each part is tested in the ``else``
    of the one before: only where the ones before held (as ``and`` evaluates), with their
    narrowing (``x is not None and x > 0``). It is an expression, so it can be an assert's
    message (evaluated only when the assert fails) as well as a probe's return value."""
    out = '""'
    for p in reversed(ps):
        values = ", ".join([repr(str(p.position))] + [f"repr({_paren(t)})" for t in (*p.exprs, *extra)])
        out = f"(repr([{values}]) if not {_paren(p.text)} else {out})"
    return out


def read_detail(text: str) -> list[str] | None:
    """The list :func:`detail_expr` rendered (Seglam's ``repr`` of a ``list[str]`` is
    Python's), or None when ``text`` is not one."""
    try:
        got = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return got if isinstance(got, list) and all(isinstance(x, str) for x in got) else None


def describe(ps: tuple[Part, ...], got: list[str], extra: tuple[str, ...] = ()) -> str | None:
    """A report line from a probe's list (``got``: position, shown values, extra values):
    ``result <= len(xs) (part 2 of the and): result is 1, len(xs) is 0 (in the loop, x is 3)``."""
    if not got or not got[0].isdigit() or not 1 <= int(got[0]) <= len(ps):
        return None
    p = ps[int(got[0]) - 1]
    values = got[1:]
    if len(values) != len(p.exprs) + len(extra):
        return None
    shown = ", ".join(f"{label} is {v}" for label, v in zip(p.labels, values))
    one = " ".join(p.text.split())
    head = one if len(one) <= SIDE_TEXT else None
    which = f" (part {p.position} of the and)" if p.total > 1 else ""
    loop = ", ".join(f"{n} is {v}" for n, v in zip(extra, values[len(p.exprs):]))
    tail = f" (in the loop, {loop})" if loop else ""
    if head is None:
        compared = f" (compared with {p.op})" if p.op else ""
        return f"{shown}{compared}{which}{tail}" if shown else None
    return f"{head}{which}: {shown}{tail}" if shown else f"{head}{which}{tail}"


__all__ = ["Part", "clip", "conjuncts", "describe", "detail_expr", "names_read", "parts", "read_detail"]
