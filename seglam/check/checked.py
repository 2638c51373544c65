"""The checker's output: a module together with what the later stages need to know about it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from seglam.check.types import CallableType, Type
from seglam.syntax import ast


@dataclass(frozen=True)
class ParamInfo:
    """One parameter: ``kind`` is "positional_only", "normal" or "keyword_only"."""

    name: str
    type: Type
    default: ast.Expr | None = None
    kind: str = "normal"


def def_callable(params: tuple[ParamInfo, ...], returns: Type) -> CallableType:
    """The type of a ``def`` used as a value or called: its parameter types, and their names,
    defaults and kinds (module-level and nested defs alike)."""
    return CallableType(tuple(p.type for p in params), returns,
                        tuple((p.name, p.default is not None, p.kind) for p in params))


@dataclass(frozen=True)
class FunctionInfo:
    name: str
    node: ast.FunctionDef
    params: tuple[ParamInfo, ...]
    returns: Type
    requires: tuple[ast.Lambda, ...] = ()
    ensures: tuple[ast.Lambda, ...] = ()
    #: How many statements open the body as its precondition prelude (seglam.check.prelude).
    prelude: int = 0


@dataclass(frozen=True)
class FieldInfo:
    name: str
    type: Type
    default: ast.Expr | None = None


@dataclass(frozen=True)
class RecordInfo:
    """A ``@dataclass(frozen=True)`` class; ``order`` is True with ``order=True``."""

    name: str
    fields: tuple[FieldInfo, ...]
    node: ast.ClassDef | None = None
    order: bool = False

    def field(self, name: str) -> FieldInfo | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None


@dataclass(frozen=True)
class EnumInfo:
    """An ``Enum`` class: members as (name, value) in order; values are Python literals."""

    name: str
    members: tuple[tuple[str, object], ...]
    node: ast.ClassDef | None = None
    value_type: Type | None = None

    @property
    def member_names(self) -> tuple[str, ...]:
        return tuple(m[0] for m in self.members)


@dataclass(frozen=True)
class CheckedModule:
    module: ast.Module
    functions: Mapping[str, FunctionInfo]
    records: Mapping[str, RecordInfo]
    enums: Mapping[str, EnumInfo]
    constants: Mapping[str, Type]
    examples: tuple[ast.Assert, ...]
    properties: tuple[str, ...]
    imports: Mapping[str, str]
    types: Mapping[int, Type] = field(default_factory=dict)
