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
