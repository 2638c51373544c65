"""``Iterable[T]`` and ``Sequence[T]`` annotations (red-team RT-06): they were read as
``list[T]``, so a dict's values, a set, a generator or a tuple was refused, with a message
naming a ``list`` the program never wrote."""

from __future__ import annotations

from tests.check.helpers import diagnostics, ok, one


def test_the_red_team_program_checks():
    ok("""
        from typing import Iterable, Sequence

        def total(values: Iterable[int]) -> int:
            return sum(values)

        def first(xs: Sequence[str]) -> str:
            return xs[0]

        def main(d: dict[str, int]) -> int:
            return total(d.values()) + total({1, 2}) + total(x * 2 for x in d.values()) + len(first(("a", "b")))
        """)


def test_what_an_iterable_and_a_sequence_take():
    ok("""
        from typing import Iterable, Sequence

        def n(xs: Iterable[float]) -> int:
            return len(list(xs))

        def m(xs: Sequence[int]) -> int:
            return len(xs) + xs[-1] + len(xs[1:]) + xs.index(1) + xs.count(2) + (3 in xs) + len(list(reversed(xs)))

        def main(d: dict[int, str], s: set[int], t: tuple[int, bool], r: Sequence[int]) -> int:
            return (n(d) + n(d.keys()) + n(s) + n(t) + n(range(3)) + n(x for x in s) + n(r) + n([True])
                    + m([1, 2]) + m(t) + m((1, 2, 3)) + m(range(1, 3)) + m(r) + m(r[1:]) + range(5).index(2))
        """)


def test_a_wrong_element_type_names_the_declared_type():
    d = one("""
        from typing import Iterable

        def total(values: Iterable[int]) -> int:
            return sum(values)

        def main() -> int:
            return total(["a"])
        """, "E-TYPE")
    assert (d.span.line, d.span.col) == (8, 18)
    assert d.message == "argument `values` of `total` must be `Iterable[int]`, not `list[str]`"


def test_a_set_is_not_a_sequence():
    d = one("""
        from typing import Sequence

        def first(xs: Sequence[int]) -> int:
            return xs[0]

        def main() -> int:
            return first({1, 2})
        """, "E-TYPE")
    assert (d.span.line, d.span.col) == (8, 18)
    assert d.message == "argument `xs` of `first` must be `Sequence[int]`, not `set[int]`"


def test_an_iterable_is_not_indexed_nor_measured_nor_changed():
    found = diagnostics("""
        from typing import Iterable, Sequence

        def first(xs: Iterable[int], ys: Sequence[int]) -> int:
            ys.append(1)
            return xs[0] + len(xs)
        """)
    got = [(d.code, d.span.line, d.span.col) for d in found]
    assert got == [("E-ATTR", 5, 5), ("E-TYPE", 6, 12), ("E-TYPE", 6, 24)], "\n".join(d.render() for d in found)
    assert found[1].message == "`Iterable[int]` cannot be indexed"
    assert found[1].hint == "convert first: `list(...)`"


def test_an_iterable_is_no_key():
    found = diagnostics("""
        from typing import Iterable

        def f(xs: Iterable[int]) -> set[Iterable[int]]:
            return {xs}
        """)
    assert [(d.code, d.span.line, d.span.col) for d in found] == [("E-TYPE", 4, 33), ("E-TYPE", 5, 12)]
    assert all("cannot be a set element" in d.message and d.hint for d in found)
