"""Every example in DESIGN.md "The language" and IMPL.md "Contracts", as checker tests."""

from __future__ import annotations

import pytest

from tests.check.helpers import codes, one, ok

IDIOMS = {
    "annotated functions and inferred locals": "def f(a: int, b: float) -> float:\n    c = a * b\n    return c\n",
    "if elif else": "def f(n: int) -> str:\n    if n < 0:\n        s = 'neg'\n    elif n == 0:\n        s = 'zero'\n"
                    "    else:\n        s = 'pos'\n    return s\n",
    "for while break continue": "def f(xs: list[int]) -> int:\n    t = 0\n    for x in xs:\n        if x < 0:\n"
                                "            continue\n        if x > 100:\n            break\n        t += x\n"
                                "    i = 0\n    while i < 3:\n        i += 1\n    return t + i\n",
    "comprehensions": "def f(xs: list[int]) -> int:\n    a = [x for x in xs]\n    b = {x: x * x for x in xs}\n"
                      "    c = {x % 3 for x in xs}\n    return sum(x for x in a) + len(b) + len(c)\n",
    "tuple unpacking slicing f-strings": "def f(p: tuple[int, str], s: str) -> str:\n    n, name = p\n"
                                         "    return f'{name}:{n:03d}:{s[1:-1]}'\n",
    "lambda for key": "def f(ws: list[str]) -> list[str]:\n    return sorted(ws, key=lambda w: (len(w), w))\n",
    "str list dict methods": "def f(s: str, d: dict[str, int]) -> list[str]:\n    parts = s.strip().split(',')\n"
                             "    return [p for p in parts if p.startswith('a') and d.get(p, 0) > 0] + list(d.keys())\n",
    "builtins": "def f(xs: list[int], ys: list[str]) -> int:\n"
                "    pairs = list(zip(xs, ys))\n    best = max(xs) - min(xs) + sum(xs) + len(ys)\n"
                "    ok = any(x > 0 for x in xs) and all(y for y in ys)\n"
                "    return best + abs(-3) + len(pairs) + len(list(enumerate(ys))) + len(sorted(range(3))) + int(ok)\n",
    "local collections built up": "def f(ws: list[str]) -> dict[str, list[int]]:\n    out = {}\n    seen = []\n"
                                  "    for i, w in enumerate(ws):\n        seen.append(w)\n        out[w] = out.get(w, []) + [i]\n"
                                  "    seen += ['end']\n    return out\n",
    "records": "from dataclasses import dataclass\n\n@dataclass(frozen=True)\nclass P:\n    x: int\n    y: int = 0\n\n"
               "def f(p: P) -> P:\n    return P(p.x + 1, y=p.y)\n",
    "enum and match": "from enum import Enum\n\nclass C(Enum):\n    A = 'a'\n    B = 'b'\n\n"
                      "def f(c: C) -> int:\n    match c:\n        case C.A:\n            return 1\n        case C.B:\n            return 2\n",
    "X | None": "def f(x: int | None) -> int:\n    return 0 if x is None else x\n",
}


@pytest.mark.parametrize("name", list(IDIOMS))
def test_language_idiom_checks(name):
    ok(IDIOMS[name])


def test_frozen_arguments_with_the_suggested_rewrite():
    d = one("def f(xs: list[int]) -> list[int]:\n    xs.append(1)\n    return xs\n", "E-FROZEN")
    assert "xs = list(xs)" in d.hint
    ok("def f(xs: list[int]) -> list[int]:\n    xs = list(xs)\n    xs.append(1)\n    return xs\n")


def test_principle_4_examples():
    assert one("import os\n", "E-IMPORT").hint == "no I/O in Seglam: pass the data in as an argument"
    d = one("def f(s: str) -> int:\n    try:\n        return int(s)\n    except ValueError:\n        return 0\n",
            "E-EXCEPTION")
    assert d.hint.startswith("test with `if` first")
    assert codes("N = 0\ndef f() -> int:\n    global N\n    return N\n") == ["E-GLOBAL"]


def test_parameters_and_return_types_must_be_annotated():
    assert codes("def f(x) -> int:\n    return 1\n") == ["E-ANNOTATION"]
    assert codes("def f(x: int):\n    return 1\n") == ["E-ANNOTATION"]


def test_impl_contract_example():
    cm = ok('''
@requires(lambda xs: len(xs) > 0)
@ensures(lambda xs, result: result in xs)
def largest(xs: list[int]) -> int:
    assert all(x >= 0 for x in xs)
    return max(xs)

assert largest([3, 1, 2]) == 3

def prop_largest_is_upper_bound(xs: list[int]) -> bool:
    assert len(xs) > 0
    return all(x <= largest(xs) for x in xs)
''')
    info = cm.functions["largest"]
    assert (len(info.requires), len(info.ensures), info.prelude) == (1, 1, 1)
    assert cm.properties == ("prop_largest_is_upper_bound",)
    assert len(cm.examples) == 1
