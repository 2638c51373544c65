"""``itertools`` iterators that CPython sizes when they are made (found by a red-team run,
H-02): ``product(..., repeat=n)`` copies its pools ``n`` times and ``permutations``,
``combinations`` and ``combinations_with_replacement`` allocate ``r`` indexes before the
first item. ``n`` and ``r`` are checked against ``max_collection_len`` (each item has that
many elements) and charged first, so a small fuel budget bounds the memory; an iterator that
makes nothing is made without them. Both backends give the same outcome."""

from __future__ import annotations

import tracemalloc

import pytest

from seglam.run.limits import Limits

from tests.compiled.agree import outcomes

_LOOP = "from itertools import {name}\n\n\ndef main(n: int) -> int:\n    k = 0\n    for t in {call}:\n        k += len(t)\n    return k\n"

_CASES = {
    "product": ("product", "product([1, 2], repeat=n)"),
    "combinations_with_replacement": ("combinations_with_replacement", "combinations_with_replacement([1, 2, 3], n)"),
}
_EMPTY = {
    "product of an empty pool": ("product", "product([i for i in range(0)], repeat=n)"),
    "combinations past the pool": ("combinations", "combinations([1, 2, 3], n)"),
    "permutations past the pool": ("permutations", "permutations([1, 2, 3], n)"),
    "combinations_with_replacement of nothing": ("combinations_with_replacement", "combinations_with_replacement([], n)"),
}


def _source(case) -> str:
    name, call = case
    return _LOOP.format(name=name, call=call)


def _peak_mb(source: str) -> tuple[list, int]:
    """The outcomes of ``main(30_000_000)`` with 100 fuel, and the most memory they took."""
    tracemalloc.start()
    try:
        got = outcomes(source, "main", (30_000_000,), Limits(fuel=100))
        return got, tracemalloc.get_traced_memory()[1] // 2 ** 20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("case", sorted(_CASES))
def test_a_huge_width_faults_before_it_is_allocated(case):
    got, peak = _peak_mb(_source(_CASES[case]))
    assert got[0] == got[1] and got[0][:2] == ("fault", "F-COLLECTION-SIZE")
    assert peak < 50  # CPython's own takes 240 MB or more


@pytest.mark.parametrize("case", sorted(_EMPTY))
def test_an_iterator_that_makes_nothing_is_made_without_its_width(case):
    got, peak = _peak_mb(_source(_EMPTY[case]))
    assert got[0] == got[1] and got[0][:2] == ("value", 0)
    assert peak < 50
