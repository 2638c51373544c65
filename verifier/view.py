"""What the verifier needs to know about a module, read from the checker's result.

``ModuleView.from_checked`` uses ``CheckedModule`` (the checker is authoritative);
``ModuleView.from_ast`` reads the same facts straight off the syntax tree, for tools and
tests that run without the checker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from seglam.check.prelude import prelude_length
from seglam.syntax import ast as A
from seglam.verifier import typeview as T


@dataclass(frozen=True)
class ParamView:
    name: str
    type: object
    default: A.Expr | None
    kind: str = "normal"


@dataclass(frozen=True)
class FunctionView:
    name: str
    node: A.FunctionDef
    params: tuple[ParamView, ...]
    returns: object
    requires: tuple[A.Lambda, ...]
    ensures: tuple[A.Lambda, ...]
    #: The statements that open the body as its precondition prelude (SPEC §8): asserts, with
    #: the plain assignments that name what they test.
    prelude: tuple[A.Stmt, ...]

    @property
    def leading_asserts(self) -> tuple[A.Assert, ...]:
        """The prelude's asserts: the preconditions written in the body."""
        return tuple(s for s in self.prelude if isinstance(s, A.Assert))

    @property
    def has_precondition(self) -> bool:
        return bool(self.requires or self.prelude)


@dataclass(frozen=True)
class FieldView:
    name: str
    type: object
    default: A.Expr | None


@dataclass(frozen=True)
class RecordView:
    name: str
    fields: tuple[FieldView, ...]


@dataclass(frozen=True)
class EnumView:
    name: str
    members: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class ModuleView:
    module: A.Module
    functions: Mapping[str, FunctionView]
    records: Mapping[str, RecordView]
    enums: Mapping[str, EnumView]
    constants: tuple[tuple[str, A.Expr], ...]
    examples: tuple[A.Assert, ...]
    properties: tuple[str, ...]
    types: Mapping[int, object] = field(default_factory=dict)  # id(expr) -> static type (from the checker)
    #: Inputs known to be in a function's domain, given by the caller (the engine: the
    #: request's and the examples' bindings); the aimed run starts from them, like examples.
    seeds: Mapping[str, tuple[Mapping[str, object], ...]] = field(default_factory=dict)

    @staticmethod
    def from_checked(checked) -> "ModuleView":
        """Build the view from a ``seglam.check.checker.CheckedModule``."""
        module = checked.module
        functions = {}
        for name, info in checked.functions.items():
            params = tuple(
                ParamView(p.name, p.type, getattr(p, "default", None), getattr(p, "kind", "normal"))
                for p in info.params
            )
            functions[name] = FunctionView(
                name, info.node, params, info.returns, tuple(info.requires), tuple(info.ensures),
                info.node.body[: info.prelude],
            )
        records = {
            name: RecordView(name, tuple(FieldView(*_triple(f)) for f in info.fields))
            for name, info in checked.records.items()
        }
        enums = {
            name: EnumView(name, tuple(_pair(m) for m in info.members)) for name, info in checked.enums.items()
        }
        return ModuleView(
            module,
            functions,
            records,
            enums,
            _constants(module),
            tuple(checked.examples),
            tuple(checked.properties),
            checked.types,
        )

    @staticmethod
    def from_ast(module: A.Module) -> "ModuleView":
        """Read the view off the syntax tree (no type inference; annotations only)."""
        record_names = frozenset(
            s.name for s in module.body if isinstance(s, A.ClassDef) and not _is_enum(s)
        )
        enum_names = frozenset(s.name for s in module.body if isinstance(s, A.ClassDef) and _is_enum(s))

        def ty(e):
            return T.from_annotation(e, record_names, enum_names)

        functions, records, enums = {}, {}, {}
        for s in module.body:
            if isinstance(s, A.FunctionDef):
                params = tuple(ParamView(p.name, ty(p.annotation), p.default, p.kind) for p in s.params)
                functions[s.name] = FunctionView(
                    s.name,
                    s,
                    params,
                    ty(s.returns),
                    _contract_lambdas(s, "requires"),
                    _contract_lambdas(s, "ensures"),
                    s.body[: prelude_length(s.body)],
                )
            elif isinstance(s, A.ClassDef) and _is_enum(s):
                members = tuple(
                    (t.targets[0].id, getattr(t.value, "value", None))
                    for t in s.body
                    if isinstance(t, A.Assign) and isinstance(t.targets[0], A.Name)
                )
                enums[s.name] = EnumView(s.name, members)
            elif isinstance(s, A.ClassDef):
                fields = tuple(
                    FieldView(t.target.id, ty(t.annotation), t.value)
                    for t in s.body
                    if isinstance(t, A.AnnAssign) and isinstance(t.target, A.Name)
                )
                records[s.name] = RecordView(s.name, fields)
        examples = tuple(s for s in module.body if isinstance(s, A.Assert))
        props = tuple(n for n in functions if n.startswith("prop_"))
        return ModuleView(module, functions, records, enums, _constants(module), examples, props)


#: The fields of a node that bind names (assignments, loops, comprehensions, walrus).
_TARGETS = {A.Assign: "targets", A.AugAssign: "target", A.AnnAssign: "target", A.For: "target",
            A.Comprehension: "target", A.NamedExpr: "target"}


def bound_names(tree: object) -> set[str]:
    """Every name bound anywhere in ``tree`` (a function, a statement, an expression): the
    parameters of functions and lambdas, assignment, loop and comprehension targets, ``:=``
    and ``match`` captures."""
    out: set[str] = set()
    for node in A.walk(tree):
        if isinstance(node, (A.FunctionDef, A.Lambda)):
            out |= {p.name for p in node.params}
        elif isinstance(node, (A.MatchAs, A.MatchStar)) and node.name is not None:
            out.add(node.name)
        field_name = _TARGETS.get(type(node))
        if field_name is not None:
            targets = getattr(node, field_name)
            for t in targets if isinstance(targets, tuple) else (targets,):
                out |= {n.id for n in A.walk(t) if isinstance(n, A.Name)}
    return out


def _triple(f) -> tuple:
    if isinstance(f, tuple):
        return (f[0], f[1], f[2] if len(f) > 2 else None)
    return (f.name, f.type, getattr(f, "default", None))


def _pair(m) -> tuple:
    if isinstance(m, tuple):
        return (m[0], m[1])
    return (m.name, getattr(m, "value", None))


def _is_enum(c: A.ClassDef) -> bool:
    return any(
        (isinstance(b, A.Name) and b.id in ("Enum", "IntEnum", "StrEnum"))
        or (isinstance(b, A.Attribute) and b.attr in ("Enum", "IntEnum", "StrEnum"))
        for b in c.bases
    )


def _contract_lambdas(fn: A.FunctionDef, which: str) -> tuple[A.Lambda, ...]:
    out = []
    for d in fn.decorators:
        if (
            isinstance(d, A.Call)
            and isinstance(d.func, (A.Name, A.Attribute))
            and (getattr(d.func, "id", None) or getattr(d.func, "attr", None)) == which
            and d.args
            and isinstance(d.args[0], A.Lambda)
        ):
            out.append(d.args[0])
    return tuple(out)


def _constants(module: A.Module) -> tuple[tuple[str, A.Expr], ...]:
    out = []
    for s in module.body:
        if isinstance(s, A.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], A.Name):
            out.append((s.targets[0].id, s.value))
        elif isinstance(s, A.AnnAssign) and isinstance(s.target, A.Name) and s.value is not None:
            out.append((s.target.id, s.value))
    return tuple(out)
