"""What a report says, in JSON and in text: counts (V-05), markers (V-16), numbers (V-10)."""

from __future__ import annotations

import json

from seglam.verifier import verify

WEAK = """\
@ensures(lambda x, result: result >= 0)
def magnitude(x: int) -> int:
    return abs(x)
"""


def test_warnings_are_counted_as_warnings_not_refuted():
    report = verify(WEAK, max_examples=10)
    doc = json.loads(report.json_text())
    assert doc["status"] == "proved"
    assert any(o["severity"] == "warning" and o["verdict"] == "refuted" for o in doc["obligations"])
    assert doc["summary"]["refuted"] == 0 and doc["summary"]["warnings"] == 1
    assert sum(doc["summary"].values()) == len(doc["obligations"])
    assert "0 refuted, 1 warnings" in report.render()


def _marks(results):
    from seglam.verifier.report import Report

    return [line.split()[0] for line in Report("x.sgl", tuple(results)).render().splitlines() if line.startswith("    ")
            and not line.startswith("     ")]


def test_open_obligations_without_evidence_have_their_own_marker():
    from seglam.syntax.span import Span
    from seglam.verifier.report import BOUNDED, PROVED, UNKNOWN, Result

    at = Span(2, 1, 2, 5)
    results = [
        Result("f", "fault", "index in range", PROVED, at),
        Result("f", "fault", "index in range", BOUNDED, at, bound=2, evidence="aimed run: no counterexample"),
        Result("f", "fault", "index in range", BOUNDED, at, bound=2, notes=("no targeted evidence: only 1 aimed input",)),
        Result("f", "fault", "no fault", UNKNOWN, at, reason="outside", evidence="aimed run: no counterexample"),
        Result("f", "fault", "no fault", UNKNOWN, at, reason="outside"),
    ]
    assert _marks(results) == ["ok", "ok", "OPEN", "??", "OPEN"]
