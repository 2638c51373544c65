"""Regex searches are charged for the text times the compiled program's size (found by a
red-team run, H-08): RE2 is linear in the text for a fixed pattern, but when its DFA runs out
of memory its NFA costs each character of the text a pass over the program's instructions,
and a pattern built at run time may be large. ``cost.regex(len(text), programsize)`` is
charged before the search, for every way of searching (SPEC.md §10)."""

from __future__ import annotations

import time

import pytest

from seglam.run.limits import Limits

from tests.compiled.agree import outcomes

_CALLS = {
    "search": "re.search(p, t) is not None",
    "match": "re.match(p, t) is not None",
    "fullmatch": "re.fullmatch(p, t) is not None",
    "findall": "len(re.findall(p, t)) > 0",
    "finditer": "len([m for m in re.finditer(p, t)]) > 0",
    "split": "len(re.split(p, t)) > 0",
    "sub": "len(re.sub(p, \"x\", t)) > 0",
    "compiled search": "re.compile(p).search(t) is not None",
}


def _source(call: str) -> str:
    return ("import re\n\n\ndef main(n: int) -> int:\n"
            "    p = \"a?\" * n + \"a\" * n\n    t = \"a\" * n\n    k = 0\n"
            f"    for i in range(1000):\n        if {call}:\n            k += 1\n    return k\n")


@pytest.mark.parametrize("name", sorted(_CALLS))
def test_a_search_with_a_large_program_is_charged_for_it(name):
    # 3000 characters, a program of about 9000 instructions: each search costs about 1.7
    # million fuel, so 1M fuel runs out at the first, before it runs (it takes ~60 ms)
    start = time.perf_counter()
    got = outcomes(_source(_CALLS[name]), "main", (3000,), Limits(fuel=1_000_000))
    assert got[0] == got[1] and got[0][:2] == ("fault", "F-FUEL")
    assert time.perf_counter() - start < 5
