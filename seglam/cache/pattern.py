"""Patterns: literal text with typed holes that recognise a family's requests and bind
their inputs to the entry point's parameters.

Syntax: ``Sort these words: {words: str}``. A hole is ``{name: type}``; ``{{`` and ``}}``
are literal braces. A hole name may repeat (``{name: word} ... {name: word}``, spelled the
same): it is one parameter, bound by its first occurrence, and the request matches only if
every occurrence holds an equal value (up to case for text). Each pattern compiles to one anchored RE2 regex
(linear time, so a hostile request cannot hang a lookup). docs/cache.md ("Patterns") is the reference.

Each pattern also has a **specificity**: how much of a request it pins down, counted in
characters of literal text. A literal character counts one; a hole counts by how narrow
its class is (:attr:`HoleType.worth`: a hole that takes any text counts nothing, an
arithmetic expression nearly a literal word's worth). Admission asks for a minimum
(``seglam.cache.admit``), so a symbol-only request (``(1 + 2) * 3 =``) can be cached as
safely as a worded one while ``{x: str}`` alone never can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from decimal import InvalidOperation
from typing import Any, Callable

import re2

from seglam.cache.errors import PatternError
from seglam.cache.holes import HOLE_TYPES, STR_GREEDY, WS, Hole, char_ranges, hole_regex

try:  # the wrapper's Match object converts offsets in Python; the core call is ~20x cheaper
    from re2 import _re2 as _core

    _ANCHOR_BOTH = _core.RE2.Anchor.ANCHOR_BOTH
except (ImportError, AttributeError):  # pragma: no cover - another google-re2 layout
    _core = None

_HOLE_BODY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\((.*)\))?\s*\Z", re.S)
_PY_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")


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
    def _parsers(self) -> tuple[tuple[str, Callable[[str], Any] | None, bool], ...]:
        # per slot, worked out once: the hole's name, its parser (None: the text as it is) and
        # whether its repeats may differ in case (free text, as literal text matches in any case)
        return tuple((h.name, None if (f := HOLE_TYPES[h.type].parse) is str else f, h.type in CASELESS_REPEATS)
                     for h in self.slots)

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
        must parse to an equal value, up to case for a ``str`` or ``word`` hole (RE2 has no
        backreferences: equality is checked after the match, on the texts the match gave
        the holes)."""
        out: dict[str, Any] = {}
        for (name, parse, caseless), raw in zip(self._parsers, groups):
            try:
                value = raw if parse is None else parse(raw)
            except (ValueError, InvalidOperation, ArithmeticError):
                return None
            if name not in out:
                out[name] = value
            elif out[name] != value and not (caseless and out[name].casefold() == value.casefold()):
                return None
        return out


#: Hole types whose repeated mentions may differ in case ("Deshawn ... DeShawn"): free text,
#: like the literal text around it; the first mention binds. A tokens or chars hole lists
#: exactly what it takes, case included, and a number or date has no case.
CASELESS_REPEATS = frozenset({"str", "word"})

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


def best_match(patterns: list[Pattern], text: str) -> tuple[Pattern, dict[str, Any]] | None:
    """The pattern of a family's ``patterns`` that binds ``text`` (:func:`most_specific`) and
    its bindings, or None when none matches."""
    return most_specific([(p, b) for p in patterns if (b := p.match(text)) is not None])


def bind(patterns: list[Pattern], text: str) -> dict[str, Any] | None:
    """``text``'s bindings through a family's ``patterns`` (:func:`best_match`), or None."""
    best = best_match(patterns, text)
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
    pieces = [r"(?s)\A", WS, "*"]
    for i, p in enumerate(parts):
        if isinstance(p, Hole):
            frag = STR_GREEDY if (p.type == "str" and i == last_hole) else hole_regex(p)
            pieces.append(f"({frag})")
            continue
        words = p.split(" ")
        lit = f"{WS}+".join(_escape(w) for w in words)
        pieces.append(f"(?i:{lit})" if lit.strip() else lit)
    pieces += [WS, r"*\z"]
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
