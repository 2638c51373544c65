"""The checker's working state: the diagnostic sink, module-level names, and flow states."""

from __future__ import annotations

from dataclasses import dataclass, field

from seglam.check import types as t
from seglam.check.checked import EnumInfo, FunctionInfo, RecordInfo
from seglam.check.typeops import join
from seglam.syntax.diagnostics import Diagnostic
from seglam.syntax.span import Span


class Reporter:
    """Collects diagnostics. ``muted`` drops them (inference passes); ``push``/``pop`` buffer
    them, so a pass whose inferred types turn out final can keep its diagnostics."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[tuple] = set()
        self._buffers: list[list[Diagnostic]] = []
        self.muted = 0

    def error(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        if self.muted:
            return
        self._add(Diagnostic(code, message, span, self.filename, hint))

    def _add(self, diagnostic: Diagnostic) -> None:
        if self._buffers:
            self._buffers[-1].append(diagnostic)
            return
        key = (diagnostic.code, diagnostic.span, diagnostic.message)
        if key in self._seen:
            return
        self._seen.add(key)
        self.diagnostics.append(diagnostic)

    def push(self) -> None:
        self._buffers.append([])

    def pop(self, keep: bool) -> None:
        buffered = self._buffers.pop()
        if keep and not self.muted:
            for d in buffered:
                self._add(d)

    def count(self) -> int:
        return len(self.diagnostics) + sum(len(b) for b in self._buffers)

    def code_count(self, code: str) -> int:
        return sum(d.code == code for d in self.diagnostics) + sum(d.code == code for b in self._buffers for d in b)


@dataclass
class ModuleEnv:
    """Everything declared at module level (filled by :mod:`seglam.check.declarations`)."""

    imports: dict[str, str] = field(default_factory=dict)           # local name -> qualified name
    records: dict[str, RecordInfo] = field(default_factory=dict)
    enums: dict[str, EnumInfo] = field(default_factory=dict)
    functions: dict[str, FunctionInfo] = field(default_factory=dict)
    constants: dict[str, t.Type] = field(default_factory=dict)
    # statement index at which each module-level name is bound (for use-before-definition)
    order: dict[str, int] = field(default_factory=dict)
    failed_imports: set[str] = field(default_factory=set)
    aliases: dict[str, t.Type] = field(default_factory=dict)          # `Shape = Circle | Square`
    future_annotations: bool = False
    types: dict[int, t.Type] = field(default_factory=dict)


class Vars(dict):
    """A flow state's locals and narrowed paths (``p.next``, ``p.next.value``), with an index of
    the dotted paths by the name they start from, so rebinding a name drops its paths in time
    proportional to those paths, not to every local of the function (a function with
    thousands of locals checked in quadratic time before)."""

    __slots__ = ("_paths",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._paths: dict[str, set[str]] = {}
        for k in self:
            self._index(k)

    def _index(self, key: str) -> None:
        root, dot, _ = key.partition(".")
        if dot:
            self._paths.setdefault(root, set()).add(key)

    def _unindex(self, key: str) -> None:
        root, dot, _ = key.partition(".")
        if dot:
            keys = self._paths.get(root)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._paths[root]

    def __setitem__(self, key, value) -> None:
        if key not in self:
            self._index(key)
        super().__setitem__(key, value)

    def __delitem__(self, key) -> None:
        super().__delitem__(key)
        self._unindex(key)

    def pop(self, key, *default):
        if key in self:
            self._unindex(key)
        return super().pop(key, *default)

    def setdefault(self, key, default=None):
        if key not in self:
            self._index(key)
        return super().setdefault(key, default)

    def update(self, *args, **kwargs) -> None:
        for k, v in dict(*args, **kwargs).items():
            self[k] = v

    def popitem(self):
        k, v = super().popitem()
        self._unindex(k)
        return k, v

    def clear(self) -> None:
        super().clear()
        self._paths.clear()

    def copy(self) -> "Vars":
        return Vars(self)

    def drop_paths(self, name: str) -> None:
        """Forget every narrowed path under ``name`` (``name.f``, ``name.f.g``)."""
        for key in self._paths.pop(name, ()):
            super().__delitem__(key)


@dataclass
class State:
    """Flow state at one program point: the definitely-assigned locals with their current
    (narrowed) types, narrowed attribute paths (``p.next``), and the definitely-frozen names."""

    vars: dict[str, t.Type]
    frozen: set[str]

    def __post_init__(self) -> None:
        if not isinstance(self.vars, Vars):
            self.vars = Vars(self.vars)

    def copy(self) -> "State":
        return State(Vars(self.vars), set(self.frozen))


def merge(a: State | None, b: State | None) -> State | None:
    """The state after two control-flow paths join (None = unreachable)."""
    if a is None:
        return b.copy() if b is not None else None
    if b is None:
        return a.copy()
    out: dict[str, t.Type] = {}
    for k, v in a.vars.items():
        w = b.vars.get(k)
        if w is not None:
            out[k] = join(v, w)
    return State(out, a.frozen & b.frozen)


def merge_all(states) -> State | None:
    result: State | None = None
    for s in states:
        result = merge(result, s)
    return result


@dataclass
class LoopCtx:
    """The states that leave a loop by ``break`` and go back to its head by ``continue``."""

    breaks: list = field(default_factory=list)
    continues: list = field(default_factory=list)


@dataclass
class FnCtx:
    """The function (or module top level) being checked.

    ``declared`` holds each local's type: annotated, or the join of everything assigned to
    it (inferred over repeated passes until it stops changing)."""

    name: str
    kind: str                                   # "function" | "module"
    locals: set[str] = field(default_factory=set)
    declared: dict[str, t.Type] = field(default_factory=dict)
    annotated: set[str] = field(default_factory=set)
    params: set[str] = field(default_factory=set)
    returns: t.Type = t.NONE
    parent: "FnCtx | None" = None
    closure: State | None = None                # the parent's state where this def appears
    loops: list[LoopCtx] = field(default_factory=list)
    scopes: list[dict[str, t.Type]] = field(default_factory=list)   # lambda / comprehension scopes
    changed: bool = False
    stmt_index: int = 10**9                     # module level: index of the statement being checked
    silent_loops: int = 0                       # loop-head searches in progress (seglam.check.stmts.loop_head)
    silent_work: int = 0                        # syntax nodes those searches have walked so far
    defs: set[str] = field(default_factory=set)             # names of the nested defs of this function
    rebound_defs: set[str] = field(default_factory=set)     # ... bound again elsewhere in it (by a def or not)
