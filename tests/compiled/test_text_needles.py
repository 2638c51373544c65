"""A str sought in a list or tuple (``w in words``, ``w not in words``, ``words.index(w)``,
``words.count(w)``) inline on the compiled backend: the length charged, then, for a needle
of ``COSTLY_NEEDLE`` characters or more, its comparisons (``valuework.needle_cost``), as the
stdlib's ``contains`` and ``index`` charge them. Both backends at every fuel budget and depth
limit, with needles on both sides of the threshold, found and missing."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.codegen.inline import COSTLY_NEEDLE
from seglam.run.valuework import needle_cost
from tests.compiled.agree import disagreements_at_every_depth_and_budget

PROGRAMS = {
    "membership": """
from dataclasses import dataclass

@dataclass(frozen=True)
class Clause:
    subject: str

def main(words: list[str], n: int) -> int:
    long = "w" * n
    c = Clause(long)
    hits = 0
    for w in [words[0], long, "nope", long + "!"]:
        if w in words:
            hits += 1
        if w not in tuple(words):
            hits += 10
    if c.subject in words:
        hits += 100
    if words[1] in words:
        hits += 1000
    return hits
""",
    "index and count": """
def main(words: list[str], n: int) -> int:
    long = "w" * n
    return words.index(long) + words.count(long) + words.count("a") + words.index("b", 1) + words.count(long + "!")
""",
    "index of a missing item faults alike": """
def main(words: list[str], n: int) -> int:
    return words.index("w" * (n + 1))
""",
}


@pytest.mark.parametrize("n", [COSTLY_NEEDLE - 1, COSTLY_NEEDLE, 3 * COSTLY_NEEDLE])
@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_text_needle_is_charged_alike_at_every_budget(name: str, n: int):
    words = ["a", "b", "w" * n, "c", "a"] + ["x" * i for i in range(20)]
    assert disagreements_at_every_depth_and_budget(PROGRAMS[name], (words, n), range(1, 3)) == []


def test_the_threshold_is_the_shortest_costly_needle():
    assert needle_cost("x" * (COSTLY_NEEDLE - 1), 1000) == 0 < needle_cost("x" * COSTLY_NEEDLE, 1)


def test_the_compiled_backend_tests_a_short_needle_natively():
    source = seglam.compile(PROGRAMS["membership"]).python_source("main")
    assert "u_w in u_words" in source and "u_c.subject in u_words" in source, source
