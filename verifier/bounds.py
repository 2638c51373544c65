"""Bounds lifted out of simple preconditions, so strategies generate valid inputs directly.

``@requires(lambda n, xs: 0 <= n < 10 and len(xs) > 0)`` gives ``n`` in ``[0, 9]`` and
``len(xs) >= 1``. Only conjunctions of comparisons between a parameter (or its ``len``) and
an integer literal are lifted; anything else stays a filter (the precondition is still
checked on every generated input).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from seglam.syntax import ast as A
from seglam.verifier.view import FunctionView


@dataclass(frozen=True)
class Bounds:
    lo: int | None = None  # value bounds (ints)
    hi: int | None = None
    min_len: int | None = None  # length bounds (lists, strings, sets, dicts)
    max_len: int | None = None
    rel: tuple = ()  # ((op, other, offset), ...): this int OP len(other) + offset
    same_len_as: str | None = None  # len(this) == len(other)
    choices: tuple | None = None  # `x in ("a", "b")` or `x in CONSTANT`: one of these literals
    item: "Bounds | None" = None  # `all(0 <= x <= 9 for x in xs)`: bounds on every element

    @property
    def dependent(self) -> tuple[str, ...]:
        """Parameters whose values this one's bounds depend on."""
        return tuple(o for _, o, _ in self.rel) + ((self.same_len_as,) if self.same_len_as else ())


def lift(fv: FunctionView, constants: tuple = ()) -> dict[str, Bounds]:
    """Bounds per parameter name from ``@requires`` lambdas and the asserts opening the body
    (``constants``: the module's ``(name, expr)`` pairs, for ``x in CONSTANT``)."""
    out: dict[str, Bounds] = {}
    params = {p.name for p in fv.params}
    consts = dict(constants)
    for lam in fv.requires:
        # The lambda's own parameter names are the function's (by name).
        _conjuncts(lam.body, params, out, consts)
    for s in fv.prelude:  # an assert bounds the parameters the prelude has not rebound
        if isinstance(s, A.Assert):
            _conjuncts(s.test, params, out, consts)
        else:
            params = params - _assigned(s)
    return out


def _assigned(s) -> set[str]:
    """The names an assignment of the prelude binds (its targets are names or tuples of them)."""
    targets = s.targets if isinstance(s, A.Assign) else (s.target,)
    out: set[str] = set()
    while targets:
        t, *rest = targets
        targets = (*rest, *t.elts) if isinstance(t, (A.TupleExpr, A.ListExpr)) else tuple(rest)
        if isinstance(t, A.Name):
            out.add(t.id)
    return out


def _conjuncts(e, params, out, consts) -> None:
    if isinstance(e, A.BoolOp) and e.op == "and":
        for v in e.values:
            _conjuncts(v, params, out, consts)
    elif _all_items(e, params):
        gen = e.args[0].generators[0]
        var, name = gen.target.id, gen.iter.id
        inner: dict[str, Bounds] = {}
        elt = e.args[0].elt
        if (
            isinstance(elt, A.Compare) and elt.ops == ("in",) and isinstance(elt.left, A.Name) and elt.left.id == var
            and isinstance(elt.comparators[0], A.Constant) and isinstance(elt.comparators[0].value, str)
        ):
            # Over a string, `c in "0123456789"`: every character is one of these.
            inner[var] = Bounds(choices=tuple(dict.fromkeys(elt.comparators[0].value)))
        _conjuncts(elt, {var}, inner, consts)
        if var in inner:
            out[name] = replace(out.get(name, Bounds()), item=inner[var])
    elif (
        isinstance(e, A.Compare) and len(e.ops) == 1 and e.ops[0] == "in"
        and isinstance(e.left, A.Name) and e.left.id in params
    ):
        values = _literals(e.comparators[0], consts)
        if values:
            b = out.get(e.left.id, Bounds())
            keep = values if b.choices is None else tuple(v for v in b.choices if v in values)
            out[e.left.id] = replace(b, choices=keep)
    elif isinstance(e, A.Compare):
        terms = (e.left, *e.comparators)
        for left, op, right in zip(terms, e.ops, terms[1:]):
            _one(left, op, right, params, out)


def _all_items(e, params) -> bool:
    """``all(COND for x in p)`` with one plain ``for`` over a parameter."""
    if not (isinstance(e, A.Call) and isinstance(e.func, A.Name) and e.func.id == "all" and len(e.args) == 1 and not e.keywords):
        return False
    g = e.args[0]
    if not isinstance(g, (A.GeneratorExp, A.ListComp)) or len(g.generators) != 1:
        return False
    gen = g.generators[0]
    return not gen.ifs and isinstance(gen.target, A.Name) and isinstance(gen.iter, A.Name) and gen.iter.id in params


_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "=="}


def _one(left, op, right, params, out) -> None:
    if op not in _FLIP:
        return
    if _relative(left, op, right, params, out) or _relative(right, _FLIP[op], left, params, out):
        return
    lv, rv = _int(left), _int(right)
    if lv is not None and rv is None:
        left, right, op, rv = right, left, _FLIP[op], lv
    elif rv is None:
        return
    target = _subject(left, params)
    if target is None:
        return
    name, is_len = target
    b = out.get(name, Bounds())
    lo_key, hi_key = ("min_len", "max_len") if is_len else ("lo", "hi")
    lo, hi = None, None
    if op == ">":
        lo = rv + 1
    elif op == ">=":
        lo = rv
    elif op == "<":
        hi = rv - 1
    elif op == "<=":
        hi = rv
    elif op == "==":
        lo = hi = rv
    if lo is not None:
        cur = getattr(b, lo_key)
        b = replace(b, **{lo_key: lo if cur is None else max(cur, lo)})
    if hi is not None:
        cur = getattr(b, hi_key)
        b = replace(b, **{hi_key: hi if cur is None else min(cur, hi)})
    out[name] = b


def _relative(left, op, right, params, out) -> bool:
    """``i < len(xs)`` (also ``<= len(xs) - 1``) and ``len(xs) == len(ys)``."""
    subject = _subject(left, params)
    other = _len_plus(right, params)
    if subject is None or other is None:
        return False
    name, is_len = subject
    other_name, offset = other
    if other_name == name:
        return False
    b = out.get(name, Bounds())
    if is_len:
        if op == "==" and offset == 0 and b.same_len_as is None and out.get(other_name, Bounds()).same_len_as != name:
            out[name] = replace(b, same_len_as=other_name)
            return True
        return False
    if out.get(other_name, Bounds()).dependent and name in out.get(other_name, Bounds()).dependent:
        return False
    out[name] = replace(b, rel=b.rel + ((op, other_name, offset),))
    return True


def _len_plus(e, params):
    """``len(p)``, ``len(p) - c`` or ``len(p) + c``: (p, offset)."""
    sub = _subject(e, params)
    if sub is not None and sub[1]:
        return sub[0], 0
    if isinstance(e, A.BinOp) and e.op in ("+", "-"):
        sub = _subject(e.left, params)
        c = _int(e.right)
        if sub is not None and sub[1] and c is not None:
            return sub[0], c if e.op == "+" else -c
    return None


def _literals(e, consts) -> tuple | None:
    """The literal elements (or keys) of a display, or of a constant bound to one."""
    if isinstance(e, A.Name) and e.id in consts:
        e = consts[e.id]
    elts = e.keys if isinstance(e, A.DictExpr) else getattr(e, "elts", None) if isinstance(e, (A.ListExpr, A.TupleExpr, A.SetExpr)) else None
    if not elts:
        return None
    out = []
    for x in elts:
        if not isinstance(x, A.Constant) or isinstance(x.value, float) or x.value is None or x.value is Ellipsis:
            return None
        if x.value not in out:
            out.append(x.value)
    return tuple(out)


def _int(e) -> int | None:
    if isinstance(e, A.Constant) and type(e.value) is int:
        return e.value
    if isinstance(e, A.UnaryOp) and e.op == "-" and isinstance(e.operand, A.Constant) and type(e.operand.value) is int:
        return -e.operand.value
    return None


def _subject(e, params):
    if isinstance(e, A.Name) and e.id in params:
        return e.id, False
    if (
        isinstance(e, A.Call)
        and isinstance(e.func, A.Name)
        and e.func.id == "len"
        and len(e.args) == 1
        and isinstance(e.args[0], A.Name)
        and e.args[0].id in params
    ):
        return e.args[0].id, True
    return None
