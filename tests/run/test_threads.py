"""A backend prepared once serves many threads: same values, same fuel, no shared state."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from seglam.run.faults import Fault
from seglam.run.limits import Limits
from tests.run.helpers import backend

SRC = """
import re
from decimal import Decimal

TABLE = {'a': 1, 'b': 2}

def score(word: str) -> int:
    return sum(TABLE.get(c, 0) for c in word)

def main(words: list[str], n: int) -> tuple[list[str], str, int]:
    ranked = sorted(words, key=lambda w: (-score(w), w))
    d = Decimal(n) / Decimal(7)
    if n % 5 == 0:
        return (ranked, str(1 // (n - n)), 0)
    return (ranked, str(d), len(re.findall('[ab]', ' '.join(words))))
"""


def test_many_threads_agree():
    b = backend(SRC)
    words = ["ab", "ba", "bb", "a", "zz"]

    def work(n: int):
        try:
            r = b.run("main", (words, n), {}, Limits())
            return (r.value, r.fuel_used)
        except Fault as fault:
            return (fault.code, fault.span.line)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, [i % 10 for i in range(200)]))
    for i, r in enumerate(results):
        assert r == work(i % 10)
    assert results[5] == ("F-ZERO-DIV", 14)
