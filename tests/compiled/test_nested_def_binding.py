"""Nested defs bind arguments by keyword and fill defaults (evaluated where the def runs) the
same way on both backends, at every depth limit and fuel budget (red-team RT-05: the checker
lost a nested def's parameter names and defaults, so these programs were rejected)."""

from __future__ import annotations

import pytest

from tests.compiled.agree import disagreements_at_every_depth_and_budget

PROGRAMS = {
    "default": """
def main(x: int) -> int:
    def scale(y: int, factor: int = 10) -> int:
        return y * factor
    return scale(x) + scale(x, 2)
""",
    "keywords": """
def main(x: int) -> int:
    def scale(y: int, /, factor: int = 10, *, bias: int = 0) -> int:
        return y * factor + bias
    return scale(x, bias=1) + scale(x, factor=2) + scale(factor=4, bias=5, *[x])
""",
    "default from the enclosing function": """
def main(x: int) -> int:
    ks = [x, x + 1]
    def pick(i: int, ys: list[int] = ks) -> int:
        return ys[i] + len(ys)
    ks = [7]
    return pick(1) + pick(0, ks)
""",
    "recursion by keyword": """
def main(x: int) -> int:
    def count(w: int, step: int = 1) -> int:
        if w <= 0:
            return 0
        return 1 + count(w=w - step, step=step)
    return count(x) + count(step=2, w=x)
""",
    "a def as a value": """
def helper(y: int, factor: int = 10) -> int:
    return y * factor

def main(x: int) -> int:
    def local(z: int, bias: int = 1) -> int:
        return z + bias
    f = helper
    g = local
    return f(x) + f(y=x, factor=2) + g(x) + g(bias=5, z=x)
""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_nested_defs_bind_alike_on_both_backends(name: str):
    assert disagreements_at_every_depth_and_budget(PROGRAMS[name], (4,), range(1, 4)) == []
