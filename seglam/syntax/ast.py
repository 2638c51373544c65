"""The Seglam syntax tree.

Nodes are frozen dataclasses; every node has a ``span``. Names and shapes follow Python's
own ``ast`` module, so anyone who knows Python's tree knows this one. Constructs outside the
subset still parse (into :class:`Unsupported` and friends) so that the checker can explain
them with a suggested rewrite instead of a bare syntax error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from seglam.syntax.span import Span

# ---------------------------------------------------------------------------------------------
# Expressions


@dataclass(frozen=True, slots=True)
class Name:
    span: Span
    id: str


@dataclass(frozen=True, slots=True)
class Constant:
    """A literal: int, float, str, bool, None, or ``...`` (Ellipsis, only in ``tuple[T, ...]``)."""

    span: Span
    value: object


@dataclass(frozen=True, slots=True)
class FormattedValue:
    """One ``{value!conversion:format_spec}`` field of an f-string."""

    span: Span
    value: "Expr"
    conversion: str | None  # "r", "s", "a" or None
    format_spec: "JoinedStr | None"


@dataclass(frozen=True, slots=True)
class JoinedStr:
    """An f-string: literal ``str`` pieces and :class:`FormattedValue` fields."""

    span: Span
    values: tuple["str | FormattedValue", ...]


@dataclass(frozen=True, slots=True)
class BinOp:
    span: Span
    left: "Expr"
    op: str  # + - * / // % ** << >> & | ^ @
    right: "Expr"


@dataclass(frozen=True, slots=True)
class UnaryOp:
    span: Span
    op: str  # not - + ~
    operand: "Expr"


@dataclass(frozen=True, slots=True)
class BoolOp:
    span: Span
    op: str  # and or
    values: tuple["Expr", ...]


@dataclass(frozen=True, slots=True)
class Compare:
    """``a < b <= c``: ops are ``== != < <= > >= in not in is is not``."""

    span: Span
    left: "Expr"
    ops: tuple[str, ...]
    comparators: tuple["Expr", ...]


@dataclass(frozen=True, slots=True)
class IfExp:
    span: Span
    test: "Expr"
    body: "Expr"
    orelse: "Expr"


@dataclass(frozen=True, slots=True)
class Keyword:
    """``name=value`` in a call; ``name`` is None for ``**value``."""

    span: Span
    name: str | None
    value: "Expr"


@dataclass(frozen=True, slots=True)
class Starred:
    """``*value`` in a call, a display or an assignment target."""

    span: Span
    value: "Expr"


@dataclass(frozen=True, slots=True)
class Call:
    span: Span
    func: "Expr"
    args: tuple["Expr", ...]  # may contain Starred
    keywords: tuple[Keyword, ...]


@dataclass(frozen=True, slots=True)
class Attribute:
    span: Span
    value: "Expr"
    attr: str


@dataclass(frozen=True, slots=True)
class Slice:
    span: Span
    lower: "Expr | None"
    upper: "Expr | None"
    step: "Expr | None"


@dataclass(frozen=True, slots=True)
class Subscript:
    """``value[index]``; index may be a :class:`Slice` or a :class:`Tuple` (``dict[str, int]``)."""

    span: Span
    value: "Expr"
    index: "Expr"


@dataclass(frozen=True, slots=True)
class ListExpr:
    span: Span
    elts: tuple["Expr", ...]


@dataclass(frozen=True, slots=True)
class TupleExpr:
    span: Span
    elts: tuple["Expr", ...]


@dataclass(frozen=True, slots=True)
class SetExpr:
    span: Span
    elts: tuple["Expr", ...]


@dataclass(frozen=True, slots=True)
class DictExpr:
    """``{k: v, **other}``: a key of None marks a ``**value`` entry."""

    span: Span
    keys: tuple["Expr | None", ...]
    values: tuple["Expr", ...]


@dataclass(frozen=True, slots=True)
class Comprehension:
    """One ``for target in iter if cond...`` clause."""

    span: Span
    target: "Expr"
    iter: "Expr"
    ifs: tuple["Expr", ...]


@dataclass(frozen=True, slots=True)
class ListComp:
    span: Span
    elt: "Expr"
    generators: tuple[Comprehension, ...]


@dataclass(frozen=True, slots=True)
class SetComp:
    span: Span
    elt: "Expr"
    generators: tuple[Comprehension, ...]


@dataclass(frozen=True, slots=True)
class GeneratorExp:
    span: Span
    elt: "Expr"
    generators: tuple[Comprehension, ...]


@dataclass(frozen=True, slots=True)
class DictComp:
    span: Span
    key: "Expr"
    value: "Expr"
    generators: tuple[Comprehension, ...]


@dataclass(frozen=True, slots=True)
class Param:
    """A function or lambda parameter. ``kind`` is "positional_only", "normal",
    "keyword_only", "var_positional" (``*args``) or "var_keyword" (``**kwargs``)."""

    span: Span
    name: str
    annotation: "Expr | None"
    default: "Expr | None"
    kind: str = "normal"


@dataclass(frozen=True, slots=True)
class Lambda:
    span: Span
    params: tuple[Param, ...]
    body: "Expr"


@dataclass(frozen=True, slots=True)
class NamedExpr:
    """``target := value``."""

    span: Span
    target: Name
    value: "Expr"


@dataclass(frozen=True, slots=True)
class UnsupportedExpr:
    """An expression outside the subset (``yield``, ``await``, complex numbers...), kept so
    the checker can explain it. ``kind`` names the construct."""

    span: Span
    kind: str


Expr = Union[
    Name, Constant, JoinedStr, FormattedValue, BinOp, UnaryOp, BoolOp, Compare, IfExp, Call,
    Attribute, Subscript, Slice, Starred, ListExpr, TupleExpr, SetExpr, DictExpr, ListComp,
    SetComp, GeneratorExp, DictComp, Lambda, NamedExpr, UnsupportedExpr,
]

# ---------------------------------------------------------------------------------------------
# Statements


@dataclass(frozen=True, slots=True)
class FunctionDef:
    span: Span
    name: str
    params: tuple[Param, ...]
    returns: "Expr | None"
    body: tuple["Stmt", ...]
    decorators: tuple["Expr", ...] = ()
    docstring: str | None = None
    name_span: Span | None = None
    is_async: bool = False


@dataclass(frozen=True, slots=True)
class ClassDef:
    span: Span
    name: str
    bases: tuple["Expr", ...]
    keywords: tuple[Keyword, ...]
    body: tuple["Stmt", ...]
    decorators: tuple["Expr", ...] = ()
    docstring: str | None = None
    name_span: Span | None = None


@dataclass(frozen=True, slots=True)
class Return:
    span: Span
    value: "Expr | None"


@dataclass(frozen=True, slots=True)
class Assign:
    """``a = b = value``: several targets share one value."""

    span: Span
    targets: tuple["Expr", ...]
    value: "Expr"


@dataclass(frozen=True, slots=True)
class AugAssign:
    span: Span
    target: "Expr"
    op: str  # the binary operator: + - * ...
    value: "Expr"


@dataclass(frozen=True, slots=True)
class AnnAssign:
    span: Span
    target: "Expr"
    annotation: "Expr"
    value: "Expr | None"


@dataclass(frozen=True, slots=True)
class If:
    span: Span
    test: "Expr"
    body: tuple["Stmt", ...]
    orelse: tuple["Stmt", ...]


@dataclass(frozen=True, slots=True)
class For:
    span: Span
    target: "Expr"
    iter: "Expr"
    body: tuple["Stmt", ...]
    orelse: tuple["Stmt", ...]


@dataclass(frozen=True, slots=True)
class While:
    span: Span
    test: "Expr"
    body: tuple["Stmt", ...]
    orelse: tuple["Stmt", ...]


@dataclass(frozen=True, slots=True)
class Break:
    span: Span


@dataclass(frozen=True, slots=True)
class Continue:
    span: Span


@dataclass(frozen=True, slots=True)
class Pass:
    span: Span


@dataclass(frozen=True, slots=True)
class ExprStmt:
    span: Span
    value: "Expr"


@dataclass(frozen=True, slots=True)
class Assert:
    span: Span
    test: "Expr"
    msg: "Expr | None"


@dataclass(frozen=True, slots=True)
class Alias:
    """``name as asname`` in an import; ``name`` may be dotted (``os.path``)."""

    span: Span
    name: str
    asname: str | None


@dataclass(frozen=True, slots=True)
class Import:
    span: Span
    names: tuple[Alias, ...]


@dataclass(frozen=True, slots=True)
class ImportFrom:
    """``from module import a, b as c``; ``names`` is empty for ``import *``; ``level`` counts
    leading dots."""

    span: Span
    module: str | None
    names: tuple[Alias, ...]
    level: int = 0


# --- match patterns


@dataclass(frozen=True, slots=True)
class MatchValue:
    """A literal or dotted-name value pattern: ``1``, ``"a"``, ``-2``, ``Color.RED``."""

    span: Span
    value: "Expr"


@dataclass(frozen=True, slots=True)
class MatchSingleton:
    """``None``, ``True`` or ``False`` (compared by identity, as in Python)."""

    span: Span
    value: object


@dataclass(frozen=True, slots=True)
class MatchSequence:
    span: Span
    patterns: tuple["Pattern", ...]


@dataclass(frozen=True, slots=True)
class MatchStar:
    """``*rest`` (name) or ``*_`` (name None) inside a sequence pattern."""

    span: Span
    name: str | None


@dataclass(frozen=True, slots=True)
class MatchMapping:
    span: Span
    keys: tuple["Expr", ...]
    patterns: tuple["Pattern", ...]
    rest: str | None


@dataclass(frozen=True, slots=True)
class MatchClass:
    span: Span
    cls: "Expr"
    patterns: tuple["Pattern", ...]
    kwd_attrs: tuple[str, ...]
    kwd_patterns: tuple["Pattern", ...]


@dataclass(frozen=True, slots=True)
class MatchAs:
    """``pattern as name``; a bare capture ``x`` is MatchAs(None, "x"); ``_`` is MatchAs(None, None)."""

    span: Span
    pattern: "Pattern | None"
    name: str | None


@dataclass(frozen=True, slots=True)
class MatchOr:
    span: Span
    patterns: tuple["Pattern", ...]


Pattern = Union[MatchValue, MatchSingleton, MatchSequence, MatchStar, MatchMapping, MatchClass, MatchAs, MatchOr]


@dataclass(frozen=True, slots=True)
class MatchCase:
    span: Span
    pattern: Pattern
    guard: "Expr | None"
    body: tuple["Stmt", ...]


@dataclass(frozen=True, slots=True)
class Match:
    span: Span
    subject: "Expr"
    cases: tuple[MatchCase, ...]


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A statement outside the subset, kept so the checker can explain it.

    ``kind`` is one of: "try", "raise", "with", "global", "nonlocal", "del", "yield",
    "async", "type_alias".  ``names`` carries the names of global/nonlocal/del where useful.
    """

    span: Span
    kind: str
    names: tuple[str, ...] = ()
    body: tuple["Stmt", ...] = field(default=())


Stmt = Union[
    FunctionDef, ClassDef, Return, Assign, AugAssign, AnnAssign, If, For, While, Break,
    Continue, Pass, ExprStmt, Assert, Import, ImportFrom, Match, Unsupported,
]


@dataclass(frozen=True, slots=True)
class Module:
    span: Span
    body: tuple[Stmt, ...]
    docstring: str | None = None
    filename: str = "<input>"


Node = Union[Expr, Stmt, Pattern, Module, Comprehension, Keyword, Param, MatchCase, Alias]


def iter_children(node: object):
    """Yield the direct child nodes of ``node`` (in field order), flattening tuples."""
    for name in node.__dataclass_fields__:  # type: ignore[attr-defined]
        if name == "span" or name == "name_span":
            continue
        value = getattr(node, name)
        if isinstance(value, tuple):
            for item in value:
                if hasattr(item, "__dataclass_fields__"):
                    yield item
        elif hasattr(value, "__dataclass_fields__") and not isinstance(value, Span):
            yield value


def walk(node: object):
    """Yield ``node`` and every node below it, depth first, without recursion limits."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(iter_children(current))))
