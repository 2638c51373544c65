"""``Iterable[T]`` and ``Sequence[T]`` parameters (red-team RT-06): the host API binds a
host value of any collection Python's typing accepts for them, keeping its kind (a tuple
stays a tuple, a set a set), and both backends agree on value, fuel and faults at every
budget and depth, whatever the argument is."""

from __future__ import annotations

import pytest

import seglam
from tests.compiled.agree import disagreements_at_every_depth_and_budget

SOURCE = """
from typing import Iterable, Sequence

def total(values: Iterable[int]) -> int:
    t = 0
    for v in values:
        t += v
    return t + sum(values)

def ends(xs: Sequence[str]) -> str:
    return xs[0] + xs[-1] + str(len(xs)) + str(xs[1:]) + str(xs.count("a"))

def main(d: dict[str, int], words: Sequence[str]) -> list[int | str]:
    return [total(d.values()), total({3, 1}), total(v * 2 for v in d.values()), total((4, 5)), total(range(3)),
            total([7]), ends(words), ends(("a", "b", "a")), ends("xyz")]
"""


@pytest.mark.parametrize("words", [["a", "b"], ("a", "c", "a"), "ab"])
def test_backends_agree_at_every_budget(words):
    assert disagreements_at_every_depth_and_budget(SOURCE, ({"a": 1, "b": 2}, words), range(1, 4)) == []


@pytest.mark.parametrize("backend", ["compiled", "reference"])
@pytest.mark.parametrize("value, shown", [
    ([3, 1, 2], "[3, 1, 2]"), ((1, 2), "(1, 2)"), ({2, 1}, "{1, 2}"), (frozenset({5}), "{5}"), (range(3), "range(0, 3)"),
])
def test_an_iterable_parameter_binds_a_host_collection_as_it_is(backend, value, shown):
    prog = seglam.compile("from typing import Iterable\n\ndef f(xs: Iterable[int]) -> str:\n"
                          "    return f'{xs} {sum(xs)}'\n")
    assert prog.run("f", (value,), backend=backend).value == f"{shown} {sum(value)}"


@pytest.mark.parametrize("backend", ["compiled", "reference"])
@pytest.mark.parametrize("value, shown", [(["a", "b"], "['a', 'b']"), (("a", "b"), "('a', 'b')"), ("ab", "ab")])
def test_a_sequence_parameter_binds_a_list_a_tuple_or_a_str(backend, value, shown):
    prog = seglam.compile("from typing import Sequence\n\ndef f(xs: Sequence[str]) -> str:\n"
                          "    return f'{xs} {xs[-1]}'\n")
    assert prog.run("f", (value,), backend=backend).value == f"{shown} b"


@pytest.mark.parametrize("source, value, message", [
    ("Iterable[int]", ["a"], "argument 'xs': xs[0]: expected int, got str"),
    ("Iterable[int]", "ab", "argument 'xs': expected Iterable[int], got str"),
    ("Iterable[int]", {"a": 1}, "argument 'xs': expected Iterable[int], got dict"),
    ("Sequence[int]", {1, 2}, "argument 'xs': expected Sequence[int], got set"),
    ("Sequence[str]", range(2), "argument 'xs': expected Sequence[str], got range"),
])
def test_other_host_values_are_refused_naming_the_parameter(source, value, message):
    prog = seglam.compile(f"from typing import Iterable, Sequence\n\ndef f(xs: {source}) -> int:\n    return 0\n")
    with pytest.raises(TypeError) as err:
        prog.run("f", (value,))
    assert str(err.value) == message
