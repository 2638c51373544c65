"""Function values on the compiled backend (seglam/run/codegen/functions.py): a lambda or a
def used as a value is as deep as the call that runs it, wherever it travelled, charges the
run that calls it, and is called the same way from a record's field, a constant's table, a
helper or a builtin. Each program runs at every depth limit and at every fuel budget on both
backends (SPEC section 10: ``max_depth`` counts nested Seglam calls, lambdas included)."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.limits import Limits
from tests.compiled.agree import disagreements_at_every_depth_and_budget, outcomes
from tests.compiled.stubcheck import stub_check
from seglam.run.compiled import CompiledBackend
from seglam.run.evaluator import ReferenceBackend
from seglam.run.faults import Fault

HEADER = "from dataclasses import dataclass\nfrom typing import Callable\nfrom functools import reduce\n\n"

PROGRAMS = {
    # a lambda made in main, called in a helper: one level deeper than the helper
    "lambda called in a helper": ("""
def apply(f: Callable[[int], int], x: int) -> int:
    return f(x)

def main(x: int) -> int:
    return apply(lambda v: v + 1, x)
""", (4,)),
    # a def passed as a value, called two levels down
    "def passed down": ("""
def neg(v: int) -> int:
    return -v

def apply(f: Callable[[int], int], x: int) -> int:
    return f(x)

def twice(f: Callable[[int], int], x: int) -> int:
    return apply(f, apply(f, x))

def main(x: int) -> int:
    return twice(neg, x) + twice(lambda v: v * 2, x)
""", (3,)),
    # a sort key made and used in a helper: a level below the helper
    "key in a helper": ("""
def order(xs: list[int]) -> list[int]:
    return sorted(xs, key=lambda v: (v % 3, -v))

def main(n: int) -> int:
    return order(list(range(n)))[0]
""", (5,)),
    # a key handed from main to a helper that sorts: as deep as the helper's call of sorted
    "key handed to a helper": ("""
def order(xs: list[int], key: Callable[[int], int]) -> list[int]:
    return sorted(xs, key=key)

def main(n: int) -> int:
    return order(list(range(n)), lambda v: -v)[0] + order([3, 1, 2], abs)[0]
""", (4,)),
    # a closure returned and called by the caller, a lambda in a lambda
    "returned closure": ("""
def adder(k: int) -> Callable[[int], int]:
    return lambda v: (lambda w: w + k)(v) * 2

def main(x: int) -> int:
    f = adder(x)
    return f(1) + f(2)
""", (3,)),
    # a table of operations in a module constant, used from a helper (a second run too)
    "constant table": ("""
OPS = {"+": lambda a, b: a + b, "*": lambda a, b: a * b, "max": max}

def calc(op: str, a: int, b: int) -> int:
    return OPS[op](a, b)

def main(x: int) -> int:
    return calc("+", x, 1) + calc("*", x, x) + calc("max", x, 7)
""", (3,)),
    # a record with a function field, called as r.f(...)
    "record field": ("""
@dataclass(frozen=True)
class Op:
    name: str
    f: Callable[[int, int], int]

STEPS = [Op("add", lambda a, b: a + b), Op("sub", lambda a, b: a - b)]

def run(ops: list[Op], x: int) -> int:
    for op in ops:
        x = op.f(x, 3)
    return x

def main(x: int) -> int:
    local = Op("mul", lambda a, b: a * b)
    return run(STEPS, x) + local.f(x, 2)
""", (5,)),
    # builtins, bound methods and stdlib callables as values and as arguments
    "builtins as values": ("""
def apply(f: Callable[[str], int], s: str) -> int:
    return f(s)

def main(n: int) -> int:
    d = {"a": 1, "bb": 2}
    words = ["ccc", "a", "bb"]
    by_len = sorted(words, key=len)
    by_d = sorted(["bb", "a"], key=d.get)
    pairs = sorted([(1, "b"), (0, "a")], key=str)
    f = len
    g = d.get
    total = reduce(lambda a, b: a + b, [len(w) for w in words], 0)
    cmp = sorted(words, key=str.upper)
    return apply(len, "abcd") + apply(f, by_len[0]) + (g("a") or 0) + len(by_d[0]) + pairs[0][0] + total + len(cmp[0]) + n
""", (2,)),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_function_value_is_as_deep_as_its_call_and_charges_it(name: str):
    body, args = PROGRAMS[name]
    assert disagreements_at_every_depth_and_budget(HEADER + body, args, range(1, 8)) == []


def test_a_constants_lambda_charges_every_run_that_calls_it_not_the_first():
    """A module constant is evaluated once; its lambdas charge each later run as the first
    (they were bound to the context that evaluated the constant: a later run's fuel did
    not count them, and a run with fuel for one step got the answer)."""
    prog = seglam.compile(HEADER + PROGRAMS["constant table"][0])
    first = prog.run("main", (3,), backend="compiled")
    again = prog.run("main", (3,), backend="compiled")
    assert (first.value, first.fuel_used) == (again.value, again.fuel_used) \
        == (prog.run("main", (3,), backend="reference").value, prog.run("main", (3,), backend="reference").fuel_used)
    with pytest.raises(Fault) as fault:
        prog.run("main", (3,), backend="compiled", limits=Limits(fuel=first.fuel_used - 1))
    assert fault.value.code == "F-FUEL"


def test_a_records_function_field_is_called_not_looked_up_as_a_method():
    prog = seglam.compile(HEADER + PROGRAMS["record field"][0])
    assert prog.run("main", (5,), backend="compiled").value == prog.run("main", (5,), backend="reference").value == 15


@pytest.mark.parametrize("name", ["lambda called in a helper", "def passed down", "key handed to a helper",
                                  "returned closure", "constant table"])
def test_without_static_types_function_values_are_told_apart_at_run_time(name: str):
    """The backend never relies on static types for correctness: with none, a call of a
    value and a value handed to a builtin find out at run time whether it takes a depth."""
    body, args = PROGRAMS[name]
    checked = stub_check(HEADER + body, "untyped.sgl")
    for depth in (1, 2, 3, 4, 6):
        got = []
        for backend in (CompiledBackend(checked, "untyped.sgl"), ReferenceBackend(checked, "untyped.sgl")):
            try:
                got.append(backend.run("main", args, {}, Limits(max_depth=depth)).value)
            except Fault as fault:
                got.append(fault.code)
        assert got[0] == got[1], (depth, got)
