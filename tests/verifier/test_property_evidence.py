"""A function checked only by a property that calls it (docs/verify.md, "Open obligations
need evidence"): the property's aimed run is its evidence when the property calls it on
every run; otherwise the note says to add examples, which seed the aimed run (V-09)."""

from __future__ import annotations

import pytest

from seglam.verifier import verify
from seglam.verifier.evidence import calls_on_every_run
from seglam.verifier.load import load_program

#: One wording, which generated text never meets; the property builds questions in it.
STRICT = '''\
import re

WORDING = r"Ann buys ([0-9]+) pens at ([0-9]+) each\\. Total\\?"


@requires(lambda q: re.fullmatch(WORDING, q) is not None)
def spend(q: str) -> int:
    m = re.fullmatch(WORDING, q)
    assert m is not None
    return int(m.group(1)) * int(m.group(2))
'''

PROPERTY = '''

def prop_spend(n: int, price: int) -> bool:
    assert 0 <= n <= 50 and 0 <= price <= 50
    return spend(f"Ann buys {n} pens at {price} each. Total?") == n * price
'''


def _open(report, name="spend"):
    return [r for r in report.results if r.function == name and r.open]


def test_a_property_calling_the_function_on_every_run_is_its_evidence():
    report = verify(STRICT + PROPERTY, max_examples=20)
    assert report.admissible, report.render()
    evidence = [r.evidence for r in _open(report)]
    assert evidence and all(e and e.startswith("through prop_spend's aimed run") for e in evidence), report.render()
    assert not any(r.no_evidence_note for r in _open(report))


def test_without_a_property_or_an_example_the_note_says_to_add_examples():
    report = verify(STRICT, max_examples=10)
    assert not report.admissible, report.render()
    notes = [r.no_evidence_note for r in _open(report)]
    assert notes and all("add example asserts calling spend(...)" in n and "seed the aimed run" in n for n in notes), notes


def test_a_property_that_calls_the_function_only_in_a_branch_is_not_its_evidence():
    branch = PROPERTY.replace(
        '    return spend(f"Ann buys {n} pens at {price} each. Total?") == n * price\n',
        '    if n == 3:\n        return spend(f"Ann buys {n} pens at {price} each. Total?") == n * price\n    return True\n')
    report = verify(STRICT + branch, max_examples=10)
    assert not report.admissible, report.render()


def test_a_wrong_function_is_still_refuted_through_the_property():
    wrong = STRICT.replace("return int(m.group(1)) * int(m.group(2))", "return int(m.group(1)) * int(m.group(2)) // max(1, int(m.group(1)) - 7)")
    report = verify(wrong + PROPERTY, max_examples=20)
    assert not report.ok and not report.admissible, report.render()


def _fv(body: str):
    loaded = load_program("def f(x: int) -> int:\n    return x\n\n\n" + body, "x.sgl")
    assert loaded.error is None, loaded.error
    return loaded.view.functions["prop_p"]


@pytest.mark.parametrize("body,expected", [
    ("def prop_p(n: int) -> bool:\n    return f(n) == n\n", True),
    ("def prop_p(n: int) -> bool:\n    assert n > 0\n    y = f(n + 1)\n    return y > n\n", True),
    ("def prop_p(n: int) -> bool:\n    m = n * 2\n    return f(m) == m\n", True),  # a local that derives from n
    ("def prop_p(n: int) -> bool:\n    return f(3) == 3\n", False),  # one fixed input
    ("def prop_p(n: int) -> bool:\n    if n > 5:\n        return True\n    return f(n) == n\n", False),
    ("def prop_p(n: int) -> bool:\n    return n > 5 and f(n) == n\n", False),
    ("def prop_p(n: int) -> bool:\n    return f(n) == n if n > 0 else True\n", False),
    ("def prop_p(n: int) -> bool:\n    return all(f(k) == k for k in range(n))\n", False),
    ("def prop_p(n: int) -> bool:\n    for k in range(n):\n        f(k)\n    return True\n", False),
])
def test_calls_on_every_run(body, expected):
    assert calls_on_every_run(_fv(body), "f") is expected
