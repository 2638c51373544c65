"""A nested ``def`` binds its arguments as a module-level def does: by position, by keyword,
with defaults, keyword-only and positional-only parameters (red-team RT-05: it lost its
parameter names and defaults, so ``scale(x)`` was "missing argument `arg1`")."""

from __future__ import annotations

from tests.check.helpers import ok, one


def test_a_default_fills_the_missing_argument():
    ok("""
        def main(x: int) -> int:
            def scale(y: int, factor: int = 10) -> int:
                return y * factor

            return scale(x) + scale(y=x) + scale(factor=2, y=x)
        """)


def test_a_nested_def_called_from_another_before_its_definition():
    ok("""
        def main(x: int) -> int:
            def outer(v: int) -> int:
                return inner(w=v)

            def inner(w: int, step: int = 1) -> int:
                return w + step

            return outer(x)
        """)


def test_a_misspelt_keyword_names_the_parameters_the_def_has():
    d = one("""
        def main(x: int) -> int:
            def scale(y: int, factor: int = 10) -> int:
                return y * factor

            return scale(z=x)
        """, "E-ARGS")
    assert d.message == "`scale` has no parameter `z`"
    assert (d.span.line, d.span.col) == (6, 20)
    assert d.hint == "did you mean `y`?"


def test_a_missing_argument_is_named():
    d = one("""
        def main(x: int) -> int:
            def scale(y: int, factor: int = 10, *, bias: int) -> int:
                return y * factor + bias

            return scale(x)
        """, "E-ARGS")
    assert d.message == "`scale` is missing argument `bias`"
    assert (d.span.line, d.span.col) == (6, 12)


def test_a_default_is_checked_against_its_annotation():
    d = one("""
        def main(x: int) -> int:
            def scale(y: int, factor: int = "ten") -> int:
                return y * factor

            return scale(x, 2)
        """, "E-TYPE")
    assert d.message == "default of `factor` is `str`, not `int`"
    assert (d.span.line, d.span.col) == (3, 37)


def test_a_default_is_read_in_the_enclosing_function():
    d = one("""
        def main(x: int) -> int:
            def scale(y: int, factor: int = tens) -> int:
                return y * factor

            return scale(x, 2)
        """, "E-NAME")
    assert (d.span.line, d.span.col) == (3, 37)


def test_a_name_rebound_to_another_def_takes_positional_arguments():
    # `other` has no parameter `y`: the keyword cannot be allowed on either path.
    d = one("""
        def main(x: int) -> int:
            def scale(y: int) -> int:
                return y * 2

            def other(z: int) -> int:
                return z * 3

            if x > 0:
                scale = other
            return scale(y=x)
        """, "E-ARGS")
    assert (d.span.line, d.span.col) == (11, 20)
    assert d.hint == "pass it by position, without the keyword"


def test_a_positional_only_parameter_named_gets_a_hint_that_fixes_it():
    d = one("""
        def main(x: int) -> int:
            def scale(y: int, /) -> int:
                return y * 2

            return scale(y=x)
        """, "E-ARGS")
    assert d.hint == "pass it by position, without the keyword"
