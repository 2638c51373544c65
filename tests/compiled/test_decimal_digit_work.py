"""A Decimal keeps every digit it was written with (``Decimal(s)``, ``parse_decimal``, an
argument, a pattern hole), so the operations that read its coefficient are charged by its
digits (SPEC.md §10, ``cost.decimal_digits``: ``digits // 32``), before the work and the same
on both backends: ``str``, ``repr``, f-strings and ``format``, ``%``-formatting, ``float()``
and hashing (a set or dict key). Found by a red-team run (H-04): each of these cost 1 fuel
and about 3 ms on a million-digit Decimal."""

from __future__ import annotations

import pytest

import seglam
from seglam.run import cost
from tests.compiled.agree import run_outcome

BACKENDS = ("compiled", "reference")
BIG = "7" * 200_000 + ".5"
DIGITS = 200_001


def _used(prog, args: tuple) -> int:
    got = {b: run_outcome(prog, args, 10 ** 8, b) for b in BACKENDS}
    assert got["compiled"] == got["reference"], got
    assert got["compiled"][0] == "value", got
    return got["compiled"][2]


PREFIX = "from decimal import Decimal\n\n\ndef main(s: str) -> int:\n    d = Decimal(s)\n"


@pytest.mark.parametrize("body,passes,written", [
    ("    return len(str(d))\n", 1, 0),
    ("    return len(repr(d))\n", 1, 0),
    # and the f-string's own length, as every f-string's (FORMAT_CHARS a step)
    ("    return len(f'{d}') + len(f'{d:.3e}')\n", 2, len(BIG) // cost.FORMAT_CHARS),
    ("    return len('%s' % d)\n", 1, 0),
    ("    return int(float(d) > 0)\n", 1, 0),
    ("    return len({d})\n", 1, 0),
    ("    return len(str([d, d]))\n", 2, 0),
    ("    e: dict[Decimal, int] = {d: 1}\n    return e[d]\n", 2, 0),
])
def test_reading_a_long_decimal_is_charged_by_its_digits_on_both_backends(body, passes, written):
    prog = seglam.compile(PREFIX + body)
    short = "0" * (len(BIG) - 3) + "7.5"  # the same length to read, two digits
    base = _used(prog, (short,))
    used = _used(prog, (BIG,))
    assert used == base + passes * cost.decimal_digits(DIGITS) + written, (used, base)
    got = {b: run_outcome(prog, (BIG,), used - 1, b) for b in BACKENDS}
    assert got["compiled"] == got["reference"], got
    assert got["compiled"][:2] == ("fault", "F-FUEL"), got
