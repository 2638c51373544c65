"""A stand-in for the checker: builds a CheckedModule straight from the syntax tree, without
static types (so every operation takes the generic, type-independent path). Used while the
real checker is incomplete, and to test that the compiled backend never depends on types
for correctness."""

from __future__ import annotations

from seglam.check.checked import CheckedModule, EnumInfo, FieldInfo, FunctionInfo, ParamInfo, RecordInfo
from seglam.check.types import ANY
from seglam.syntax import ast as A
from seglam.syntax.lower import parse

_IMPORTS = {
    "dataclass": "dataclasses.dataclass", "replace": "dataclasses.replace", "Enum": "enum.Enum",
    "date": "datetime.date", "timedelta": "datetime.timedelta", "Decimal": "decimal.Decimal",
    "Counter": "collections.Counter", "defaultdict": "collections.defaultdict",
}


def _decorator_name(d) -> str:
    if isinstance(d, A.Call):
        d = d.func
    return d.id if isinstance(d, A.Name) else getattr(d, "attr", "")


def _enum_members(assigns) -> tuple:
    """(name, value) per member; ``auto()`` is one more than the previous int (from 1)."""
    members, last = [], 0
    for s in assigns:
        value = last + 1 if isinstance(s.value, A.Call) else s.value.value
        if isinstance(value, int):
            last = value
        members.append((s.targets[0].id, value))
    return tuple(members)


_TYPE_HEADS = {"list", "dict", "set", "tuple", "Optional", "Union", "Callable", "List", "Dict", "Set", "Tuple"}


def _looks_like_type(node) -> bool:
    """``tuple[str, int]``, ``Optional[int]``, ``Circle | Square``: what the checker takes for
    a type alias (roughly: this stand-in has no records' names at hand for a bare ``Name``)."""
    if isinstance(node, A.Subscript) and isinstance(node.value, A.Name):
        return node.value.id in _TYPE_HEADS
    if isinstance(node, A.BinOp) and node.op == "|":
        return all(isinstance(side, A.Name) or _looks_like_type(side) for side in (node.left, node.right))
    return False


def stub_check(source: str, filename: str = "<stub>", typed: bool = False, modules: dict | None = None) -> CheckedModule:
    """``typed``: also infer simple static types (:mod:`stubtypes`), for the typed paths;
    ``modules``: Seglam modules the source imports (name -> source), linked in first."""
    module = parse(source, filename)
    if modules:
        from seglam.program.library import link, search_path

        module = link(module, source, search_path(modules=modules)).module
    functions, records, enums, constants, imports = {}, {}, {}, {}, {}
    examples = []
    for stmt in module.body:
        if isinstance(stmt, A.FunctionDef):
            requires = tuple(d.args[0] for d in stmt.decorators if isinstance(d, A.Call) and _decorator_name(d) == "requires")
            ensures = tuple(d.args[0] for d in stmt.decorators if isinstance(d, A.Call) and _decorator_name(d) == "ensures")
            params = tuple(ParamInfo(p.name, ANY, p.default, p.kind) for p in stmt.params)
            functions[stmt.name] = FunctionInfo(stmt.name, stmt, params, ANY, requires, ensures, 0)
        elif isinstance(stmt, A.ClassDef):
            if any(isinstance(b, A.Name) and b.id.rpartition(".")[2] == "Enum" for b in stmt.bases):
                members = _enum_members([s for s in stmt.body if isinstance(s, A.Assign)])
                enums[stmt.name] = EnumInfo(stmt.name, members, stmt)
            else:
                fields = tuple(FieldInfo(s.target.id, ANY, s.value) for s in stmt.body if isinstance(s, A.AnnAssign))
                records[stmt.name] = RecordInfo(stmt.name, fields, stmt)
        elif isinstance(stmt, (A.Assign, A.AnnAssign)):
            target = stmt.targets[0] if isinstance(stmt, A.Assign) else stmt.target
            if not (isinstance(stmt, A.Assign) and _looks_like_type(stmt.value)):  # a type alias is no constant
                constants[target.id] = ANY
        elif isinstance(stmt, A.Import):
            for alias in stmt.names:
                imports[alias.asname or alias.name] = alias.name
        elif isinstance(stmt, A.ImportFrom):
            for alias in stmt.names:
                imports[alias.asname or alias.name] = f"{stmt.module}.{alias.name}"
        elif isinstance(stmt, A.Assert):
            examples.append(stmt)
    props = tuple(n for n in functions if n.startswith("prop_"))
    types = {}
    if typed:
        from tests.compiled.stubtypes import annotate, annotation

        types = annotate(module, set(records))
        for name, info in list(functions.items()):
            params = tuple(ParamInfo(p.name, annotation(n.annotation, set(records)) or ANY, p.default, p.kind)
                           for p, n in zip(info.params, info.node.params))
            functions[name] = FunctionInfo(name, info.node, params, ANY, info.requires, info.ensures, 0)
    return CheckedModule(module, functions, records, enums, constants, tuple(examples), props, imports, types)
