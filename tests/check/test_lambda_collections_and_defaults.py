"""Lambdas made by a comprehension are typed against the Callable its element is declared as,
and lambda parameters may have defaults, as in Python (SPEC.md is silent on them, so Python
decides) (red-team RT-08: `[lambda x: x + i for i in range(3)]` returned as a
`list[Callable[[int], int]]` was "returns `list[lambda]`", and `lambda x, i=i: ...`, the usual
fix for late binding, was E-UNSUPPORTED)."""

from __future__ import annotations

from tests.check.helpers import ok, one


def test_a_comprehension_of_lambdas_is_a_list_of_callables():
    checked = ok("""
        from typing import Callable

        def main() -> list[Callable[[int], int]]:
            return [lambda x: x + i for i in range(3)]
        """)
    assert checked.functions["main"].returns.render() == "list[Callable[[int], int]]"


def test_a_local_list_of_lambdas_is_returned_as_callables():
    ok("""
        from typing import Callable

        def main() -> list[Callable[[int], int]]:
            fs = [lambda x: x + i for i in range(3)]
            return fs
        """)


def test_a_lambda_body_is_still_checked_against_the_callable():
    d = one("""
        from typing import Callable

        def main() -> list[Callable[[int], int]]:
            return [lambda x: x + "s" for i in range(3)]
        """, "E-TYPE")
    assert (d.span.line, d.span.col) == (5, 23)


def test_lambda_defaults_are_accepted():
    ok("""
        def main(k: int) -> int:
            fs = [lambda x, i=i: x + i for i in range(3)]
            add = lambda x, step=k: x + step
            return fs[0](1) + add(1) + add(1, 2) + add(step=3, x=1)
        """)


def test_a_missing_lambda_argument_is_named():
    d = one("""
        def main() -> int:
            add = lambda x, step=1: x + step
            return add()
        """, "E-ARGS")
    assert d.message == "`add` is missing argument `x`"
    assert (d.span.line, d.span.col) == (4, 12)


def test_a_misspelt_lambda_keyword_gets_the_parameter():
    d = one("""
        def main() -> int:
            add = lambda x, step=1: x + step
            return add(1, stp=2)
        """, "E-ARGS")
    assert d.message == "`add` has no parameter `stp`"
    assert (d.span.line, d.span.col) == (4, 23)
    assert d.hint == "did you mean `step`?"


def test_a_lambda_default_is_typed_where_the_lambda_is_written():
    d = one("""
        def main() -> int:
            add = lambda x, step="one": x + step
            return add(1)
        """, "E-TYPE")
    assert (d.span.line, d.span.col) == (3, 33)


def test_star_args_in_a_lambda_say_so():
    d = one("""
        def main() -> int:
            first = lambda x, *rest: x
            return first(1, 2)
        """, "E-UNSUPPORTED")
    assert d.message == "a lambda cannot take `*rest`"
    assert (d.span.line, d.span.col) == (3, 23)
    assert d.hint == "take a list (or a dict) parameter instead"
