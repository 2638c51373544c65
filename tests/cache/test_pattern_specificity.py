"""The one over-generality rule (issue 18, point 3): a pattern must pin down enough of a
request, literal characters counting one each and holes by how narrow their class is, and
keep a literal word or symbol to be indexed by. Symbol-only requests (arithmetic) can then
be cached as safely as worded ones; a bare `{x: str}` never."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.cache import parse_pattern
from seglam.cache.admit import MIN_SPECIFICITY, check_pattern_admissible, hole_worths, over_general
from seglam.cache.holes import HOLE_TYPES, MAX_HOLE_WORTH, char_ranges, class_worth


def refused(text: str) -> list[str]:
    return check_pattern_admissible(text)


def test_a_bare_str_hole_is_refused_with_its_count_and_a_hint():
    reasons = refused("{x: str}")
    assert len(reasons) == 2
    assert reasons[0].startswith("pattern '{x: str}' is over-general (E-PATTERN-GENERAL): it pins down 0 characters'")
    assert "it needs 10 (0 literal + {x: str} 0)" in reasons[0] and "expr 9" in reasons[0]
    assert "(E-PATTERN-ANCHOR)" in reasons[1]


def test_an_expression_hole_anchored_by_a_literal_symbol_is_accepted():
    assert refused("{e: expr} =") == []
    assert parse_pattern("{e: expr} =").pinned == 1 + 9


@pytest.mark.parametrize("pattern", [
    "{e: expr}",                 # 9: no hole alone reaches the minimum, and nothing to index it by
    "{e: expr} {f: expr}",       # 18, but no literal word or symbol
    "{a: int} {b: int}",
    "{x: str} =",
    "{x: word} = {y: word}",
    "Do: {words: str}",          # 3 literal characters
    "The {q: str} word {word: word}?",
    "{x: str} now",
    "{d: date} ?",               # 1 + 6
    "Is {b: bool}?",             # 3 + 3
    "{n: int} =",                # 1 + 4
    "{a: int}, {b: int}",        # 1 + 4 + 4
])
def test_patterns_that_pin_down_too_little_are_refused(pattern):
    assert refused(pattern), pattern


@pytest.mark.parametrize("pattern", [
    "Sort these words: {w: str}",                      # worded, two words: as before
    "Sort the following words alphabetically: List: {words: str}",
    "What is {a: int} plus {b: int}?",
    "{expression: tokens(True False not and or ( ))} is",
    "{e: expr}=",
    "Evaluate {e: expr}",
    "Transliterate {t: str}",                          # one long word pins 13
    "{a: int} + {b: int} =",                           # 2 + 4 + 4: no less than `{e: expr} =`, which takes more
])
def test_patterns_that_pin_down_enough_are_accepted(pattern):
    assert refused(pattern) == [], pattern


def test_the_rule_adds_literal_characters_and_hole_worths():
    for name, hole in HOLE_TYPES.items():
        assert 0 <= hole.worth <= MAX_HOLE_WORTH < MIN_SPECIFICITY, name
    assert HOLE_TYPES["str"].worth == HOLE_TYPES["word"].worth == 0
    assert HOLE_TYPES["expr"].worth > HOLE_TYPES["int"].worth > 0
    assert hole_worths().startswith("str 0, word 0, int 4")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abcXYZ:=?+ ", min_size=0, max_size=24),
       st.lists(st.sampled_from(sorted(set(HOLE_TYPES) - {"tokens", "chars"})), max_size=3))
def test_admissible_exactly_when_enough_is_pinned_and_something_is_literal(literal, types):
    holes = " ".join(f"{{h{i}: {t}}}" for i, t in enumerate(types))
    literal = literal if literal.strip() or holes else "x"
    text = f"{literal} {holes}"
    pat = parse_pattern(text)
    expected = sum(1 for c in literal if not c.isspace()) + sum(HOLE_TYPES[t].worth for t in types)
    assert pat.pinned == expected
    assert (over_general(pat) == []) == (expected >= MIN_SPECIFICITY and bool(pat.anchors))


def test_the_more_specific_pattern_wins_by_what_it_pins_down():
    worded = parse_pattern("Compute {e: str} =")
    arithmetic = parse_pattern("Compute {e: expr} =")
    assert arithmetic.specificity > worded.specificity


def test_the_spec_table_gives_each_hole_its_worth_from_the_code():
    from pathlib import Path

    spec = (Path(__file__).resolve().parents[2] / "SPEC.md").read_text(encoding="utf-8")
    section = spec[spec.index("## 14. Request patterns"):spec.index("## 15.")]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`{x: "):
            rows[cells[0][5:].split("}")[0].split("(")[0]] = cells[3]
    assert set(rows) == set(HOLE_TYPES)
    for name, hole in HOLE_TYPES.items():
        want = {"tokens": f"its tokens' characters, at most {hole.worth}",
                "chars": "by its size: one character 9, `0-9` 4, `a-z` 3"}.get(name, str(hole.worth))
        assert rows[name] == want, name
    assert f"at least ten\ncharacters' worth" in section and MIN_SPECIFICITY == 10


@pytest.mark.parametrize("name,alphabet", [
    ("int", "0123456789+-"), ("Decimal", "0123456789+-."), ("float", "0123456789+-.eE"),
    ("bool", "truefalsyesno" + "TRUEFALSYESNO"),
])
def test_the_number_and_bool_worths_are_the_class_measure_of_their_alphabets(name, alphabet):
    assert HOLE_TYPES[name].worth == class_worth(len(set(alphabet)))


@pytest.mark.parametrize("spec,size,worth", [
    ("x", 1, 9), ("01", 2, 8), ("0-9", 10, 4), ("a-z", 26, 3), ("a-zA-Z0-9", 62, 1), ("!-~", 94, 0),
    ("0-9 a-f A-F", 22, 3), ("a-fc-k", 11, 4),
])
def test_a_character_class_is_worth_what_its_size_excludes(spec, size, worth):
    assert sum(hi - lo + 1 for lo, hi in char_ranges(spec)) == size
    assert parse_pattern(f"Go {{x: chars({spec})}}").holes[0].worth == worth


def test_a_character_class_hole_matches_a_run_of_its_characters_only():
    p = parse_pattern("Convert 0x{h: chars(0-9a-f A-F)} to decimal")
    assert p.text == "Convert 0x{h: chars(0-9a-fA-F)} to decimal"
    assert p.match("convert 0x1F3a to decimal") == {"h": "1F3a"}
    for bad in ("convert 0x1G to decimal", "convert 0x to decimal", "convert 0x1 F to decimal"):
        assert p.match(bad) is None
    assert parse_pattern("Bits {b: chars(01)} ok").match("bits 0110 ok") == {"b": "0110"}
    assert parse_pattern("Brackets {b: chars([]<>()-)} ok").match("brackets [(<->)] ok") == {"b": "[(<->)]"}
    assert check_pattern_admissible("Bits: {b: chars(01)}") == []       # 5 + 8
    assert check_pattern_admissible("Hex: {h: chars(0-9a-f)}")            # 4 + 3


@pytest.mark.parametrize("spec", ["", "   ", "z-a"])
def test_a_bad_character_class_is_a_coded_error(spec):
    from seglam.cache import PatternError

    with pytest.raises(PatternError) as err:
        parse_pattern(f"Go {{x: chars({spec})}} now")
    assert err.value.code == "E-PATTERN-HOLE" and err.value.column == 4
