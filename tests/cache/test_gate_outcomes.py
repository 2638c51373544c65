"""The hit gate's outcome for each kind of fault (docs/cache.md, "The hit gate"): a failed
precondition is a ``domain`` miss, a failed postcondition an ``ensures`` miss, anything
else a ``fault``; none of them is ever an answer."""

from __future__ import annotations

import pytest

from seglam.cache.gate import classify
from seglam.run.faults import Fault, Frame
from seglam.syntax.span import Span

PRE = frozenset({3, 4})  # the lines of the entry function's leading asserts


def _fault(code: str, line: int | None, depth: int) -> Fault:
    span = None if line is None else Span(line, 5, line, 20)
    trace = tuple(Frame(f"f{i}", span) for i in range(depth))
    return Fault(code, "x", span, trace)


@pytest.mark.parametrize("code,line,depth,outcome", [
    ("F-REQUIRES", 9, 1, "domain"),
    ("F-REQUIRES", None, 0, "domain"),
    # a leading assert of the entry function: the input is outside the domain
    ("F-ASSERT", 3, 1, "domain"),
    ("F-ASSERT", 4, 0, "domain"),
    # an assert anywhere else, or one raised in a callee, is a bug in the program
    ("F-ASSERT", 5, 1, "fault"),
    ("F-ASSERT", None, 1, "fault"),
    ("F-ASSERT", 3, 2, "fault"),
    ("F-ASSERT", 3, 3, "fault"),
    # only an assert can be a precondition: another fault on an assert line is a fault
    ("F-ZERO-DIV", 3, 1, "fault"),
    ("F-INDEX", 4, 0, "fault"),
    ("F-ENSURES", 9, 1, "ensures"),
    ("F-ENSURES", 3, 1, "ensures"),
    ("F-FUEL", 9, 1, "fault"),
])
def test_each_fault_has_one_outcome(code, line, depth, outcome):
    assert classify(_fault(code, line, depth), PRE) == outcome
