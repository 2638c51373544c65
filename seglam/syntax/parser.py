"""Source text → Lark tree, with Python's indentation and soft keywords.

The Lark parser is built once per process (building it costs far more than a parse) and is
safe to share between threads: LALR parsing keeps its state per call.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import unicodedata
from functools import lru_cache
from importlib import resources

import lark
from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.indenter import DedentError, PythonIndenter

from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.syntax.span import Span

#: Source size limits: parsing is linear, but a program is meant to be small.
MAX_SOURCE_CHARS = 1_000_000
MAX_BRACKET_DEPTH = 100
MAX_INDENT_DEPTH = 50

_OPEN = {"LPAR", "LSQB", "LBRACE"}
_CLOSE = {"RPAR", "RSQB", "RBRACE"}
_NO_SOFT_KEYWORD_AFTER = {"COLON", "EQUAL", "DOT", "COMMA", "RPAR", "RSQB", "RBRACE", "__ANON_0"}


class _SeglamIndenter(PythonIndenter):
    """Python's indenter, plus the `match`/`case` soft keywords and nesting limits."""

    def process(self, stream):
        return super().process(_soft_keywords(_normalise_names(_limit_nesting(stream))))

    def handle_NL(self, token):
        if "\f" in token:  # Python's tokenizer: a form feed resets the indentation's column
            head, _, indent = token.rpartition("\n")
            token = Token.new_borrow_pos(token.type, f"{head}\n{indent.rpartition(chr(12))[2]}", token)
        try:
            yield from super().handle_NL(token)
        except DedentError:
            raise _IndentError(token) from None
        if len(self.indent_level) - 1 > MAX_INDENT_DEPTH:
            raise _NestingError(token, f"blocks nest deeper than {MAX_INDENT_DEPTH} levels")


def _limit_nesting(stream):
    depth = 0
    for token in stream:
        if token.type in _OPEN:
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                raise _NestingError(token, f"brackets nest deeper than {MAX_BRACKET_DEPTH} levels")
        elif token.type in _CLOSE:
            depth -= 1
        yield token


def _normalise_names(stream):
    """NFKC-normalise identifiers, as CPython does (PEP 3131): `ｅval` *is* `eval` in Python,
    so it must be the same name here too."""
    for token in stream:
        if token.type == "NAME" and not token.value.isascii():
            normal = unicodedata.normalize("NFKC", token.value)
            if normal != token.value:
                token = Token.new_borrow_pos("NAME", normal, token)
        yield token


def _soft_keywords(stream):
    """Retype a NAME `match`/`case` that opens a line ending in `:` into MATCH/CASE.

    Python decides this with its PEG parser; a logical line that starts with the name and ends
    with a colon at bracket depth 0 can only be a match statement or case clause (an
    assignment or expression statement never ends with a colon), except `match: int = ...`
    style annotations, which put the colon right after the name.
    """
    line: list[Token] = []
    depth = 0
    for token in stream:
        if token.type in _OPEN:
            depth += 1
        elif token.type in _CLOSE:
            depth = max(depth - 1, 0)
        if token.type == "_NEWLINE" and depth == 0:
            yield from _retype_line(line)
            line = []
            yield token
        else:
            line.append(token)
    yield from _retype_line(line)


def _retype_line(line: list[Token]):
    if (
        len(line) >= 3
        and line[0].type == "NAME"
        and line[0].value in ("match", "case")
        and line[-1].type == "COLON"
        and line[1].type not in _NO_SOFT_KEYWORD_AFTER
    ):
        line[0] = Token.new_borrow_pos("MATCH" if line[0].value == "match" else "CASE", line[0].value, line[0])
    return line


class _IndentError(Exception):
    def __init__(self, token: Token) -> None:
        super().__init__("unindent does not match any outer indentation level")
        self.token = token


class _NestingError(Exception):
    def __init__(self, token: Token, message: str) -> None:
        super().__init__(message)
        self.token = token
        self.message = message


_build_lock = threading.Lock()
_parse_lock = threading.Lock()


def _cache_file(grammar: str) -> str | bool:
    """Where Lark keeps the built parser tables between processes (a private, per-user
    directory: the file is unpickled, so it must not live in a shared temp directory)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    directory = os.path.join(base, "seglam", "parser")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError:
        return False
    if not os.access(directory, os.W_OK):
        return False
    digest = hashlib.sha256((grammar + lark.__version__).encode()).hexdigest()[:16]
    return os.path.join(directory, f"seglam-{digest}.lark")


@lru_cache(maxsize=1)
def _lark() -> Lark:
    with _build_lock:
        grammar = resources.files("seglam.grammar").joinpath("seglam.lark").read_text(encoding="utf-8")
        options = dict(parser="lalr", lexer="basic", propagate_positions=True, maybe_placeholders=True)
        try:
            return Lark(grammar, postlex=_SeglamIndenter(), cache=_cache_file(grammar), **options)
        except Exception:  # a damaged cache file: rebuild without it
            return Lark(grammar, postlex=_SeglamIndenter(), cache=False, **options)


def build_strict() -> Lark:
    """The same grammar in Lark's strict mode: fails on any LALR conflict or terminal
    collision (used by the tests; needs the `interegular` package)."""
    grammar = resources.files("seglam.grammar").joinpath("seglam.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="basic", postlex=_SeglamIndenter(), strict=True, maybe_placeholders=True)


#: A line continuation on the file's last line.
_CONTINUED_AT_END = re.compile(r"\\[\t \f]*\n\Z")


def normalise_source(source: str) -> str:
    """Newlines to ``\\n`` and a final newline, as Python's tokenizer sees the file."""
    text = source.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    return text


def parse_tree(source: str, filename: str = "<input>") -> Tree:
    """Parse ``source`` into a Lark tree or raise :class:`CheckError` with one E-SYNTAX
    (or E-NESTING) diagnostic."""
    if len(source) > MAX_SOURCE_CHARS:
        raise CheckError(
            [Diagnostic("E-NESTING", f"the program is longer than {MAX_SOURCE_CHARS} characters", Span(1, 1, 1, 2), filename)],
            None,
        )
    if "\x00" in source:
        line = source[: source.index("\x00")].count("\n") + 1
        raise CheckError([Diagnostic("E-SYNTAX", "the source contains a NUL character", Span(line, 1, line, 2), filename)], source)
    text = normalise_source(source)
    continued = _CONTINUED_AT_END.search(text)
    if continued is not None:  # Python: "unexpected EOF while parsing"
        line = text.count("\n", 0, continued.start()) + 1
        col = continued.start() - text.rfind("\n", 0, continued.start())
        raise CheckError([Diagnostic("E-SYNTAX", "the file ends right after a line continuation `\\`",
                                     Span(line, col, line, col + 1), filename,
                                     "remove the `\\` or continue the statement on the next line")], source)
    first = _first_code_line(text)
    if first is not None and text.splitlines()[first - 1][:1] in (" ", "\t", "\f"):
        raise CheckError([Diagnostic("E-SYNTAX", "unexpected indent", Span(first, 1, first, 2), filename,
                                     "the first statement of a file starts in column 1")], source)
    try:
        with _parse_lock:  # the indenter keeps per-parse state on the shared postlexer
            return _lark().parse(text)
    except _NestingError as error:
        raise CheckError([Diagnostic("E-NESTING", error.message, _token_span(error.token), filename)], source) from None
    except _IndentError as error:
        line = (error.token.end_line or error.token.line or 1)
        raise CheckError(
            [Diagnostic("E-SYNTAX", "unindent does not match any outer indentation level", Span(line, 1, line, 2), filename,
                        "indent every line of a block by the same amount (4 spaces)")],
            source,
        ) from None
    except UnexpectedInput as error:
        raise CheckError([_syntax_diagnostic(error, text, filename)], source) from None
    except (LarkError, RecursionError) as error:  # deep nesting inside Lark's own recursion
        raise CheckError(
            [Diagnostic("E-NESTING", f"the program could not be parsed: {type(error).__name__}", Span(1, 1, 1, 2), filename)],
            source,
        ) from None


def _first_code_line(text: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip(" \t\f")
        if stripped and not stripped.startswith("#"):
            return number
    return None


def _token_span(token: Token) -> Span:
    line = token.line or 1
    col = token.column or 1
    return Span(line, col, token.end_line or line, token.end_column or col + 1)


def _line_start_span(token: Token) -> Span:
    """Where an indentation token's line starts: the first character after its indentation
    (the token has the position of the line break before it, at the end of the line above)."""
    line = token.end_line or token.line or 1
    col = token.end_column or 1
    return Span(line, col, line, col + 1)


_TOKEN_WORDS = {
    "RPAR": "')'", "LPAR": "'('", "RSQB": "']'", "LSQB": "'['", "RBRACE": "'}'", "LBRACE": "'{'",
    "COLON": "':'", "COMMA": "','", "_NEWLINE": "a new line", "_INDENT": "an indented block",
    "_DEDENT": "the end of the block", "NAME": "a name", "EQUAL": "'='", "$END": "the end of the file",
}


def _syntax_diagnostic(error: UnexpectedInput, text: str, filename: str) -> Diagnostic:
    line = getattr(error, "line", 1) or 1
    col = getattr(error, "column", 1) or 1
    if line < 1:
        line, col = text.count("\n") or 1, 1
    span = Span(line, col, line, col + 1)
    hint = None
    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream] if 0 <= error.pos_in_stream < len(text) else "?"
        message = f"unexpected character {char!r}"
        if char in "$?`!":
            hint = "this character has no meaning in Python outside strings"
    elif isinstance(error, UnexpectedToken):
        token = error.token
        if token.type == "$END":
            message = "unexpected end of file"
        elif token.type == "_INDENT":
            message = "unexpected indent"
        elif token.type == "_DEDENT":
            message = "unexpected dedent"
        else:
            message = f"unexpected {token.value!r}"
        expected = sorted(_TOKEN_WORDS.get(name, f"'{name.lower()}'") for name in (error.expected or ()) if name in _TOKEN_WORDS)
        if expected:
            hint = "expected " + ", ".join(expected[:6])
        if token.type in ("_INDENT", "_DEDENT"):
            span = _line_start_span(token)
        if token.type == "_INDENT":
            hint = ("this line is indented more than the one before it, which opens no block (no `:` "
                    "at its end): indent it as the line before")
        elif token.type not in ("$END",):
            span = _token_span(token)
    elif isinstance(error, UnexpectedEOF):
        message = "unexpected end of file"
    else:
        message = str(error).splitlines()[0]
    return Diagnostic("E-SYNTAX", message, span, filename, hint)
