"""A family the verifier refused: ``seglam cache add`` prints the obligations that block
admission the way ``seglam verify`` prints them, not the whole verify JSON on one line;
``--json`` keeps the report whole (the engine's repair feedback reads the same reason, and
is unchanged). Found by a black-box run of model-written families (V-14): the refusal was up
to 20 KB of JSON, the refuted obligation hard to find."""

from __future__ import annotations

import json

from seglam.cache.errors import VERIFICATION_FAILED
from seglam.cache.toolchain import SeglamToolchain, fit_json
from seglam.cli.cache_args import register
from seglam.cli.refusal import readable
from seglam.syntax.span import Span
from seglam.verifier.report import Report, Result
from tests.cli.commands import run_registered

PROVED = tuple(Result("pick", "fault", f"index in range #{i}", "proved", span=Span(3, 12 + i, 3, 14 + i))
               for i in range(40))
REFUTED = Result("total", "ensures", "postcondition #1 holds", "refuted", span=Span(7, 10, 7, 50),
                 counterexample="total(n=6)", expected="24", actual="12", reason="the postcondition fails on this input")
OPEN = Result("pick", "fault", "index in range", "proved for len <= K", bound=2, span=Span(4, 18, 4, 22),
              notes=("no targeted evidence: only 0 aimed inputs met the precondition",))
SETTLED = Result("pick", "ensures", "postcondition #1 holds", "unknown", span=Span(2, 10, 2, 30),
                 evidence="an aimed run of 40 inputs found nothing")
REPORT = Report("fam.sgl", (*PROVED, REFUTED, OPEN, SETTLED))


def _reason(report: Report = REPORT) -> str:
    return VERIFICATION_FAILED + fit_json(report.to_json(), 20_000)


def test_a_refusal_shows_only_what_blocks_admission_with_where_and_why():
    text = readable(_reason())
    assert "{" not in text and len(text) < 1500
    assert "line 7:10: postcondition #1 holds: refuted" in text and "counterexample: total(n=6)" in text
    assert "expected: 24" in text and "actual:   12" in text
    assert "line 4:18: index in range: proved for len <= 2" in text and "no targeted evidence: only 0 aimed" in text
    assert "index in range #1" not in text and "line 2:10" not in text  # proved, or open with evidence
    assert "2 of 43 obligations block admission: 1 refuted, 1 left open without targeted evidence" in text


def test_text_around_a_report_is_kept_and_other_reasons_are_as_they_were():
    text = readable("module clock: " + _reason() + "; and a pattern clash")
    assert text.startswith("module clock: verification failed:\nfam.sgl:") and text.endswith("; and a pattern clash")
    assert readable("pattern 'x': over-general") == "pattern 'x': over-general"
    cut = _reason()[:300]
    assert readable(cut) == cut  # not a whole report: shown as it is


def test_a_check_error_is_shown_as_it_is():
    assert readable(_reason(Report("fam.sgl", (), "fam.sgl:1:1: E-SYNTAX: bad"))) == (
        "verification failed:\nfam.sgl:\nfam.sgl:1:1: E-SYNTAX: bad")


LEGS = '''@requires(lambda cows: 0 <= cows <= 100)
@ensures(lambda cows, result: result == 4 * cows)
def solve(cows: int) -> int:
    if cows > 5:
        return 2 * cows
    return 4 * cows
'''


def _add(tmp_path, capsys, *extra):
    (tmp_path / "legs.sgl").write_text(LEGS)
    (tmp_path / "legs.json").write_text(json.dumps({"entry": "solve", "patterns": ["How many legs do {cows: int} cows have?"],
                                                    "samples": ["How many legs do 3 cows have?"]}))
    return run_registered(register, ["cache", "add", str(tmp_path / "legs.sgl"), "--cache", str(tmp_path / "c"), *extra],
                          capsys, lambda: SeglamToolchain({"max_examples": 20}))


def test_cache_add_prints_the_refuted_obligation_readably(tmp_path, capsys):
    code, out, err = _add(tmp_path, capsys)
    assert code == 1 and out == ""
    assert "FAIL line 2:" in err and "counterexample: solve(cows=" in err and '"obligations"' not in err
    assert "obligations block admission: 1 refuted" in err


def test_cache_add_json_keeps_the_whole_report(tmp_path, capsys):
    code, out, _ = _add(tmp_path, capsys, "--json")
    reason = json.loads(out)["reasons"][0]
    assert code == 1 and reason.startswith(VERIFICATION_FAILED)
    report = json.loads(reason[len(VERIFICATION_FAILED):])
    assert [o["verdict"] for o in report["obligations"] if o["function"] == "solve" and o["kind"] == "ensures"] == ["refuted"]
