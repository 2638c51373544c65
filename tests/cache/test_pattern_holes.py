"""What each hole type matches and binds (docs/cache.md, "Patterns"): the values a family
runs on come from here, so a wrong binding is a wrong answer."""

from __future__ import annotations

import pytest

from seglam.cache import PatternError, parse_pattern
from seglam.cache import pattern as pattern_module
from seglam.cache.pattern import hole_fits


@pytest.mark.parametrize("text,value", [
    ("true", True), ("True", True), ("TRUE", True), ("yes", True), ("Yes", True),
    ("false", False), ("False", False), ("no", False), ("NO", False),
])
def test_bool_hole_binds_each_spelling(text, value):
    assert parse_pattern("Is it {flag: bool} then").match(f"is it {text} then") == {"flag": value}


@pytest.mark.parametrize("text", ["maybe", "1", "0", "t", "y"])
def test_bool_hole_matches_only_its_words(text):
    assert parse_pattern("Is it {flag: bool} then").match(f"is it {text} then") is None


@pytest.mark.parametrize("text", ["inf", "nan", "1e999", "-1e999"])
def test_float_hole_refuses_non_finite_values(text):
    assert parse_pattern("Scale by {x: float} now").match(f"scale by {text} now") is None


def test_tokens_hole_binds_a_run_of_listed_tokens():
    p = parse_pattern("Evaluate {expr: tokens(True False not and or ( ))} please")
    assert p.match("evaluate not ( True and False ) please") == {"expr": "not ( True and False )"}
    assert p.match("evaluate True  or\tFalse please") == {"expr": "True  or\tFalse"}
    # exactly the listed tokens, case included
    assert p.match("evaluate true and False please") is None
    assert p.match("evaluate True xor False please") is None
    assert p.match("evaluate  please") is None


def test_tokens_hole_escapes_regex_characters():
    p = parse_pattern("Compute {e: tokens(1 + * ( ) .)} now")
    assert p.match("compute ( 1 + 1 ) * 1 . now") == {"e": "( 1 + 1 ) * 1 ."}
    assert p.match("compute 1 - 1 now") is None
    assert p.match("compute 11 now") is None  # `1` is a token, `11` is not


def test_tokens_hole_prefers_the_longest_token():
    # `a` is a prefix of `ab`: the longer token wins, whatever order the pattern lists them in
    for vocab in ("a ab", "ab a"):
        p = parse_pattern(f"Go {{x: tokens({vocab})}}{{y: word}} now")
        assert p.match("go abc now") == {"x": "ab", "y": "c"}


def test_captures_are_the_raw_text_of_each_hole():
    p = parse_pattern("What is {a: int} plus {b: str}?")
    assert p.captures("what is +3 plus  four  things?") == {"a": "+3", "b": "four  things"}
    assert p.captures("what is three plus four?") is None


@pytest.mark.parametrize("text,message", [
    ("ab { cd", "unclosed '{' at column 4 (write '{{' for a literal brace)"),
    ("ab {{ x } cd", "stray '}' at column 9 (write '}}' for a literal brace)"),
    ("ab {x} cd", "bad hole {x} at column 4: write {name: type} with type one of "
                  "str, word, int, float, Decimal, bool, date, expr, tokens"),
    ("a {n: int} {x: list} cd", "unknown hole type 'list' in {x: list}: use one of "
                                "str, word, int, float, Decimal, bool, date, expr, tokens"),
    ("ab {x: tokens( )} cd", "{x: tokens( )}: a tokens hole lists its tokens: {x: tokens(yes no maybe)}"),
    ("ab {x: tokens} cd", "{x: tokens}: a tokens hole lists its tokens: {x: tokens(yes no maybe)}"),
    ("ab {x: int(1 2)} cd", "{x: int(1 2)}: only a tokens hole takes a list in parentheses"),
    ("{a: int} and {a: int}", "hole {a} appears twice; each hole binds one parameter"),
    (" \t ", "empty pattern"),
])
def test_a_bad_pattern_says_what_and_where(text, message):
    with pytest.raises(PatternError) as err:
        parse_pattern(text)
    assert str(err.value) == message


def test_literal_braces_and_a_pattern_without_holes():
    p = parse_pattern("Show  {{a}} and }}b{{ now")
    assert p.text == "Show {{a}} and }}b{{ now" and p.holes == ()
    assert p.parts == ("Show {a} and }b{ now",)
    assert p.match("show {a} and }b{ NOW") == {}
    assert p.match("show {a} and }b{ now please") is None
    assert parse_pattern("Hello world").match("  hello\u00a0world ") == {}


def test_a_repeated_token_is_listed_once():
    p = parse_pattern("Say {w: tokens(yes no yes)} now")
    assert p.holes[0].vocabulary == ("yes", "no")
    assert p.match("say no yes now") == {"w": "no yes"}


def test_a_tokens_vocabulary_counts_as_literal_text():
    tokens = parse_pattern("Eval {e: tokens(yes no)} now")
    text = parse_pattern("Eval {e: str} now")
    assert text.literal_chars == tokens.literal_chars == len("Evalnow")
    assert text.pinned == len("Evalnow")
    assert tokens.pinned == len("Evalnow") + len("yesno")
    assert tokens.specificity > text.specificity
    # up to MAX_HOLE_WORTH: a hole alone never pins down as much as admission asks for
    big = parse_pattern("Eval {e: tokens(alpha beta gamma delta)} now")
    assert big.pinned == len("Evalnow") + pattern_module.MAX_HOLE_WORTH


@pytest.mark.parametrize("hole,param,fits", [
    ("int", "int", True), ("int", "int | None", True), ("int", "None | int", True), ("word", "str", True),
    ("tokens", "str | None", True), ("Decimal", "Decimal", True), ("date", "date", True),
    ("int", "float", False), ("int", "int | str", False), ("str", "int", False), ("float", "int", False),
    ("bool", "int", False), ("int", "None", False),
])
def test_a_hole_binds_only_a_parameter_of_its_type(hole, param, fits):
    assert hole_fits(hole, param) is fits


def test_the_pure_python_re2_wrapper_matches_the_same(monkeypatch):
    texts = ["what is -3 plus +4?", "What is 3 plus x?", "what is 1 plus 2", "x"]
    fast = [parse_pattern("What is {a: int} plus {b: int}?").match(t) for t in texts]
    monkeypatch.setattr(pattern_module, "_core", None)
    slow = [parse_pattern("What is {a: int} plus {b: int}?").match(t) for t in texts]
    assert slow == fast == [{"a": -3, "b": 4}, None, None, None]
