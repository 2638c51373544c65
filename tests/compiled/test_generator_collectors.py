"""``sum(f(x) for x in xs)``, ``min``/``max``/``sorted`` of a generator of scalars compile
like the same call on a list (charged its length, then the builtin): the same values, fuel
and faults, located where the reference locates them, as the reference evaluator."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.limits import Limits
from tests.compiled.agree import outcomes

SOURCE = """def score(word: str) -> int:
    return sum(ord(c) for c in word) % 97


def main(words: list[str], k: int) -> int:
    total = sum(score(w) for w in words)
    low = min(len(w) for w in words)
    high = max(w.count("a") * 100 // k for w in words)
    order = sorted(len(w) - k for w in words)
    return total + low + high + order[0] + sum(x * x for x in order)
"""


@pytest.mark.parametrize("words,k", [(["ab", "ba", "aaa"], 1), (["x" * 40, "a" * 300], 3), (["a"], 0), ([], 1)])
@pytest.mark.parametrize("limits", [Limits(), Limits(fuel=30), Limits(fuel=90), Limits(max_int_bits=8)])
def test_collecting_a_generator_agrees_with_the_reference(words, k, limits):
    compiled, reference = outcomes(SOURCE, "main", (words, k), limits)
    assert compiled == reference


def test_min_of_nothing_faults_with_the_stdlib_message():
    compiled, reference = outcomes(SOURCE, "main", ([], 1), Limits(), messages=True)
    assert compiled == reference and compiled[3] == "min() of an empty sequence"


def test_the_sum_of_a_generator_is_inline():
    text = seglam.compile(SOURCE).python_source("score")
    assert "h_f = h_ctx.fuel" in text and "sum(h_ctx" not in text
