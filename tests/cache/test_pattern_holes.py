"""What each hole type matches and binds (docs/cache.md, "Patterns"): the values a family
runs on come from here, so a wrong binding is a wrong answer."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.cache import PatternError, parse_pattern
from seglam.cache import pattern as pattern_module
from seglam.cache.holes import MAX_HOLE_WORTH, hole_fits
from seglam.cache.words import request_tokens


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
                  "str, word, int, float, Decimal, bool, date, expr, tokens, chars"),
    ("a {n: int} {x: list} cd", "unknown hole type 'list' in {x: list}: use one of "
                                "str, word, int, float, Decimal, bool, date, expr, tokens, chars"),
    ("ab {x: tokens( )} cd", "{x: tokens( )}: a tokens hole lists its tokens: {x: tokens(yes no maybe)}"),
    ("ab {x: tokens} cd", "{x: tokens}: a tokens hole lists its tokens: {x: tokens(yes no maybe)}"),
    ("ab {x: int(1 2)} cd", "{x: int(1 2)}: only a tokens or chars hole takes a list in parentheses"),
    ("{a: int} and {a: str}", "hole {a} appears twice with different types ({a: int} and {a: str}); "
                              "a repeated hole is one value and is spelled the same each time"),
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
    assert big.pinned == len("Evalnow") + MAX_HOLE_WORTH


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


# -- expr: arithmetic expressions (issue 18, point 3) ----------------------------------------

def _number(draw_int: int, decimals: int | None) -> str:
    return f"{draw_int}.{decimals}" if decimals is not None else str(draw_int)


@st.composite
def arithmetic(draw, depth: int = 3) -> str:
    """A well-formed expression: signed numbers, binary operators, balanced brackets."""
    if depth == 0 or draw(st.booleans()):
        text = _number(draw(st.integers(0, 10**6)), draw(st.none() | st.integers(0, 99)))
        sign = draw(st.sampled_from(["", "", "-", "+", "- "]))
        return sign + text
    left = draw(arithmetic(depth=depth - 1))
    right = draw(arithmetic(depth=depth - 1))
    op = draw(st.sampled_from(["+", "-", "*", "/", "%", "**", "//"]))
    space = draw(st.sampled_from([" ", "", "  ", "\t"]))
    text = f"{left}{space}{op}{space}{right}"
    return f"({text})" if draw(st.booleans()) else text


EQUALS = parse_pattern("{e: expr} =")


@settings(max_examples=300, deadline=None)
@given(arithmetic())
def test_every_generated_arithmetic_expression_matches_an_expr_hole(expression):
    operations = parse_pattern("Compute {e: expr} now")
    if not any(op in expression.lstrip("+- ") for op in "+-*/%"):
        expression = f"{expression} + 1"  # a lone number is no operation
    assert EQUALS.match(f"{expression} =") == {"e": expression}
    assert operations.match(f"compute {expression} now") == {"e": expression}


@settings(max_examples=300, deadline=None)
@given(arithmetic(), st.integers(0, 10**6), st.text(alphabet=st.characters(categories=("Lu", "Ll", "Lo")), min_size=1,
                                                         max_size=3))
def test_text_with_letters_never_matches_an_expr_hole(expression, at, letters):
    at = at % (len(expression) + 1)
    assert EQUALS.match(f"{expression[:at]}{letters}{expression[at:]} =") is None


@pytest.mark.parametrize("text", [
    "7 =", "-4 =", "(1 + 2 =", "1 + 2) =", "() + 1 =", "1 + =", "* 2 =", "1 2 =", "2(3) =", "1 .. 2 =",
    "1 + 2=",  # the pattern has a space before `=`, so the request needs one
    "1 + 2 = 3 =", "x = 1 + 2 =", "1 + 2 ==",
])
def test_an_expr_hole_refuses_what_is_not_one_whole_expression(text):
    assert EQUALS.match(text) is None


def test_an_expr_hole_binds_the_expression_text():
    request = "((-1 + 2 + 9 * 5) - (-2 + -4 + -4 * -7)) ="
    assert EQUALS.match(request) == {"e": "((-1 + 2 + 9 * 5) - (-2 + -4 + -4 * -7))"}
    assert EQUALS.match("  -(2)*-(3)  =  ") == {"e": "-(2)*-(3)"}
    assert EQUALS.match("1.5 // .5 % 2 ** 3 =") == {"e": "1.5 // .5 % 2 ** 3"}
    assert hole_fits("expr", "str") and not hole_fits("expr", "int")


@pytest.mark.parametrize("pattern,text,expected", [
    ("Count {n: int} items now", "count -12 items now", {"n": -12}),
    ("Count {n: int} items now", "count 1.5 items now", None),
    ("Count {n: int} items now", "count twelve items now", None),
    ("Name {w: word} please", "name O'Hara-Smith please", {"w": "O'Hara-Smith"}),
    ("Name {w: word} please", "name two words please", None),
    ("On {d: date} ok", "on 2024-02-29 ok", {"d": datetime.date(2024, 2, 29)}),
    ("On {d: date} ok", "on 2023-02-29 ok", None),
    ("Scale {x: float} ok", "scale -2.5e3 ok", {"x": -2500.0}),
    ("Scale {x: float} ok", "scale 2,5 ok", None),
])
def test_each_hole_class_matches_its_text_and_refuses_the_rest(pattern, text, expected):
    assert parse_pattern(pattern).match(text) == expected


# -- anchors: words, then symbols --------------------------------------------------------------

def test_literal_symbols_are_anchors_after_the_words():
    assert EQUALS.anchors == ("=",) and EQUALS.words == ()
    p = parse_pattern("What is {a: int} + {b: int}?")
    assert p.anchors == ("what", "is", "+", "?") and p.words == ("what", "is")
    assert request_tokens("What is 3 + 4?") >= {"what", "is", "3", "4", "+", "?"}
    assert "\udcff" not in request_tokens("a \udcff b")


# -- hostile pattern text: a coded PatternError, never a traceback -----------------------------

CODES = {"E-PATTERN-TEXT", "E-PATTERN-EMPTY", "E-PATTERN-BRACE", "E-PATTERN-HOLE"}
PIECES = st.sampled_from([
    "{", "}", "{{", "}}", "{x: int}", "{x: str}", "{y: expr}", "{z: tokens(", ")", "(", " ", "\n", "a", "\x00",
    "\udcff", "é", "=", "\\", "[", "*", "{w: word}", ":", "tokens", "{v: tokens(a b)}", "{x:", "{ : }", "{x: int(",
    "(?P<x>", "\\z", "$", "^", ".*", "{x: tokens(\\ [ ] ( ) * + ?)}", "\u2028", "\U0010ffff",
    "{c: chars(", "{c: chars(z-a)}", "{c: chars(\x00-\U0010ffff)}", "{c: chars(\ud7ff-\ue000)}", "{c: chars(])}",
    "{c: chars(^-)}", "{c: chars(\\)}", "{c: chars()}",
])


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.text(), st.lists(PIECES, max_size=16).map("".join)), st.text(max_size=40))
def test_hostile_pattern_text_gives_a_coded_error_or_a_working_pattern(text, request):
    try:
        pat = parse_pattern(text)
    except PatternError as err:
        assert err.code in CODES, err
        assert err.column is None or 1 <= err.column <= len(text)
        return
    for probe in (request, pat.text, text):
        assert pat.match(probe) is None or isinstance(pat.match(probe), dict)
    assert pat.pinned >= pat.literal_chars >= 0


@pytest.mark.parametrize("text,code,column", [
    (None, "E-PATTERN-TEXT", None),
    ("a" * 2001, "E-PATTERN-TEXT", None),
    ("Sort \udcff {w: str}", "E-PATTERN-TEXT", 6),
    ("   ", "E-PATTERN-EMPTY", None),
    ("Sort { w: str}} now", "E-PATTERN-BRACE", 15),
    ("Sort {w str} now", "E-PATTERN-HOLE", 6),
    ("Sort {w: tokens(" + " ".join(f"t{i}" for i in range(201)) + ")} now", "E-PATTERN-HOLE", 6),
])
def test_each_malformed_pattern_has_a_stable_code_and_column(text, code, column):
    with pytest.raises(PatternError) as err:
        parse_pattern(text)
    assert (err.value.code, err.value.column) == (code, column)


def test_a_long_literal_pattern_matches_without_running_out_of_memory():
    words = " ".join(f"w{i}" for i in range(300))
    pat = parse_pattern(f"{words} {{x: int}}")
    assert pat.match(f"{words} 7") == {"x": 7}
    assert pat.match(f"{words} seven") is None
