"""Binding host arguments once per function (seglam.program.calls.CallPlan): the direct
paths (every argument by position, every argument by name) give exactly what the general
path through ``inspect.Signature.bind`` gives: the same Seglam arguments, the same
``TypeError`` for a bad call or a bad value, the same result and fuel on both backends."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seglam
from seglam.program.calls import call_plan

SRC = '''
from datetime import date


def f(a: int, b: str, c: list[int], d: float = 1.5, e: date | None = None) -> str:
    return f"{a} {b} {sum(c)} {d} {e}"


def g(a: int, /, b: int = 2, *, k: int = 3) -> int:
    return a + b + k


def h() -> int:
    return 7
'''

PROGRAM = seglam.compile(SRC, filename="plan.sgl")
PLANS = {name: call_plan(name, info, PROGRAM.checked) for name, info in PROGRAM.checked.functions.items()}

#: host values of every kind a parameter above may be handed, good and bad
VALUES = st.one_of(
    st.integers(-10**30, 10**30), st.booleans(), st.floats(allow_nan=False), st.text(max_size=5),
    st.lists(st.integers(-5, 5), max_size=4), st.lists(st.one_of(st.integers(), st.text(max_size=2)), max_size=3),
    st.none(), st.just(datetime.date(2024, 2, 29)), st.tuples(st.integers(), st.integers()),
)
NAMES = st.sampled_from(["a", "b", "c", "d", "e", "k", "z"])


def outcome(fn, *args):
    try:
        return ("ok", fn(*args))
    except TypeError as err:
        return ("TypeError", str(err))


def same_values(x, y):
    return x == y and [type(v) for v in x[1][0]] == [type(v) for v in y[1][0]] if x[0] == "ok" == y[0] else x == y


@settings(max_examples=300, deadline=None)
@given(function=st.sampled_from(sorted(PLANS)), args=st.lists(VALUES, max_size=6),
       kwargs=st.one_of(st.dictionaries(NAMES, VALUES, max_size=6),  # and every name of f (the direct path)
                        st.fixed_dictionaries({n: VALUES for n in "abcde"})))
def test_direct_binding_equals_the_general_path(function, args, kwargs):
    plan = PLANS[function]
    direct = outcome(plan.bind, tuple(args), dict(kwargs))
    general = outcome(plan.bind_general, tuple(args), dict(kwargs))
    assert same_values(direct, general), (direct, general)


@settings(max_examples=60, deadline=None)
@given(a=st.integers(-100, 100), b=st.text(max_size=4), c=st.lists(st.integers(-9, 9), max_size=5),
       by_name=st.booleans(), backend=st.sampled_from(seglam.program.BACKENDS))
def test_a_call_by_name_and_by_position_run_alike(a, b, c, by_name, backend):
    positional = PROGRAM.run("f", (a, b, c), backend=backend)
    named = PROGRAM.run("f", (), {"a": a, "b": b, "c": c} if by_name else {"c": c, "a": a, "b": b}, backend=backend)
    assert (named.value, named.fuel_used) == (positional.value, positional.fuel_used)


def test_bad_calls_keep_pythons_messages():
    with pytest.raises(TypeError, match=r"^f\(\): missing a required argument: 'c'"):
        PROGRAM.run("f", (1, "x"))
    with pytest.raises(TypeError, match=r"^g\(\): 'a' parameter is positional only"):
        PROGRAM.run("g", (), {"a": 1, "b": 2, "k": 3})
    with pytest.raises(TypeError, match=r"^argument 'c': c\[1\]: expected int, got str"):
        PROGRAM.run("f", (), {"a": 1, "b": "x", "c": [1, "y"]})
    with pytest.raises(TypeError, match=r"^h\(\): too many positional arguments"):
        PROGRAM.run("h", (1,))
    assert PROGRAM.run("g", (1,), {"k": 10}).value == 13
    assert PROGRAM.run("h").value == 7
