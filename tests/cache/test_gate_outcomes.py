"""The hit gate's outcome for each kind of fault (docs/cache.md, "The hit gate"): a failed
precondition is a ``domain`` miss, a failed postcondition an ``ensures`` miss, anything
else a ``fault``; none of them is ever an answer."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from seglam.cache.gate import classify, run_gated
from seglam.run.faults import Fault, Frame
from seglam.syntax.span import Span

PRE = frozenset({3, 4})  # the lines of the entry function's prelude asserts


def _fault(code: str, line: int | None, depth: int, filename: str = "fam.sgl") -> Fault:
    span = None if line is None else Span(line, 5, line, 20)
    trace = tuple(Frame(f"f{i}", span) for i in range(depth))
    return Fault(code, "x", span, trace, filename)


@pytest.mark.parametrize("code,line,depth,outcome", [
    ("F-REQUIRES", 9, 1, "domain"),
    ("F-REQUIRES", None, 0, "domain"),
    # a helper's precondition failing under the entry point is a bug, not a domain miss
    ("F-REQUIRES", 9, 2, "fault"),
    # a prelude assert of the entry function: the input is outside the domain
    ("F-ASSERT", 3, 1, "domain"),
    ("F-ASSERT", 4, 0, "domain"),
    # an assert anywhere else, or one raised in a callee, is a bug in the program
    ("F-ASSERT", 5, 1, "fault"),
    ("F-ASSERT", None, 1, "fault"),
    ("F-ASSERT", 3, 2, "fault"),
    ("F-ASSERT", 3, 3, "fault"),
    # only an assert can be a precondition: another fault on an assert line is a fault
    ("F-ZERO-DIV", 3, 1, "fault"),
    ("F-INDEX", 4, 0, "fault"),
    ("F-ENSURES", 9, 1, "ensures"),
    ("F-ENSURES", 3, 1, "ensures"),
    ("F-FUEL", 9, 1, "fault"),
])
def test_each_fault_has_one_outcome(code, line, depth, outcome):
    assert classify(_fault(code, line, depth), PRE) == outcome


# ---- run_gated: what one gated call produces ---------------------------------------------------

SOURCE = "def solve(n: int, s: str) -> int:\n    # why\n    assert n > 0\n    assert s != ''\n    return n\n"
ENTRY = SimpleNamespace(id="fam", source=SOURCE, signature=SimpleNamespace(entry="solve"), version=3)


class _Toolchain:
    """Answers (or raises) as told, and records what the gate asked for."""

    def __init__(self, outcome):
        self.outcome = outcome
        self.calls = []

    def call(self, program, entry, kwargs, fuel):
        self.calls.append((program, entry, dict(kwargs), fuel))
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return SimpleNamespace(value=self.outcome, fuel_used=17)


def _gated(outcome, *, fuel=500, request="What is it?"):
    tc = _Toolchain(outcome)
    res = run_gated(tc, "PROGRAM", ENTRY, {"n": 4, "s": "x"}, fuel=fuel,
                    precondition_lines=PRE, request=request)
    return tc, res


def test_a_clean_run_is_a_hit_with_its_value_and_fuel():
    before = time.perf_counter_ns()
    tc, res = _gated(42, fuel=321)
    window = time.perf_counter_ns() - before
    assert tc.calls == [("PROGRAM", "solve", {"n": 4, "s": "x"}, 321)]
    assert (res.value, res.counterexample, res.outcome, res.fuel_used) == (42, None, "hit", 17)
    assert 0 <= res.run_ns <= window  # the run's own duration, inside the call's


def test_a_failed_leading_assert_is_a_domain_miss():
    _, res = _gated(_fault("F-ASSERT", 3, 1), request="Is 4 prime?")
    cx = res.counterexample
    assert res.outcome == "domain" and res.value is None
    assert (cx.kind, cx.fault, cx.request, cx.version) == ("domain", "F-ASSERT", "Is 4 prime?", 3)
    assert cx.message == "x at line 3: assert n > 0"  # the condition that refused, for the widening prompt
    assert cx.inputs == {"n": 4, "s": "x"}


@pytest.mark.parametrize("fault, message", [
    (_fault("F-REQUIRES", 4, 1), "x at line 4: assert s != ''"),
    (_fault("F-REQUIRES", None, 1), "x"),  # no location: nothing invented
    (_fault("F-ASSERT", 2, 2, filename="dates.sgl"), "x at dates.sgl:2"),  # another module's line
    (_fault("F-ASSERT", 99, 2), "x at fam.sgl:99"),  # past the end: the place, no text
])
def test_a_refusal_names_where_it_happened(fault, message):
    _, res = _gated(fault)
    assert res.counterexample.message == message


def test_a_fault_elsewhere_is_a_fault_miss():
    _, res = _gated(_fault("F-ZERO-DIV", 7, 2))
    assert res.outcome == "fault" and res.counterexample.kind == "fault"
    assert res.counterexample.fault == "F-ZERO-DIV"


@pytest.mark.parametrize("err", [TypeError("bad n"), ValueError("bad n")])
def test_inputs_the_boundary_refuses_are_a_bind_miss(err):
    _, res = _gated(err, request="Sort me")
    cx = res.counterexample
    assert res.outcome == "bind" and res.value is None
    assert (cx.kind, cx.fault, cx.request, cx.version) == ("bind", None, "Sort me", 3)
    assert cx.message == f"{type(err).__name__}: bad n"
    assert cx.inputs == {"n": 4, "s": "x"}


def test_a_runtime_bug_is_a_fault_miss_never_an_answer():
    _, res = _gated(KeyError("oops"), request="Add these")
    cx = res.counterexample
    assert res.outcome == "fault" and res.value is None
    assert (cx.kind, cx.fault, cx.request, cx.version) == ("fault", None, "Add these", 3)
    assert cx.message == "internal KeyError: 'oops'"
    assert cx.inputs == {"n": 4, "s": "x"}
