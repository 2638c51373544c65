"""Test helpers: a minimal stand-in for the checker (no types), so the runtime can be
tested on its own, and shortcuts to run a program on the reference backend."""

from __future__ import annotations

from seglam.check.checked import CheckedModule, EnumInfo, FieldInfo, FunctionInfo, ParamInfo, RecordInfo
from seglam.check.types import ANY
from seglam.run.evaluator import ReferenceBackend
from seglam.run.limits import Limits
from seglam.syntax import ast as A
from seglam.syntax.lower import parse

_STDLIB = {"re", "math", "itertools", "functools", "decimal", "datetime", "dataclasses", "enum",
           "collections", "heapq", "bisect", "statistics", "string", "operator", "typing"}


def quick_check(source: str, filename: str = "<test>") -> CheckedModule:
    """A CheckedModule built from the tree alone (the real checker adds types)."""
    module = parse(source, filename)
    functions, records, enums, constants, imports = {}, {}, {}, {}, {}
    examples, properties = [], []
    for stmt in module.body:
        t = type(stmt)
        if t is A.Import:
            for a in stmt.names:
                imports[a.asname or a.name] = a.name
        elif t is A.ImportFrom:
            for a in stmt.names:
                imports[a.asname or a.name] = f"{stmt.module}.{a.name}"
        elif t is A.FunctionDef:
            req, ens = [], []
            for d in stmt.decorators:
                if type(d) is A.Call and type(d.func) is A.Name and d.func.id in ("requires", "ensures"):
                    (req if d.func.id == "requires" else ens).append(d.args[0])
            params = tuple(ParamInfo(p.name, ANY, p.default, p.kind) for p in stmt.params)
            functions[stmt.name] = FunctionInfo(stmt.name, stmt, params, ANY, tuple(req), tuple(ens), 0)
            if stmt.name.startswith("prop_"):
                properties.append(stmt.name)
        elif t is A.ClassDef:
            bases = [b.id for b in stmt.bases if type(b) is A.Name]
            if any(imports.get(b, b).endswith("Enum") for b in bases):
                members = []
                for s in stmt.body:
                    if type(s) is A.Assign and type(s.targets[0]) is A.Name:
                        value = s.value.value if type(s.value) is A.Constant else len(members) + 1  # auto()
                        members.append((s.targets[0].id, value))
                enums[stmt.name] = EnumInfo(stmt.name, tuple(members), stmt)
            else:
                fields = []
                for s in stmt.body:
                    if type(s) is A.AnnAssign and type(s.target) is A.Name:
                        fields.append(FieldInfo(s.target.id, ANY, s.value))
                order = any(type(d) is A.Call and any(k.name == "order" for k in d.keywords) for d in stmt.decorators)
                records[stmt.name] = RecordInfo(stmt.name, tuple(fields), stmt, order)
        elif t is A.Assign:
            for target in stmt.targets:
                if type(target) is A.Name:
                    constants[target.id] = ANY
        elif t is A.AnnAssign and type(stmt.target) is A.Name:
            constants[stmt.target.id] = ANY
        elif t is A.Assert:
            examples.append(stmt)
    return CheckedModule(module, functions, records, enums, constants, tuple(examples), tuple(properties), imports, {})


def backend(source: str) -> ReferenceBackend:
    return ReferenceBackend(quick_check(source), "<test>")


def run(source: str, *args, function: str = "main", limits: Limits | None = None, **kwargs):
    """The value of ``function(*args, **kwargs)`` on the reference backend."""
    return backend(source).run(function, args, kwargs, limits or Limits()).value


def run_result(source: str, *args, function: str = "main", limits: Limits | None = None, **kwargs):
    return backend(source).run(function, args, kwargs, limits or Limits())
