"""``match`` statements in the Z3 encoding: cases in order, captures as guarded assignments.

``self`` is the encoder (:class:`seglam.verifier.encode.Encoder`).
"""

from __future__ import annotations

import z3

from seglam.syntax import ast as A
from seglam.syntax.span import Span
from seglam.verifier.logic import and_, false, or_, true
from seglam.verifier.symbolic import NONE, SOpt, SRecord, STuple, Unsupported, eq, is_bool, truthy


def match(self, s: A.Match) -> None:
    """``match``: cases tried in order; a case's bindings are guarded like assignments."""
    subject = self.expr(s.subject)
    rest = self.alive
    after = false()
    for case in s.cases:
        self.alive = rest
        cond = pattern(self, case.pattern, subject, case.span)
        self.alive = and_(rest, cond)
        if case.guard is not None:
            g = truthy(self.expr(case.guard), case.guard.span)
            cond = and_(cond, g)
            self.alive = and_(rest, cond)
        rest = and_(rest, z3.Not(cond))
        self.block(case.body)
        after = or_(after, self.alive)
    # No case matched: a match statement falls through (the checker demands exhaustiveness).
    self.alive = or_(after, rest)

def pattern(self, p, v, span: Span):
    """The condition under which ``v`` matches ``p``; binds captures (guarded)."""
    if isinstance(p, A.MatchAs):
        cond = true() if p.pattern is None else pattern(self, p.pattern, v, span)
        if p.name is not None:
            saved = self.alive
            self.alive = and_(saved, cond)
            self.assign(p.name, v, span)
            self.alive = saved
        return cond
    if isinstance(p, A.MatchOr):
        conds = [pattern(self, q, v, span) for q in p.patterns]
        return z3.Or(*conds)
    if isinstance(p, A.MatchSingleton):
        if p.value is None:
            return eq(v, NONE, span)
        if isinstance(v, SOpt):
            return and_(v.present, v.value == z3.BoolVal(p.value)) if is_bool(v.value) else false()
        return v == z3.BoolVal(p.value) if is_bool(v) else false()
    if isinstance(p, A.MatchValue):
        w = self.expr(p.value)
        if isinstance(v, SOpt):
            return and_(v.present, eq(v.value, w, span))
        return eq(v, w, span)
    if isinstance(p, A.MatchSequence) and isinstance(v, STuple):
        if any(isinstance(q, A.MatchStar) for q in p.patterns) or len(p.patterns) != len(v.items):
            raise Unsupported("this sequence pattern", p.span)
        conds = [pattern(self, q, x, span) for q, x in zip(p.patterns, v.items)]
        return z3.And(*conds) if conds else true()
    if isinstance(p, A.MatchClass) and isinstance(p.cls, A.Name) and p.cls.id in self.view.records:
        rec = v.value if isinstance(v, SOpt) else v
        if not isinstance(rec, SRecord) or rec.name != p.cls.id:
            return false()
        conds = [v.present] if isinstance(v, SOpt) else []
        fields = [f.name for f in self.view.records[rec.name].fields]
        for q, fname in zip(p.patterns, fields):
            conds.append(pattern(self, q, rec.get(fname, span), span))
        for fname, q in zip(p.kwd_attrs, p.kwd_patterns):
            conds.append(pattern(self, q, rec.get(fname, span), span))
        return z3.And(*conds) if conds else true()
    raise Unsupported(f"the {type(p).__name__} pattern", getattr(p, "span", span))

