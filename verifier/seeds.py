"""Inputs grown from the calls of a function in its module's examples and properties.

A parser-like precondition (``parses(sequence)``, a paragraph in a fixed wording) is rarely
met by generated text, but the module's examples (``assert solve("[ [") == "] ]"``) meet it.
The aimed run (:mod:`.evidence`) starts from them: each seed, seeds joined and repeated past
K, and small mutations that often keep the wording valid. An example's argument need not be
a literal: models pass a long story or table as a module constant (``assert solve(STORY) ==
7``), and any argument the module can evaluate without inputs (a constant's name,
``TABLE[1:]``, ``"a" * 3``) is evaluated at module level, as the example itself is. A
property's calls count too (``def prop_total(): assert total("total: 1, 2") == 3``, or a
generated ``k`` added to ``total("total: 4, 5")``): models write their examples there as
often as at module level.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from seglam.syntax import ast as A
from seglam.verifier.boundaries import SWEEP_CAP, Aim
from seglam.verifier.view import ModuleView, bound_names


_NOT_LITERAL = object()


class NotAValue(Exception):
    """An argument expression the module cannot evaluate without inputs (it names a
    comprehension's variable, or it faults)."""


#: Evaluates an expression of the module's tree at module level (the example's own scope).
Evaluate = Callable[[A.Expr], object]


def _no_evaluation(expr: A.Expr) -> object:
    raise NotAValue("no evaluator given")


def seeded(fv, view: ModuleView, aim: Aim, evaluate: Evaluate = _no_evaluation) -> list[dict]:
    """Inputs grown from the calls of ``fv`` in the module's examples and properties (``assert
    solve("[ [") == "] ]"``, ``assert solve(STORY) == 7``: an argument that is not a literal
    is given to ``evaluate``, which raises :class:`NotAValue` when the module cannot evaluate
    it) and from the inputs the caller gave for it (``view.seeds``: the bindings of a request
    and its examples), which meet a parser-like precondition that generated text rarely does:
    each seed, each pair of seeds joined (with a space and without), each seed repeated past
    K, and each text seed's :func:`mutations`."""
    names = [p.name for p in fv.params]
    seeds = [s for s in (_with_defaults(dict(s), fv, evaluate) for s in view.seeds.get(fv.name, ())) if s is not None]
    for tree, local in _calling_trees(view):
        for node in A.walk(tree):
            if isinstance(node, A.Call) and isinstance(node.func, A.Name) and node.func.id == fv.name:
                args = None if _reads(node, local) else _call_args(node, names, evaluate)
                args = None if args is None else _with_defaults(args, fv, evaluate)
                if args is not None and args not in seeds:
                    seeds.append(args)
    out = list(seeds)
    reps = (aim.bound + 1, aim.max_len)
    for i, a in enumerate(seeds):
        for b in seeds[i:]:
            for sep in (" ", ""):
                out.append({n: _join(a[n], b[n], sep) for n in names})
        for k in reps:
            out.append({n: _repeat(a[n], k) for n in names})
    for a in seeds:
        for n in names:
            if isinstance(a[n], str):
                out += [{**a, n: v} for v in mutations(a[n], [s[n] for s in seeds if isinstance(s[n], str)])]
    return [copy.deepcopy(k.d) for k in dict.fromkeys(map(_Key, out))][: SWEEP_CAP * 4]


def _calling_trees(view: ModuleView):
    """Where constant-argument calls are looked for, with the names bound there: the module's
    examples (none) and its properties' bodies (``assert total([1, 2, 3]) == 6`` in
    ``prop_total``; a call naming the property's own inputs or locals is no seed, even where
    a module constant has the same name)."""
    for ex in view.examples:
        yield ex, frozenset()
    for name in view.properties:
        if name in view.functions:
            fn = view.functions[name].node
            yield fn, frozenset(bound_names(fn))


def _reads(call: A.Call, local: frozenset) -> bool:
    """Does an argument of ``call`` read one of the ``local`` names?"""
    return bool(local) and any(isinstance(n, A.Name) and n.id in local
                               for a in (*call.args, *(k.value for k in call.keywords)) for n in A.walk(a))


class _Key:
    """An input dict, hashable by its repr (for de-duplication in order)."""

    __slots__ = ("d", "r")

    def __init__(self, d: dict) -> None:
        self.d, self.r = d, repr(sorted(d.items()))

    def __hash__(self) -> int:
        return hash(self.r)

    def __eq__(self, other) -> bool:
        return self.r == other.r


#: Separators a text example is cut at (lines, sentences, list items, words).
SEPARATORS = ("\n", ". ", ", ", " ")


def mutations(text: str, others: list[str], per_separator: int = 12) -> list[str]:
    """Variants of an example text that often still meet its function's precondition: one
    segment (line, sentence, list item, word) dropped, doubled, swapped with the next, or
    replaced by a segment of the same kind from another example or elsewhere in this one."""
    out: list[str] = []
    for sep in SEPARATORS:
        parts = text.split(sep)
        if len(parts) < 2:
            continue
        pool = list(dict.fromkeys(p for o in others for p in o.split(sep)))
        found: list[str] = []
        for i in range(len(parts)):
            found.append(sep.join(parts[:i] + parts[i + 1:]))
            found.append(sep.join(parts[: i + 1] + parts[i:]))
            if i + 1 < len(parts):
                found.append(sep.join(parts[:i] + [parts[i + 1], parts[i]] + parts[i + 2:]))
            for other in pool[:6]:
                if other != parts[i]:
                    found.append(sep.join(parts[:i] + [other] + parts[i + 1:]))
        step = max(1, len(found) // per_separator)
        out += found[::step][:per_separator]
    return out + number_variants(text, per_separator)


#: What a number written in an example text is replaced by: the small values where
#: arithmetic has edges (zero, one), a carry, and a value past every machine width.
NUMBER_VARIANTS = ("0", "1", "2", "9", "10", "99", "12345678901234567890123")
_DIGITS = re.compile(r"[0-9]+")


def number_variants(text: str, limit: int = 12) -> list[str]:
    """The text with one of its numbers (a run of digits) replaced by each of
    :data:`NUMBER_VARIANTS`: a worded request keeps its wording, the arithmetic meets its edges."""
    out: list[str] = []
    for m in list(_DIGITS.finditer(text))[:limit]:
        out += [text[: m.start()] + v + text[m.end():] for v in NUMBER_VARIANTS if v != m.group()]
    return out[: limit * len(NUMBER_VARIANTS)]


def _call_args(call, names: list[str], evaluate: Evaluate) -> dict | None:
    """The arguments of ``call`` by parameter name (those it leaves to their defaults
    missing), or None when one is neither a literal nor evaluable at module level."""
    if len(call.args) > len(names) or any(isinstance(a, A.Starred) for a in call.args):
        return None
    out = {}
    for name, arg in zip(names, call.args):
        out[name] = _value(arg, evaluate)
    for kw in call.keywords:
        if kw.name is None or kw.name not in names:
            return None
        out[kw.name] = _value(kw.value, evaluate)
    if any(v is _NOT_LITERAL for v in out.values()):
        return None
    return out


def _value(e: A.Expr, evaluate: Evaluate):
    """``e``'s value: a literal read off the tree, anything else evaluated at module level
    (``_NOT_LITERAL`` when it cannot be)."""
    v = _literal(e)
    if v is not _NOT_LITERAL:
        return v
    try:
        return evaluate(e)
    except NotAValue:
        return _NOT_LITERAL


def _with_defaults(seed: dict, fv, evaluate: Evaluate = _no_evaluation) -> dict | None:
    """``seed`` with each parameter it leaves out set to its literal default (a request whose
    wording has no hole for a defaulted parameter binds only the others, and an example may
    call without it); None when a parameter is still missing or ``seed`` names another.
    Before, such a seed was dropped, and a parser-like precondition then met no aimed input
    at all (stand-in run 7: 0 valid of 646, so the family had no evidence)."""
    names = [p.name for p in fv.params]
    if not set(seed) <= set(names):
        return None
    for p in fv.params:
        if p.name not in seed:
            value = _NOT_LITERAL if p.default is None else _value(p.default, evaluate)
            if value is _NOT_LITERAL:
                return None
            seed[p.name] = value
    return seed


def _literal(e):
    if isinstance(e, A.Constant) and e.value is not Ellipsis:
        return e.value
    if isinstance(e, A.UnaryOp) and e.op == "-" and isinstance(e.operand, A.Constant) and type(e.operand.value) in (int, float):
        return -e.operand.value
    if isinstance(e, (A.ListExpr, A.TupleExpr)):
        items = [_literal(x) for x in e.elts]
        if any(x is _NOT_LITERAL for x in items):
            return _NOT_LITERAL
        return items if isinstance(e, A.ListExpr) else tuple(items)
    return _NOT_LITERAL


def _join(a, b, sep: str):
    if isinstance(a, str) and isinstance(b, str):
        return a + sep + b
    if isinstance(a, list) and isinstance(b, list):
        return a + b
    return a


def _repeat(a, k: int):
    if isinstance(a, str):
        return " ".join([a] * k)
    if isinstance(a, list):
        return a * k
    return a
