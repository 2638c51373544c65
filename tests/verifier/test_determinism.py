"""Same program, same options: the same report (verdicts and counterexamples), whatever Z3
work the process did before and whichever process checked which function.

Z3's models depend on its context's history (term ids, hash-consing); the verifier checks
each function in a context of its own (:mod:`seglam.verifier.context`). Before it did, the
counterexample of ``vowels`` below changed with the Z3 work done earlier in the process
('ABDC', 'BCDA', 'BADC', ... after the encoding self-check).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import z3

from seglam.verifier import api as api_module
from seglam.verifier import claims as claims_module
from seglam.verifier import z3pass as z3pass_module
from seglam.verifier import diff, verify
from seglam.verifier import runner as runner_module
from seglam.verifier import worker
from seglam.verifier.context import fresh_context

#: Its tests share module fixtures worth computing once: one worker runs them all
#: (``--dist loadgroup``, the Makefile's).
pytestmark = pytest.mark.xdist_group("test_determinism")

SOURCE = Path(__file__).parent / "determinism" / "witnesses.sgl"
ROOT = Path(__file__).resolve().parents[2]
OPTIONS = {"max_examples": 20}


def _fresh_run() -> str:
    """The report of a verify in a new process that did no Z3 work before it."""
    code = (
        "import sys\nfrom seglam.verifier import verify\n"
        f"sys.stdout.write(verify(open(sys.argv[1]).read(), **{OPTIONS!r}).json_text())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(SOURCE)], capture_output=True, text=True, timeout=300, cwd=ROOT, env=dict(os.environ)
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def fresh() -> str:
    return _fresh_run()


def _unrelated_z3_work() -> list:
    """Terms and solver runs in z3's main context, like a test or an earlier check would
    leave behind (some terms kept alive, many freed)."""
    kept = []
    s = z3.Solver()
    words = [z3.String(f"w{i}") for i in range(40)]
    for i, w in enumerate(words):
        s.add(z3.Length(w) == 4, z3.Not(z3.Contains(w, z3.StringVal(chr(65 + i % 26)))))
        kept.append(z3.Concat(w, z3.StringVal("x")))
    xs = z3.Ints(" ".join(f"x{i}" for i in range(300)))
    s.add(z3.Sum(*xs) == 1234, *[x >= i % 7 for i, x in enumerate(xs)])
    assert s.check() == z3.sat
    kept.append(s.model())
    for i in range(3000):
        z3.simplify(z3.And(xs[i % 300] > i, z3.Or(xs[(i * 7) % 300] < -i, words[i % 40] == z3.StringVal(str(i)))))
    return kept


def _report() -> str:
    return verify(SOURCE.read_text(), **OPTIONS).json_text()


def test_the_corpus_program_has_solver_chosen_counterexamples(fresh):
    # What the other tests compare must be there to compare: Z3 counterexamples.
    assert fresh.count('"counterexample": "') >= 4 and "vowels(word=" in fresh


def test_a_verify_after_unrelated_z3_work_reports_what_a_fresh_process_does(fresh):
    kept = _unrelated_z3_work()
    assert _report() == fresh
    kept += _unrelated_z3_work()
    assert _report() == fresh
    assert kept


def test_which_process_checks_which_function_does_not_change_the_report(fresh, monkeypatch):
    _unrelated_z3_work()
    # Every Z3 function to the worker (this process's lane, the one given a pump, claims
    # none), then every one to this process (the worker's lane claims none); the same for
    # Hypothesis (the worker fuzzes from the back, this process from the front).
    lane = worker.run_lane

    def only(here: bool):
        return lambda claims, take, job_for, send, deadline, pump=None: (
            lane(claims, take, job_for, send, deadline, pump) if (pump is not None) == here else None)

    never = lambda self: None  # noqa: E731
    with monkeypatch.context() as m:
        m.setattr(worker, "run_lane", only(here=False))
        m.setattr(claims_module.Claims, "back", never)
        assert _report() == fresh
    with monkeypatch.context() as m:
        m.setattr(worker, "run_lane", only(here=True))
        assert _report() == fresh


def test_a_function_whose_earlier_ones_spent_the_total_is_not_solved(monkeypatch):
    # Its verdicts would be thrown away by the charging in source order: solving them only
    # cost time (stdlib/text.sgl solved 59.2M rlimit units to keep 30M). A total of one
    # obligation's budget is passed by the first function here; the report is the same with
    # the skip as without it. In one process (no fork), so that the checks can be counted.
    monkeypatch.setattr(worker, "_fork", lambda: None)
    spent: list[int] = []
    real = z3pass_module._spend
    monkeypatch.setattr(z3pass_module, "_spend", lambda s, before, meter: spent.append(1) or real(s, before, meter))
    options = dict(OPTIONS, hypothesis=False, budget=200_000)
    small = z3pass_module.Z3Options(8, 200_000, 0, 1)
    monkeypatch.setattr(api_module, "Z3Options", lambda bound, budget, seed: small)
    with_skip = verify(SOURCE.read_text(), **options).json_text()
    skipped = len(spent)
    spent.clear()
    monkeypatch.setattr(claims_module.Spending, "discarded", lambda self, i, budget: False)
    monkeypatch.setattr(claims_module.Spending, "before", lambda self, i: None)
    without = verify(SOURCE.read_text(), **options).json_text()
    assert with_skip == without and "total solver budget is spent" in without
    assert skipped < len(spent), (skipped, len(spent))


def test_without_fork_the_report_is_the_same(fresh, monkeypatch):
    # Where fork is missing every function is checked in this process, one after another.
    _unrelated_z3_work()
    monkeypatch.setattr(worker, "_fork", lambda: None)
    assert _report() == fresh
    assert z3.Int("after").ctx is z3.main_ctx()  # the main context is back


def test_fresh_context_is_the_default():
    # The one place the verifier reaches into z3 (there is no public setter): if a z3
    # release renames the global main_ctx() returns, this fails.
    before = z3.main_ctx()
    with fresh_context() as ctx:
        assert ctx is not before and z3.main_ctx() is ctx and z3.Int("x").ctx is ctx
    assert z3.main_ctx() is before


def test_generated_inputs_do_not_depend_on_the_modules_the_process_imported(tmp_path, monkeypatch):
    # Hypothesis mixes literals of every imported local module (outside site-packages) into
    # what it generates; verify and diff run with that pool empty. Without that, diff's
    # inputs changed once a module holding 48271 was imported (two of its 600 calls).
    tried: list = []
    call = runner_module.ProgramRunner.call
    monkeypatch.setattr(runner_module.ProgramRunner, "call", lambda self, name, inputs, *a, **k: tried.append(repr(inputs)) or call(self, name, inputs, *a, **k))
    src = "def f(s: str, n: int) -> int:\n    return 0\n"

    def inputs() -> list:
        tried.clear()
        diff(src, src.replace("0", "1 - 1"), z3=False, max_examples=300)
        verify(src, z3=False, max_examples=300)
        return list(tried)

    before = inputs()
    (tmp_path / "harvested_literals.py").write_text("WORDS = ['zqxj', 48271, -48271, 2.5e-7]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "harvested_literals", raising=False)
    __import__("harvested_literals")
    assert len(before) > 600 and inputs() == before
