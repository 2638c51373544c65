"""`dataclasses.field` takes only `default=` or `default_factory=`: its other options change
what CPython does (`repr=False` hides a field, `compare=False` leaves it out of `==`, hashing
and ordering, `init=False` and `kw_only=True` change the constructor) and neither backend
honours them, so each is E-ARGS at its keyword (found by the red-team reproducers
13-field-compare-repr-ignored.sgl and 14-field-kw-only-init-ignored.sgl: accepted, and the
results differed from CPython's)."""

from __future__ import annotations

import pytest

from .helpers import diagnostics, ok

RECORD = """\
from dataclasses import dataclass, field


@dataclass(frozen=True)
class P:
    x: int
    tag: str = field({args})


def main() -> str:
    return str(P(1, "a"))
"""

LIST_RECORD = RECORD.replace("tag: str", "tag: list[int]").replace('"a"', "[1]")

OPTIONS = ["repr=False", "compare=False", "hash=False", "init=False", "kw_only=True", "metadata={}"]


@pytest.mark.parametrize("option", OPTIONS)
def test_each_option_but_the_default_is_refused_at_its_keyword(option):
    source = RECORD.format(args=f'default="", {option}')
    found = diagnostics(source)
    assert [d.code for d in found] == ["E-ARGS"], "\n".join(d.render() for d in found)
    line = source.splitlines()[found[0].span.line - 1]
    assert line[found[0].span.col - 1:].startswith(option)
    assert option.split("=")[0] in found[0].message and found[0].hint


@pytest.mark.parametrize("option", OPTIONS)
def test_an_option_before_the_default_is_refused_too(option):
    assert [d.code for d in diagnostics(RECORD.format(args=f'{option}, default=""'))] == ["E-ARGS"]


def test_every_refused_option_is_reported():
    found = diagnostics(RECORD.format(args='default="", repr=False, compare=False'))
    assert [d.code for d in found] == ["E-ARGS", "E-ARGS"]


def test_default_and_default_factory_together_are_refused():
    # CPython: ValueError: cannot specify both default and default_factory
    source = LIST_RECORD.format(args="default=[], default_factory=list")
    assert [d.code for d in diagnostics(source)] == ["E-ARGS"]


def test_the_two_supported_options_still_check():
    ok(RECORD.format(args='default=""'))
    ok(LIST_RECORD.format(args="default_factory=list"))
