"""The checker entry point: ``check(module, source) -> CheckedModule`` or CheckError."""

from __future__ import annotations

from seglam.check.checked import CheckedModule, EnumInfo, FieldInfo, FunctionInfo, ParamInfo, RecordInfo
from seglam.syntax import ast

__all__ = ["check", "CheckedModule", "FunctionInfo", "ParamInfo", "RecordInfo", "EnumInfo", "FieldInfo"]


def check(module: ast.Module, source: str | None = None) -> CheckedModule:
    """Check ``module``; raise CheckError with every diagnostic found."""
    raise NotImplementedError("checker under construction")
