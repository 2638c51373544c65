"""The verify() API and the CLI: reproducibility, budgets, exit codes, hostile input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import seglam.program as P
from seglam.verifier import verify
from seglam.verifier.report import BOUNDED, PROVED, REFUTED, UNKNOWN

CORPUS = Path(__file__).parent / "corpus"
ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONHASHSEED="0")
    return subprocess.run(
        [sys.executable, "-m", "seglam.cli.main", *args], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env
    )


def test_verify_accepts_a_program_and_source():
    src = (CORPUS / "proved_safe_div.sgl").read_text()
    r1 = verify(P.compile(src, filename="safe_div.sgl"), max_examples=10)
    r2 = verify(src, max_examples=10)
    assert r1.ok and r2.ok
    assert [x.verdict for x in r1.results] == [x.verdict for x in r2.results]


def test_unknown_option_is_a_type_error():
    with pytest.raises(TypeError):
        verify("def f() -> int:\n    return 1\n", no_such_option=1)


def test_check_error_is_a_report_not_an_exception():
    report = verify("def f(x) -> int:\n    return x\n")
    assert report.error is not None and report.exit_code == 2
    assert "E-ANNOTATION" in report.error or "E-" in report.error


def test_json_is_byte_identical_across_runs():
    path = str(CORPUS / "refuted_off_by_one.sgl")
    a = _cli("verify", "--json", path)
    b = _cli("verify", "--json", path)
    assert a.returncode == b.returncode == 1
    assert a.stdout == b.stdout
    doc = json.loads(a.stdout)
    assert doc["ok"] is False
    for ob in doc["obligations"]:
        assert ob["verdict"] in ("proved", "proved for len <= K", "refuted", "unknown")
        assert "span" in ob


def test_verdicts_are_reproducible_in_process():
    src = (CORPUS / "weak_ensures.sgl").read_text()
    assert verify(src).json_text() == verify(src).json_text()


def test_exit_codes():
    assert _cli("verify", str(CORPUS / "proved_clamp.sgl")).returncode == 0
    assert _cli("verify", str(CORPUS / "refuted_div_zero.sgl")).returncode == 1
    unknown = _cli("verify", "--json", str(CORPUS / "unknown_float.sgl"))
    assert unknown.returncode == 3, unknown.stdout  # nothing refuted, something unknown
    doc = json.loads(unknown.stdout)
    assert doc["status"] == "unknown" and doc["admissible"] is True and doc["ok"] is True
    assert _cli("verify", "/no/such/file.sgl").returncode == 2
    assert _cli("verify", "--bound", "0", str(CORPUS / "proved_clamp.sgl")).returncode == 2
    assert _cli("diff", str(CORPUS / "proved_clamp.sgl"), str(CORPUS / "proved_clamp.sgl")).returncode == 0


def test_hostile_program_stays_within_its_budget():
    src = (
        "def prop_hard(x: int, y: int, z: int) -> bool:\n"
        "    assert x > 1 and y > 1 and z > 1\n"
        "    return x * x * x * y + y * y * y * z != z * z * z * x + 7\n"
    )
    report = verify(src, budget=50_000_000, timeout=2.0, max_examples=20)
    prop = [r for r in report.results if r.kind == "property"]
    assert prop and all(r.verdict in (UNKNOWN, REFUTED) for r in prop)
    assert all(r.verdict != PROVED for r in prop)


def test_huge_loop_bound_is_bounded_not_a_hang():
    src = (
        "def count(n: int) -> int:\n"
        "    total = 0\n"
        "    for i in range(n):\n"
        "        total += i\n"
        "    return total\n"
    )
    report = verify(src, max_examples=20)
    assert report.error is None
    faults = [r for r in report.results if r.kind == "fault"]
    assert faults and all(r.verdict == BOUNDED and r.bound <= 8 for r in faults), report.render()


def test_outside_the_fragment_is_never_proved():
    src = (
        "@ensures(lambda n, result: result >= 1)\n"
        "def fact(n: int) -> int:\n"
        "    if n <= 1:\n"
        "        return 1\n"
        "    return n * fact(n - 1)\n"
    )
    report = verify(src, max_examples=20)
    ens = [r for r in report.results if r.kind == "ensures"]
    assert ens and all(r.verdict == UNKNOWN for r in ens)
    assert "recursive" in ens[0].reason + " ".join(ens[0].notes)


@pytest.mark.parametrize(
    "src",
    [
        "def f() -> int:\n    return ().__class__\n",
        "import os\ndef f() -> int:\n    return 1\n",
        "def f(:\n",
        "x = " + "(" * 500 + "1" + ")" * 500 + "\n",
        "\x00\x01garbage",
    ],
)
def test_hostile_sources_end_in_a_check_error(src):
    report = verify(src, max_examples=5)
    assert report.exit_code == 2 and report.error


def test_refuted_counterexamples_reproduce():
    report = verify((CORPUS / "refuted_ensures.sgl").read_text())
    bad = [r for r in report.results if r.verdict == REFUTED and r.severity == "error"]
    assert bad and bad[0].counterexample.startswith("inc(")
    assert bad[0].code == "F-ENSURES" and bad[0].actual.startswith("inc returned ")  # what the postcondition saw


def test_bounded_verdict_names_the_bound():
    report = verify((CORPUS / "proved_mean.sgl").read_text(), bound=5)
    b = [r for r in report.results if r.verdict == BOUNDED]
    assert b and all(r.bound == 5 for r in b)
    assert "proved for len <= 5" in report.render()


@pytest.mark.parametrize(
    "name,code",
    [("refuted_div_zero", "F-ZERO-DIV"), ("refuted_index_empty", "F-INDEX"), ("refuted_ensures_abs", "F-ENSURES"), ("refuted_property", None)],
)
def test_hypothesis_alone_refutes(name, code):
    report = verify((CORPUS / f"{name}.sgl").read_text(), z3=False)
    bad = [r for r in report.results if r.verdict == REFUTED and r.severity == "error"]
    assert bad and all(r.method in ("hypothesis", "aimed") for r in bad), report.render()
    assert all("Hypothesis skipped" not in r.reason for r in report.results), report.render()
    if code:
        assert any(r.code == code or code in (r.actual or "") for r in bad)


def test_hypothesis_refutation_matches_the_z3_obligation():
    report = verify((CORPUS / "refuted_callee_requires.sgl").read_text(), max_examples=200)
    callee = [r for r in report.results if r.kind == "callee"]
    assert len(callee) == 1 and callee[0].verdict == REFUTED


def test_diff_cli_json_and_exit_codes():
    diffs = Path(__file__).parent / "diffs"
    same = _cli("diff", "--json", str(diffs / "same_total_old.sgl"), str(diffs / "same_total_new.sgl"))
    assert same.returncode == 0, same.stdout + same.stderr
    doc = json.loads(same.stdout)
    assert doc["same"] is True and doc["functions"][0]["verdict"] in ("proved", "proved for len <= K")
    differ = _cli("diff", str(diffs / "differ_fault_old.sgl"), str(diffs / "differ_fault_new.sgl"))
    assert differ.returncode == 1
    assert "share(total=" in differ.stdout and "F-ZERO-DIV" in differ.stdout
    assert _cli("diff", "--call", "nope", str(diffs / "same_total_old.sgl"), str(diffs / "same_total_new.sgl")).returncode == 2


def test_import_seglam_does_not_import_z3_or_hypothesis():
    code = "import sys, seglam, seglam.verifier; print('z3' in sys.modules, 'hypothesis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.stdout.split() == ["False", "False"], out.stdout + out.stderr


def test_nested_loops_get_a_smaller_bound():
    src = (
        "def main(a: list[list[int]], b: list[list[int]]) -> int:\n"
        "    total = 0\n"
        "    for row in a:\n"
        "        for col in b:\n"
        "            for x in row:\n"
        "                for y in col:\n"
        "                    total += x * y\n"
        "    return total\n"
    )
    report = verify(src, max_examples=10)
    bounds = {r.bound for r in report.results if r.bound}
    assert bounds and max(bounds) < 8, report.render()


def test_verifier_diff_stays_the_function_after_its_submodule_is_imported():
    """It used to become the submodule, so whether `from seglam.verifier import diff` gave a
    function depended on which test had run first."""
    import importlib

    import seglam.verifier as verifier

    submodule = importlib.import_module("seglam.verifier.diff")
    src = "def f(x: int) -> int:\n    return x\n"
    for _ in range(2):
        assert verifier.diff is submodule.diff
        assert verifier.diff(src, src, max_examples=5).equivalent
