"""``match``/``case`` for the reference evaluator, with Python's semantics: sequence
patterns match lists and tuples (never strings), mapping patterns match dicts, class
patterns match records (``__match_args__`` order), enums and builtin types (``int(x)``
binds the subject itself); captures bind in the function scope before the guard runs."""

from __future__ import annotations

import datetime
import decimal
import enum
from typing import Any

from seglam.run import stdlib as S
from seglam.run.faults import Fault
from seglam.syntax import ast as A

#: Builtin classes whose single positional sub-pattern matches the subject itself.
_SELF_MATCHING = {
    "bool": bool, "int": int, "float": float, "str": str, "list": list, "dict": dict,
    "set": set, "tuple": tuple, "frozenset": frozenset,
}
_OTHER_CLASSES = {"decimal.Decimal": decimal.Decimal, "datetime.date": datetime.date,
                  "datetime.timedelta": datetime.timedelta}

_NO = object()


class MatchMixin:
    def st_Match(self, node: A.Match, env: Any) -> Any:
        subject = self.ev(node.subject, env)
        for case in node.cases:
            bindings: dict = {}
            if self.match_pattern(case.pattern, subject, bindings, env):
                env.vars.update(bindings)
                if case.guard is not None and not self.ev(case.guard, env):
                    continue
                return self.exec_block(case.body, env)
        return None

    def match_pattern(self, p: Any, subject: Any, bindings: dict, env: Any) -> bool:
        t = type(p)
        if t is A.MatchAs:
            if p.pattern is not None and not self.match_pattern(p.pattern, subject, bindings, env):
                return False
            if p.name is not None:
                bindings[p.name] = subject
            return True
        if t is A.MatchValue:
            return subject == self.ev(p.value, env)
        if t is A.MatchSingleton:
            return subject is p.value
        if t is A.MatchOr:
            for alt in p.patterns:
                trial: dict = {}
                if self.match_pattern(alt, subject, trial, env):
                    bindings.update(trial)
                    return True
            return False
        if t is A.MatchSequence:
            return self._match_sequence(p, subject, bindings, env)
        if t is A.MatchMapping:
            return self._match_mapping(p, subject, bindings, env)
        if t is A.MatchClass:
            return self._match_class(p, subject, bindings, env)
        raise Fault("F-VALUE", "unsupported pattern")

    def _match_sequence(self, p: A.MatchSequence, subject: Any, bindings: dict, env: Any) -> bool:
        if not isinstance(subject, (list, tuple, range)):
            return False
        pats = p.patterns
        star = next((i for i, q in enumerate(pats) if type(q) is A.MatchStar), None)
        n = len(subject)
        if star is None:
            if n != len(pats):
                return False
            return all(self.match_pattern(q, v, bindings, env) for q, v in zip(pats, subject))
        after = len(pats) - star - 1
        if n < len(pats) - 1:
            return False
        for q, v in zip(pats[:star], subject[:star]):
            if not self.match_pattern(q, v, bindings, env):
                return False
        for q, v in zip(pats[star + 1:], subject[n - after:]):
            if not self.match_pattern(q, v, bindings, env):
                return False
        if pats[star].name is not None:
            self.ctx.charge(n)
            bindings[pats[star].name] = list(subject[star:n - after])
        return True

    def _match_mapping(self, p: A.MatchMapping, subject: Any, bindings: dict, env: Any) -> bool:
        if not isinstance(subject, dict):
            return False
        keys = [self.ev(k, env) for k in p.keys]
        for key, q in zip(keys, p.patterns):
            value = subject.get(key, _NO) if not hasattr(subject, "default_factory") else (
                subject[key] if key in subject else _NO)
            if value is _NO or not self.match_pattern(q, value, bindings, env):
                return False
        if p.rest is not None:
            self.ctx.charge(len(subject))
            bindings[p.rest] = {k: v for k, v in subject.items() if k not in keys}
        return True

    def _match_class(self, p: A.MatchClass, subject: Any, bindings: dict, env: Any) -> bool:
        cls = self.ev(p.cls, env)
        if isinstance(cls, S.BoundBuiltin):
            klass = _SELF_MATCHING.get(cls.name) or _OTHER_CLASSES.get(cls.name)
            if klass is None:
                raise Fault("F-VALUE", f"{cls.name} is not a class")
            if not isinstance(subject, klass):
                return False
            if p.patterns:
                if cls.name not in _SELF_MATCHING or len(p.patterns) > 1:
                    raise Fault("F-VALUE", f"{cls.name}() accepts at most one positional sub-pattern")
                if not self.match_pattern(p.patterns[0], subject, bindings, env):
                    return False
            return self._match_keywords(p, subject, bindings, env)
        if not isinstance(cls, type) or not (S.is_record_class(cls) or issubclass(cls, enum.Enum)):
            raise Fault("F-VALUE", "called match pattern must be a class")
        if not isinstance(subject, cls):
            return False
        if p.patterns:
            names = getattr(cls, "__match_args__", ())
            if len(p.patterns) > len(names):
                raise Fault("F-VALUE", f"{cls.__name__}() accepts {len(names)} positional sub-patterns ({len(p.patterns)} given)")
            for name, q in zip(names, p.patterns):
                if not self.match_pattern(q, getattr(subject, name), bindings, env):
                    return False
        return self._match_keywords(p, subject, bindings, env)

    def _match_keywords(self, p: A.MatchClass, subject: Any, bindings: dict, env: Any) -> bool:
        for name, q in zip(p.kwd_attrs, p.kwd_patterns):
            try:
                value = S.get_attribute(self.ctx, subject, name)
            except Fault:
                return False
            if not self.match_pattern(q, value, bindings, env):
                return False
        return True
