"""Decimal rounding in the Z3 encoding, the aimed run and the admission rule for unknowns."""

from __future__ import annotations

from decimal import Decimal

from seglam.verifier import verify
from seglam.verifier.boundaries import aim_for, candidates, sweep
from seglam.verifier.bounds import lift
from seglam.verifier.load import load_program
from seglam.verifier.report import BOUNDED, REFUTED
from tests.verifier.corpus_expect import CORPUS
from tests.verifier.soundness_corpus import WRONG

BUMP = (WRONG / "decimal_add_one.sgl").read_text(encoding="utf-8")


def test_z3_alone_refutes_a_sum_that_rounds():
    report = verify(BUMP, hypothesis=False)
    ens = [r for r in report.results if r.kind == "ensures"]
    assert ens and ens[0].verdict == REFUTED and ens[0].method == "z3", report.render()


def test_decimal_rounding_keeps_what_holds():
    report = verify((CORPUS / "proved_decimal.sgl").read_text(encoding="utf-8"), hypothesis=False)
    assert report.status == "proved" and report.exit_code == 0, report.render()


def test_unknown_without_evidence_is_not_admissible():
    report = verify((CORPUS / "unknown_float.sgl").read_text(encoding="utf-8"), hypothesis=False)
    assert report.ok and report.status == "unknown" and report.exit_code == 3
    assert not report.admissible and "not admissible" in report.render()


def test_unknown_with_evidence_is_admissible_and_recorded():
    report = verify((CORPUS / "unknown_float.sgl").read_text(encoding="utf-8"), max_examples=10)
    assert report.exit_code == 3 and report.admissible, report.render()
    assert all(r.evidence and "5e-324" in r.evidence for r in report.results if r.open)
    assert "evidence" in report.to_json()["obligations"][0]


def test_a_bounded_proof_gets_a_run_past_k():
    report = verify((WRONG / "len_index_at_nine.sgl").read_text(encoding="utf-8"), max_examples=5)
    bad = [r for r in report.results if r.verdict == REFUTED]
    assert bad and bad[0].method == "aimed" and "xs=[" in bad[0].counterexample, report.render()
    assert any(r.verdict == BOUNDED and r.evidence for r in report.results), report.render()


def _view(source: str):
    loaded = load_program(source, "x.sgl")
    assert loaded.error is None
    return loaded.view


def test_aim_names_the_programs_literals_and_the_boundaries():
    view = _view("def f(n: int, s: str) -> int:\n    return 1 if n == 5000 else len(s)\n")
    aim = aim_for(view, 8)
    ints = candidates(view.functions["f"].params[0].type, view, None, aim)
    strs = candidates(view.functions["f"].params[1].type, view, None, aim)
    assert {4999, 5000, 5001, 2**53 + 1, 2**64} <= set(ints)
    assert {"İ", "ß", "²", "\U0010FFFF", "\U00030000", "ba"} <= set(strs)
    assert max(aim.lengths) == 20 and 9 in aim.lengths


def test_sweep_pairs_and_equal_arguments():
    inputs = sweep(["a", "b"], [[1, 2, 3], [1, 2, 3]])
    assert {"a": 2, "b": 1} in inputs and {"a": 3, "b": 3} in inputs
    assert sweep(["a"], [[]]) == []


def test_all_items_bounds_are_lifted():
    view = _view(
        "@requires(lambda xs, s: all(0 <= x <= 9 for x in xs) and all(c in '01' for c in s))\n"
        "def f(xs: list[int], s: str) -> int:\n    return len(xs) + len(s)\n"
    )
    lifted = lift(view.functions["f"])
    assert lifted["xs"].item.lo == 0 and lifted["xs"].item.hi == 9
    assert lifted["s"].item.choices == ("0", "1")
    aim = aim_for(view, 8)
    assert all(set(v) <= {"0", "1"} for v in candidates(view.functions["f"].params[1].type, view, lifted["s"], aim)[:3])
    assert Decimal("1E+28") in aim.decimals


def test_examples_seed_a_parser_like_precondition():
    from seglam.verifier.seeds import mutations, seeded

    view = _view(
        "def ok(s: str) -> bool:\n    return all(t in ('(', ')') for t in s.split())\n\n\n"
        "@requires(lambda s: ok(s) and len(s) > 0)\n"
        "def f(s: str) -> int:\n    return len(s.split())\n\n\n"
        'assert f("( (") == 2\nassert f("( ) (") == 3\n'
    )
    aim = aim_for(view, 8)
    texts = [d["s"] for d in seeded(view.functions["f"], view, aim)]
    assert texts[:2] == ["( (", "( ) ("]
    assert "( ( ( ) (" in texts and any(len(t.split()) > 8 for t in texts)
    assert "( ) ( (" in mutations("( ) (", ["( ) (", "( ("])  # a word doubled


def test_a_small_finite_domain_is_covered_by_the_sweep():
    from seglam.verifier.boundaries import finite_domain

    view = _view("def f(a: bool, b: bool | None) -> int:\n    return 1\n\n\ndef g(n: int) -> int:\n    return n\n")
    assert finite_domain(view.functions["f"], view, {}) == 6
    assert finite_domain(view.functions["g"], view, {}) is None
    report = verify("def f(a: bool) -> str:\n    return 'yes' if a else 'no!'[:2]\n", z3=False)
    assert report.admissible and "finite domain" in report.render(), report.render()
