import datetime
from decimal import Decimal

import pytest

from seglam.cache import PatternError, parse_pattern
from seglam.cache.words import request_tokens


def test_literal_text_is_whitespace_and_case_insensitive():
    p = parse_pattern("  Sort the following words:\n  {words: str}  ")
    assert p.text == "Sort the following words: {words: str}"
    assert p.match("SORT the   following\twords:\n pear apple ") == {"words": "pear apple"}
    assert p.match("Sort the following words:pear") is None  # pattern space needs a space


def test_str_capture_keeps_inner_text_and_strips_ends():
    p = parse_pattern("Table: {t: str}")
    assert p.match("Table:\n  a | b\n  c | d\n\n") == {"t": "a | b\n  c | d"}


def test_typed_holes_parse_or_do_not_match():
    p = parse_pattern("What is {a: int} plus {b: int}?")
    assert p.match("what is -3 plus +4?") == {"a": -3, "b": 4}
    assert p.match("what is 3.5 plus 4?") is None
    f = parse_pattern("Scale {x: float} by {k: Decimal} on {d: date}: {flag: bool}")
    assert f.match("scale 1e3 by 0.10 on 2024-02-29: Yes") == {
        "x": 1000.0, "k": Decimal("0.10"), "d": datetime.date(2024, 2, 29), "flag": True}
    assert f.match("scale 1 by 2 on 2023-02-29: no") is None  # not a real date
    assert f.match("scale 1 by 2 on 2023-02-28: maybe") is None


def test_word_hole_is_one_token():
    p = parse_pattern("Say hello to {name: word} now")
    assert p.match("say hello to Ada now") == {"name": "Ada"}
    assert p.match("say hello to Ada Lovelace now") is None


def test_non_last_str_hole_is_lazy_last_is_greedy():
    p = parse_pattern("Join {a: str} and {b: str}")
    assert p.match("join x and y and z") == {"a": "x", "b": "y and z"}


def test_brace_escapes_and_errors():
    p = parse_pattern("Format {{x}} with {v: int} please")
    assert p.match("format {x} with 3 please") == {"v": 3}
    assert p.text == "Format {{x}} with {v: int} please"
    for bad in ("{x}", "{x: list}", "a } b", "a { b", "{a: int} {a: str}", "   "):
        with pytest.raises(PatternError):
            parse_pattern(bad)


def test_anchors_skip_words_glued_to_holes():
    p = parse_pattern("The {n: int}th day of the month {m: word}")
    assert "th" not in p.anchors
    assert set(p.anchors) == {"the", "day", "of", "month"}
    assert set(p.anchors) <= request_tokens("The 5th day of the month May")


def test_specificity_prefers_literal_text_then_fewer_holes():
    a = parse_pattern("Sort these words alphabetically: {w: str}")
    b = parse_pattern("Sort these words: {w: str}")
    assert a.specificity > b.specificity


def test_hostile_input_is_linear_time():
    p = parse_pattern("{a: str} x {b: str} y {c: str}")
    assert p.match("a x " * 20000 + "b") is None  # RE2: no catastrophic backtracking


def test_an_int_hole_binds_any_seglam_sized_int():
    pat = parse_pattern("What is {n: int} squared?")
    digits = "7" * 5000  # past CPython's 4300-digit str->int limit, within Seglam's 65,536 bits
    assert pat.match(f"What is {digits} squared?") == {"n": int(digits[:2500]) * 10**2500 + int(digits[2500:])}
    assert pat.match(f"What is {'7' * 20_000} squared?") is None  # beyond any Seglam int: no match
