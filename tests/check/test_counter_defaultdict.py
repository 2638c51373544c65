"""``Counter.update`` of an iterable, ``Counter.subtract``, ``Counter.elements`` and
``defaultdict[K, V]`` annotations (red-team RT-09): refused before, as CPython has them."""

from __future__ import annotations

from tests.check.helpers import ok, one


def test_the_red_team_program_checks():
    ok("""
        from collections import Counter, defaultdict

        def main(words: list[str], other: dict[str, int]) -> int:
            c: Counter[str] = Counter()
            c.update(words)
            c.update(other)
            c.subtract(words)
            c.subtract(Counter(words))
            dd: defaultdict[str, int] = defaultdict(int)
            for w in c.elements():
                dd[w] += 1
            return c["a"] + dd["a"]
        """)


def test_update_gives_an_empty_counter_its_key_type():
    d = one("""
        from collections import Counter

        def main(words: list[str]) -> int:
            c = Counter()
            c.update(words)
            c.update([1])
            return 0
        """, "E-TYPE")
    assert (d.span.line, d.span.col) == (7, 5)
    assert d.message == "no form of `Counter.update` accepts (list[int])"
    assert "Counter.update(iterable: Iterable[str])" in d.hint


def test_subtract_of_an_argument_is_a_frozen_mutation():
    d = one("""
        from collections import Counter

        def bump(c: Counter[str], words: list[str]) -> None:
            c.subtract(words)
        """, "E-FROZEN")
    assert (d.span.line, d.span.col) == (5, 5)
    assert "copy" in d.hint


def test_update_of_items_of_another_type():
    d = one("""
        from collections import Counter

        def main(xs: list[int]) -> int:
            c: Counter[str] = Counter()
            c.update(xs)
            return c["a"]
        """, "E-TYPE")
    assert (d.span.line, d.span.col) == (6, 5)
    assert "Counter.update" in d.message
    assert "Counter.update(iterable: Iterable[str])" in d.hint


def test_a_defaultdict_annotation_is_a_dict_of_its_types():
    d = one("""
        from collections import defaultdict

        def main() -> int:
            dd: defaultdict[str] = defaultdict(int)
            return 0
        """, "E-BAD-TYPE")
    assert (d.span.line, d.span.col) == (5, 9)
    assert d.hint == "write `dict[str, int]`"
