"""The checker's work grows linearly with the number of locals of a function: rebinding a
name dropped its narrowed paths (`p.next`) by scanning every local, and each nested-def
check counted every binding in a list, so one function of N lines `xI = a + I` took time
in N² (found by a red-team run, H-12: 40,000 lines, a 0.9 MB source under the 1 MB limit,
took 164 s to check).

The work is measured in a deterministic unit, the number of Python and C calls the checker
makes (sys.setprofile), not in seconds."""

from __future__ import annotations

import sys

from seglam.check.checker import check
from seglam.syntax.lower import parse


def _many_locals(n: int) -> str:
    return "def main(a: int) -> int:\n" + "".join(f"    x{i} = a + {i}\n" for i in range(n)) + "    return x0\n"


def _calls_to_check(source: str) -> int:
    module = parse(source, "t.sgl")
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        check(module, source)
    finally:
        sys.setprofile(None)
    return calls


def test_checking_many_locals_is_linear_in_their_number():
    small, large = _calls_to_check(_many_locals(500)), _calls_to_check(_many_locals(2000))
    # Linear work gives a ratio of about 4 (four times the lines); the quadratic scan gave 11.
    assert large / small < 5.5, (small, large)

