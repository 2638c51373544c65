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


OVERFLOW = """\
@requires(lambda km, hours: km >= 0 and hours > 0)
def speed(km: int, hours: int) -> float:
    h = hours + 0.5
    return km / h
"""


def test_a_fault_outside_the_fragment_is_reported_where_it_happened_with_short_ints():
    report = verify(OVERFLOW, max_examples=20)
    first = next(r for r in report.results if r.failed)
    assert (first.span.line, first.code) == (3, "F-OVERFLOW")  # `hours + 0.5`, not the def line
    assert first.counterexample == f"speed(km=0, hours={2**1024 + 1})"  # JSON and the API keep the digits
    assert "counterexample: speed(km=0, hours=2**1024 + 1)" in report.render()
    assert str(2**1024 + 1) in report.json_text()


def test_long_ints_are_written_near_a_power_only_when_exact_and_shorter():
    from seglam.verifier.report import near_power, short_ints

    assert near_power(2**1024 + 1) == "2**1024 + 1"
    assert near_power(10**40 - 7) == "10**40 - 7"
    assert near_power(2**64) == "2**64" and short_ints(f"f(x={2**64})") == f"f(x={2**64})"  # 20 digits: as they are
    odd = 3**80  # near no power
    assert short_ints(f"f(x={odd})") == f"f(x={odd})"
    big = 2**200
    assert short_ints(f"f(x={big}, y=-{big + 3}, s='{big}', t=\"a\\\"{big}\")") == (
        f"f(x=2**200, y=-(2**200 + 3), s='{big}', t=\"a\\\"{big}\")")
    assert short_ints(f"x{big} 1.{big} {big}.5") == f"x{big} 1.{big} {big}.5"  # names and floats as they are
