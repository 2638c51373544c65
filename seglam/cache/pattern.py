"""Patterns: literal text with typed holes that recognise a family's requests and bind
their inputs to the entry point's parameters.

Syntax: ``Sort these words: {words: str}``. A hole is ``{name: type}``; ``{{`` and ``}}``
are literal braces. Each pattern compiles to one anchored RE2 regex (linear time, so a
hostile request cannot hang a lookup). docs/cache.md ("Patterns") is the reference.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

import re2

from seglam.cache.errors import PatternError
from seglam.syntax.intdigits import int_from_text

try:  # the wrapper's Match object converts offsets in Python; the core call is ~20x cheaper
    from re2 import _re2 as _core

    _ANCHOR_BOTH = _core.RE2.Anchor.ANCHOR_BOTH
except (ImportError, AttributeError):  # pragma: no cover - another google-re2 layout
    _core = None

# RE2's \s is ASCII only; requests pasted from the web carry NBSPs and friends.
_WS = r"[\s\p{Z}]"
_NWS = r"[^\s\p{Z}]"

_HOLE_BODY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*\Z", re.S)
_PY_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")


def _parse_bool(text: str) -> bool:
    return text.lower() in ("true", "yes")


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("not a finite float")
    return value


def _parse_date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@dataclass(frozen=True)
class HoleType:
    """How one hole type matches (an RE2 fragment) and parses (text -> value)."""

    name: str
    regex: str
    parse: Callable[[str], Any]
    param_type: str  # the Seglam parameter type it binds to


_STR_LAZY = f"{_NWS}(?:.*?{_NWS})??"  # lazy optional too, or the group wins
_STR_GREEDY = f"{_NWS}(?:.*{_NWS})?"
_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"

HOLE_TYPES: dict[str, HoleType] = {
    t.name: t
    for t in (
        HoleType("str", _STR_LAZY, str, "str"),
        HoleType("word", f"{_NWS}+", str, "str"),
        HoleType("int", r"[+-]?\d+", int_from_text, "int"),  # any Seglam-sized int, not just 4300 digits
        HoleType("float", _NUM + r"(?:[eE][+-]?\d+)?", _parse_float, "float"),
        HoleType("Decimal", _NUM, Decimal, "Decimal"),
        HoleType("bool", r"(?i:true|false|yes|no)", _parse_bool, "bool"),
        HoleType("date", r"\d{4}-\d{2}-\d{2}", _parse_date, "date"),
        # A closed vocabulary: `{expr: tokens(True False not and or ( ))}` matches one or more
        # whitespace-separated tokens, each one of the listed ones (exactly, case included).
        # The regex is built per hole from its vocabulary (see _hole_regex).
        HoleType("tokens", "", str, "str"),
    )
}


@dataclass(frozen=True)
class Hole:
    """A typed hole: binds the entry point's parameter ``name``."""

    name: str
    type: str
    vocabulary: tuple[str, ...] = ()  # the allowed tokens of a `tokens(...)` hole

    @property
    def spelling(self) -> str:
        if self.type == "tokens":
            return f"{{{self.name}: tokens({' '.join(self.vocabulary)})}}"
        return f"{{{self.name}: {self.type}}}"


def _hole_regex(hole: Hole) -> str:
    if hole.type != "tokens":
        return HOLE_TYPES[hole.type].regex
    # longest first, so that RE2's leftmost-first alternation prefers `not` over `n`
    alternatives = "|".join(re2.escape(t) for t in sorted(hole.vocabulary, key=lambda t: (-len(t), t)))
    return f"(?:{alternatives})(?:{_WS}+(?:{alternatives}))*"


Part = "str | Hole"


@dataclass(frozen=True)
class Pattern:
    """A parsed, compiled pattern. Build with :func:`parse_pattern`."""

    text: str  # canonical text: whitespace collapsed, holes spelled ``{name: type}``
    parts: tuple[Any, ...]  # literal strings (whitespace-normalised) and Holes
    regex: str
    literal_chars: int  # non-space literal characters: the first specificity key
    anchors: tuple[str, ...]  # lower-cased literal words every matching request contains
    holes: tuple[Hole, ...]

    @cached_property
    def _compiled(self) -> Any:
        # compiled on first match: building the index for 100,000 families needs only anchors
        if _core is not None:
            return _core.RE2(self.regex.encode(), re2.Options())
        return re2.compile(self.regex)

    def _groups(self, text: str) -> tuple[str, ...] | None:
        """The text of every hole, or None when the whole text does not match."""
        if _core is None:
            m = self._compiled.fullmatch(text)
            return None if m is None else m.groups()
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: not text a request can contain
            return None
        spans = self._compiled.Match(_ANCHOR_BOTH, data, 0, len(data))
        if spans[0][0] < 0:
            return None
        return tuple(data[a:b].decode("utf-8") for a, b in spans[1:])

    @property
    def specificity(self) -> tuple[int, int]:
        """Sort key, larger is more specific: more literal text, then fewer holes."""
        return (self.literal_chars, -len(self.holes))

    def captures(self, text: str) -> dict[str, str] | None:
        """The raw text of each hole, or None when the pattern does not match."""
        groups = self._groups(text)
        if groups is None:
            return None
        return {h.name: g for h, g in zip(self.holes, groups)}

    def match(self, text: str) -> dict[str, Any] | None:
        """Bindings ``{param: value}``, or None when the text does not match or a hole's
        text does not parse as its type."""
        groups = self._groups(text)
        if groups is None:
            return None
        out: dict[str, Any] = {}
        for hole, raw in zip(self.holes, groups):
            try:
                out[hole.name] = HOLE_TYPES[hole.type].parse(raw)
            except (ValueError, InvalidOperation, ArithmeticError):
                return None
        return out


def parse_pattern(text: str) -> Pattern:
    """Parse and compile a pattern; :class:`PatternError` says what is wrong and where."""
    raw_parts = _split(text)
    parts = _normalise(raw_parts)
    if not parts:
        raise PatternError("empty pattern")
    holes = [p for p in parts if isinstance(p, Hole)]
    seen: set[str] = set()
    for h in holes:
        if h.name in seen:
            raise PatternError(f"hole {{{h.name}}} appears twice; each hole binds one parameter")
        seen.add(h.name)
    regex = _regex(parts)
    # A closed vocabulary pins a hole as firmly as literal text does, so it counts as such.
    literal_chars = sum(len(_PY_WS.sub("", p)) for p in parts if isinstance(p, str))
    literal_chars += sum(len("".join(h.vocabulary)) for h in holes)
    return Pattern(
        text=_canonical(parts),
        parts=tuple(parts),
        regex=regex,
        literal_chars=literal_chars,
        anchors=_anchors(parts),
        holes=tuple(holes),
    )


_PIECE = re.compile(r"\{\{|\}\}|\{[^{}]*\}|[{}]|[^{}]+")


def _split(text: str) -> list[Any]:
    parts: list[Any] = []
    buf: list[str] = []
    for m in _PIECE.finditer(text):
        piece = m.group()
        if piece == "{{" or piece == "}}":
            buf.append(piece[0])
        elif piece == "{":
            raise PatternError(f"unclosed '{{' at column {m.start() + 1} (write '{{{{' for a literal brace)")
        elif piece == "}":
            raise PatternError(f"stray '}}' at column {m.start() + 1} (write '}}}}' for a literal brace)")
        elif piece[0] == "{":
            body = piece[1:-1]
            hole = _HOLE_BODY.match(body)
            if hole is None:
                raise PatternError(
                    f"bad hole {piece} at column {m.start() + 1}: write {{name: type}} with type one of "
                    + ", ".join(HOLE_TYPES)
                )
            name, type_, vocabulary = hole.groups()
            if type_ not in HOLE_TYPES:
                raise PatternError(f"unknown hole type {type_!r} in {piece}: use one of " + ", ".join(HOLE_TYPES))
            words: tuple[str, ...] = ()
            if type_ == "tokens":
                words = tuple(dict.fromkeys((vocabulary or "").split()))
                if not words:
                    raise PatternError(f"{piece}: a tokens hole lists its tokens: {{{name}: tokens(yes no maybe)}}")
            elif vocabulary is not None:
                raise PatternError(f"{piece}: only a tokens hole takes a list in parentheses")
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(Hole(name, type_, words))
        else:
            buf.append(piece)
    if buf:
        parts.append("".join(buf))
    return parts


def _normalise(parts: list[Any]) -> list[Any]:
    """Collapse whitespace runs in literals, strip the pattern's ends, drop empty literals."""
    out: list[Any] = []
    for i, p in enumerate(parts):
        if isinstance(p, Hole):
            out.append(p)
            continue
        s = _PY_WS.sub(" ", p)
        if i == 0:
            s = s.lstrip()
        if i == len(parts) - 1:
            s = s.rstrip()
        if s:
            out.append(s)
    return out


def _regex(parts: list[Any]) -> str:
    holes = [i for i, p in enumerate(parts) if isinstance(p, Hole)]
    last_hole = holes[-1] if holes else -1
    pieces = [r"(?s)\A", _WS, "*"]
    for i, p in enumerate(parts):
        if isinstance(p, Hole):
            frag = _STR_GREEDY if (p.type == "str" and i == last_hole) else _hole_regex(p)
            pieces.append(f"({frag})")
            continue
        words = p.split(" ")
        lit = f"{_WS}+".join(_escape(w) for w in words)
        pieces.append(f"(?i:{lit})" if lit.strip() else lit)
    pieces += [_WS, r"*\z"]
    return "".join(pieces)


_ESCAPES = str.maketrans({c: "\\" + c for c in "\\.^$|?*+()[]{}"})


def _escape(text: str) -> str:
    """RE2-escape literal text (re2.escape is pure Python and escapes every character)."""
    return text.translate(_ESCAPES)


def _canonical(parts: list[Any]) -> str:
    out = []
    for p in parts:
        if isinstance(p, Hole):
            out.append(p.spelling)
        else:
            out.append(p.replace("{", "{{").replace("}", "}}"))
    return "".join(out)


def _anchors(parts: list[Any]) -> tuple[str, ...]:
    """Literal words that appear, delimited, as whole tokens of every matching request.

    A word glued to a hole (``{n: int}th``) is not one: the request's token is ``5th``.
    """
    found: list[str] = []
    for i, p in enumerate(parts):
        if isinstance(p, Hole):
            continue
        low = p.lower()
        hole_before = i > 0
        hole_after = i < len(parts) - 1
        for m in _TOKEN.finditer(low):
            if hole_before and m.start() == 0:
                continue
            if hole_after and m.end() == len(low):
                continue
            if m.group() not in found:
                found.append(m.group())
    return tuple(found)


def request_tokens(text: str) -> set[str]:
    """The index probe keys of a request: its lower-cased word tokens."""
    return set(_TOKEN.findall(text.lower()))


def hole_fits(hole_type: str, param_type: str) -> bool:
    """Whether a hole of this type can bind a parameter of this Seglam type."""
    want = HOLE_TYPES[hole_type].param_type
    options = {t.strip() for t in param_type.split("|")} - {"None"}
    return options == {want}
