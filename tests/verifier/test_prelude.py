"""The precondition prelude (SPEC §8): the asserts that open a body, with the plain
assignments that name what they test, are the function's precondition, for the checker, the
verifier and the cache alike."""

from __future__ import annotations

import ast as pyast

import pytest

from seglam.cache.gate import classify
from seglam.cache.signature import leading_assert_lines
from seglam.check.prelude import prelude_asserts, prelude_length
from seglam.run.faults import Fault, Frame
from seglam.syntax.lower import parse
from seglam.syntax.span import Span
from seglam.verifier import bounds as B
from seglam.verifier.api import make_options, verify_loaded
from seglam.verifier.load import load_program
from seglam.verifier.report import PROVED, REFUTED

OPTIONS = dict(max_examples=20, budget=500_000, timeout=60.0)

#: (body, the prelude's length): the prelude ends at its last assert; a statement other than
#: an assert or an assignment to names ends it.
BODIES = [
    ("assert x > 0\nreturn x", 1),
    ("assert x > 0\nassert x < 9\nreturn x", 2),
    ("y = x + 1\nassert y > 0\nreturn y", 2),
    ("a, b = x, x\nassert a == b\nreturn a", 2),
    ("y: int = x * 2\nassert y > 0\nreturn y", 2),
    ("assert x > 0\ny = x\nreturn y", 1),            # an assignment after the last assert is body
    ("y = x\nreturn y", 0),                          # no assert: no prelude
    ("y = x\ny += 1\nassert y > 0\nreturn y", 0),    # an augmented assignment ends it
    ("if x > 0:\n    x = 1\nassert x > 0\nreturn x", 0),
    ("ys = [x]\nys[0] = 1\nassert ys[0] > 0\nreturn x", 0),  # a subscript store mutates
    ("return x", 0),
]


def _function(body: str) -> str:
    return "def f(x: int) -> int:\n" + "".join(f"    {line}\n" for line in body.splitlines())


@pytest.mark.parametrize("body, n", BODIES)
def test_the_prelude_is_the_same_on_seglam_and_python_trees(body, n):
    seglam_fn = parse(_function(body)).body[0]
    python_fn = pyast.parse(_function(body)).body[0]
    assert prelude_length(seglam_fn.body) == n
    assert prelude_length(python_fn.body) == n
    assert len(prelude_asserts(seglam_fn.body)) == len(prelude_asserts(python_fn.body))


def test_the_cache_reads_the_prelude_asserts_lines():
    source = _function('words = str(x).split()\nassert len(words) == 1, "one word"\nreturn x')
    assert leading_assert_lines(source, "f") == frozenset({3})


def _fault(line: int, trace: int) -> Fault:
    span = Span(line, 5, line, 20)
    return Fault("F-ASSERT", "two words", span, tuple(Frame(f"f{i}", span) for i in range(trace)))


def test_the_gate_refuses_an_input_its_prelude_rejects_and_faults_on_a_callees():
    assert classify(_fault(3, 1), frozenset({3})) == "domain"
    assert classify(_fault(3, 2), frozenset({3})) == "fault"   # a callee's assert: the program's bug
    assert classify(_fault(4, 1), frozenset({3})) == "fault"   # an assert of the body proper


def _verify(source: str):
    loaded = load_program(source, "x.sgl")
    assert loaded.error is None, loaded.error
    return verify_loaded(loaded, make_options(**OPTIONS))


SECOND = '''
def second(text: str) -> str:
    words = text.split()
    assert len(words) >= 2, "two words"
    return words[1]
'''


def test_an_entry_points_prelude_refuses_inputs_and_is_no_counterexample():
    report = _verify(SECOND + '\nassert second("a b") == "b"\n')
    assert report.ok
    assert not [r for r in report.results if r.verdict == REFUTED]
    pre = [r for r in report.results if r.kind == "precondition"]
    assert pre and all(r.verdict == PROVED for r in pre), pre


def test_a_precondition_met_by_a_generated_input_is_proved_by_that_witness():
    report = _verify(SECOND)
    (pre,) = [r for r in report.results if r.kind == "precondition"]
    assert pre.verdict == PROVED and pre.method == "hypothesis"
    assert pre.notes and pre.notes[0].startswith("witness: second(")


def test_a_caller_that_meets_a_helpers_prelude_is_admitted():
    report = _verify(SECOND + '''

def pair(a: str, b: str) -> str:
    return second("x " + a + " y" + b)
''')
    assert not [r for r in report.results if r.verdict == REFUTED and r.severity == "error"], report.results


def test_a_caller_that_breaks_a_helpers_prelude_is_refuted_at_the_call():
    source = SECOND + '''

def shout(a: str) -> str:
    return second(a).upper()
'''
    report = _verify(source)
    refuted = [r for r in report.results if r.verdict == REFUTED and r.severity == "error"]
    assert refuted, report.results
    assert all(r.function == "shout" and r.code == "F-ASSERT" for r in refuted), refuted
    call_line = source.splitlines().index("    return second(a).upper()") + 1
    assert {r.span.line for r in refuted} == {call_line}


def test_an_assert_after_an_if_is_a_check_of_the_body_not_a_precondition():
    report = _verify('''
def checked_sum(a: int, b: int) -> int:
    s = a + b
    if s > 100:
        s = 100
    assert s != 13
    return s
''')
    assert [r.code for r in report.results if r.verdict == REFUTED] == ["F-ASSERT"]


def test_bounds_come_only_from_asserts_on_parameters_the_prelude_has_not_rebound():
    loaded = load_program('''
def f(n: int, m: int) -> int:
    assert 0 <= n <= 10
    n = n * 1000
    assert n <= 5000
    assert 0 <= m <= 3
    return n + m
''', "x.sgl")
    assert loaded.error is None
    lifted = B.lift(loaded.view.functions["f"], loaded.view.constants)
    assert (lifted["n"].lo, lifted["n"].hi) == (0, 10)
    assert (lifted["m"].lo, lifted["m"].hi) == (0, 3)
