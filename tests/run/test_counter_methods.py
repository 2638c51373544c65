"""``Counter.update``, ``Counter.subtract`` (of an iterable or a mapping) and
``Counter.elements`` (red-team RT-09): one implementation in the stdlib for both backends,
charged as ``Counter(xs)`` and ``dict.update`` are; the backends agree at every budget and
depth, and a frozen Counter faults."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.faults import Fault
from tests.compiled.agree import disagreements_at_every_depth_and_budget

SOURCE = """
from collections import Counter

def main(words: list[str]) -> int:
    c = Counter()
    c.update(words)
    c.update({w: 2 for w in words})
    c.subtract(w for w in words if len(w) > 1)
    c.subtract(Counter(words))
    n = 0
    for w in c.elements():
        n += len(w)
    return n + len(list(c.elements())) + c.total()
"""

WORDS = [["a", "b", "a"], ["x" * 600, "y" * 700, "x" * 600], []]


@pytest.mark.parametrize("words", WORDS, ids=["short", "long keys", "empty"])
def test_backends_agree_at_every_budget(words):
    assert disagreements_at_every_depth_and_budget(SOURCE, (words,), range(1, 3)) == []


def _fuel(body: str, words: list[str]) -> list[int]:
    prog = seglam.compile("from collections import Counter\n\ndef main(words: list[str]) -> int:\n"
                          f"{body}\n    return 0\n")
    return [prog.run("main", (words,), backend=b).fuel_used for b in ("compiled", "reference")]


@pytest.mark.parametrize("words", WORDS + [[f"k{i}" for i in range(3000)]], ids=["short", "long keys", "empty", "many"])
@pytest.mark.parametrize("method", ["update", "subtract"])
def test_update_and_subtract_are_charged_as_counter_of_the_items(words, method):
    counted = _fuel("    c = Counter(words)", words)
    updated = _fuel(f"    c = Counter()\n    c.{method}(words)", words)
    # the same work; the update is one more call (and the empty Counter one more step)
    assert updated == [counted[0] + 2, counted[1] + 2]


@pytest.mark.parametrize("backend", ["compiled", "reference"])
@pytest.mark.parametrize("method", ["update", "subtract"])
def test_a_frozen_counter_faults(backend, method):
    # a Counter argument, changed through an alias (a returned one is the caller's own again)
    prog = seglam.compile("from collections import Counter\n\ndef f(c: Counter[str], words: list[str]) -> int:\n"
                          f"    d = c\n    d.{method}(words)\n    return 0\n\n"
                          "def main(words: list[str]) -> int:\n    return f(Counter(words), words)\n")
    with pytest.raises(Fault) as err:
        prog.run("main", (["a"],), backend=backend)
    assert err.value.code == "F-FROZEN"
