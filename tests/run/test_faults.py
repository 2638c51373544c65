"""Every fault code, with its span and call trace; no Python exception ever escapes."""

from __future__ import annotations

import pytest

from seglam.run.faults import Fault
from seglam.run.limits import Limits
from tests.run.helpers import backend, run

FAULTS = [
    ("F-ZERO-DIV", "return 1 // (len(xs) - 3)"),
    ("F-ZERO-DIV", "return 1.5 % 0"),
    ("F-ZERO-DIV", "return Decimal(1) / Decimal(0)"),
    ("F-INDEX", "return xs[10]"),
    ("F-INDEX", "return [].pop()"),
    ("F-KEY", "return {'a': 1}['b']"),
    ("F-KEY", "return set().pop() if False else {1}.remove(2)"),
    ("F-VALUE", "return int('abc')"),
    ("F-VALUE", "return max([])"),
    ("F-VALUE", "return [1].index(5)"),
    ("F-VALUE", "return math.sqrt(-1)"),
    ("F-VALUE", "return Decimal('abc')"),
    ("F-VALUE", "return date(2024, 2, 30)"),
    ("F-VALUE", "return (-8) ** 0.5"),
    ("F-OVERFLOW", "return 2.0 ** 5000"),
    ("F-OVERFLOW", "return float(10 ** 400)"),
    ("F-OVERFLOW", "return math.exp(1000)"),
    ("F-ASSERT", "assert len(xs) > 5, 'too short'"),
    ("F-NONE", "return d.get('x').upper()"),
    ("F-FROZEN", "ys = xs\n    ys.append(1)"),
    ("F-MUTATION", "for k in d:\n        d[k + 'x'] = 1"),
    ("F-REGEX", "return re.search('(' + 'a', 'a')"),
    ("F-FUEL", "while True:\n        pass"),
    ("F-INT-SIZE", "return 10 ** 10 ** 10"),
    ("F-STR-SIZE", "return 'x' * 10 ** 9"),
    ("F-COLLECTION-SIZE", "return [0] * 10 ** 9"),
]

PRELUDE = """import math
import re
from datetime import date
from decimal import Decimal

def main(xs: list[int], d: dict[str, int]) -> object:
    d = dict(d)
    {body}
"""


@pytest.mark.parametrize("code,body", FAULTS, ids=[f"{c}:{b[:30]}" for c, b in FAULTS])
def test_fault_code(code, body):
    with pytest.raises(Fault) as info:
        run(PRELUDE.format(body=body), [1, 2, 3], {"a": 1}, limits=Limits(fuel=100_000))
    fault = info.value
    assert fault.code == code, str(fault)
    assert fault.span is not None and fault.span.line >= 7
    assert fault.trace and fault.trace[0].function == "main"
    assert fault.filename == "<test>"


def test_span_is_the_innermost_node():
    src = "def main() -> int:\n    x = 1\n    return x + [1, 2][5]\n"
    with pytest.raises(Fault) as info:
        run(src)
    assert info.value.code == "F-INDEX"
    span = info.value.span
    assert (span.line, span.col) == (3, 16)


def test_trace_is_outermost_first():
    src = """
def inner(n: int) -> int:
    return 10 // n

def middle(n: int) -> int:
    return inner(n - 1) + 1

def main() -> int:
    return middle(1)
"""
    with pytest.raises(Fault) as info:
        run(src)
    assert info.value.code == "F-ZERO-DIV"
    assert [f.function for f in info.value.trace] == ["main", "middle", "inner"]
    assert info.value.trace[1].span.line == 9  # where main called middle
    assert info.value.span.line == 3


def test_requires_and_ensures():
    src = """
@requires(lambda n: n >= 0)
@ensures(lambda n, result: result >= n)
def grow(n: int) -> int:
    return n - 1 if n == 5 else n + 1

def main(n: int) -> int:
    return grow(n)
"""
    assert run(src, 1) == 2
    with pytest.raises(Fault) as info:
        run(src, -1)
    assert info.value.code == "F-REQUIRES"
    with pytest.raises(Fault) as info:
        run(src, 5)
    assert info.value.code == "F-ENSURES"
    assert [f.function for f in info.value.trace] == ["main", "grow"]


def test_requires_checked_on_entry_call():
    src = "@requires(lambda s: len(s) > 0)\ndef main(s: str) -> str:\n    return s[0]\n"
    assert run(src, "ab") == "a"
    with pytest.raises(Fault) as info:
        run(src, "")
    assert info.value.code == "F-REQUIRES" and info.value.span.line == 1


def test_constant_fault_is_deterministic():
    b = backend("X = 1 // 0\n\ndef main() -> int:\n    return X\n")
    codes = []
    for _ in range(2):
        with pytest.raises(Fault) as info:
            b.run("main", (), {}, Limits())
        codes.append(info.value.code)
    assert codes == ["F-ZERO-DIV", "F-ZERO-DIV"]


def test_fault_to_json_roundtrip():
    with pytest.raises(Fault) as info:
        run("def main() -> int:\n    return 1 // 0\n")
    data = info.value.to_json()
    assert data["code"] == "F-ZERO-DIV" and data["trace"][0]["function"] == "main"
