"""Lambda defaults (evaluated and frozen where the lambda is made) and comprehensions of
lambdas run alike on both backends, at every depth limit and fuel budget (red-team RT-08:
the checker rejected them)."""

from __future__ import annotations

import pytest

from tests.compiled.agree import disagreements_at_every_depth_and_budget

PROGRAMS = {
    "late binding fixed by a default": """
def main(n: int) -> list[int]:
    fs = [lambda x, i=i: x + i for i in range(n)]
    return [f(10) for f in fs]
""",
    "late binding without a default": """
from typing import Callable

def adders(n: int) -> list[Callable[[int], int]]:
    return [lambda x: x + i for i in range(n)]

def main(n: int) -> list[int]:
    return [f(10) for f in adders(n)]
""",
    "keywords and defaults": """
def main(n: int) -> list[int]:
    add = lambda x, step=[n, n]: x + len(step)
    scale = lambda x, *, by=2: x * by
    n = 100
    return [add(1), add(1, [1]), add(step=[], x=1), scale(4), scale(4, by=n)]
""",
    "a default in a key": """
def main(n: int) -> list[int]:
    xs = [5, 2, 7, 8, n]
    return sorted(xs, key=lambda x, m=n: (x % m, x))
""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_lambda_defaults_agree_on_both_backends(name: str):
    assert disagreements_at_every_depth_and_budget(PROGRAMS[name], (3,), range(1, 4)) == []
