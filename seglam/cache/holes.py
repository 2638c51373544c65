"""Hole types: what a pattern's ``{name: type}`` matches (an RE2 fragment), how the matched
text becomes a value, which parameter type it binds, and how much of a request it pins down
(its worth, the specificity rule of seglam.cache.pattern). docs/cache.md ("Patterns") has
the table; the prompt prints it from :data:`HOLE_TYPES`.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

import re2

from seglam.syntax.intdigits import int_from_text

# RE2's \s is ASCII only; requests pasted from the web carry NBSPs and friends.
WS = r"[\s\p{Z}]"
NWS = r"[^\s\p{Z}]"


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


_STR_LAZY = f"{NWS}(?:.*?{NWS})??"  # lazy optional too, or the group wins
STR_GREEDY = f"{NWS}(?:.*{NWS})?"
_NUM = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"
_EXPR_CHAR = r"[0-9.+\-*/%()]"
_EXPR = f"{_EXPR_CHAR}(?:(?:{_EXPR_CHAR}|{WS})*{_EXPR_CHAR})?"

#: The most a hole can count: below MIN_SPECIFICITY (seglam.cache.admit), so no pattern
#: is specific by its holes alone; it always keeps some of the request's own text.
MAX_HOLE_WORTH = 9

HOLE_TYPES: dict[str, HoleType] = {
    t.name: t
    for t in (
        HoleType("str", _STR_LAZY, str, "str", 0, "any text, may span lines"),
        HoleType("word", f"{NWS}+", str, "str", 0, "a run of non-space characters"),
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
        # The regex is built per hole from its vocabulary (see hole_regex); it is worth its
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


def hole_regex(hole: Hole) -> str:
    if hole.type == "chars":
        members = "".join(f"\\x{{{lo:x}}}-\\x{{{hi:x}}}" for lo, hi in char_ranges(hole.vocabulary[0]))
        return f"[{members}]+"
    if hole.type != "tokens":
        return HOLE_TYPES[hole.type].regex
    # longest first, so that RE2's leftmost-first alternation prefers `not` over `n`
    alternatives = "|".join(re2.escape(t) for t in sorted(hole.vocabulary, key=lambda t: (-len(t), t)))
    return f"(?:{alternatives})(?:{WS}+(?:{alternatives}))*"


def hole_fits(hole_type: str, param_type: str) -> bool:
    """Whether a hole of this type can bind a parameter of this Seglam type."""
    want = HOLE_TYPES[hole_type].param_type
    options = {t.strip() for t in param_type.split("|")} - {"None"}
    return options == {want}
