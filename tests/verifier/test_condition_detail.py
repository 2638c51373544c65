"""What a refutation shows of a condition that is not one comparison (V-06): the part of an
``and`` that failed and its sides; an ``assert`` inside a loop or an ``if`` with its sides
and the loop's variables; ``not``, chained comparisons and ``all(...)`` with the values of
what they read. Families written as a model writes them."""

from __future__ import annotations

import re

from seglam.verifier import verify

COUNTING = """\
@ensures(lambda xs, result: result >= 0 and result <= len(xs))
def count_nonnegative(xs: list[int]) -> int:
    n = 0
    for x in xs:
        if x >= 0:
            n += 1
    return n + 1
"""

CLAMPING = """\
def clamp_all(xs: list[int]) -> list[int]:
    out = []
    for x in xs:
        y = x if x < 10 else x - 20
        assert y >= 0
        out.append(y)
    return out
"""

CLAMPED_BY_A_PROPERTY = CLAMPING + """

@requires(lambda xs: all(x >= 0 for x in xs))
def prop_clamped_stay_nonnegative(xs: list[int]) -> bool:
    ys = clamp_all(xs)
    return all(y >= 0 for y in ys)
"""

SCALING = """\
def scale(xs: list[int], k: int) -> list[int]:
    return [x * k if x < 5 else x - k for x in xs]


def prop_scale_grows(xs: list[int]) -> bool:
    ys = scale(xs, 2)
    for x, y in zip(xs, ys):
        if x > 0:
            assert y > 0 and y >= 2 * x
    return True
"""

SHAPES = """\
@requires(lambda n: n > 0)
@ensures(lambda n, result: 0 <= result < n)
def pick(n: int) -> int:
    return n if n > 3 else 0


@ensures(lambda xs, result: not (result < 0))
def total(xs: list[int]) -> int:
    return sum(xs)


@ensures(lambda xs, result: all(y >= 0 for y in result))
def shift(xs: list[int]) -> list[int]:
    return [x - 1 for x in xs]


@ensures(lambda xs, result: all(a >= b for a, b in zip(result, result[1:])))
def descending(xs: list[int]) -> list[int]:
    return sorted(xs)


@ensures(lambda xs, result: len(result) == len(xs) and not all(y == 0 for y in result))
def zeros(xs: list[int]) -> list[int]:
    return [0 for x in xs]
"""


def _failed(report, function):
    return next(r for r in report.results if r.failed and r.function == function)


def test_an_and_postcondition_names_the_failed_part_and_its_sides():
    report = verify(COUNTING, max_examples=20)
    r = _failed(report, "count_nonnegative")
    assert r.counterexample == "count_nonnegative(xs=[])"
    assert r.actual == "count_nonnegative returned 1"
    assert r.compared == "result <= len(xs) (part 2 of the and): result is 1, len(xs) is 0"
    assert "compared: result <= len(xs) (part 2 of the and)" in report.render()


def test_an_assert_in_a_loop_shows_its_sides_and_the_loop_variable():
    r = _failed(verify(CLAMPING, max_examples=20), "clamp_all")
    assert r.counterexample == "clamp_all(xs=[-1])"
    assert r.compared == "y >= 0: y is -1 (in the loop, x is -1)"


def test_an_assert_that_fails_in_a_callee_shows_its_detail_and_whose_it_is():
    r = _failed(verify(CLAMPED_BY_A_PROPERTY, max_examples=20), "prop_clamped_stay_nonnegative")
    m = re.fullmatch(r"in clamp_all: y >= 0: y is (-\d+) \(in the loop, x is (\d+)\)", r.compared or "")
    assert m, r.compared
    y, x = int(m.group(1)), int(m.group(2))
    assert y == x - 20 and r.counterexample.startswith("prop_clamped_stay_nonnegative(xs=[") and str(x) in r.counterexample


def test_an_and_assert_under_an_if_in_a_loop_shows_the_failed_part():
    r = _failed(verify(SCALING, max_examples=30), "prop_scale_grows")
    m = re.fullmatch(r"y >= 2 \* x \(part 2 of the and\): y is (\d+), 2 \* x is (\d+) \(in the loop, x is (\d+), y is (\d+)\)",
                     r.compared or "")
    assert m, r.compared
    y, twice, x, y_again = map(int, m.groups())
    assert y == y_again == x - 2 and twice == 2 * x and x >= 5
    assert r.counterexample == f"prop_scale_grows(xs=[{x}])"


def test_not_chains_and_all_show_the_values_they_read():
    report = verify(SHAPES, max_examples=20)
    assert _failed(report, "pick").compared == "0 <= result < n: result is 4, n is 4"
    assert _failed(report, "total").compared == "not (result < 0): result is -1"
    assert _failed(report, "shift").compared == "all(y >= 0 for y in result): result is [-1], the first y failing is -1"
    r = _failed(report, "descending")
    m = re.fullmatch(r"all\(a >= b for a, b in zip\(result, result\[1:\]\)\): result is \[(-?\d+), (-?\d+)\], "
                     r"the first a, b failing is \((-?\d+), (-?\d+)\)", r.compared or "")
    assert m and m.group(1, 2) == m.group(3, 4) and int(m.group(1)) < int(m.group(2)), r.compared
    # under a `not` the all(...) held: no failing item to show (and none to fault on)
    assert _failed(report, "zeros").compared == "not all(y == 0 for y in result) (part 2 of the and): result is []"
