"""``match`` statements: pattern typing, narrowing in case bodies, and exhaustiveness.

Exhaustiveness works on *atoms*: each enum member, ``True``/``False``, ``None``, each record
type, and every other type as a whole. A case without a guard removes the atoms its pattern
covers; what is left when the cases run out falls through (and is E-MATCH when the subject is
an enum, bool, optional or union of records and nothing catches the rest).
"""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.attributes import receiver_kind
from seglam.check.binding import bind_name
from seglam.check.context import Context
from seglam.check.env import State, merge_all
from seglam.check.names import path_of
from seglam.check.narrowing import class_predicates, cond
from seglam.check.scope import pattern_names
from seglam.check.signatures import table
from seglam.check.stmts import block
from seglam.check.typeops import as_dict, can_be_equal, is_bottom, join
from seglam.check.values import value
from seglam.syntax import ast


ALL = "all"


def atoms(ty: t.Type, enums) -> list[tuple]:
    out: list[tuple] = []
    for o in t.options(ty):
        if isinstance(o, t.EnumType) and o.name in enums:
            out.extend(("enum", o.name, m) for m in enums[o.name].member_names)
        elif o == t.BOOL:
            out.extend([("bool", True), ("bool", False)])
        elif o == t.NONE:
            out.append(("none",))
        elif isinstance(o, t.RecordType):
            out.append(("record", o.name))
        else:
            out.append(("type", o))
    return out


def atom_type(atom: tuple) -> t.Type:
    kind = atom[0]
    if kind == "enum":
        return t.EnumType(atom[1])
    if kind == "bool":
        return t.BOOL
    if kind == "none":
        return t.NONE
    if kind == "record":
        return t.RecordType(atom[1])
    return atom[1]


def atom_text(atom: tuple) -> str:
    kind = atom[0]
    if kind == "enum":
        return f"{atom[1]}.{atom[2]}"
    if kind == "bool":
        return str(atom[1])
    if kind == "none":
        return "None"
    if kind == "record":
        return f"{atom[1]}()"
    return atom[1].render()


def _s_Match(cx: Context, node: ast.Match, st: State):
    subject = value(cx, node.subject, st)
    path = path_of(cx, node.subject)
    remaining = atoms(subject, cx.env.enums) if not is_bottom(subject) else []
    ends = []
    lengths: dict = {}   # list atom -> (exact lengths covered, least `*` length covered)
    caught_all = is_bottom(subject)
    for i, case in enumerate(node.cases):
        names = pattern_names(case.pattern)
        dup = next((n for n in names if names.count(n) > 1), None)
        if dup is not None:
            cx.report.error("E-SYNTAX", f"multiple assignments to name `{dup}` in pattern", case.pattern.span,
                            "use a different name for each captured value")
        if i < len(node.cases) - 1 and case.guard is None and _irrefutable(case.pattern):
            name = _capture_name(case.pattern)
            what = f"name capture `{name}`" if name else "wildcard"
            cx.report.error("E-SYNTAX", f"{what} makes remaining patterns unreachable", case.pattern.span,
                            "a bare name in a case captures the value; to compare with a constant use a "
                            "dotted name (`Color.RED`) or a literal" if name else "move `case _:` last")
        case_st = st.copy()
        current = t.union(*[atom_type(a) for a in remaining]) if remaining else (subject if caught_all else t.NEVER)
        if is_bottom(subject):
            current = subject
        narrowed, covered = pattern(cx, case.pattern, current, case_st)
        if path is not None and (path in case_st.vars or "." in path) and not is_bottom(narrowed):
            case_st.vars[path] = narrowed
        if case.guard is not None:
            yes, _ = cond(cx, case.guard, case_st)
            case_st = yes if yes is not None else case_st
        ends.append(block(cx, case.body, case_st))
        if case.guard is None:
            if covered == ALL:
                remaining = []
                caught_all = True
            else:
                remaining = [a for a in remaining if a not in covered]
                remaining = [a for a in remaining if not _lengths_covered(a, covered, lengths)]
    if remaining and not caught_all:
        finite = all(a[0] != "type" for a in atoms(subject, cx.env.enums))
        optional = t.NONE in t.options(subject) and len(t.options(subject)) > 1
        if finite or optional:
            missing = ", ".join(atom_text(a) for a in remaining[:6])
            first = remaining[0]
            example = (f"case {atom_text(first)}:" if first[0] in ("enum", "bool", "none")
                       else f"case {first[1]}():" if first[0] == "record" else "case _:")
            cx.report.error("E-MATCH", f"this match on `{subject.render()}` does not cover {missing}",
                            node.subject.span, f"add `{example}`, or a final `case _:`")
            # Reported once here: the missing cases do not also make the function E-RETURN.
            return merge_all(ends)
        fall = st.copy()
        if path is not None and (path in fall.vars or "." in path):
            fall.vars[path] = t.union(*[atom_type(a) for a in remaining])
        ends.append(fall)
    elif not remaining and not caught_all and not node.cases:
        ends.append(st)
    return merge_all(ends)


def pattern(cx: Context, p, ty: t.Type, st: State):
    """(type the subject has when ``p`` matches, atoms ``p`` covers or ALL); binds captures."""
    narrowed, covered = _PATTERNS[type(p)](cx, p, ty, st)
    cx.types[id(p)] = narrowed
    return narrowed, covered


def _capture(cx: Context, name: str, ty: t.Type, st: State, node) -> None:
    if cx.fn.kind != "function":
        cx.report.error("E-SYNTAX", "match is only allowed inside functions", node.span)
        return
    bind_name(cx, name, ty, st, node, None)


def _p_MatchAs(cx: Context, p: ast.MatchAs, ty, st):
    if p.pattern is None:
        if p.name is not None:
            _capture(cx, p.name, ty, st, p)
        return ty, ALL
    narrowed, covered = pattern(cx, p.pattern, ty, st)
    if p.name is not None:
        _capture(cx, p.name, narrowed, st, p)
    return narrowed, covered


def _p_MatchSingleton(cx: Context, p: ast.MatchSingleton, ty, st):
    if p.value is None:
        if not is_bottom(ty) and t.NONE not in t.options(ty):
            _never(cx, p, ty)
        return t.NONE, {("none",)}
    if not is_bottom(ty) and t.BOOL not in t.options(ty) and t.INT not in t.options(ty):
        _never(cx, p, ty)
    return t.BOOL, {("bool", p.value)}


def _never(cx: Context, p, ty: t.Type) -> None:
    cx.report.error("E-TYPE", f"this pattern can never match a `{ty.render()}`", p.span)


def _p_MatchValue(cx: Context, p: ast.MatchValue, ty, st):
    vt = value(cx, p.value, st)
    if isinstance(vt, t.EnumType) and isinstance(p.value, ast.Attribute):
        if not is_bottom(ty) and vt not in t.options(ty):
            _never(cx, p, ty)
        return vt, {("enum", vt.name, p.value.attr)}
    if is_bottom(ty) or is_bottom(vt):
        return ty, set()

    keep = [o for o in t.options(ty) if can_be_equal(o, vt)]
    if not keep:
        _never(cx, p, ty)
        return t.ERROR, set()
    return t.union(*keep), set()


def _p_MatchOr(cx: Context, p: ast.MatchOr, ty, st):
    names = [sorted(set(pattern_names(alt))) for alt in p.patterns]
    if any(n != names[0] for n in names):
        cx.report.error("E-SYNTAX", "alternative patterns bind different names", p.span)
    types = []
    covered: set | str = set()
    for alt in p.patterns:
        n, c = pattern(cx, alt, ty, st)
        types.append(n)
        if c == ALL or covered == ALL:
            covered = ALL
        else:
            covered = covered | c
    # A name bound in several alternatives has the union of their types.
    return t.union(*types), covered


def _p_MatchStar(cx: Context, p: ast.MatchStar, ty, st):
    cx.report.error("E-SYNTAX", "a starred pattern is only allowed inside a sequence pattern", p.span)
    return t.ERROR, set()


def _p_MatchSequence(cx: Context, p: ast.MatchSequence, ty, st):
    subs = p.patterns
    star = next((i for i, s in enumerate(subs) if isinstance(s, ast.MatchStar)), None)
    fixed = len(subs) - (1 if star is not None else 0)
    matches: list[t.Type] = []
    elem_types: list[t.Type] | None = None
    if is_bottom(ty):
        elem_types = [ty] * len(subs)
    for o in t.options(ty) if not is_bottom(ty) else ():
        if isinstance(o, t.ListType) or (isinstance(o, t.TupleType) and o.variadic):
            e = o.elem if isinstance(o, t.ListType) else o.elems[0]
            matches.append(o)
            elem_types = _join_lists(elem_types, [t.ListType(e) if i == star else e for i in range(len(subs))])
        elif isinstance(o, t.TupleType):
            n = len(o.elems)
            if (star is None and n == fixed) or (star is not None and n >= fixed):
                matches.append(o)
                if star is None:
                    parts = list(o.elems)
                else:
                    after = len(subs) - star - 1
                    middle = o.elems[star:n - after]
                    parts = list(o.elems[:star]) + [t.ListType(t.union(*middle) if middle else t.NEVER)] + list(o.elems[n - after:])
                elem_types = _join_lists(elem_types, parts)
    if elem_types is None:
        _never(cx, p, ty)
        elem_types = [t.ERROR] * len(subs)
    all_irrefutable = True
    for sub, et in zip(subs, elem_types):
        if isinstance(sub, ast.MatchStar):
            if sub.name is not None:
                _capture(cx, sub.name, et, st, sub)
            cx.types[id(sub)] = et
            continue
        _, c = pattern(cx, sub, et, st)
        if c != ALL:
            all_irrefutable = False
    narrowed = t.union(*matches) if matches else (ty if is_bottom(ty) else t.ERROR)
    covered: set = set()
    if all_irrefutable:
        for o in matches:
            if isinstance(o, t.TupleType) and not o.variadic:
                covered.add(("type", o))
            elif star is not None and fixed == 0:
                covered.add(("type", o))
            elif star is None:
                covered.add(("len", ("type", o), fixed))      # exactly this many items
            else:
                covered.add(("lenmin", ("type", o), fixed))   # at least this many items
    return narrowed, covered


def _p_MatchMapping(cx: Context, p: ast.MatchMapping, ty, st):
    d = None
    for o in t.options(ty):
        d = as_dict(o) or d
    if d is None and not is_bottom(ty):
        _never(cx, p, ty)
    key_t = d.key if d else t.ERROR
    val_t = d.value if d else t.ERROR
    for k, sub in zip(p.keys, p.patterns):
        if isinstance(k, ast.Name):
            cx.report.error("E-SYNTAX", "a mapping pattern key must be a literal or a dotted name", k.span,
                            f"write the key as a string: `\"{k.id}\"`")
            cx.types[id(k)] = t.ERROR
        else:
            value(cx, k, st)
        pattern(cx, sub, val_t, st)
    if p.rest is not None:
        _capture(cx, p.rest, t.DictType(key_t, val_t) if d else t.ERROR, st, p)
    return (d if d is not None else ty), set()


def _p_MatchClass(cx: Context, p: ast.MatchClass, ty, st):
    cls = cx.expr(p.cls, st)
    subs_ok = True
    if isinstance(cls, t.ClassRefType) and isinstance(cls.target, t.RecordType):
        rec = cls.target
        info = cx.env.records[rec.name]
        if not is_bottom(ty) and rec not in t.options(ty):
            _never(cx, p, ty)
        if len(p.patterns) > len(info.fields):
            cx.report.error("E-ARGS", f"`{rec.name}` has only {len(info.fields)} field(s) to match by position", p.span)
        for sub, f in zip(p.patterns, info.fields):
            _, c = pattern(cx, sub, f.type, st)
            subs_ok = subs_ok and c == ALL
        for attr, sub in zip(p.kwd_attrs, p.kwd_patterns):
            f = info.field(attr)
            if f is None:
                cx.report.error("E-ATTR", f"record `{rec.name}` has no field `{attr}`", sub.span)
                pattern(cx, sub, t.ERROR, st)
                continue   # reported: it still counts as covering (no E-MATCH cascade)
            _, c = pattern(cx, sub, f.type, st)
            subs_ok = subs_ok and c == ALL
        return rec, ({("record", rec.name)} if subs_ok else set())
    preds = class_predicates(cx, p.cls) if not is_bottom(cls) else None
    if preds is None:
        if not is_bottom(cls):
            cx.report.error("E-TYPE", "a class pattern needs a record or a builtin type such as `int()`", p.cls.span)
        for sub in p.patterns + p.kwd_patterns:
            pattern(cx, sub, t.ERROR, st)
        return t.ERROR, set()
    keep = [o for o in t.options(ty) if any(pr(o) for pr in preds)] if not is_bottom(ty) else [ty]
    if not keep:
        _never(cx, p, ty)
        keep = [t.ERROR]
    narrowed = t.union(*keep)
    if len(p.patterns) > 1:
        cx.report.error("E-TYPE", "a builtin class pattern takes at most one positional pattern", p.span,
                        "match its attributes by keyword: `case date(year=y, month=m):`")
    for sub in p.patterns[:1]:
        _, c = pattern(cx, sub, narrowed, st)
        subs_ok = subs_ok and c == ALL
    for sub in p.patterns[1:]:
        pattern(cx, sub, t.ERROR, st)  # reported: its names are still bound (no E-NAME cascade)
    for attr, sub in zip(p.kwd_attrs, p.kwd_patterns):
        at = _data_attribute(narrowed, attr)
        if at is None:
            cx.report.error("E-ATTR", f"`{narrowed.render()}` has no attribute `{attr}` to match", sub.span,
                            "a keyword pattern reads a data attribute, such as a date's `year`, `month`, `day`")
            at = t.ERROR
        _, c = pattern(cx, sub, at, st)
        subs_ok = subs_ok and c == ALL
    covered = set()
    if subs_ok and not is_bottom(ty):
        covered = set(atoms(narrowed, cx.env.enums))
    return narrowed, covered


def _data_attribute(ty: t.Type, attr: str) -> t.Type | None:
    """The type of data attribute ``attr`` (not a method) of every option of ``ty``
    (``date(year=y)`` reads ``d.year``), or None when one option has no such attribute."""
    found = []
    for o in t.options(ty):
        if is_bottom(o):
            found.append(o)
            continue
        got = table().attributes.get(receiver_kind(o) or "", {}).get(attr)
        if got is None:
            return None
        found.append(got)
    return t.union(*found) if found else None


def _join_lists(a, b):
    if a is None:
        return b
    return [join(x, y) for x, y in zip(a, b)]


def _irrefutable(p) -> bool:
    if isinstance(p, ast.MatchAs):
        return p.pattern is None or _irrefutable(p.pattern)
    if isinstance(p, ast.MatchOr):
        return any(_irrefutable(a) for a in p.patterns)
    return False


def _capture_name(p) -> str | None:
    if isinstance(p, ast.MatchAs):
        return p.name if p.pattern is None else _capture_name(p.pattern) or p.name
    if isinstance(p, ast.MatchOr):
        return next((_capture_name(a) for a in p.patterns if _irrefutable(a)), None)
    return None


def _lengths_covered(atom, covered, lengths: dict) -> bool:
    """`case []`, `case [x]`, `case [x, *rest]` together cover every list length."""
    exact, least = lengths.get(atom, (set(), None))
    for entry in covered:
        if entry[0] == "len" and entry[1] == atom:
            exact = exact | {entry[2]}
        elif entry[0] == "lenmin" and entry[1] == atom:
            least = entry[2] if least is None else min(least, entry[2])
    lengths[atom] = (exact, least)
    return least is not None and all(n in exact for n in range(least))


#: The statement rules of this module, by node class (the checker dispatches on them).
STMT_RULES = {
    ast.Match: _s_Match,
}


_PATTERNS = {
    ast.MatchAs: _p_MatchAs,
    ast.MatchSingleton: _p_MatchSingleton,
    ast.MatchValue: _p_MatchValue,
    ast.MatchOr: _p_MatchOr,
    ast.MatchStar: _p_MatchStar,
    ast.MatchSequence: _p_MatchSequence,
    ast.MatchMapping: _p_MatchMapping,
    ast.MatchClass: _p_MatchClass,
}
