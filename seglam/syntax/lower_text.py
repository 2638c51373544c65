"""String literals and f-strings: prefixes, decoding, and splitting an f-string into literal
pieces and fields (each field's expression is parsed with positions in the outer file)."""

from __future__ import annotations

import ast as pyast

from lark import Token

from seglam.syntax import ast as A
from seglam.syntax.diagnostics import CheckError
from seglam.syntax.lowering import Lowering
from seglam.syntax.parser import parse_tree
from seglam.syntax.span import Span


def fstring(lw: Lowering, token: Token, prefix: str) -> list:
    text = token.value[len(prefix):]
    quote = text[:3] if text[:3] in ('"""', "'''") else text[0]
    body = text[len(quote): -len(quote)]
    raw = "r" in prefix
    start_line = token.line or 1
    start_col = (token.column or 1) + len(prefix) + len(quote)
    return _fstring_body(lw, body, raw, quote, start_line, start_col, lw.span(token))


def _fstring_body(lw: Lowering, body: str, raw: bool, quote: str, line: int, col: int, span: Span,
                  depth: int = 0) -> list:
    """The pieces of an f-string's text; ``depth``: how many format specs enclose it (a field
    may sit in a field's spec, not deeper: CPython 3.11's "expressions nested too deeply")."""
    pieces: list = []
    literal: list[str] = []
    i = 0
    n = len(body)

    def flush():
        if literal:
            pieces.append(_decode_segment(lw, "".join(literal), raw, quote, span))
            literal.clear()

    while i < n:
        ch = body[i]
        if ch == "{" and not raw and _named_escape_at(body, i):  # \N{NAME}: part of the literal
            close = body.find("}", i)
            end = n if close < 0 else close + 1
            literal.append(body[i:end])
            i = end
            continue
        if ch == "{" and i + 1 < n and body[i + 1] == "{":
            literal.append("{{" if False else "{")
            i += 2
            continue
        if ch == "}" and i + 1 < n and body[i + 1] == "}":
            literal.append("}")
            i += 2
            continue
        if ch == "}":
            lw.error(span, "f-string: single '}' is not allowed", "write '}}' for a literal brace")
            return pieces
        if ch == "{":
            flush()
            if depth >= 2:
                lw.error(span, "f-string: expressions nested too deeply",
                         "a format spec may hold a field ({x:{width}}), not a field with a field in its own spec")
                return pieces
            end = _field_end(body, i + 1)
            if end is None:
                lw.error(span, "f-string: expecting '}'")
                return pieces
            field = body[i + 1: end]
            field_line = line + body[:i + 1].count("\n")
            last_nl = body.rfind("\n", 0, i + 1)
            field_col = (col + i + 1) if last_nl < 0 else (i + 1 - last_nl)
            pieces.append(_fstring_field(lw, field, raw, quote, field_line, field_col, span, depth))
            i = end + 1
            continue
        literal.append(ch)
        i += 1
    flush()
    return pieces


def _fstring_field(lw: Lowering, field: str, raw: bool, quote: str, line: int, col: int, span: Span,
                   depth: int = 0):
    expr_text, conversion, spec = _split_field(field)
    if not expr_text.strip():
        lw.error(span, "f-string: empty expression not allowed")
        return A.FormattedValue(span, A.Constant(span, ""), None, None)
    if conversion is not None and conversion not in ("r", "s", "a"):
        lw.error(span, "f-string: invalid conversion character", "use !r, !s or !a")
        conversion = None
    if expr_text.rstrip().endswith("=") and not expr_text.rstrip().endswith(("==", "!=", "<=", ">=")):
        lw.error(span, "f-string '=' self-documenting fields are not supported", "write the name out: f'x={x}'", "E-UNSUPPORTED")
        return A.FormattedValue(span, A.Constant(span, ""), None, None)
    value = _sub_expression(lw, expr_text, line, col, span)
    format_spec = None
    if spec is not None:
        format_spec = A.JoinedStr(span, merge_strings(_fstring_body(lw, spec, raw, quote, line, col, span, depth + 1)))
    return A.FormattedValue(span, value, conversion, format_spec)


def _sub_expression(lw: Lowering, text: str, line: int, col: int, span: Span):
    """Parse one f-string field as an expression, with positions in the outer file."""
    if "\\" in text:
        lw.error(span, "f-string expression part cannot include a backslash")
        return A.Constant(span, "")
    if "#" in text and not _quoted_hash_only(text):
        lw.error(span, "f-string expression part cannot include '#'")
        return A.Constant(span, "")
    try:
        tree = parse_tree("(" + text.strip("\n") + "\n)\n", lw.filename)
    except CheckError as error:
        for diag in error.diagnostics:
            lw.error(span, "f-string: " + diag.message, diag.hint)
        return A.Constant(span, "")
    sub = Lowering(lw.filename, lw.statements, line - 1, col - 2)
    body = lw.statements(sub, tree.children)  # not a module: a lone string is not a docstring here
    lw.errors.extend(sub.errors)
    if len(body) != 1 or not isinstance(body[0], A.ExprStmt):
        lw.error(span, "f-string: invalid expression")
        return A.Constant(span, "")
    return body[0].value


def string_prefix(text: str) -> str:
    i = 0
    while i < len(text) and text[i] not in "'\"":
        i += 1
    return text[:i].lower()


BAD_ESCAPE_HINT = ("\\xHH needs 2 hex digits, \\uXXXX 4, \\UXXXXXXXX 8 (at most 10FFFF), \\N{...} a Unicode "
                   "character name; write \\\\ for a backslash, or use a raw string r'...'")


def decode_plain(lw: Lowering, text: str, span: Span) -> str:
    """The value of one plain (not f-) string literal token, as CPython decodes it; a bad
    escape (which CPython refuses at compile time) is E-SYNTAX, never a traceback."""
    return _decode(lw, text, span) or ""


def _decode(lw: Lowering, literal: str, span: Span) -> str | None:
    # literal_eval parses exactly one string literal token here: the lexer guarantees it.
    try:
        return pyast.literal_eval(literal)
    except (SyntaxError, ValueError) as err:
        reason = str(getattr(err, "msg", "") or err).rsplit(": ", 1)[-1]  # "truncated \\uXXXX escape"
        lw.error(span, f"invalid escape in a string literal: {reason}", BAD_ESCAPE_HINT)
        return None


def _decode_segment(lw: Lowering, segment: str, raw: bool, quote: str, span: Span) -> str:
    if raw:
        return segment
    if (len(segment) - len(segment.rstrip("\\"))) % 2 == 1:
        # a backslash before a field (f"\{x}") escapes nothing: CPython keeps it (an invalid
        # escape, with a warning), so the text before it decodes alone
        return _decode_segment(lw, segment[:-1], raw, quote, span) + "\\"
    decoded = _decode(lw, quote + segment + quote, span)
    return segment if decoded is None else decoded


def _named_escape_at(body: str, i: int) -> bool:
    """Whether the ``{`` at ``i`` opens a ``\\N{...}`` escape (an odd run of backslashes, then N)."""
    if i < 2 or body[i - 1] != "N":
        return False
    slashes = len(body[: i - 1]) - len(body[: i - 1].rstrip("\\"))
    return slashes % 2 == 1


def _field_end(body: str, start: int) -> int | None:
    """Index of the `}` closing an f-string field that starts at ``start``."""
    depth = 0
    i = start
    quote = None
    while i < len(body):
        ch = body[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                return i if ch == "}" else None
            depth -= 1
        i += 1
    return None


def _split_field(field: str) -> tuple[str, str | None, str | None]:
    """``expr!c:spec`` → (expr, c, spec), splitting only at depth 0 outside strings."""
    depth = 0
    quote = None
    for i, ch in enumerate(field):
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch == "!" and field[i + 1: i + 2] != "=":
            rest = field[i + 1:]
            conv, _, spec = rest.partition(":")
            return field[:i], conv.strip() or "", (spec if ":" in rest else None)
        elif depth == 0 and ch == ":":
            return field[:i], None, field[i + 1:]
    return field, None, None


def _quoted_hash_only(text: str) -> bool:
    quote = None
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return False
    return True


def merge_strings(pieces: list) -> tuple:
    out: list = []
    for piece in pieces:
        if isinstance(piece, str):
            if not piece:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + piece
                continue
        out.append(piece)
    return tuple(out)
