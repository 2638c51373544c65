"""What the verifier's speed-ups must keep: the same terms, and budgets that do not depend on
the process's history."""

from __future__ import annotations

import json

import z3

from seglam.verifier import terms
from seglam.verifier.context import fresh_context
from seglam.verifier.logic import and_, dead, false, or_, true
from seglam.verifier.symbolic import is_bool, is_int, is_real, is_str, ite
from seglam.verifier.z3pass import Z3Options, solve


def test_fast_constructors_build_the_terms_z3_builds():
    x, y = z3.Ints("x y")
    c, d = z3.Bools("c d")
    s, r = z3.String("s"), z3.Real("r")
    assert terms.mk_and(c, d).eq(z3.And(c, d))
    assert terms.mk_or(c, x > y).eq(z3.Or(c, x > y))
    assert terms.mk_not(c).eq(z3.Not(c))
    assert terms.mk_if(c, x, y).eq(z3.If(c, x, y))
    assert terms.mk_if(c, s, z3.StringVal("a")).eq(z3.If(c, s, z3.StringVal("a")))
    assert terms.mk_if(c, z3.IntVal(1), z3.IntVal(2)).eq(z3.If(c, 1, 2))
    # mixed sorts fall back to z3's own coercion
    assert terms.mk_if(c, x, r).eq(z3.If(c, x, r))
    assert isinstance(terms.mk_if(c, x, y), z3.ArithRef)
    assert isinstance(terms.mk_if(c, s, s + s), z3.SeqRef)
    assert isinstance(terms.mk_if(c, c, d), z3.BoolRef)


def test_fast_constructors_build_in_their_arguments_context():
    # Each function is encoded in a context of its own: the fast paths must build there too.
    with fresh_context() as ctx:
        test_fast_constructors_build_the_terms_z3_builds()
        c, d, x = z3.Bool("c"), z3.Bool("d"), z3.Int("x")
        assert c.ctx is ctx and terms.mk_and(c, d).ctx is ctx and terms.mk_if(c, x, x + 1).ctx is ctx
        assert terms.eq_int(x, 3).eq(x == 3) and terms.lt_int(3, x).eq(3 < x)
        assert terms.mk_and_n([c, d, c]).ctx is ctx and terms.is_true(true()) and terms.is_false(false())
    assert z3.main_ctx() is not ctx


def test_fast_predicates_agree_with_sorts():
    x, c, s, r = z3.Int("x"), z3.Bool("c"), z3.String("s"), z3.Real("r")
    for v in (x, c, s, r, z3.IntVal(3), z3.BoolVal(True), z3.StringVal(""), 1, "a", None):
        assert is_int(v) == (isinstance(v, z3.ExprRef) and v.sort() == z3.IntSort())
        assert is_bool(v) == (isinstance(v, z3.ExprRef) and v.sort() == z3.BoolSort())
        assert is_real(v) == (isinstance(v, z3.ExprRef) and v.sort() == z3.RealSort())
        assert is_str(v) == (isinstance(v, z3.ExprRef) and v.sort() == z3.StringSort())
    assert terms.is_true(z3.BoolVal(True)) and not terms.is_true(c) and not terms.is_true(z3.BoolVal(False))
    assert terms.is_false(z3.simplify(z3.And(c, z3.Not(c))))
    assert and_(true(), c).eq(c) and or_(false(), c).eq(c) and and_(c, d := z3.Bool("d")).eq(z3.And(c, d))
    assert ite(c, x, z3.IntVal(0)).eq(z3.If(c, x, 0))


def test_a_loop_stops_unrolling_where_its_condition_is_false():
    k = z3.Int("k")
    assert dead(false(), k > 0)
    assert dead(k > 0, z3.IntVal(3) < z3.IntVal(2))
    assert not dead(k > 0, k < z3.IntVal(2))


def test_the_total_budget_counts_only_the_solver_checks():
    # Z3's resource counter is global to the context: it already holds whatever this process
    # spent before (other tests, the encoder's simplifications). A check's cost is the
    # difference, or a call's total budget would be spent before it started.
    x = z3.Int("x")
    z3.simplify(z3.And(*[z3.Or(x > i, x < -i) for i in range(2000)]))
    meter = [0]
    status, _, _ = solve([x > 1, x < 3], Z3Options(), meter=meter)
    s = z3.Solver()
    s.add(x > 1)
    s.check()
    assert status == "sat"
    assert 0 < meter[0] < int(s.statistics().get_key_value("rlimit count")) // 2


def test_claims_hand_out_each_function_once():
    from seglam.verifier.claims import Claims

    c = Claims(5)
    got = [c.front(), c.back(), c.front(), c.back(), c.front(), c.front(), c.back()]
    assert got == [0, 4, 1, 3, 2, None, None]
    assert Claims(0).front() is None


SHARED = '''
def half(n: int) -> int:
    return 10 // n

def first(xs: list[int]) -> int:
    return xs[0]

def prop_half_small(n: int) -> bool:
    assert n > 0
    return half(n) <= 10

def total(xs: list[int]) -> int:
    return sum(xs)
'''


WHICH_FUZZER = """
import json
from seglam.verifier import verify
from seglam.verifier.claims import Claims

front, back = Claims.front, Claims.back
out = []
for who in ("here", "worker"):
    Claims.front, Claims.back = (front, lambda self: None) if who == "here" else (lambda self: None, back)
    r = verify(SOURCE, max_examples=20)
    out.append([r.to_json(), r.timings.get("fuzzed_by_worker", 0.0)])
print(json.dumps(out))
"""


def test_the_report_does_not_depend_on_which_process_fuzzed_a_function():
    # Findings (with their inputs and outcomes) come back from the worker pickled; a run
    # where the worker fuzzes everything must give the report the parent alone gives.
    # (A fresh process, for the reason given in the next test.)
    import subprocess
    import sys

    code = f"SOURCE = {SHARED!r}\n" + WHICH_FUZZER
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    (alone, none_by_worker), (shared, all_by_worker) = json.loads(out.stdout)
    assert none_by_worker == 0 and all_by_worker == 4
    assert shared == alone
    assert '"verdict": "refuted"' in json.dumps(alone)


def test_the_total_budget_is_charged_in_source_order():
    # Functions are checked in separate processes, each with its own meter; the report
    # charges their checks in source order, as one sequential run would.
    from seglam.syntax.span import Span
    from seglam.verifier.z3pass import Finding, Obligation, Plan, charge_in_order

    class View:
        functions = {"f": None, "g": None}

    span = Span(1, 1, 1, 2)
    obs = {n: [Obligation(n, "fault", f"o{i}", span) for i in range(2)] for n in ("f", "g")}
    spent = {"f": (20, 5), "g": (10, 1)}
    messages = []
    for n in ("g", "f"):  # arrival order does not matter
        messages.append(Plan(n, tuple(obs[n])))
        messages += [Finding(ob, "unsat", False, spent=s) for ob, s in zip(obs[n], spent[n])]
    out = charge_in_order(View, messages, Z3Options(8, 3, 0, 30))
    got = {m.obligation.title + m.obligation.function: m.status for m in out if isinstance(m, Finding)}
    # f: 20, 25; g: 35 (checked: 25 <= 30), then 35 > 30: spent
    assert got == {"o0f": "unsat", "o1f": "unsat", "o0g": "unsat", "o1g": "unknown"}


LANES = '''
def double(n: int) -> int:
    return n * 2

def pick(xs: list[int], i: int) -> int:
    return xs[i]

@ensures(lambda n, result: result >= 0)
def square(n: int) -> int:
    return n * n

def prop_double_even(n: int) -> bool:
    return double(n) % 2 == 0
'''


WHICH_PROCESS = """
import json
from seglam.verifier import verify, worker

original = worker.run_lane

def only(who):
    def run_lane(claims, take, job_for, send, deadline, pump=None):
        here = pump is not None  # this process's lane is the one that pumps the worker's pipe
        if (who == "worker") == here:
            return None
        return original(claims, take, job_for, send, deadline, pump)
    return run_lane

reports = []
for who in ("worker", "here", "both"):
    worker.run_lane = original if who == "both" else only(who)
    reports.append(verify(SOURCE, max_examples=10).to_json())
print(json.dumps(reports))
"""


def test_which_process_checks_a_function_changes_no_verdict():
    # Each function's Z3 obligations run in a fresh fork, so the worker and this process
    # can share them in any order with the same report. Checked in a fresh process: Z3's
    # choices also depend on the Z3 terms the calling process itself holds and frees (true
    # of a single worker too), and this test process has made many.
    import subprocess
    import sys

    code = f"SOURCE = {LANES!r}\n" + WHICH_PROCESS
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    reports = json.loads(out.stdout)
    assert reports[0] == reports[1] == reports[2]
    assert '"refuted"' in json.dumps(reports[0])


def test_a_function_without_loops_claims_no_smaller_bound():
    from seglam.verifier import verify

    report = verify("def f(x: int) -> int:\n    return x + 1\n", max_examples=5)
    notes = [n for r in report.results for n in r.notes]
    assert report.ok and not any("instead of" in n for n in notes)


def test_fast_comparisons_keep_pythons_operand_order():
    x, c, s = z3.Int("x"), z3.Bool("c"), z3.String("s")
    zero = z3.IntVal(0)
    for a, b in ((x % 2, zero), (zero, x), (x, x + 1), (s, z3.StringVal("a")), (c, z3.BoolVal(True))):
        assert terms.mk_eq(a, b).eq(a == b)
    assert terms.lt_int(3, x).eq(3 < x)
    assert terms.eq_int(x, 2).eq(x == 2)
    assert terms.mk_or_n([c]).eq(z3.Or(c))
    assert terms.mk_and_n([c, x > 1, x < 3]).eq(z3.And(c, x > 1, x < 3))
