"""A bool operand of ``+`` follows the int size rule (SPEC.md §10): ``n + True`` is not a step
by a small int literal, so its int result is size-checked on both backends, at the same
operation (``-``, ``*``, ``<<`` and ``sum`` already were). Found by a red-team run (H-13): the
compiled backend faulted F-INT-SIZE and the reference one returned a 65,537-bit int."""

from __future__ import annotations

import pytest

from tests.compiled.agree import outcomes
from seglam.run.limits import Limits

N = 2 ** 65_536 - 1

SOURCES = [
    "def main(n: int, b: bool) -> int:\n    x = n + True\n    return x.bit_length()\n",
    "def main(n: int, b: bool) -> int:\n    x = True + n\n    return x.bit_length()\n",
    "def main(n: int, b: bool) -> int:\n    x = n + b\n    return x.bit_length()\n",
    "def main(n: int, b: bool) -> int:\n    x = b + n\n    return x.bit_length()\n",
    "def main(n: int, b: bool) -> int:\n    x = n\n    x += True\n    return x.bit_length()\n",
    "def main(n: int, b: bool) -> int:\n    x = n\n    x += b\n    return x.bit_length()\n",
    "def main(n: int, b: bool) -> int:\n    xs = [n]\n    xs[0] += b\n    return xs[0].bit_length()\n",
]


@pytest.mark.parametrize("source", SOURCES)
def test_an_int_sum_with_a_bool_past_the_cap_faults_on_both_backends(source):
    got = outcomes(source, "main", (N, True), Limits(), messages=True)
    assert got[0] == got[1], got
    assert got[0][:2] == ("fault", "F-INT-SIZE"), got


@pytest.mark.parametrize("source", SOURCES)
def test_an_int_sum_with_a_bool_within_the_cap_is_python_s(source):
    got = outcomes(source, "main", (N - 1, True), Limits())
    assert got[0] == got[1] and got[0][:2] == ("value", 65_536), got
