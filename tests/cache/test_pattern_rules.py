"""Pattern parsing case by case (seglam.cache.pattern, SPEC.md §14): the exact diagnostic
(text, code, column) of each malformed pattern, the parts a pattern is split into, the
vocabulary of a tokens or chars hole, and what a chars hole matches. Written to pin the rows
a mutation run (bench/mutation.py) found untested."""

from __future__ import annotations

import pytest

from seglam.cache.holes import Hole
from seglam.cache.pattern import MAX_VOCABULARY, PatternError, parse_pattern

TYPES = "str, word, int, float, Decimal, bool, date, expr, tokens, chars"


@pytest.mark.parametrize(("text", "code", "column", "message"), [
    ("Sum of { b", "E-PATTERN-BRACE", 8, "unclosed '{' at column 8 (write '{{' for a literal brace)"),
    ("Sum of } b", "E-PATTERN-BRACE", 8, "stray '}' at column 8 (write '}}' for a literal brace)"),
    ("Sum of {x} b", "E-PATTERN-HOLE", 8,
     f"bad hole {{x}} at column 8: write {{name: type}} with type one of {TYPES}"),
    ("Sum of {x: nope} b", "E-PATTERN-HOLE", 8, f"unknown hole type 'nope' in {{x: nope}}: use one of {TYPES}"),
    ("Sum of {x: tokens()} b", "E-PATTERN-HOLE", 8,
     "{x: tokens()}: a tokens hole lists its tokens: {x: tokens(yes no maybe)}"),
    ("Sum of {x: tokens( )} b", "E-PATTERN-HOLE", 8,
     "{x: tokens( )}: a tokens hole lists its tokens: {x: tokens(yes no maybe)}"),
    ("Sum of {x: chars(z-a)} b", "E-PATTERN-HOLE", 8,
     "{x: chars(z-a)}: the range z-a runs backwards; write {x: chars(0-9a-f)}"),
    ("Sum of {x: chars} b", "E-PATTERN-HOLE", 8,
     "{x: chars}: the class lists no characters; write {x: chars(0-9a-f)}"),
    ("Sum of {x: chars( )} b", "E-PATTERN-HOLE", 8,
     "{x: chars( )}: the class lists no characters; write {x: chars(0-9a-f)}"),
    ("Sum of {x: int(1 2)} b", "E-PATTERN-HOLE", 8,
     "{x: int(1 2)}: only a tokens or chars hole takes a list in parentheses"),
])
def test_each_malformed_pattern_has_its_diagnostic(text, code, column, message):
    with pytest.raises(PatternError) as info:
        parse_pattern(text)
    assert (info.value.code, info.value.column, str(info.value)) == (code, column, message)


def test_a_tokens_hole_lists_at_most_the_vocabulary_limit():
    words = [f"t{i}" for i in range(MAX_VOCABULARY + 1)]
    assert len(parse_pattern(f"Pick {{x: tokens({' '.join(words[:-1])})}}").holes[0].vocabulary) == MAX_VOCABULARY
    with pytest.raises(PatternError) as info:
        parse_pattern(f"Pick {{x: tokens({' '.join(words)})}}")
    assert (info.value.code, info.value.column, str(info.value)) == (
        "E-PATTERN-HOLE", 6, f"{{x: tokens(...)}} lists {MAX_VOCABULARY + 1} tokens; at most {MAX_VOCABULARY}")


def test_parts_literal_braces_and_vocabularies():
    p = parse_pattern("x {{ {a: int} }} y {t: tokens(no yes no)} z {c: chars(0-9 a-f)}")
    assert p.parts == ("x { ", Hole("a", "int", ()), " } y ", Hole("t", "tokens", ("no", "yes")), " z ",
                       Hole("c", "chars", ("0-9a-f",)))
    assert parse_pattern("{a: int}{b: word}").parts == (Hole("a", "int", ()), Hole("b", "word", ()))
    assert parse_pattern("{{}}").parts == ("{}",)


def test_a_chars_hole_matches_a_run_of_its_characters_only():
    p = parse_pattern("Convert 0x{h: chars(0-9a-f)} now")
    assert p.match("Convert 0xff0a now") == {"h": "ff0a"}
    assert p.match("Convert 0xfg now") is None and p.match("Convert 0x now") is None
    assert p.match("Convert 0xFF now") is None  # a class is case-exact
    for outside in "X-\\x{}g ":  # nothing but the class: not the text spelling its ranges either
        assert p.match(f"Convert 0xf{outside}0 now") is None
