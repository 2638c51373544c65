"""``d.setdefault(k, [])`` compiled natively: the same values, fuel and faults (the key's
cost for wide ints and long strings, the collection cap on the dict and on the grown
list, fuel) as the reference evaluator's stdlib call."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.limits import Limits
from tests.compiled.agree import outcomes

SOURCE = """def group(keys: list[int], words: list[str]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for k, w in zip(keys, words):
        out.setdefault(k, []).append(w)
    return out


def by_word(words: list[str]) -> int:
    seen: dict[str, int] = {}
    for w in words:
        seen.setdefault(w, len(seen))
    first = seen.setdefault(words[0], -1)
    return len(seen) * 1000 + first


def main(keys: list[int], words: list[str]) -> int:
    g = group(keys, words)
    return len(g) + sum(len(v) for v in g.values()) + by_word(words)
"""
LONG = "w" * 5000


@pytest.mark.parametrize("keys,words", [
    ([i % 4 for i in range(20)], [f"w{i % 7}" for i in range(20)]),
    ([2 ** 200 + i % 3 for i in range(12)], [LONG + str(i % 2) for i in range(12)]),
    ([2 ** 70_000 * (i % 2 + 1) for i in range(6)], ["a", "b", "a", "c", "b", "a"]),
])
@pytest.mark.parametrize("limits", [Limits(), Limits(fuel=50), Limits(fuel=120), Limits(fuel=5000),
                                    Limits(max_collection_len=3), Limits(max_collection_len=5)])
def test_setdefault_agrees_with_the_reference(keys, words, limits):
    compiled, reference = outcomes(SOURCE, "main", (keys, words), limits)
    assert compiled == reference


def test_setdefault_is_native_and_the_grouping_loop_local():
    text = seglam.compile(SOURCE).python_source("group")
    assert ".setdefault(" in text and "h_f = h_ctx.fuel" in text
