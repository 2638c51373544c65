"""Patterns: literal text with typed holes that recognise a family's requests and bind
their inputs to the entry point's parameters.

Syntax: ``Sort these words: {words: str}``. A hole is ``{name: type}``; ``{{`` and ``}}``
are literal braces. A hole name may repeat (``{name: word} ... {name: word}``, spelled the
same): it is one parameter, bound by its first occurrence, and the request matches only if
every occurrence holds an equal value. Each pattern compiles to one anchored RE2 regex
(linear time, so a hostile request cannot hang a lookup). docs/cache.md ("Patterns") is the reference.

Each pattern also has a **specificity**: how much of a request it pins down, counted in
characters of literal text. A literal character counts one; a hole counts by how narrow
its class is (:attr:`HoleType.worth`: a hole that takes any text counts nothing, an
arithmetic expression nearly a literal word's worth). Admission asks for a minimum
(``seglam.cache.admit``), so a symbol-only request (``(1 + 2) * 3 =``) can be cached as
safely as a worded one while ``{x: str}`` alone never can.
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


_EXPR_TOKEN = re.compile(r"\s*(?:([0-9]+(?:\.[0-9]*)?|\.[0-9]+)|(\*\*|//|[-+*/%])|(\()|(\)))")


def _parse_expr(text: str) -> str:
    """An arithmetic expression, checked left to right without recursion: numbers, binary
    operators, unary signs, balanced round brackets, and at least one binary operation."""
    pos, depth, operand_next, operations = 0, 0, True, 0
    while pos < len(text):
        m = _EXPR_TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError("not an arithmetic expression")
        number, operator, opening, closing = m.groups()
        pos = m.end()
        if operand_next and number:
            operand_next = False
        elif operand_next and opening:
            depth += 1
        elif operand_next and operator in ("+", "-"):
            pass  # a sign
        elif not operand_next and operator:
            operand_next, operations = True, operations + 1
        elif not operand_next and closing and depth:
            depth -= 1
        else:
            raise ValueError("not an arithmetic expression")
    if operand_next or depth or not operations:
        raise ValueError("not a complete arithmetic expression")
    return text


@dataclass(frozen=True)
class HoleType:
    """How one hole type matches (an RE2 fragment) and parses (text -> value)."""

    name: str
    regex: str
    parse: Callable[[str], Any]
    param_type: str  # the Seglam parameter type it binds to
    worth: int  # specificity: how many literal characters' worth of a request it pins down
    summary: str  # what it matches, in a few words (the prompt's and the docs' table)


_STR_LAZY = f"{_NWS}(?:.*?{_NWS})??"  # lazy optional too, or the group wins
_STR_GREEDY = f"{_NWS}(?:.*{_NWS})?"
_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_EXPR_CHAR = r"[0-9.+\-*/%()]"
_EXPR = f"{_EXPR_CHAR}(?:(?:{_EXPR_CHAR}|{_WS})*{_EXPR_CHAR})?"

#: The most a hole can count: below MIN_SPECIFICITY (seglam.cache.admit), so no pattern
#: is specific by its holes alone; it always keeps some of the request's own text.
MAX_HOLE_WORTH = 9

HOLE_TYPES: dict[str, HoleType] = {
    t.name: t
    for t in (
        HoleType("str", _STR_LAZY, str, "str", 0, "any text, may span lines"),
        HoleType("word", f"{_NWS}+", str, "str", 0, "a run of non-space characters"),
        # any Seglam-sized int, not just 4300 digits
        HoleType("int", r"[+-]?\d+", int_from_text, "int", 4, "an optional sign and digits"),
        HoleType("float", _NUM + r"(?:[eE][+-]?\d+)?", _parse_float, "float", 4,
                 "a decimal number, optional exponent"),
        HoleType("Decimal", _NUM, Decimal, "Decimal", 4, "a decimal number, its scale kept"),
        HoleType("bool", r"(?i:true|false|yes|no)", _parse_bool, "bool", 3, "true, false, yes or no"),
        HoleType("date", r"\d{4}-\d{2}-\d{2}", _parse_date, "date", 6, "YYYY-MM-DD"),
        # Numbers, + - * / % ** //, round brackets and spaces, with at least one operation;
        # never a letter, so the request is arithmetic by construction.
        HoleType("expr", _EXPR, _parse_expr, "str", MAX_HOLE_WORTH,
                 "an arithmetic expression: numbers, + - * / % ** //, balanced ( ), spaces"),
        # A closed vocabulary: `{expr: tokens(True False not and or ( ))}` matches one or more
        # whitespace-separated tokens, each one of the listed ones (exactly, case included).
        # The regex is built per hole from its vocabulary (see _hole_regex); it is worth its
        # tokens' characters, up to MAX_HOLE_WORTH (see Hole.worth).
        HoleType("tokens", "", str, "str", MAX_HOLE_WORTH,
                 "whitespace-separated tokens, each one of those listed"),
        # A character class: `{hex: chars(0-9a-f)}` matches a run of the listed characters
        # (ranges `a-z`; spaces in the list are ignored and never matched). Worth what its
        # size excludes (see class_worth).
        HoleType("chars", "", str, "str", MAX_HOLE_WORTH, "a run of the listed characters, ranges a-z, no spaces"),
    )
}

#: Printable ASCII: the alphabet a character class's size is measured against.
_ALPHABET = 95


def class_worth(size: int) -> int:
    """What a character class of ``size`` characters pins down per the specificity rule:
    MAX_HOLE_WORTH times the share of a free character's information it removes
    (``1 - log size / log 95``), rounded; one character is worth 9, the ten digits 4, the
    26 lower-case letters 3, letters and digits together 1."""
    if size >= _ALPHABET:
        return 0
    return round(MAX_HOLE_WORTH * (1 - math.log(max(size, 1)) / math.log(_ALPHABET)))


def char_ranges(spec: str) -> tuple[tuple[int, int], ...]:
    """``a-z0-9_`` as merged code point ranges (spaces ignored); ValueError when empty or a
    range runs backwards."""
    chars = [c for c in spec if not c.isspace()]
    ranges: list[tuple[int, int]] = []
    i = 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            lo, hi = ord(chars[i]), ord(chars[i + 2])
            if lo > hi:
                raise ValueError(f"the range {chars[i]}-{chars[i + 2]} runs backwards")
            ranges.append((lo, hi))
            i += 3
        else:
            ranges.append((ord(chars[i]), ord(chars[i])))
            i += 1
    if not ranges:
        raise ValueError("the class lists no characters")
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return tuple(merged)


@dataclass(frozen=True)
class Hole:
    """A typed hole: binds the entry point's parameter ``name``."""

    name: str
    type: str
    vocabulary: tuple[str, ...] = ()  # the allowed tokens of a `tokens(...)` hole; a `chars(...)` hole's class

    @property
    def worth(self) -> int:
        """Literal characters' worth of a request this hole pins down (see HOLE_TYPES)."""
        if self.type == "tokens":
            return min(MAX_HOLE_WORTH, len("".join(self.vocabulary)))
        if self.type == "chars":
            return class_worth(sum(hi - lo + 1 for lo, hi in char_ranges(self.vocabulary[0])))
        return HOLE_TYPES[self.type].worth

    @property
    def spelling(self) -> str:
        if self.type in ("tokens", "chars"):
            return f"{{{self.name}: {self.type}({' '.join(self.vocabulary)})}}"
        return f"{{{self.name}: {self.type}}}"


def _hole_regex(hole: Hole) -> str:
    if hole.type == "chars":
        members = "".join(f"\\x{{{lo:x}}}-\\x{{{hi:x}}}" for lo, hi in char_ranges(hole.vocabulary[0]))
        return f"[{members}]+"
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
    literal_chars: int  # non-space literal characters
    anchors: tuple[str, ...]  # lower-cased literal words, then symbols, every matching request contains
    holes: tuple[Hole, ...]  # one per parameter, in order of first occurrence
    slots: tuple[Hole, ...]  # every occurrence, in order (a repeated hole more than once): the regex groups

    @property
    def pinned(self) -> int:
        """How much of a request the pattern pins down, in literal characters' worth: its
        non-space literal characters plus each hole occurrence's :attr:`Hole.worth`."""
        return self.literal_chars + sum(h.worth for h in self.slots)

    @property
    def words(self) -> tuple[str, ...]:
        """The anchors that are words (the index prefers them to symbols)."""
        return tuple(a for a in self.anchors if _TOKEN.fullmatch(a))

    @cached_property
    def _compiled(self) -> Any:
        # compiled on first match: building the index for 100,000 families needs only anchors
        if _core is not None:
            return _core.RE2(self.regex.encode(), re2.Options())
        return re2.compile(self.regex)

    @cached_property
    def _parsers(self) -> tuple[tuple[str, Callable[[str], Any] | None], ...]:
        # per slot, worked out once: the hole's name and its parser (None: the text as it is)
        return tuple((h.name, None if (f := HOLE_TYPES[h.type].parse) is str else f) for h in self.slots)

    def _groups(self, text: str) -> list[str] | None:
        """The text of every hole, or None when the whole text does not match."""
        if _core is None:
            m = self._compiled.fullmatch(text)
            return None if m is None else list(m.groups())
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: not text a request can contain
            return None
        spans = self._compiled.Match(_ANCHOR_BOTH, data, 0, len(data))
        if not spans or spans[0][0] < 0:  # no spans at all: RE2 ran out of memory, a miss
            return None
        groups = []
        for a, b in spans[1:]:
            groups.append(data[a:b].decode("utf-8"))
        return groups

    @property
    def specificity(self) -> tuple[int, int]:
        """Sort key, larger is more specific: more pinned down (:attr:`pinned`), then fewer holes."""
        return (self.pinned, -len(self.holes))

    def captures(self, text: str) -> dict[str, str] | None:
        """The raw text of each hole (a repeated hole's first occurrence), or None when
        :meth:`match` gives None."""
        groups = self._groups(text)
        if groups is None or self._bind(groups) is None:
            return None
        out: dict[str, str] = {}
        for hole, raw in zip(self.slots, groups):
            out.setdefault(hole.name, raw)
        return out

    def match(self, text: str) -> dict[str, Any] | None:
        """Bindings ``{param: value}``, or None when the text does not match, a hole's
        text does not parse as its type, or a repeated hole's occurrences differ."""
        groups = self._groups(text)
        return None if groups is None else self._bind(groups)

    def _bind(self, groups: list[str]) -> dict[str, Any] | None:
        """Each slot's text parsed; a repeated hole binds once and every later occurrence
        must parse to an equal value (RE2 has no backreferences: equality is checked
        after the match, on the texts the match gave the holes)."""
        out: dict[str, Any] = {}
        for (name, parse), raw in zip(self._parsers, groups):
            try:
                value = raw if parse is None else parse(raw)
            except (ValueError, InvalidOperation, ArithmeticError):
                return None
            if name not in out:
                out[name] = value
            elif out[name] != value:
                return None
        return out


#: Longest pattern text, and most tokens in one ``tokens(...)`` hole: far above any real
#: request's wording, far below what makes RE2 run out of memory on a request.
MAX_PATTERN_CHARS = 2000
MAX_VOCABULARY = 200


def most_specific(matches: list[tuple[Pattern, dict[str, Any]]]) -> tuple[Pattern, dict[str, Any]] | None:
    """The match that binds a request among a family's patterns that matched it (in the
    order the family lists them): the most specific pattern (:attr:`Pattern.specificity`),
    the first listed among equals. The one binding rule: a hit (``seglam.cache.lookup``),
    admission and every re-check bind a request this way, so what was checked is what is
    served."""
    best: tuple[Pattern, dict[str, Any]] | None = None
    for pat, bindings in matches:
        if best is None or pat.specificity > best[0].specificity:
            best = (pat, bindings)
    return best


def bind(patterns: list[Pattern], text: str) -> dict[str, Any] | None:
    """``text``'s bindings through a family's ``patterns`` (:func:`most_specific`), or None."""
    best = most_specific([(p, b) for p in patterns if (b := p.match(text)) is not None])
    return None if best is None else best[1]


def parse_pattern(text: str) -> Pattern:
    """Parse and compile a pattern; :class:`PatternError` says what is wrong and where."""
    _check_text(text)
    raw_parts = _split(text)
    parts = _normalise(raw_parts)
    if not parts:
        raise PatternError("empty pattern", "E-PATTERN-EMPTY")
    slots = [p for p in parts if isinstance(p, Hole)]
    holes: dict[str, Hole] = {}
    for h in slots:
        first = holes.setdefault(h.name, h)
        if first != h:
            raise PatternError(f"hole {{{h.name}}} appears twice with different types ({first.spelling} and "
                               f"{h.spelling}); a repeated hole is one value and is spelled the same each time",
                               "E-PATTERN-HOLE")
    regex = _regex(parts)
    literal_chars = sum(len(_PY_WS.sub("", p)) for p in parts if isinstance(p, str))
    return Pattern(
        text=_canonical(parts),
        parts=tuple(parts),
        regex=regex,
        literal_chars=literal_chars,
        anchors=_anchors(parts),
        holes=tuple(holes.values()),
        slots=tuple(slots),
    )


def _check_text(text: Any) -> None:
    if not isinstance(text, str):
        raise PatternError(f"a pattern is text, not {type(text).__name__}", "E-PATTERN-TEXT")
    if len(text) > MAX_PATTERN_CHARS:
        raise PatternError(f"pattern of {len(text)} characters; keep it under {MAX_PATTERN_CHARS}", "E-PATTERN-TEXT")
    bad = next((i for i, c in enumerate(text) if "\ud800" <= c <= "\udfff"), None)
    if bad is not None:
        raise PatternError(f"a lone surrogate U+{ord(text[bad]):04X} at column {bad + 1} is not text",
                           "E-PATTERN-TEXT", bad + 1)


_PIECE = re.compile(r"\{\{|\}\}|\{[^{}]*\}|[{}]|[^{}]+")


def _split(text: str) -> list[Any]:
    parts: list[Any] = []
    buf: list[str] = []
    for m in _PIECE.finditer(text):
        piece = m.group()
        if piece == "{{" or piece == "}}":
            buf.append(piece[0])
        elif piece == "{":
            raise PatternError(f"unclosed '{{' at column {m.start() + 1} (write '{{{{' for a literal brace)",
                               "E-PATTERN-BRACE", m.start() + 1)
        elif piece == "}":
            raise PatternError(f"stray '}}' at column {m.start() + 1} (write '}}}}' for a literal brace)",
                               "E-PATTERN-BRACE", m.start() + 1)
        elif piece[0] == "{":
            body = piece[1:-1]
            hole = _HOLE_BODY.match(body)
            if hole is None:
                raise PatternError(
                    f"bad hole {piece} at column {m.start() + 1}: write {{name: type}} with type one of "
                    + ", ".join(HOLE_TYPES), "E-PATTERN-HOLE", m.start() + 1
                )
            name, type_, vocabulary = hole.groups()
            if type_ not in HOLE_TYPES:
                raise PatternError(f"unknown hole type {type_!r} in {piece}: use one of " + ", ".join(HOLE_TYPES),
                                   "E-PATTERN-HOLE", m.start() + 1)
            words: tuple[str, ...] = ()
            if type_ == "tokens":
                words = tuple(dict.fromkeys((vocabulary or "").split()))
                if not words:
                    raise PatternError(f"{piece}: a tokens hole lists its tokens: {{{name}: tokens(yes no maybe)}}",
                                       "E-PATTERN-HOLE", m.start() + 1)
                if len(words) > MAX_VOCABULARY:
                    raise PatternError(f"{{{name}: tokens(...)}} lists {len(words)} tokens; at most {MAX_VOCABULARY}",
                                       "E-PATTERN-HOLE", m.start() + 1)
            elif type_ == "chars":
                words = ("".join((vocabulary or "").split()),)
                try:
                    char_ranges(words[0])
                except ValueError as err:
                    raise PatternError(f"{piece}: {err}; write {{{name}: chars(0-9a-f)}}", "E-PATTERN-HOLE",
                                       m.start() + 1) from None
            elif vocabulary is not None:
                raise PatternError(f"{piece}: only a tokens or chars hole takes a list in parentheses",
                                   "E-PATTERN-HOLE", m.start() + 1)
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
    """Literal words that appear, delimited, as whole tokens of every matching request,
    then the literal symbols (each character that is neither a word character nor a space:
    ``=``, ``?``), which every matching request contains as they are.

    A word glued to a hole (``{n: int}th``) is not one: the request's token is ``5th``.
    """
    found: list[str] = []
    symbols: list[str] = []
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
        symbols += [c for c in _SYMBOL.findall(low) if c not in symbols]
    return tuple(found) + tuple(symbols)


_SYMBOL = re.compile(r"[^\w\s\ud800-\udfff]")  # a lone surrogate is no key (patterns cannot hold one)
def hole_fits(hole_type: str, param_type: str) -> bool:
    """Whether a hole of this type can bind a parameter of this Seglam type."""
    want = HOLE_TYPES[hole_type].param_type
    options = {t.strip() for t in param_type.split("|")} - {"None"}
    return options == {want}
