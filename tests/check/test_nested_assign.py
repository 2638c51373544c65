"""A nested function that assigns a variable of the enclosing function (without `nonlocal`,
which Seglam does not have) makes it its own, unbound where it is read: E-GLOBAL, with a hint
whose rewrite checks (red-team RT-12: it was E-NAME "may be used before assignment", whose
hint, give it a value before this line, changed nothing)."""

from __future__ import annotations

import seglam
from tests.check.helpers import ok, one


def test_an_augmented_assignment_of_an_enclosing_variable():
    d = one("""
        def main(xs: list[int]) -> int:
            count = 0

            def bump() -> None:
                count += 1

            for _ in xs:
                bump()
            return count
        """, "E-GLOBAL")
    assert (d.span.line, d.span.col) == (6, 9)
    assert d.message == ("`count` is assigned in `bump`, which makes it `bump`'s own variable: "
                         "a nested function can read `main`'s `count` but not assign it")
    assert d.hint == "pass `count` in and return its new value, then assign it in `main`: `count = bump(count)`"


def test_a_read_then_assignment_two_levels_down():
    d = one("""
        def main(xs: list[int]) -> int:
            total = 0

            def outer() -> int:
                def inner(x: int) -> None:
                    total = total + x
                return 0

            return outer() + total
        """, "E-GLOBAL")
    assert (d.span.line, d.span.col) == (7, 21)
    assert "`main`'s `total`" in d.message


def test_the_hinted_rewrite_checks_and_runs():
    source = """
def main(xs: list[int]) -> int:
    count = 0

    def bump(count: int) -> int:
        return count + 1

    for _ in xs:
        count = bump(count)
    return count
"""
    ok(source)
    assert seglam.compile(source).run("main", ([4, 5, 6],)).value == 3


def test_a_local_of_the_same_name_assigned_first_is_still_accepted():
    ok("""
        def main() -> int:
            count = 0

            def bump() -> int:
                count = 5
                return count

            return bump() + count
        """)


def test_an_unbound_local_of_a_nested_function_alone_keeps_e_name():
    d = one("""
        def main(flag: bool) -> int:
            def pick() -> int:
                if flag:
                    n = 1
                return n

            return pick()
        """, "E-NAME")
    assert d.span.line == 6
