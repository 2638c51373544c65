"""A def whose parameters past a Callable's have defaults is that Callable (as a lambda
written with defaults is): stored in a Callable-typed local, a list or a dict, returned as
one, and called through it, it runs alike on both backends at every depth limit and fuel
budget (red-team RT-16: the checker rejected all of these, while `key=` and `map` took it)."""

from __future__ import annotations

import pytest

from tests.compiled.agree import disagreements_at_every_depth_and_budget

PROGRAMS = {
    "a local and a return": """
from typing import Callable

def scaled(x: int, scale: int = 2) -> int:
    return x * scale

def neg(x: int) -> int:
    return -x

def pick(n: int) -> Callable[[int], int]:
    return scaled if n > 1 else neg

def main(n: int) -> list[int]:
    h: Callable[[int], int] = scaled
    return [h(n), pick(n)(n), pick(0)(n)]
""",
    "a list and a dict": """
from typing import Callable

def scaled(x: int, scale: int = 2) -> int:
    return x * scale

def bumped(x: int, *, by: int = 5) -> int:
    return x + by

def main(n: int) -> list[int]:
    fs: list[Callable[[int], int]] = [scaled, bumped]
    table: dict[str, Callable[[int], int]] = {"s": scaled, "b": bumped}
    return [f(n) for f in fs] + [table["b"](n), table["s"](n)]
""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_defs_with_defaults_as_callables_agree_on_both_backends(name: str):
    assert disagreements_at_every_depth_and_budget(PROGRAMS[name], (3,), range(1, 4)) == []
