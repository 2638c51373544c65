"""Reasons for constructs the prover does not follow name the construct and say nothing
needs to change (V-11, V-12): a copy is not "the frozen value", a merge is no internal error."""

from __future__ import annotations

from seglam.verifier import verify
from seglam.verifier.report import UNKNOWN
from seglam.verifier.symbolic import PROVER_LIMIT

COPY = """\
@requires(lambda start, a, b: a in start and b in start)
def swap(start: dict[str, int], a: str, b: str) -> dict[str, int]:
    held = dict(start)
    held[a], held[b] = held[b], held[a]
    return held
"""

MERGE = """\
def drain(tokens: list[str]) -> int:
    prec = {"+": 1, "*": 2}
    ops: list[str] = []
    n = 0
    for t in tokens:
        while ops and ops[-1] in prec:
            ops.pop()
            n += 1
        ops.append(t)
    return n
"""

BRANCHES = """\
def rows(n: int, wide: bool) -> list[list[int]]:
    out = []
    if wide:
        row = [0, 0]
    else:
        row = [0]
    row.append(n)
    out.append(row)
    return out
"""


def _reasons(src):
    report = verify(src, max_examples=10, hypothesis=False)
    return report, " | ".join(r.reason for r in report.results)


def test_changing_a_copy_is_not_called_a_frozen_value():
    report, reasons = _reasons(COPY)
    assert "frozen value" not in reasons
    assert "changing held in place" in reasons and PROVER_LIMIT in reasons
    assert any(r.verdict == UNKNOWN for r in report.results)  # the verdict is as before


def test_a_value_of_two_types_is_not_an_internal_error():
    report, reasons = _reasons(MERGE)
    assert "cannot merge" not in reasons
    assert "on one path and a" in reasons and PROVER_LIMIT in reasons


def test_changing_a_value_merged_from_branches_says_nothing_needs_to_change():
    report, reasons = _reasons(BRANCHES)
    assert "after it was merged" not in reasons
    assert "changing row in place after branches gave it different values" in reasons and PROVER_LIMIT in reasons
