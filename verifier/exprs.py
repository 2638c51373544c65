"""Expressions of the Z3 encoding (a mixin of the encoder in :mod:`.encode`).

Each ``e_<Node>`` method turns one syntax-tree expression into a symbolic value; operations
that can fault record a site through ``self.fault`` first.
"""

from __future__ import annotations

import z3

from seglam.syntax import ast as A
from seglam.syntax.span import Span
from seglam.verifier import decimals as D
from seglam.verifier import dicts
from seglam.verifier.calls import call
from seglam.verifier.logic import and_, false, past_end, true
from seglam.verifier.terms import is_false
from seglam.verifier.symbolic import (
    NONE, SClass, SDict, SEnum, SLambda, SList, SNone, SOpt, SRange, SRecord, STuple, Unsupported,
    as_arith, eq, is_bool, is_int, is_real, is_str, ite, string_val, truthy,
)


#: A constant ``**`` is folded while its result has at most this many bits (the runner's
#: ``max_int_bits``): ``10**12`` is a bound models write; ``10**10**9`` stays outside.
MAX_FOLDED_BITS = 4096


def fold_power(x, y):
    """``x ** y`` as one int constant when both are int constants, the exponent is not
    negative (that is a float) and the result is small enough; else None."""
    if not (is_int(x) and is_int(y)):
        return None
    bx, by = z3.simplify(x), z3.simplify(y)
    if not (z3.is_int_value(bx) and z3.is_int_value(by)):
        return None
    base, n = bx.as_long(), by.as_long()
    if n < 0 or n * max(abs(base).bit_length() - 1, 0) > MAX_FOLDED_BITS:  # a lower bound of the result's bits
        return None
    value = base**n
    return z3.IntVal(value) if value.bit_length() <= MAX_FOLDED_BITS else None


class Expressions:
    """Expression methods; the encoder supplies the state (``env``, ``alive``, ``view`` ...)."""

    def e_Constant(self, e: A.Constant):
        v = e.value
        if v is None:
            return NONE
        if isinstance(v, bool):
            return z3.BoolVal(v)
        if isinstance(v, int):
            return z3.IntVal(v)
        if isinstance(v, str):
            return string_val(v, e.span)
        raise Unsupported(f"{type(v).__name__} literals", e.span)

    def e_Name(self, e: A.Name):
        return self.lookup(e.id, e.span)

    def e_NamedExpr(self, e: A.NamedExpr):
        v = self.expr(e.value)
        self.assign(e.target.id, v, e.span)
        return v

    def e_TupleExpr(self, e: A.TupleExpr):
        if any(isinstance(x, A.Starred) for x in e.elts):
            raise Unsupported("starred items", e.span)
        return STuple(tuple(self.expr(x) for x in e.elts))

    def e_ListExpr(self, e: A.ListExpr):
        if any(isinstance(x, A.Starred) for x in e.elts):
            raise Unsupported("starred items", e.span)
        items = [self.expr(x) for x in e.elts]
        return self.new_list(z3.IntVal(len(items)), items)

    def e_IfExp(self, e: A.IfExp):
        c = truthy(self.expr(e.test), e.test.span)
        a = self.guarded(c, lambda: self.expr(e.body))
        b = self.guarded(z3.Not(c), lambda: self.expr(e.orelse))
        return ite(c, a, b, e.span)

    def e_BoolOp(self, e: A.BoolOp):
        v = self.expr(e.values[0])
        for nxt in e.values[1:]:
            t = truthy(v, e.span)
            if e.op == "and":
                w = self.guarded(t, lambda n=nxt: self.expr(n))
                v = ite(t, w, v, e.span)
            else:
                w = self.guarded(z3.Not(t), lambda n=nxt: self.expr(n))
                v = ite(t, v, w, e.span)
        return v

    def e_UnaryOp(self, e: A.UnaryOp):
        v = self.expr(e.operand)
        if e.op == "not":
            return z3.Not(truthy(v, e.span))
        if e.op == "-":
            x = -as_arith(self.val(v, e.span), e.span)
            return self.decimal_round(x) if is_real(x) else x
        if e.op == "+":
            return as_arith(self.val(v, e.span), e.span)
        raise Unsupported(f"the unary operator {e.op}", e.span)

    def e_BinOp(self, e: A.BinOp):
        return self.binop(e.op, self.val(self.expr(e.left), e.left.span), self.val(self.expr(e.right), e.right.span), e.span)

    def val(self, v, span: Span):
        """``v`` where a value is required: a ``T | None`` must not be None here (F-NONE)."""
        if isinstance(v, SOpt):
            self.fault("F-NONE", span, z3.Not(v.present), "no None unwrap")
            return v.value
        if isinstance(v, SNone):
            self.fault("F-NONE", span, true(), "no None unwrap")
            raise Unsupported("a value that is always None", span)
        return v

    def binop(self, op: str, a, b, span: Span):
        if is_str(a) and is_str(b):
            if op == "+":
                return z3.Concat(a, b)
            raise Unsupported(f"the string operator {op}", span)
        if isinstance(a, SList) and isinstance(b, SList):
            if op == "+":
                return self.concat(a, b)
            raise Unsupported(f"the list operator {op}", span)
        if isinstance(a, STuple) and isinstance(b, STuple) and op == "+":
            return STuple(a.items + b.items)
        x, y = as_arith(a, span), as_arith(b, span)
        if x.sort() != y.sort():
            x = z3.ToReal(x) if is_int(x) else x
            y = z3.ToReal(y) if is_int(y) else y
        real = is_real(x)
        if op in ("+", "-", "*"):
            exact = x + y if op == "+" else x - y if op == "-" else x * y
            return self.decimal_round(exact) if real else exact
        if op in ("//", "%"):
            if real:
                raise Unsupported(f"Decimal {op} (it truncates toward zero)", span)
            self.fault("F-ZERO-DIV", span, y == 0, "no division by zero")
            q = z3.If(y > 0, x / y, (-x) / (-y))
            return q if op == "//" else x - y * q
        if op == "/":
            if not real:
                raise Unsupported("int / int (it gives a float)", span)
            self.fault("F-ZERO-DIV", span, y == 0, "no division by zero")
            return self.decimal_round(x / y)
        if op == "**":
            folded = fold_power(x, y)
            if folded is not None:
                return folded
            if is_int(x) and z3.is_int_value(z3.simplify(y)):
                n = z3.simplify(y).as_long()
                if 0 <= n <= 8:
                    out = z3.IntVal(1)
                    for _ in range(n):
                        out = out * x
                    return out
            raise Unsupported("** with a non-constant or large exponent", span)
        raise Unsupported(f"the operator {op}", span)

    def decimal_round(self, exact):
        """A Decimal operation's result: ``exact`` rounded to 28 digits (see :mod:`.decimals`)."""
        self.notes.add(D.NOTE)
        return D.rounded(exact, self.inputs.constraints, self.decimal_seen)

    def concat(self, a: SList, b: SList) -> SList:
        items = []
        for k in range(len(a.items) + len(b.items)):
            from_b = self.select(b, z3.IntVal(k) - a.length, None) if b.items else None
            if k < len(a.items):
                items.append(a.items[k] if from_b is None else ite(z3.IntVal(k) < a.length, a.items[k], from_b))
            else:
                items.append(from_b)
        return self.new_list(a.length + b.length, items)

    def e_Compare(self, e: A.Compare):
        left = self.expr(e.left)
        out = true()
        for op, comp in zip(e.ops, e.comparators):
            right = self.expr(comp)
            out = and_(out, self.compare(op, left, right, e.span))
            left = right
        return out

    def compare(self, op: str, a, b, span: Span):
        if op in ("==", "is"):
            return eq(a, b, span)
        if op in ("!=", "is not"):
            return z3.Not(eq(a, b, span))
        if op in ("in", "not in"):
            r = self.contains(self.val(b, span), a, span)
            return r if op == "in" else z3.Not(r)
        a, b = self.val(a, span), self.val(b, span)
        if isinstance(a, STuple) and isinstance(b, STuple):
            return self.tuple_order(op, a.items, b.items, span)
        if is_str(a) and is_str(b):
            raise Unsupported("string ordering", span)
        x, y = as_arith(a, span), as_arith(b, span)
        if x.sort() != y.sort():
            x = z3.ToReal(x) if is_int(x) else x
            y = z3.ToReal(y) if is_int(y) else y
        return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]

    def tuple_order(self, op, xs, ys, span):
        if not xs or not ys:
            return z3.BoolVal({"<": len(xs) < len(ys), "<=": len(xs) <= len(ys), ">": len(xs) > len(ys), ">=": len(xs) >= len(ys)}[op])
        head_eq = eq(xs[0], ys[0], span)
        return z3.If(head_eq, self.tuple_order(op, xs[1:], ys[1:], span), self.compare(op[0], xs[0], ys[0], span))

    def contains(self, container, item, span: Span):
        if is_str(container) and is_str(item):
            return z3.Contains(container, item)
        if isinstance(container, SDict):
            return dicts.find(container, item, span)[0]
        if isinstance(container, SRange):
            if container.step != 1:
                raise Unsupported("in range(...) with a step", span)
            return z3.And(container.start <= item, item < container.stop)
        if isinstance(container, STuple):
            return z3.Or(*[eq(item, x, span) for x in container.items]) if container.items else false()
        if isinstance(container, SList):
            parts = [and_(k < container.length, eq(item, x, span)) for k, x in enumerate(container.items)]
            return z3.Or(*parts) if parts else false()
        raise Unsupported(f"`in` on {type(container).__name__}", span)

    def e_Attribute(self, e: A.Attribute):
        base = self.expr(e.value)
        if isinstance(base, SRecord):
            return base.get(e.attr, e.span)
        if isinstance(base, SOpt):
            self.fault("F-NONE", e.span, z3.Not(base.present), "no None unwrap")
            return self.expr_attr(base.value, e)
        if isinstance(base, SNone):
            self.fault("F-NONE", e.span, true(), "no None unwrap")
            raise Unsupported("attribute of None", e.span)
        return self.expr_attr(base, e)

    def expr_attr(self, base, e: A.Attribute):
        if isinstance(base, SRecord):
            return base.get(e.attr, e.span)
        if isinstance(base, SClass) and base.name in self.view.enums:
            members = tuple(self.view.enums[base.name].members)
            names = [m[0] for m in members]
            if e.attr in names:
                return SEnum(base.name, z3.IntVal(names.index(e.attr)), members)
        if isinstance(base, SEnum):
            if e.attr == "name":
                return self._enum_table(base, [z3.StringVal(m[0]) for m in base.members], e.span)
            if e.attr == "value":
                vals = []
                for _, v in base.members:
                    if isinstance(v, bool) or not isinstance(v, (int, str)):
                        raise Unsupported("enum values that are not int or str", e.span)
                    vals.append(z3.IntVal(v) if isinstance(v, int) else z3.StringVal(v))
                return self._enum_table(base, vals, e.span)
        raise Unsupported(f"the attribute .{e.attr}", e.span)

    def _enum_table(self, v: SEnum, values, span):
        out = values[0]
        for k in range(1, len(values)):
            out = ite(v.index == k, values[k], out, span)
        return out

    def e_Subscript(self, e: A.Subscript):
        base = self.expr(e.value)
        if isinstance(base, SOpt):
            self.fault("F-NONE", e.span, z3.Not(base.present), "no None unwrap")
            base = base.value
        if isinstance(e.index, A.Slice):
            return self.slice(base, e.index, e.span)
        if isinstance(base, SDict):
            return dicts.getitem(self, base, self.expr(e.index), e.span)
        i = self.expr(e.index)
        if isinstance(base, STuple):
            iv = z3.simplify(as_arith(i, e.span))
            if not z3.is_int_value(iv):
                raise Unsupported("a tuple indexed by a non-constant", e.span)
            k = iv.as_long()
            if not -len(base.items) <= k < len(base.items):
                self.fault("F-INDEX", e.span, true(), "index in range")
                raise Unsupported("a tuple index out of range", e.span)
            return base.items[k]
        if not is_int(i):
            raise Unsupported("a subscript that is not an int index", e.span)
        if is_str(base):
            n = z3.Length(base)
            self.fault("F-INDEX", e.span, z3.Or(i >= n, i < -n), "index in range")
            return z3.SubString(base, z3.If(i < 0, i + n, i), 1)
        if isinstance(base, SRange):
            base = self.as_list(base, e.span)
        if isinstance(base, SList):
            return self.index(base, i, e.span)
        raise Unsupported(f"subscript of {type(base).__name__}", e.span)

    def slice(self, base, sl: A.Slice, span: Span):
        if sl.step is not None:
            raise Unsupported("slices with a step", span)
        if is_str(base):
            n = z3.Length(base)
        elif isinstance(base, SList):
            n = base.length
        else:
            raise Unsupported(f"slicing {type(base).__name__}", span)

        def clamp(x, default):
            if x is None:
                return default
            v = as_arith(self.expr(x), span)
            return z3.If(v < 0, z3.If(v + n < 0, 0, v + n), z3.If(v > n, n, v))

        lo, hi = clamp(sl.lower, z3.IntVal(0)), clamp(sl.upper, n)
        size = z3.If(hi > lo, hi - lo, 0)
        if is_str(base):
            return z3.SubString(base, lo, size)
        items = [self.select(base, lo + k, span) for k in range(len(base.items))]
        return self.new_list(size, items)

    def e_DictExpr(self, e: A.DictExpr):
        return dicts.literal(self, e)

    def e_DictComp(self, e: A.DictComp):
        return self.comprehension((e.key, e.value), e.generators, e.span, as_dict=True)

    def e_SetExpr(self, e: A.SetExpr):
        return dicts.set_literal(self, e)

    def e_SetComp(self, e: A.SetComp):
        return self.comprehension((e.elt, None), e.generators, e.span, as_dict=True, is_set=True)

    def e_ListComp(self, e: A.ListComp):
        return self.comprehension(e.elt, e.generators, e.span)

    def e_GeneratorExp(self, e: A.GeneratorExp):
        return self.comprehension(e.elt, e.generators, e.span)

    def comprehension(self, elt, gens, span: Span, as_dict: bool = False, is_set: bool = False):
        out = [dicts.empty(self, is_set) if as_dict else self.new_list(z3.IntVal(0), [])]
        saved_env = dict(self.env)
        saved_alive = self.alive

        def run(level: int) -> None:
            if level == len(gens):
                if as_dict:
                    k = self.expr(elt[0])
                    v = NONE if elt[1] is None else self.expr(elt[1])
                    out[0] = dicts.store(out[0], k, v, self.alive, span)
                else:
                    out[0] = self.append(out[0], self.expr(elt), self.alive)
                return
            g = gens[level]
            it = self.expr(g.iter)
            if isinstance(it, SRange):
                count = self.range_count(it)
                cap, length = self.K, count
                get = lambda k: it.start + k * it.step  # noqa: E731
                self.bound_loop(and_(self.alive, count > self.K), g.span)
            else:
                lst = self.as_list(it, g.iter.span)
                cap, length = len(lst.items), lst.length
                get = lambda k: lst.items[k]  # noqa: E731
            head = self.alive
            self.iterating.append(getattr(it, "ident", 0))
            ended = past_end(length, self.ends) if cap else None
            for k in range(cap):
                self.alive = and_(head, k < length)
                if is_false(head) or ended(k):
                    break
                self.target(g.target, get(k), g.span)
                for cond in g.ifs:
                    self.alive = and_(self.alive, truthy(self.expr(cond), cond.span))
                run(level + 1)
            self.iterating.pop()
            self.alive = head

        run(0)
        self.env = saved_env
        self.alive = saved_alive
        return out[0]

    def e_JoinedStr(self, e: A.JoinedStr):
        out = z3.StringVal("")
        for part in e.values:
            if isinstance(part, str):
                out = z3.Concat(out, string_val(part, e.span))
            else:
                if part.conversion is not None or part.format_spec is not None:
                    raise Unsupported("f-string conversions and format specs", e.span)
                out = z3.Concat(out, self.to_str(self.expr(part.value), e.span))
        return out

    def to_str(self, v, span):
        if is_str(v):
            return v
        if is_int(v):
            return z3.If(v >= 0, z3.IntToStr(v), z3.Concat(z3.StringVal("-"), z3.IntToStr(-v)))
        if is_bool(v):
            return z3.If(v, z3.StringVal("True"), z3.StringVal("False"))
        raise Unsupported("str() of this type", span)

    def e_Lambda(self, e: A.Lambda):
        return SLambda(e, tuple(self.env.items()))

    def e_Call(self, e: A.Call):
        return call(self, e)
