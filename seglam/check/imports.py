"""Import statements: the names an ``import`` binds to the Seglam standard library (E-IMPORT for
anything else)."""

from __future__ import annotations

from seglam.check.context import Context
from seglam.check.hints import import_hint, member_hint
from seglam.check.signatures import ALLOWED_MODULES, allowed_members
from seglam.syntax import ast


def import_bindings(cx: Context, node) -> list[tuple[str, str | None]]:
    """(local name, qualified stdlib name) for each name an import binds; E-IMPORT otherwise."""
    out: list[tuple[str, str | None]] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            if alias.name in ALLOWED_MODULES:
                out.append((local, alias.name))
                continue
            top = alias.name.split(".")[0]
            if top in ALLOWED_MODULES:
                cx.report.error("E-IMPORT", f"`{alias.name}` is not part of the Seglam standard library", alias.span,
                                f"use `import {top}`")
            else:
                cx.report.error("E-IMPORT", f"`{alias.name}` is not available in Seglam", alias.span,
                                import_hint(alias.name))
            out.append((local, None))
        return out
    module = node.module or ""
    if node.level:
        cx.report.error("E-IMPORT", "relative imports are not available: a Seglam program is one file", node.span,
                        "define everything in this file")
        return [(a.asname or a.name, None) for a in node.names]
    if module == "__future__":
        for alias in node.names:
            if alias.name == "annotations":
                cx.env.future_annotations = True
            else:
                cx.report.error("E-IMPORT", f"`from __future__ import {alias.name}` is not available", alias.span)
        return []
    if module not in ALLOWED_MODULES:
        cx.report.error("E-IMPORT", f"`{module}` is not available in Seglam", node.span, import_hint(module))
        return [(a.asname or a.name, None) for a in node.names]
    if not node.names:
        cx.report.error("E-IMPORT", "`import *` is not available", node.span,
                        f"import the names you use: `from {module} import name`")
        return []
    allowed = allowed_members(module)
    for alias in node.names:
        local = alias.asname or alias.name
        if alias.name in allowed:
            out.append((local, f"{module}.{alias.name}"))
        else:
            hint = member_hint(module, alias.name, allowed)
            cx.report.error("E-IMPORT", f"`{module}.{alias.name}` is not available in Seglam", alias.span, hint)
            out.append((local, None))
    return out
