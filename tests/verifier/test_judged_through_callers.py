"""Helpers are judged through the entry points and properties that call them, and an
``unknown`` obligation gets a deeper aimed run before admission (docs/verify.md, "Helpers"
and "Open obligations need evidence"). The programs are in tests/verifier/judged/."""

from __future__ import annotations

from pathlib import Path

import pytest

from seglam.verifier.api import make_options, verify_loaded
from seglam.verifier.helpers import entry_points, helpers, roots_of
from seglam.verifier.load import load_program
from seglam.verifier.report import PROVED, REFUTED, UNKNOWN

JUDGED = Path(__file__).parent / "judged"
RIGHT, WRONG = JUDGED.parent / "soundness" / "right", JUDGED.parent / "soundness" / "wrong"
#: As in test_soundness.py: fewer examples and a smaller Z3 budget than the CLI.
OPTIONS = dict(max_examples=20, budget=500_000, timeout=60.0)


def _verify(name: str, where: Path = JUDGED):
    loaded = load_program((where / name).read_text(encoding="utf-8"), name)
    assert loaded.error is None, loaded.error
    return verify_loaded(loaded, make_options(**OPTIONS))


def _view(source: str):
    loaded = load_program(source, "x.sgl")
    assert loaded.error is None, loaded.error
    return loaded.view


# ---- which functions are helpers ---------------------------------------------------------------


def test_a_function_called_by_another_is_a_helper_and_the_caller_an_entry_point():
    view = _view((RIGHT / "helper_on_digit_strings.sgl").read_text(encoding="utf-8"))
    hs = helpers(view)
    assert hs == {"first_digit": ("digit_total",)}
    assert entry_points(view, hs) == ("digit_total",)


def test_a_function_only_properties_call_stays_an_entry_point():
    view = _view(
        "def solve(n: int) -> int:\n    return n + 1\n\n\n"
        "def prop_solve_grows(n: int) -> bool:\n    return solve(n) > n\n"
    )
    assert helpers(view) == {}
    assert set(entry_points(view, {})) == {"solve", "prop_solve_grows"}


def test_helpers_of_helpers_reach_back_to_their_entry_points():
    view = _view(
        "def c(n: int) -> int:\n    return n\n\n\n"
        "def b(n: int) -> int:\n    return c(n)\n\n\n"
        "def a(n: int) -> int:\n    return b(n) + c(n)\n\n\n"
        "def prop_b(n: int) -> bool:\n    return b(n) == n\n"
    )
    hs = helpers(view)
    assert set(hs) == {"b", "c"} and hs["c"] == ("b", "a")  # callers in source order
    assert roots_of("c", hs) == ("a", "prop_b") and roots_of("b", hs) == ("a", "prop_b")


def test_mutual_recursion_without_an_outside_caller_leaves_both_entry_points():
    view = _view(
        "def even(n: int) -> bool:\n    return True if n <= 0 else odd(n - 1)\n\n\n"
        "def odd(n: int) -> bool:\n    return False if n <= 0 else even(n - 1)\n"
    )
    assert helpers(view) == {}


def test_a_cycle_of_helpers_with_a_caller_outside_it_is_judged_through_that_caller():
    # _step and _take call each other; total calls only _step. _take's only caller is in its
    # cycle, yet it receives only what total passes on through _step (V-01).
    view = _view(
        "def _step(xs: list[int], i: int) -> int:\n    return 0 if i >= len(xs) else _take(xs, i)\n\n\n"
        "def _take(xs: list[int], i: int) -> int:\n    return xs[i] + _step(xs, i + 1)\n\n\n"
        "def total(xs: list[int]) -> int:\n    return _step(xs, 0)\n"
    )
    hs = helpers(view)
    assert hs == {"_step": ("_take", "total"), "_take": ("_step",)}
    assert entry_points(view, hs) == ("total",)
    assert roots_of("_take", hs) == ("total",)


def test_a_recursive_descent_parser_is_judged_through_its_entry_point():
    view = _view((JUDGED / "bool_expr_descent.sgl").read_text(encoding="utf-8"))
    hs = helpers(view)
    assert set(hs) == {"_disjunction", "_conjunction", "_negation", "well_formed"}
    assert entry_points(view, hs) == ("evaluate",)
    assert all(roots_of(h, hs) == ("evaluate",) for h in hs)


def test_a_cycle_called_only_by_a_property_stays_entry_points():
    view = _view(
        "def even(n: int) -> bool:\n    return True if n <= 0 else odd(n - 1)\n\n\n"
        "def odd(n: int) -> bool:\n    return False if n <= 0 else even(n - 1)\n\n\n"
        "def prop_parity(n: int) -> bool:\n    return even(n) != odd(n)\n"
    )
    assert helpers(view) == {}


def test_a_function_named_in_a_contract_or_as_a_key_is_a_helper():
    view = _view(
        "def ok(s: str) -> bool:\n    return len(s) > 0\n\n\n"
        "def size(s: str) -> int:\n    return len(s)\n\n\n"
        "@requires(lambda s: ok(s))\n"
        "def main(s: str) -> list[str]:\n    return sorted(s.split(), key=size)\n"
    )
    assert set(helpers(view)) == {"ok", "size"}


# ---- the verdicts ---------------------------------------------------------------------------------


def test_a_helper_right_on_every_input_its_caller_gives_it_is_admitted():
    report = _verify("helper_on_digit_strings.sgl", RIGHT)
    assert report.ok and report.admissible, report.render()
    own = [r for r in report.results if r.function == "first_digit"]
    # On its own, first_digit("") faults: recorded as a note, judged through digit_total.
    assert any("first_digit(s='')" in n for r in own for n in r.notes), report.render()
    assert all(r.verdict != REFUTED for r in own)
    assert all(r.evidence and "digit_total" in r.evidence for r in own if r.open), report.render()


def test_a_helper_fault_the_entry_point_reaches_is_refuted():
    report = _verify("helper_fault_reached.sgl", WRONG)
    bad = [r for r in report.results if r.failed]
    assert bad and not report.admissible, report.render()
    assert all(r.function == "digit_total" for r in bad)
    assert any(r.code == "F-INDEX" or "F-INDEX" in (r.actual or "") for r in bad), report.render()


def test_a_helpers_postcondition_is_checked_where_it_is_called():
    report = _verify("helper_ensures_broken.sgl")
    bad = [r for r in report.results if r.failed]
    assert bad and not report.admissible, report.render()
    assert any(r.function == "digit_total" and "F-ENSURES" in (r.actual or "") for r in bad), report.render()


def test_a_helpers_precondition_is_checked_where_it_is_called():
    report = _verify("helper_requires_broken.sgl")
    bad = [r for r in report.results if r.failed]
    assert bad and not report.admissible, report.render()
    assert any(r.function == "digit_total" and "F-REQUIRES" in (r.actual or "") for r in bad), report.render()


def test_a_recursive_descent_evaluator_is_admitted():
    # Before, _conjunction and _negation were fuzzed on their own, and _negation(toks=[],
    # i=0) refuted a program right on every expression evaluate accepts (V-01).
    report = _verify("bool_expr_descent.sgl")
    assert report.ok and report.admissible, report.render()
    for h in ("_disjunction", "_conjunction", "_negation"):
        assert all(r.verdict != REFUTED for r in report.results if r.function == h), report.render()


def test_a_helpers_precondition_z3_cannot_settle_is_shown_satisfiable_by_a_generated_input():
    # str.split() is outside the Z3 fragment, so Z3 leaves "precondition is satisfiable"
    # unknown; an entry point's own Hypothesis run gives it a witness, a helper (not fuzzed on
    # its own) gets one from a run of its own that only looks for that witness.
    loaded = load_program(
        "@requires(lambda s: len(s.split()) == 2)\n"
        "def _second(s: str) -> str:\n    return s.split()[1]\n\n\n"
        "@requires(lambda s: len(s.split()) == 2)\n"
        "def second_word(s: str) -> str:\n    return _second(s)\n\n\n"
        "assert second_word('a b') == 'b'\n",
        "x.sgl",
    )
    report = verify_loaded(loaded, make_options(**OPTIONS))
    pre = [r for r in report.results if r.function == "_second" and r.kind == "precondition"]
    assert pre and all(r.verdict == PROVED and "witness: _second(" in r.notes[0] for r in pre), report.render()
    assert report.ok and report.admissible, report.render()


def test_a_helper_reached_only_through_a_property_is_judged_through_it():
    report = _verify("helper_of_a_property.sgl")
    assert report.ok and report.admissible, report.render()
    assert not [r for r in report.results if r.function == "keep" and r.verdict == REFUTED]


# ---- the deeper run for unknown ------------------------------------------------------------------


@pytest.mark.parametrize("where,name", [(JUDGED, "reverse_drops_e_acute_property.sgl"), (WRONG, "reverse_drops_e_acute.sgl")])
def test_a_reversal_that_drops_e_acute_is_refuted(where, name):
    report = _verify(name, where)
    bad = [r for r in report.results if r.failed]
    assert bad and not report.admissible, report.render()
    assert any("é" in (r.counterexample or "") for r in bad), report.render()


def test_a_right_reversal_is_admitted_with_deep_evidence():
    report = _verify("reverse_right.sgl")
    assert report.ok and report.admissible, report.render()
    unknown = [r for r in report.results if r.verdict == UNKNOWN]
    assert unknown, report.render()  # join() is outside the Z3 fragment: the deep run is owed
    assert all(r.evidence and "deep" in r.evidence and "é" in r.evidence for r in unknown), report.render()


def test_a_bounded_proof_alone_gets_the_ordinary_aimed_run():
    loaded = load_program("def n(xs: list[int]) -> int:\n    return len(xs) + 1\n", "x.sgl")
    report = verify_loaded(loaded, make_options(**OPTIONS))
    opened = [r for r in report.results if r.evidence]
    assert opened and all("deep" not in r.evidence for r in opened), report.render()
    assert all(r.verdict in (PROVED, "proved for len <= K") for r in report.results), report.render()


def test_a_function_named_as_an_entry_is_fuzzed_on_its_own_even_when_called():
    source = (RIGHT / "helper_on_digit_strings.sgl").read_text(encoding="utf-8")
    loaded = load_program(source, "x.sgl")
    report = verify_loaded(loaded, make_options(**OPTIONS, entries=["first_digit"]))
    bad = [r for r in report.results if r.failed]
    assert bad and all(r.function == "first_digit" for r in bad), report.render()
    with pytest.raises(ValueError):
        make_options(entries="first_digit")
