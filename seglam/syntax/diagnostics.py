"""Diagnostics: every rejected program gets all of its errors, each with a
stable code, a position, a caret and, where one helps, a suggested rewrite."""

from __future__ import annotations

from dataclasses import dataclass

from seglam.syntax.span import Span

#: Stable diagnostic codes, with a one-line meaning (SPEC.md, "Diagnostics").
DIAGNOSTIC_CODES: dict[str, str] = {
    "E-SYNTAX": "the text is not valid Seglam syntax",
    "E-NESTING": "the program nests too deeply or is too large",
    "E-NAME": "a name is not defined",
    "E-REDEFINED": "a name is defined twice where that is not allowed",
    "E-TYPE": "a value has the wrong type",
    "E-ARGS": "wrong number, name or kind of arguments in a call",
    "E-ATTR": "no such attribute or method on this type",
    "E-ANNOTATION": "a parameter, return or field annotation is missing",
    "E-BAD-TYPE": "an annotation does not name a Seglam type",
    "E-RETURN": "a function can end without returning its declared type",
    "E-OPTIONAL": "a `T | None` value is used without checking for None first",
    "E-FROZEN": "an argument or module constant is mutated",
    "E-MATCH": "a match statement does not cover every case",
    "E-IMPORT": "an import of a module outside the Seglam standard library",
    "E-MODULE": "an imported Seglam module is not in the standard library or on the search path",
    "E-IMPORT-NAME": "an imported Seglam module does not define the name imported from it",
    "E-IMPORT-CYCLE": "Seglam modules import each other in a cycle",
    "E-IO": "input/output is not available in Seglam",
    "E-REFLECTION": "reflection, dynamic code or dunder access is not available in Seglam",
    "E-EXCEPTION": "exceptions cannot be raised or caught in Seglam",
    "E-GLOBAL": "global or nonlocal state is not available in Seglam",
    "E-CLASS": "a class that is not a frozen dataclass or an Enum",
    "E-UNSUPPORTED": "a Python construct outside the Seglam subset",
    "E-REGEX": "a literal regular expression is invalid or not supported by RE2",
    "E-DATE-FORMAT": "a literal date format uses a directive that is not the same on every host",
    "E-CONTRACT": "a @requires/@ensures, example or property is malformed",
    "E-CONSTANT": "a module constant is not a constant expression",
}


@dataclass(frozen=True)
class Diagnostic:
    """One check-time error."""

    code: str
    message: str
    span: Span
    filename: str = "<input>"
    hint: str | None = None

    def render(self, source: str | None = None) -> str:
        """``file:line:col: CODE: message``, the source line with a caret, and the hint."""
        head = f"{self.filename}:{self.span.line}:{self.span.col}: {self.code}: {self.message}"
        lines = [head]
        if source is not None and self.span.line >= 1:
            text_lines = source.splitlines()
            if self.span.line <= len(text_lines):
                text = text_lines[self.span.line - 1].expandtabs(1)
                width = 1
                if self.span.end_line == self.span.line and self.span.end_col > self.span.col:
                    width = self.span.end_col - self.span.col
                lines.append(f"    {text}")
                lines.append("    " + " " * max(self.span.col - 1, 0) + "^" * max(width, 1))
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "file": self.filename,
            "span": self.span.to_json(),
            "hint": self.hint,
        }


class CheckError(Exception):
    """A program was rejected before it ran. ``diagnostics`` holds every error found."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...], source: str | None = None) -> None:
        self.diagnostics = tuple(diagnostics)
        self.source = source
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(d.render(self.source) for d in self.diagnostics)

    @property
    def codes(self) -> list[str]:
        return [d.code for d in self.diagnostics]
