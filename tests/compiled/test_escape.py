"""A list or set parameter kept as received (seglam/run/codegen/escape.py): charged on entry
but not copied; handed out as a frozen copy where it escapes once per call; passed on to the
function itself without a second charge. Which uses count as what, and that none of it is
observable: same value, fuel and faults as the reference backend at every budget, and the
caller's later changes never reach a value the callee kept (a lambda or a generator that
outlives the call included)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seglam
from seglam.run.codegen.escape import held_params
from seglam.run.faults import Fault
from seglam.run.limits import Limits
from seglam.syntax.lower import parse
from tests.compiled.agree import outcomes
from tests.compiled.passcheck import disagreements_at_every_budget

_BUILTINS = frozenset({"len", "sum", "min", "max", "sorted", "list", "tuple", "set", "any", "all", "zip", "enumerate",
                       "reversed", "range"})


def _held(source: str, name: str = "xs", returned: frozenset[str] = frozenset()):
    fn = parse(source).body[0]
    params = tuple(p.name for p in fn.params if p.name in ("xs", "ys"))
    locals_ = {p.name for p in fn.params}
    return held_params(fn, params, lambda n: n in _BUILTINS and n not in locals_, recursive=True, returned=returned)


READS = [
    "def f(xs: list[int]) -> int:\n    return xs[0] + len(xs)\n",
    "def f(xs: list[int]) -> int:\n    t = 0\n    for x in xs:\n        t += x\n    return t\n",
    "def f(xs: list[int]) -> list[int]:\n    return [x * 2 for x in xs if x in xs]\n",
    "def f(xs: list[int]) -> list[int]:\n    return xs[1:3]\n",
    "def f(xs: list[int]) -> bool:\n    return xs == [1] or 3 not in xs\n",
    "def f(xs: list[int]) -> int:\n    xs = [1, 2]\n    return len(xs)\n",
    "def f(xs: list[int]) -> int:\n    return sum(xs) + max(xs) + len(sorted(xs))\n",
    "def f(xs: list[int]) -> int:\n    return sum(x for x in xs)\n",
    "def f(xs: list[int]) -> list[int]:\n    return sorted(range(len(xs)), key=lambda i: xs[i])\n",
    "def f(xs: list[int]) -> int:\n    for i in range(3):\n        t = sum(xs)\n    return t\n",
    "def f(xs: list[int]) -> list[int]:\n    return [i * x for i, x in enumerate(reversed(xs))]\n",
    "def f(xs: list[int], n: int) -> int:\n    for a, b in zip(xs, range(n)):\n        t = a\n    return 0\n",
    "def f(xs: list[str]) -> str:\n    out = []\n    for i in range(2):\n        out.extend(xs)\n    return ','.join(xs)\n",
]


@pytest.mark.parametrize("source", READS)
def test_reads_keep_the_parameter_and_hand_nothing_out(source):
    held = _held(source)
    assert held.names == {"xs"} and not held.escapes and not held.passes


def test_two_escapes_keep_the_entry_copy():
    # two copies at the escapes would cost more than the entry's one (a main passing its
    # list to two helpers)
    held = _held("def f(xs: list[int]) -> int:\n    return g(xs) + h(xs)\n")
    assert not held.names
    held = _held("def f(xs: list[int]) -> list[int]:\n    if not xs:\n        return xs\n    return g(xs)\n")
    assert not held.names


ONCE = [
    "def f(xs: list[int]) -> list[int]:\n    return xs\n",
    "def f(xs: list[int]) -> list[int]:\n    if len(xs) < 2:\n        return xs\n    return xs[1:]\n",
    "def f(xs: list[int]) -> list[int]:\n    ys = xs\n    return ys\n",
    "def f(xs: list[int]) -> list[list[int]]:\n    return [xs]\n",
    "def f(xs: list[int]) -> list[tuple[int, int]]:\n    return list(enumerate(xs))\n",
    "def f(xs: list[int]) -> int:\n    return g(xs)\n",
    "def f(xs: list[int]) -> int:\n    return xs.count(1)\n",
    "def f(xs: list[int], ys: list[int]) -> list[int]:\n    return max(xs, ys)\n",
    "def f(xs: list[int]) -> list[int]:\n    return sorted(xs, key=lambda x: -x) if xs else [*xs]\n",
    "def f(xs: list[int]) -> list[int]:\n    while xs and not xs:\n        assert xs or [x for x in xs if xs]\n    return xs\n",
]


@pytest.mark.parametrize("source", ONCE)
def test_an_escape_run_once_per_call_hands_out_a_frozen_copy(source):
    held = _held(source)
    assert "xs" in held.names and len(held.escapes) >= 1 and not held.passes


RETURNED = [
    "def f(xs: list[int]) -> list[int]:\n    return xs\n",
    "def f(xs: list[int]) -> list[int]:\n    if len(xs) < 2:\n        return xs\n    return xs[1:]\n",
    "def f(xs: list[int]) -> list[int]:\n    return xs if xs == sorted(xs) else sorted(xs)\n",
    "def f(xs: list[int], n: int) -> list[int]:\n    if n == 0:\n        return xs\n    return f(xs, n - 1)\n",
    "def f(xs: list[int], n: int) -> list[int]:\n    return xs if n == 0 else f(xs, n - 1)\n",
]


@pytest.mark.parametrize("source", RETURNED)
def test_a_parameter_returned_as_the_return_value_goes_back_as_received(source):
    # SPEC section 7: a call's frozen copy of an argument goes back as the caller's object;
    # a held parameter is that object (or the copy the caller passed on, frozen)
    held = _held(source, returned=frozenset({"xs"}))
    assert held.names == {"xs"} and not held.escapes


RETURNED_REFUSED = [
    # a frozen copy handed out could be the return value: the entry copies (and notes) it
    "def f(xs: list[int]) -> list[int]:\n    ys = xs\n    return ys\n",
    "def f(xs: list[int]) -> list[int]:\n    return g(xs)\n",
    "def f(xs: list[int], ys: list[int]) -> list[int]:\n    return max(xs, ys)\n",
    "def f(xs: list[int]) -> list[int]:\n    if not xs:\n        return xs\n    return g(xs)\n",
    # a pass whose value (the caller's held list) goes elsewhere than the return
    "def f(xs: list[int], n: int) -> list[int]:\n    if n == 0:\n        return xs\n    ys = f(xs, n - 1)\n"
    "    return ys[1:]\n",
]


@pytest.mark.parametrize("source", RETURNED_REFUSED)
def test_a_returned_parameter_with_an_escape_is_copied_on_entry(source):
    assert "xs" not in _held(source, returned=frozenset({"xs"})).names


REFUSED = [
    "def f(xs: list[int]) -> int:\n    xs[0] = 1\n    return 0\n",
    "def f(xs: list[int], ys: list[int]) -> int:\n    ys[xs[0]] = 1\n    return 0\n",
    "def f(xs: list[int]) -> list[list[int]]:\n    out = []\n    for i in range(2):\n        out.append(xs)\n    return out\n",
    "def f(xs: list[int]) -> list[list[int]]:\n    return [xs for _ in range(2)]\n",
    "def f(xs: list[int]) -> list[int]:\n    for i in range(2):\n        ys = xs or [1]\n    return ys\n",
    "def f(xs: list[int]) -> int:\n    xs = xs[1:]\n    return g(xs)\n",
    "def f(xs: list[int]) -> Callable[[int], int]:\n    return lambda i: len(xs) + i\n",
    "def f(xs: list[int]) -> list[list[int]]:\n    out = []\n    for i in range(2):\n        out.append(xs)\n    return out\n",
    "def f(xs: list[int]) -> Iterator[int]:\n    return (x + 1 for x in xs)\n",
    "def f(xs: list[int]) -> int:\n    def g() -> int:\n        return len(xs)\n    return g()\n",
    "def f(xs: list[int]) -> int:\n    return h(key=lambda i: xs[i])\n",
    "def f(xs: list[int], ys: list[int], i: int) -> int:\n    while i > 0:\n        i = f(xs, [1], i - 1)\n    return len(ys)\n",
]


@pytest.mark.parametrize("source", REFUSED)
def test_uses_that_may_outlive_or_repeat_keep_the_copy(source):
    assert "xs" not in _held(source).names


def test_a_self_call_passing_the_parameter_on_is_a_pass():
    held = _held("def f(xs: list[int], i: int) -> int:\n    if i >= len(xs):\n        return 0\n"
                 "    return xs[i] + f(xs, i + 1)\n")
    assert held.names == {"xs"} and len(held.passes) == 1 and not held.escapes


@pytest.mark.parametrize("call", ["f(xs=xs, i=i + 1)", "f(ys, i + 1, xs)", "f(xs[:], i + 1, ys)"])
def test_a_self_call_that_moves_or_names_the_argument_is_no_pass(call):
    source = f"def f(xs: list[int], i: int, ys: list[int]) -> int:\n    if i > 3:\n        return 0\n    return {call}\n"
    held = _held(source)
    assert not held.passes


def test_a_pass_carries_every_held_parameter():
    # ys is held and read, but the call gives its place another list: an escape of xs, not a pass
    source = ("def f(xs: list[int], ys: list[int]) -> int:\n    if len(ys) > 3:\n        return len(xs)\n"
              "    return f(xs, [1] + ys)\n")
    held = _held(source)
    assert held.names == {"xs", "ys"} and not held.passes and len(held.escapes) == 1


PROGRAMS = {
    "search": """
def find(xs: list[int], target: int) -> int:
    lo = 0
    hi = len(xs) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if xs[mid] == target:
            return mid
        if xs[mid] < target:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1


def main(n: int) -> list[int]:
    xs = [i * 2 for i in range(n)]
    out = [find(xs, q) for q in range(n)]
    xs.append(99)
    out.append(find(xs, 99))
    return out
""",
    "kept": """
def head(xs: list[int]) -> list[int]:
    return xs


def main(n: int) -> list[int]:
    xs = [i for i in range(n)]
    kept = head(xs)
    xs.append(99)
    return kept + [len(kept)]
""",
    "set": """
def hits(seen: set[int], xs: list[int]) -> int:
    return len([x for x in xs if x in seen])


def main(n: int) -> int:
    seen = {i * 3 for i in range(n)}
    xs = [i for i in range(n)]
    return sum(hits(seen, xs) for _ in range(3))
""",
    "passed": """
def sums(xs: list[int], i: int) -> list[int]:
    if i == len(xs):
        return [0]
    rest = sums(xs, i + 1)
    return rest + [s + xs[i] for s in rest]


def walk(xs: list[int], seen: set[int], i: int) -> list[int]:
    if i >= len(xs) or xs[i] in seen:
        return xs
    return walk(xs, seen, i + 1)


def main(n: int) -> int:
    xs = [(i * 7) % 5 for i in range(n)]
    kept = walk(xs, {9}, 0)
    xs.append(1)
    also = walk(xs, {1}, 0)
    return len(sums(xs, 0)) * 100 + len(kept) * 10 + len(also)
""",
    "returned": """
def merge_sort(xs: list[int]) -> list[int]:
    if len(xs) <= 1:
        return xs
    mid = len(xs) // 2
    left = merge_sort(xs[:mid])
    right = merge_sort(xs[mid:])
    out: list[int] = []
    i = 0
    j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    out.extend(left[i:])
    out.extend(right[j:])
    return out


def main(n: int) -> int:
    xs = [(i * 37) % 11 for i in range(n)]
    ys = merge_sort(xs)
    xs.append(5)
    return sum(ys) * 10 + len(ys)
""",
}

#: The parameter escapes in a lambda or a generator that outlives the call: the caller's
#: later change must not reach it (the reference copies on entry).
OUTLIVING = {
    "lambda": ("""
from typing import Callable


def f(xs: list[int]) -> Callable[[int], int]:
    return lambda i: len(xs) + i


def main(n: int) -> int:
    ys = [1, 2, 3]
    g = f(ys)
    ys.append(n)
    return g(0)
""", 3),
    "generator": ("""
from typing import Iterator


def f(xs: list[int]) -> Iterator[int]:
    return (x + 1 for x in xs)


def main(n: int) -> int:
    ys = [1, 2, 3]
    g = f(ys)
    ys.append(n)
    return sum(g)
""", 9),
    "returned": ("""
def f(xs: list[int]) -> list[int]:
    return xs


def main(n: int) -> int:
    ys = f([1, 2])
    ys.append(n)
    return len(ys)
""", 3),
    "wrapped": ("""
def f(xs: list[int]) -> list[list[int]]:
    return [xs]


def main(n: int) -> int:
    ys = f([1, 2])
    ys[0].append(n)
    return len(ys)
""", None),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
@pytest.mark.parametrize("n", [0, 1, 5, 12])
def test_same_value_and_fuel_as_the_reference(name, n):
    program = seglam.compile(PROGRAMS[name], filename=f"{name}.sgl")
    compiled = program.run("main", (n,), backend="compiled")
    reference = program.run("main", (n,), backend="reference")
    assert (compiled.value, compiled.fuel_used) == (reference.value, reference.fuel_used)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_same_outcome_as_the_reference_at_every_budget(name):
    program = seglam.compile(PROGRAMS[name], filename=f"{name}.sgl")
    assert disagreements_at_every_budget(program, "main", (6,)) == []


def _outcome(program, backend: str):
    try:
        return ("value", program.run("main", (5,), backend=backend).value)
    except Fault as fault:
        return ("fault", fault.code)


@pytest.mark.parametrize("name", sorted(OUTLIVING))
def test_a_value_that_outlives_the_call_does_not_see_the_callers_change(name):
    source, expected = OUTLIVING[name]
    program = seglam.compile(source, filename="outliving.sgl")
    compiled = _outcome(program, "compiled")
    assert compiled == _outcome(program, "reference")
    assert compiled == (("value", expected) if expected is not None else ("fault", "F-FROZEN"))


def test_a_returned_argument_is_the_callers_own_list():
    # as in CPython (SPEC section 7): head hands back the caller's xs, which it then changes
    program = seglam.compile(PROGRAMS["kept"], filename="kept.sgl")
    assert program.run("main", (3,)).value == [0, 1, 2, 99, 4]


def test_held_parameters_lose_their_copy_and_passes_their_second_charge():
    text = seglam.compile(PROGRAMS["search"] + PROGRAMS["passed"].replace("def main", "def main2"),
                          filename="p.sgl").python_source()

    def body(name):
        return text.split(f"def u_{name}(", 1)[1].split("\n    def ", 1)[0]

    assert "FrozenList" not in body("find") and "FrozenList" not in body("sums")
    assert "u_sums(h_d + 1, u_xs, u_i + 1, True)" in body("sums")
    assert "u_walk(h_d + 1, u_xs, u_seen, u_i + 1, True)" in body("walk")
    assert "frozen_copy" not in body("walk")  # its return hands back the list as received


HELD_CALLS = """
def total(xs: list[int], i: int) -> int:
    if i >= len(xs):
        return 0
    return xs[i] + total(xs, i + 1)


def firsts(xs: list[int], ys: list[int]) -> list[int]:
    if len(xs) <= 1:
        return xs
    return firsts(xs[1:], ys) + ys[:1]


def main(xs: list[int], ys: list[int]) -> int:
    kept = firsts(xs, ys)
    return total(xs, 0) + total(kept, 0) * 3 + len(kept) + len(firsts(ys, xs))
"""


@settings(max_examples=60, deadline=None)
@given(xs=st.lists(st.integers(-3, 3) | st.just(2 ** 70), max_size=12), ys=st.lists(st.integers(-9, 9), max_size=6),
       fuel=st.integers(0, 400), cap=st.sampled_from([1, 3, 8, 1_000_000]))
def test_passes_and_escapes_agree_with_the_reference_whatever_the_limits(xs, ys, fuel, cap):
    limits = Limits(fuel=fuel, max_collection_len=cap)
    compiled, reference = outcomes(HELD_CALLS, "main", (xs, ys), limits)
    assert compiled == reference
