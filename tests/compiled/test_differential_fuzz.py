"""Differential fuzzing (issue 19 point 3): Hypothesis writes small well-typed Seglam
programs (:mod:`tests.compiled.progen`) and the compiled backend, the reference backend and
CPython must agree on each: the same value or the same fault code; the two Seglam backends
also on the fuel used and the fault's span, with the default budget and with a small one.

Bounded and derandomised here; ``bench/bench_fuzz.py`` is the long run (bench/results/fuzz.md).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seglam.run import context
from tests.compiled.progen import disagreement, programs

FUZZ = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])


@FUZZ
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
@given(programs())
def test_compiled_reference_and_cpython_agree(program):
    source, args = program
    problem = disagreement(source, args)
    assert problem is None, f"{problem}\nargs={args!r}\n{source}"


@FUZZ
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
@given(programs(), st.integers(min_value=0, max_value=60))
def test_agree_under_a_small_fuel_budget(program, fuel):
    """Out of fuel at the same step, the same span, on both backends."""
    source, args = program
    problem = disagreement(source, args, fuel=fuel)
    assert problem is None, f"{problem}\nfuel={fuel} args={args!r}\n{source}"


@FUZZ
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
@given(programs(), st.integers(min_value=0, max_value=60), st.integers(min_value=1, max_value=7))
def test_agree_whatever_the_chunk_of_steps(program, fuel, chunk):
    """Steps taken from the context in chunks of any size (RunContext.ticks) fault at the
    same step as the reference near the end of the budget, where chunks are given back."""
    source, args = program
    default = context.TICK_CHUNK
    context.TICK_CHUNK = chunk
    try:
        problem = disagreement(source, args, fuel=fuel)
    finally:
        context.TICK_CHUNK = default
    assert problem is None, f"{problem}\nfuel={fuel} chunk={chunk} args={args!r}\n{source}"
