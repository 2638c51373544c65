"""``"%(name)s ... %(n)d" % {"name": ..., "n": ...}``: printf formatting with a mapping is
checked as the tuple form is, conversion by conversion (it was refused outright: "`%(name)s`
conversions are not supported"; a red-team run, RT-16). Each program here is a TypeError or
a KeyError on every CPython run, told where and why."""

from __future__ import annotations

import pytest

from tests.check.helpers import ok, one


@pytest.mark.parametrize("expr, message", [
    ('"%(name)d" % {"name": s}', "`%(name)d` needs a number, not `str`"),
    ('"%(n)x" % {"n": 1.5}', "`%(n)x` needs an int, not `float`"),
    ('"%(a)s and %s" % {"a": s}', "a format cannot mix `%(name)s` and `%s` conversions"),
    ('"%(a)s" % (s,)', "`%(name)s` conversions take a `dict[str, ...]` of the values by name, not `tuple[str]`"),
    ('"%(a)s" % {1: s}', "`%(name)s` conversions take a `dict[str, ...]` of the values by name, not `dict[int, str]`"),
    ('"%(a)s %(b)s" % {"a": s}', "the dict has no key 'b' for `%(b)s`"),
])
def test_a_mapping_that_does_not_fit_its_conversions_is_e_type(expr, message):
    d = one(f"""
        def main(s: str) -> str:
            return {expr}
        """, "E-TYPE")
    assert (d.span.line, d.span.col) == (3, 12)
    assert d.message == f"`%` formatting: {message}"


def test_a_dict_built_elsewhere_is_checked_by_its_value_type_with_a_hint():
    d = one("""
        def main(name: str, n: int) -> str:
            row = {"name": name, "n": n}
            return "%(n)d" % row
        """, "E-TYPE")
    assert d.message == "`%` formatting: `%(n)d` needs a number, not `str | int`"
    assert d.hint == 'write the dict out after `%` (`"%(n)d" % {"n": n}`), so that each value keeps its own type'


def test_each_value_of_a_dict_written_out_keeps_its_own_type():
    ok("""
        from collections import Counter

        def main(name: str, n: int, ages: dict[str, int]) -> list[str]:
            return ["%(name)s: %(n)d at %(p).1f %%" % {"name": name, "n": n, "p": 2.5},
                    "%(ann)x" % ages, "%(a)d" % Counter(name)]
        """)
