"""The state one lowering shares (Lark tree → :mod:`seglam.syntax.ast`): the file, the errors
found so far, and the offsets of an expression parsed out of an f-string field.

The lowering functions (:mod:`~seglam.syntax.lower` for statements, ``lower_expr``,
``lower_text``, ``lower_pattern``) take a :class:`Lowering` first. ``statements`` is the
statement lowering itself (``lower.statements``), handed down so that ``lower_text`` can lower
an f-string field's expression without importing the module that imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from lark import Token, Tree

from seglam.syntax.diagnostics import Diagnostic
from seglam.syntax.span import Span


@dataclass(eq=False)
class Lowering:
    filename: str
    statements: Callable[["Lowering", list], tuple]
    # Offsets for expressions parsed out of an f-string field.
    line_offset: int = 0
    col_offset: int = 0
    errors: list[Diagnostic] = field(default_factory=list)

    def span(self, node: Tree | Token) -> Span:
        if isinstance(node, Token):
            line, col = node.line or 1, node.column or 1
            end_line, end_col = node.end_line or line, node.end_column or col + 1
        else:
            meta = node.meta
            if getattr(meta, "empty", True):
                return Span(1 + self.line_offset, 1, 1 + self.line_offset, 2)
            line, col, end_line, end_col = meta.line, meta.column, meta.end_line, meta.end_column
        return Span(
            line + self.line_offset,
            col + (self.col_offset if line == 1 else 0),
            end_line + self.line_offset,
            end_col + (self.col_offset if end_line == 1 else 0),
        )

    def error(self, span: Span, message: str, hint: str | None = None, code: str = "E-SYNTAX") -> None:
        self.errors.append(Diagnostic(code, message, span, self.filename, hint))

    @staticmethod
    def kids(tree: Tree) -> list:
        return [c for c in tree.children if c is not None]
