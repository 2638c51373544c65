"""Source positions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A region of source text. Lines and columns are 1-based; ``end_col`` is exclusive."""

    line: int
    col: int
    end_line: int
    end_col: int

    def to_json(self) -> dict:
        return {"line": self.line, "col": self.col, "end_line": self.end_line, "end_col": self.end_col}


NO_SPAN = Span(0, 0, 0, 0)
