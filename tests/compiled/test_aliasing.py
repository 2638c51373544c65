"""seglam/run/codegen/aliasing.py: a function whose return type can hold none of its
arguments' copies notes none (graph_bfs took 20% more instructions when every inner list of
its dict argument was noted for a return that is a fresh dict[int, int]); where a copy may
come back, it is noted and the backends agree on which object the caller gets."""

from __future__ import annotations

import pytest

import seglam
from seglam.check import types as T
from seglam.run.codegen.aliasing import may_return_a_part
from tests.compiled.agree import disagreements_at_every_depth_and_budget

INT, FLOAT, STR, NONE = T.INT, T.FLOAT, T.STR, T.NONE
L = T.ListType
D = T.DictType


@pytest.mark.parametrize("returns, param, expected", [
    (D(INT, INT), D(INT, L(INT)), False),           # bfs: a fresh dict of another kind of value
    (L(INT), D(INT, L(INT)), True),                  # one of the lists inside
    (D(INT, L(INT)), D(INT, L(INT)), True),          # the argument itself
    (L(FLOAT), L(INT), True),                        # an int may stand where a float is declared
    (L(STR), L(INT), False),
    (T.UnionType((L(INT), NONE)), L(L(INT)), True),  # Optional of an inner list
    (T.SetType(INT), L(INT), False),
    (T.TupleType((INT, INT)), L(T.TupleType((INT, INT))), True),
    (STR, L(STR), False),                            # a str is immutable: never a noted copy
])
def test_what_a_return_may_be(returns, param, expected):
    assert may_return_a_part(returns, param, {}) is expected


def test_a_fresh_dict_notes_no_copy_and_a_returned_argument_does():
    fresh = seglam.compile("def f(e: dict[int, list[int]]) -> dict[int, int]:\n    return {k: len(v) for k, v in e.items()}\n")
    back = seglam.compile("def f(e: dict[int, list[int]], k: int) -> list[int]:\n    return e[k]\n")
    assert "h_copies" not in fresh.python_source("f") and "h_copies" in back.python_source("f")


SOURCE = """
def pick(e: dict[int, list[int]], k: int) -> list[int]:
    return e[k]


def sizes(e: dict[int, list[int]]) -> dict[int, int]:
    return {k: len(v) for k, v in e.items()}


def main(n: int) -> int:
    e = {i: [i, i + 1] for i in range(n)}
    got = pick(e, 1)
    got.append(9)
    return len(e[1]) * 100 + sum(sizes(e).values())
"""


def test_the_backends_agree_on_what_comes_back():
    assert disagreements_at_every_depth_and_budget(SOURCE, (3,), range(1, 4)) == []
    assert seglam.compile(SOURCE).call("main", 3) == 307  # as CPython: e[1] grew to 3 items; sizes 2 + 3 + 2
