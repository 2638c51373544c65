"""What each hole type matches and binds (docs/cache.md, "Patterns"): the values a family
runs on come from here, so a wrong binding is a wrong answer."""

from __future__ import annotations

import pytest

from seglam.cache import parse_pattern


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
