"""What a refutation shows (V-06): the value a function returned before its ``@ensures``
failed, both sides of a failed comparison (an ``@ensures``, a property's ``return`` or
``assert``), and the smallest counterexample the replays find."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.verifier import verify
from seglam.verifier.shrink import candidates, shrink

TRIANGLE = """\
@requires(lambda n: n >= 0)
@ensures(lambda n, result: result == n * (n + 1) // 2)
def triangle(n: int) -> int:
    total = 0
    for i in range(1, n):
        total += i
    return total
"""

PROPERTY = """\
def double(x: int) -> int:
    return x + x + (1 if x > 3 else 0)


def prop_double(x: int) -> bool:
    y = double(x)
    return y == 2 * x
"""

ASSERTING = """\
def half(x: int) -> int:
    return x // 2 + (1 if x > 5 else 0)


def prop_half(x: int) -> bool:
    if x < 0:
        return True
    h = half(2 * x)
    assert h == x
    return True
"""


def _failed(report, kind):
    return next(r for r in report.results if r.failed and r.kind == kind)


def test_a_failed_ensures_shows_the_returned_value_and_both_sides():
    report = verify(TRIANGLE, max_examples=20)
    r = _failed(report, "ensures")
    assert r.counterexample == "triangle(n=1)"  # the smallest failing input, not Z3's model
    assert r.actual == "triangle returned 0"
    assert r.compared == "result == n * (n + 1) // 2: result is 0, n * (n + 1) // 2 is 1"
    text = report.render()
    assert "actual:   triangle returned 0" in text and "compared: result == n * (n + 1) // 2" in text
    ob = next(o for o in json.loads(report.json_text())["obligations"] if o["kind"] == "ensures")
    assert ob["compared"] == r.compared and ob["counterexample"] == "triangle(n=1)"


def test_a_property_returning_a_comparison_shows_both_sides():
    r = _failed(verify(PROPERTY, max_examples=30), "property")
    assert r.counterexample == "prop_double(x=4)"
    assert r.actual == "False"
    assert r.compared == "y == 2 * x: y is 9, 2 * x is 8"


def test_a_failed_assert_in_a_property_shows_both_sides():
    report = verify(ASSERTING, max_examples=30)
    r = next(r for r in report.results if r.failed)
    assert r.counterexample == "prop_half(x=3)"
    assert r.compared == "h == x: h is 4, x is 3"


def test_a_postcondition_that_is_no_comparison_shows_the_result_and_the_failed_part():
    # before V-06's and-chains (tests/verifier/test_condition_detail.py), compared was None
    src = TRIANGLE.replace("result == n * (n + 1) // 2", "result * 2 == n * (n + 1) and result >= 0")
    r = _failed(verify(src, max_examples=20), "ensures")
    assert r.actual == "triangle returned 0"
    assert r.compared == "result * 2 == n * (n + 1) (part 1 of the and): result * 2 is 0, n * (n + 1) is 2"


def test_big_ints_are_halved_not_stepped():
    assert candidates(2**1024 + 1) == [0, 1, -1, 2**1023]
    assert candidates(8) == [0, 1, -1, 4, 7]
    assert candidates(-3) == [0, 1, -1, 3, -2]
    assert candidates("abcd") == ["", "ab", "cd", "abc", "bcd"]
    assert candidates((1, 2)) == []  # a tuple's length is part of its type


@settings(max_examples=100, deadline=None)
@given(st.integers(-10**6, 10**6), st.integers(0, 50))
def test_shrink_keeps_a_failing_input_no_bigger(start, threshold):
    def fails(i):
        return abs(i["n"]) >= threshold

    if not fails({"n": start}):
        return
    got = shrink({"n": start}, fails)
    assert fails(got) and abs(got["n"]) <= abs(start)


def test_a_run_refutes_the_postcondition_that_failed_not_the_first():
    src = """\
@ensures(lambda s, result: result != "x")
@ensures(lambda s, result: result == result.upper())
def shout(s: str) -> str:
    return s.upper() if len(s) < 3 else s
"""
    report = verify(src, max_examples=30, z3=False)
    failed = [r for r in report.results if r.failed]
    assert [r.title for r in failed] == ["postcondition #2 holds"]
    assert failed[0].actual.startswith("shout returned ")
